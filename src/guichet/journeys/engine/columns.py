"""The standard column names of event-log files (XES concepts) and how they map to ours."""

from __future__ import annotations

CASE_ID, ACTIVITY, TIMESTAMP, RESOURCE = (
    "case:concept:name",
    "concept:name",
    "time:timestamp",
    "org:resource",
)
REQUIRED = (CASE_ID, ACTIVITY, TIMESTAMP)
CHANNEL = "channel"

# Event columns Guichet adds to its exports so a re-imported export keeps every irritant.
GUICHET_EVENT_COLUMNS = {
    "guichet:kind": "kind",
    "guichet:state": "state",
    "guichet:source_state": "source_state",
    "guichet:visible": "visible",
    "guichet:person": "person_id",
    "guichet:authority": "authority",
    "guichet:team": "team",
    "guichet:satisfaction_resolved": "satisfaction_resolved",
    "guichet:satisfaction_score": "satisfaction_score",
}

# Case attributes (`case:*`) that are segments or deadlines; the first name found wins.
CASE_COLUMNS = {
    "category": ("case:category",),
    "channel": ("case:channel",),
    "service": ("case:service",),
    "team": ("case:team",),
    "authority": ("case:authority",),
    "commune": ("case:commune",),
    "due_at": ("case:due_at", "case:deadline"),
    "received_at": ("case:received_at",),
}
CASE_DATES = ("due_at", "received_at")
