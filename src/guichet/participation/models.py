"""The participation app's tables."""
