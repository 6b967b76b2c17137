"""The event kinds this app appends to the journal."""

AUTHORITY_CREATED = "authority.created"
TEAM_CREATED = "authority.team_created"
AGENT_ADDED = "authority.agent_added"
COMPETENCE_TRANSFERRED = "competence.transferred"
COMPETENCE_DELEGATED = "competence.delegated"
COMPETENCE_ASSIGNMENT_ENDED = "competence.assignment_ended"
