"""The opinion map (Pol.is-style): computation, stored results, reads."""
