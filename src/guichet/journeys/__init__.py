"""Journey analytics: the journal read as a process-mining event log (see docs/journeys.md)."""
