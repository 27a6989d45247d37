"""MegaCase: data subject request case management for Mega Security."""

__version__ = "0.1.0"
