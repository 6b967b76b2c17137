"""Every write on participation, one module per concern (one transaction, one event each)."""
