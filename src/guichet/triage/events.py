"""The journal event kinds of triage (French labels in core/event_labels.py)."""

MODEL_TRAINED = "triage.model_trained"
SUGGESTED = "triage.suggested"
CONFIRMED = "triage.confirmed"
CORRECTED = "triage.corrected"
THRESHOLD_CHANGED = "triage.threshold_changed"
