"""Integrity of the register: the chain's head kept outside the database (anchors),
the current rows checked against the events that set them (state), and the one
verification that runs both with the hash chain."""
