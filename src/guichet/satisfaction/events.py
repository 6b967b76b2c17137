"""The journal kinds this app appends."""

SURVEY_OPENED = "satisfaction.survey_opened"
# payload exactly {"resolved": bool, "score": int}: the journeys engine reads it (docs/journeys.md)
ANSWERED = "satisfaction.answered"
SETTINGS_CHANGED = "satisfaction.settings_changed"
