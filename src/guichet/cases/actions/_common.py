"""What the request actions share: locking, journal entries, stored files."""

from __future__ import annotations

from typing import Any

from guichet.cases.deadlines import compute_due_at
from guichet.cases.models import Attachment, Message, Request
from guichet.cases.workflow import ACTION_NEEDED, DONE, ONGOING, PAUSED, STOPPED, State, Workflow
from guichet.catalogue.formdef import FileField
from guichet.catalogue.uploads import clean_uploads, uploaded_list
from guichet.core import clock, journal
from guichet.core.journal import Actor
from guichet.core.models import Event

# Attachments outside forms (messages, scanned letters): documents and photos, 10 MB each.
LOOSE_FILES = FileField(
    name="pieces_jointes", label="Pièces jointes", type="file", max_files=5, max_size_mb=10
)


class AttachmentError(ValueError):
    """Files refused before anything was written (French messages)."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__(" ".join(messages))


def lock(request: Request) -> Request:
    """Re-read `request` under a row lock held until the surrounding transaction commits."""
    # `of=("self",)`: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to
    # the commune, and only the request's row needs locking anyway.
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("service", "commune__departement")
        .get(pk=request.pk)
    )


def append(
    kind: str,
    request: Request,
    actor: Actor,
    *,
    visible: bool,
    channel: str = "",
    known: dict[str, Any] | None = None,
    **payload: Any,
) -> Event:
    """One journal event on `request`; `known` goes to in-transaction listeners (journal)."""
    return journal.append(
        known=known,
        kind=kind,
        actor=actor,
        channel=channel,
        authority_id=request.authority_id,
        person_id=request.person_id,
        case=request,
        visible_to_person=visible,
        payload=payload,
    )


Checked = list[tuple[Any, dict[str, Any]]]  # (upload, its checked description)


def check_loose_files(files: Any) -> Checked:
    """Check attachments given outside a form; raise AttachmentError before any write."""
    uploads = uploaded_list(files)
    if not uploads:
        return []
    descriptions, errors = clean_uploads(LOOSE_FILES, uploads)
    if errors:
        raise AttachmentError(errors)
    return list(zip(uploads, descriptions, strict=True))


def store_files(
    request: Request,
    checked: Checked,
    *,
    field_name: str = "",
    message: Message | None = None,
    internal: bool = False,
) -> list[Attachment]:
    """Save already-checked uploads on disk and as rows (type from the checked content)."""
    stored = []
    for upload, description in checked:
        upload.seek(0)
        attachment = Attachment(
            request=request, message=message, original_name=description["name"],
            content_type=description["content_type"], size=description["size"],
            field_name=field_name, is_internal=internal,
        )  # fmt: skip
        attachment.file.save(description["name"], upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def mirror_status(parent_status: str) -> str:
    """The public status a merged child shows for its parent's: the same, except that the
    parent waiting for its own person is, for the child's person, simply in progress."""
    return ONGOING if parent_status == ACTION_NEEDED else parent_status


def apply_state(
    request: Request, workflow: Workflow, target_name: str, *, source: State | None = None
) -> None:
    """Put `request` in `target_name` with everything that follows from it, then save.

    The deadline clock: entering a paused state (waiting for the user) opens a pause and
    drops the due date; leaving it closes the pause and recomputes the due date in French
    working days. Timestamps: `resolved_at` when the outcome is reached, `closed_at` on
    closure, both cleared when the request is reopened. Requests merged into this one mirror
    its new public status. `source` is the state left when it
    belongs to another workflow (a request moved onto a new version of its service).
    """
    source = source or workflow.state(request.state)
    target = workflow.state(target_name)
    now, public_status_before = clock.now(), request.public_status
    if source.clock == PAUSED and target.clock != PAUSED and request.paused_since:
        request.pauses = [*request.pauses, [request.paused_since.isoformat(), now.isoformat()]]
        request.paused_since = None
    if target.clock == PAUSED and request.paused_since is None:
        request.paused_since = now
    if target.clock == STOPPED:
        if target.public_status == DONE and request.resolved_at is None:
            request.resolved_at = now
        if target.name == "closed":
            request.closed_at = now
    else:
        request.resolved_at = request.closed_at = None
    request.state, request.public_status = target.name, target.public_status
    request.due_at = compute_due_at(request)
    request.save()
    if public_status_before != target.public_status:
        # Requests merged into this one show its progress (cases/actions/duplicates.py), in
        # this transaction and without an event of their own: their persons follow this one.
        Request.objects.filter(duplicate_of_id=request.pk).update(
            public_status=mirror_status(target.public_status), updated_at=now
        )
