"""The authority's open-data page (/agents/donnees/): what to publish, what will be public,
the publication runs (ADR 0037)."""
