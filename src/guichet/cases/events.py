"""The journal kinds this app appends (the activities of the process-mining log)."""

RECEIVED = "request.received"
STATUS_CHANGED = "request.status_changed"
ASSIGNED = "request.assigned"
HANDED_OFF = "request.handed_off"
MESSAGE_SENT = "request.message_sent"  # an agent writes to the person
PERSON_REPLIED = "request.person_replied"  # the person writes back
NOTE_ADDED = "request.note_added"  # internal, never shown to the person
CONTACT_RECORDED = "request.contact_recorded"  # "where is my file?" on any channel
LINKED = "request.linked"
ATTACHMENTS_ADDED = "request.attachments_added"
REQUALIFIED = "cases.request-requalified"  # moved to another service (ADR 0028)
MERGED = "cases.request-merged"  # a duplicate merged into its parent (cases/actions/duplicates.py)
UNMERGED = "cases.request-unmerged"  # the merge undone: handled on its own again
MOVED_TO_VERSION = "request.moved_to_version"  # onto a new version of its service (issue 15)

# What the person sees on the tracking page, in their words.
PUBLIC_LABELS = {
    RECEIVED: "Demande reçue",
    STATUS_CHANGED: "Changement d'état",
    HANDED_OFF: "Demande transmise",
    REQUALIFIED: "Demande orientée vers le bon service",
    MESSAGE_SENT: "Message de l'administration",
    PERSON_REPLIED: "Votre réponse",
    ATTACHMENTS_ADDED: "Pièces ajoutées au dossier",
    MERGED: "Demande regroupée avec un signalement identique",
    UNMERGED: "Demande de nouveau traitée séparément",
}
