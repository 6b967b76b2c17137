"""The contracts app's tables."""
