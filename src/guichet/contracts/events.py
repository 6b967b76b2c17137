"""The journal kinds of the contracts app (their French labels: core/event_labels.py)."""

CONTRACT_CREATED = "contracts.contract-created"
CONTRACT_CHANGED = "contracts.contract-changed"
COMMENT_ADDED = "contracts.comment-added"
DISAGREEMENT_RECORDED = "contracts.disagreement-recorded"
REPORT_REQUESTED = "contracts.report-requested"
REPORT_FINISHED = "contracts.report-finished"
