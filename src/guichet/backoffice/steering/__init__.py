"""Steering pages (/agents/pilotage/): elected officials' briefings, emerging topics,
comparisons per 1,000 inhabitants and silent demand (issue 20, ADR 0039)."""
