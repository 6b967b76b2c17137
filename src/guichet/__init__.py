"""Guichet: the citizen-relationship platform for French local authorities."""

__version__ = "0.1.0"
