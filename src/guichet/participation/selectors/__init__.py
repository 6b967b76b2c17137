"""Reads for the consultations' and ideas' pages, split by concern."""
