"""What leaves the building: the QBR deck, the executive brief, and the charts both draw."""
