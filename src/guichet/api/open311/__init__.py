"""Open311 GeoReport v2: the standard API for reports about public space (docs/open311.md)."""
