"""One folder per sign-in provider; each registers itself (see `identity.apps`)."""
