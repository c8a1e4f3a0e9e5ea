"""The deterministic demo portfolio loaded into an empty database."""
