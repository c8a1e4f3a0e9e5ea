"""One account's plan: its record, canvas sections, buying centre, white space, handshake, executive
engagement, merge.
"""
