"""Who may change what (roles, the acting person) and the record of every change (audit)."""
