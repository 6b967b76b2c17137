"""What arrives by e-mail: a person's answer on their request, or a request to qualify.

Unlike the portal, an e-mail cannot be sent back to be corrected: its attachments are checked
one by one, the acceptable ones kept, the others listed in the text (never fatal).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction

from guichet.authorities.models import Authority
from guichet.cases import events
from guichet.cases.actions._common import (
    LOOSE_FILES,
    Checked,
    append,
    lock,
    store_files,
)
from guichet.cases.actions.conversation import reply_as_person
from guichet.cases.actions.intake import (
    Filing,
    IntakeError,
    _validated_form,
    file_request,
    write_filing,
)
from guichet.cases.models import Message, Request
from guichet.cases.routing import route
from guichet.cases.workflow import workflow_for
from guichet.catalogue.free_text import DESCRIPTION_MAX, triage_service
from guichet.catalogue.models import Service
from guichet.catalogue.uploads import clean_uploads
from guichet.core.journal import Actor
from guichet.people.actions import Applicant
from guichet.territory.models import Commune

EMAIL = "email"
MAX_TEXT = 5000  # what a message holds (see conversation._body)


def check_tolerantly(files: list[Any]) -> tuple[Checked, list[str]]:
    """Each attachment checked alone: the acceptable ones, and a French line per refusal."""
    checked: Checked = []
    refused: list[str] = []
    for upload in files:
        if len(checked) >= LOOSE_FILES.max_files:
            refused.append(
                f"Le fichier « {upload.name} » n'a pas été gardé : au plus "
                f"{LOOSE_FILES.max_files} pièces jointes par courriel."
            )
            continue
        descriptions, errors = clean_uploads(LOOSE_FILES, [upload])
        if errors:
            refused.extend(errors)
        else:
            checked.append((upload, descriptions[0]))
    return checked, refused


def _text(body: str, refused: list[str], limit: int = MAX_TEXT) -> str:
    """The message text, with the refused attachments listed and cut to what a message (or
    the triage form's field) holds."""
    text = (body or "").strip() or "(Courriel sans texte.)"
    note = ""
    if refused:
        note = "\n\nPièces jointes non gardées :\n" + "\n".join(f"- {r}" for r in refused)
    room = limit - len(note)
    if len(text) > room:
        text = text[: room - 40].rstrip() + "\n[… courriel tronqué, original conservé]"
    return (text + note)[:limit]


def _field_limit(service: Service, name: str) -> int:
    """What the service's form field `name` holds (a message's length when it sets none)."""
    found = next((f for f in service.form.fields if f.name == name), None)
    return min(MAX_TEXT, getattr(found, "max_length", None) or MAX_TEXT)


@transaction.atomic
def receive_email_reply(
    *, request: Request, actor: Actor, body: str, files: list[Any] | None = None
) -> Message:
    """The person wrote by e-mail about their request.

    While the request is open this is `reply_as_person` (a request waiting for them goes back
    to the agents). Once it is finished the message still lands, without moving the request:
    a "thank you" must not reopen a file, and an agent reading it decides.
    """
    checked, refused = check_tolerantly(files or [])
    text = _text(body, refused)
    request = lock(request)
    state = workflow_for(request).state(request.state)
    if state.public_status in ("ongoing", "action_needed"):
        return reply_as_person(
            request=request, actor=actor, body=text,
            files=[upload for upload, _ in checked], channel=EMAIL,
        )  # fmt: skip
    message = Message.objects.create(
        request=request, author_type=Message.Author.PERSON, body=text, channel=EMAIL
    )
    store_files(request, checked, message=message)
    append(
        events.PERSON_REPLIED, request, actor, visible=True, channel=EMAIL,
        message=message.pk, source=state.name, target=state.name, after_end=True,
    )  # fmt: skip
    return message


def file_email_for_triage(
    *,
    service: Service,
    authority: Authority,
    applicant: Applicant,
    registrar: Actor,
    subject: str,
    body: str,
    sender: str,
    files: list[Any] | None = None,
    received_at: datetime | None = None,
) -> Request:
    """A new request from an e-mail sent to `authority`'s address, waiting to be qualified.

    The authority is the one the e-mail was addressed to (the competence map needs a place,
    which an e-mail rarely gives), its routing rules pick the team; the place is the
    authority's commune, if it is one. `service` is the triage service, unpublished so the
    portal never offers it. The sender's record is found or created by `registrar` in the
    same transaction as the request (`intake.write_filing`, the path every filing takes).
    Raises IntakeError (French) before anything is written.
    """
    checked, refused = check_tolerantly(files or [])
    form_data = {
        "objet": " ".join((subject or "").split())[:200] or "(sans objet)",
        "message": _text(body, refused, _field_limit(service, "message")),
        "expediteur": sender[:254],
    }
    errors: dict[str, list[str]] = {}
    if not service.accepts_requests:
        errors["service"] = ["Ce service ne permet pas de déposer une demande."]
    if not authority.is_active:
        errors["authority"] = [f"{authority.name} n'est pas active sur la plateforme."]
    cleaned = _validated_form(service, form_data, None, errors)
    if errors:
        raise IntakeError(errors)
    applicant.check()
    category = applicant.expected_category
    destination = route(
        service=service, commune=None, authority=authority,
        person_category=category, form_data=cleaned,
    )  # fmt: skip
    plan = Filing(
        service=service, channel=EMAIL, cleaned=cleaned, destination=destination,
        category=category, commune=authority.commune, received_at=received_at,
        files=[("pieces_jointes", checked)],
        payload={"routed_by": "inbound_address", "refused_attachments": len(refused)},
    )  # fmt: skip
    return write_filing(plan, applicant, actor=None, registrar=registrar)


def file_free_text(
    *,
    applicant: Applicant,
    channel: str,
    description: str,
    actor: Actor | None = None,
    registrar: Actor | None = None,
    authority: Authority | None = None,
    commune: Commune | None = None,
    address: str = "",
    sender: str = "",
    filed_by: Any = None,
    may_file_for: Callable[[Authority], bool] | None = None,
    received_at: datetime | None = None,
) -> Request:
    """A request described in free text, its service unknown: filed through `file_request`
    under the triage service (`catalogue.free_text`), where the triage suggests or picks the
    service after commit (ADR 0028). `authority` is the one it was addressed to (an SMS
    number, an agent's counter); without it the competence map picks the commune's authority.
    Raises IntakeError (French) before anything is written."""
    text = (description or "").replace("\x00", "").strip()
    if not text:
        raise IntakeError({"description": ["Décrivez votre demande."]})
    form_data = {"description": text[:DESCRIPTION_MAX]}
    if address.strip():
        form_data["adresse"] = " ".join(address.split())[:300]
    if sender.strip():
        form_data["expediteur"] = sender.strip()[:254]
    if authority is not None and commune is None:
        commune = authority.commune
    return file_request(
        service=triage_service(), applicant=applicant, channel=channel, actor=actor,
        registrar=registrar, form_data=form_data, commune=commune,
        address=form_data.get("adresse", ""), filed_by=filed_by, may_file_for=may_file_for,
        received_at=received_at, authority=authority,
    )  # fmt: skip
