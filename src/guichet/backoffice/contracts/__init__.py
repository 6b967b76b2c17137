"""The operator's space and the authority's view of a delegation contract (/agents/pilotage/contrats/)."""
