"""The agents' back office: thin views (access → validate → act → render or redirect)."""
