"""The opendata app's tables."""
