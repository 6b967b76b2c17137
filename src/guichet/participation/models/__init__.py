"""The participation app's tables, one module per concern; each module is imported here."""
