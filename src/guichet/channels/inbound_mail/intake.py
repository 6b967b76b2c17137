"""From raw bytes to a written outcome: a message on a request, a request to qualify, or
quarantine. The decision table is in docs/inbound-mail.md.

`ingest()` never raises because of what the e-mail contains: every e-mail ends as one
`InboundMail` row (accepted or quarantined, with a French reason) plus, when accepted, the
message or request it became, in one transaction. Only an unavailable database makes it
raise, and the SMTP server then answers "try again later" (451) so nothing is lost.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from guichet.authorities.models import Authority
from guichet.cases import actions as cases
from guichet.cases.models import Request
from guichet.cases.workflow import IllegalTransition
from guichet.catalogue import actions as catalogue
from guichet.catalogue.models import Category, Level, Service
from guichet.channels.actions import record_inbound_mail
from guichet.channels.inbound_mail import read_bounce, rules
from guichet.channels.inbound_mail.parsing import ParsedMail, parse
from guichet.channels.models import InboundMail
from guichet.core.journal import Actor
from guichet.core.plurals import ngettext
from guichet.people import actions as people
from guichet.people import selectors as people_selectors
from guichet.people.models import Identity, Person, Verification

log = logging.getLogger(__name__)

ACTOR = Actor.system("courriel entrant")
TRIAGE_SERVICE = "courriel-a-qualifier"
TRIAGE_CATEGORY = "nous-contacter"

# What a person can do about a refusal: these errors are reasons, not crashes.
_REFUSALS = (
    cases.IntakeError,
    cases.AttachmentError,
    IllegalTransition,
    people.IdentifierError,
    people.PeopleError,
    ValidationError,
)


def ingest(
    raw: bytes, *, envelope_from: str | None = None, recipients: list[str] | None = None
) -> InboundMail:
    """Turn one received e-mail into its outcome (see the module docstring).

    `envelope_from` is the SMTP MAIL FROM ("" for a bounce, None when unknown as in a
    Maildir); `recipients` the SMTP RCPT TO addresses, trusted before the headers.
    """
    mail = parse(raw)
    addressed = _unique([r.lower() for r in recipients or []] + mail.recipients)
    context = {"raw": raw, "envelope_from": envelope_from or "", "recipients": addressed}
    reason = rules.refusal(mail, envelope_from=envelope_from)
    bounce = reason and rules.is_bounce(mail, envelope_from=envelope_from)
    if bounce and (bounced := read_bounce(raw)):
        reason += ngettext(
            " %(n)d notification marquée « rejeté par le destinataire ».",
            " %(n)d notifications marquées « rejeté par le destinataire ».",
            bounced,
        ) % {"n": bounced}
    if reason:
        return _quarantine(mail, reason, **context)
    try:
        with transaction.atomic():
            return _file(mail, addressed, context)
    except _REFUSALS as refused:
        return _quarantine(mail, _french(refused), **context)
    except Exception:
        log.exception("inbound e-mail %r could not be filed", mail.message_id)
        return _quarantine(
            mail, "Erreur interne pendant le traitement : courriel gardé pour un agent.", **context
        )


def _file(mail: ParsedMail, addressed: list[str], context: dict[str, Any]) -> InboundMail:
    request = _request_named(mail, addressed)
    if request is not None:
        person = people_selectors.resolve(request.person)
        if not _writes_as(person, mail.sender):
            # Knowing a reference is not enough to write in someone's file: an agent decides.
            return _quarantine(
                mail,
                f"L'expéditeur n'est pas l'usager de la demande {request.reference} : "
                "rien n'a été ajouté à la demande.",
                authority=request.authority,
                **context,
            )
        cases.receive_email_reply(
            request=request, actor=Actor.person(person), body=mail.body, files=_uploads(mail)
        )
        return record_inbound_mail(
            actor=ACTOR, status=InboundMail.Status.ACCEPTED, outcome=InboundMail.Outcome.REPLY,
            reason=f"Réponse ajoutée à la demande {request.reference}.",
            request=request, person=person, authority=request.authority, **_described(mail, context),
        )  # fmt: skip
    authority = _authority_for(addressed)
    if authority is None:
        return _quarantine(
            mail,
            "Aucune collectivité ne correspond à l'adresse du destinataire "
            f"({', '.join(addressed) or 'inconnue'}).",
            **context,
        )
    filed = cases.file_email_for_triage(
        service=_triage_service(), authority=authority, applicant=_applicant(mail),
        registrar=ACTOR, subject=mail.subject, body=mail.body, sender=mail.sender,
        files=_uploads(mail),
    )  # fmt: skip
    return record_inbound_mail(
        actor=ACTOR, status=InboundMail.Status.ACCEPTED, outcome=InboundMail.Outcome.NEW_REQUEST,
        reason=f"Nouvelle demande à qualifier {filed.reference}.",
        request=filed, person=filed.person, authority=authority, **_described(mail, context),
    )  # fmt: skip


def _quarantine(mail: ParsedMail, reason: str, *, authority=None, **context) -> InboundMail:
    return record_inbound_mail(
        actor=ACTOR, status=InboundMail.Status.QUARANTINED, reason=reason, authority=authority,
        **_described(mail, context),
    )  # fmt: skip


def record_rejection(*, reason: str, envelope_from: str, recipients: list[str]) -> InboundMail:
    """An e-mail refused at SMTP level (never received in full, so nothing else is known)."""
    return record_inbound_mail(
        actor=ACTOR, status=InboundMail.Status.REJECTED, reason=reason,
        envelope_from=envelope_from, recipients=[r.lower() for r in recipients], raw=None, size=0,
    )  # fmt: skip


def _described(mail: ParsedMail, context: dict[str, Any]) -> dict[str, Any]:
    return {
        "raw": context["raw"],
        "envelope_from": context["envelope_from"],
        "recipients": context["recipients"],
        "sender": mail.sender,
        "subject": mail.subject,
        "message_id": mail.message_id,
    }


def _request_named(mail: ParsedMail, addressed: list[str]) -> Request | None:
    """The request the reply address or, failing that, the subject names (if it exists)."""
    for reference in rules.reply_references(addressed) + rules.references_in(mail.subject):
        found = Request.objects.select_related("person", "authority").filter(reference=reference)
        if request := found.first():
            return request
    return None


def _writes_as(person: Person, sender: str) -> bool:
    try:
        address = people.normalise_identity(Identity.Kind.EMAIL, sender)
    except people.IdentifierError:
        return False
    return Identity.objects.filter(
        person=person, kind=Identity.Kind.EMAIL, value=address, provider=""
    ).exists()


def _authority_for(addressed: list[str]) -> Authority | None:
    """The authority named by a recipient's local part (`sceaux@…`), else the default one."""
    slugs = rules.authority_slugs(addressed)
    by_slug = {a.slug: a for a in Authority.objects.filter(slug__in=slugs, is_active=True)}
    for slug in slugs:
        if slug in by_slug:
            return by_slug[slug]
    default = getattr(settings, "GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY", "")
    if default:
        return Authority.objects.filter(slug=default, is_active=True).first()
    return None


def _applicant(mail: ParsedMail) -> people.Applicant:
    """The person whose verified e-mail sent this, else who the sender says they are.

    A From header proves little, but linking a new request to the address's verified owner
    shows the stranger nothing: answers go to that owner's mailbox, and an agent qualifies
    the request. A merely declared match is left to `find_or_create_person` (through the
    filing), which files a duplicate suspicion rather than guess.
    """
    address = people.normalise_identity(Identity.Kind.EMAIL, mail.sender)
    owner = (
        Person.objects.filter(
            identities__kind=Identity.Kind.EMAIL,
            identities__value=address,
            identities__provider="",
            identities__verification__gt=Verification.DECLARED,
        )
        .order_by("pk")
        .first()
    )
    if owner is not None:
        return people.Applicant(person=owner)
    first, _, last = mail.sender_name.strip().strip("\"'").rpartition(" ")
    return people.Applicant(email=address, first_name=first[:120], last_name=last[:120])


def _triage_service() -> Service:
    """The unpublished service e-mails are filed under, created the first time it is needed."""
    service = Service.objects.filter(slug=TRIAGE_SERVICE).first()
    if service is not None:
        return service
    category = Category.objects.filter(slug=TRIAGE_CATEGORY).first() or Category.objects.first()
    if category is None:
        raise IllegalTransition("Le catalogue des services n'est pas chargé.")
    return catalogue.save_service(
        service=Service(slug=TRIAGE_SERVICE), actor=ACTOR, name="Courriel à qualifier",
        kind=Service.Kind.INTERACTIVE, category=category, level=Level.COMMUNAL,
        summary="Un courriel reçu à l'adresse de la collectivité, à orienter par un agent.",
        channels=["email"], sla_working_days=5, is_active=False,
        form_definition=[
            {"name": "objet", "label": "Objet", "type": "short_text", "required": True},
            {"name": "message", "label": "Message", "type": "long_text", "required": True},
            {"name": "expediteur", "label": "Adresse de l'expéditeur", "type": "email"},
            # Filled by the e-mail's attachments (stored under this field name), so the request
            # page lists them like a form's files.
            {"name": "pieces_jointes", "label": "Pièces jointes", "type": "file", "max_files": 5},
        ],
    )  # fmt: skip


def _uploads(mail: ParsedMail) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(a.filename, a.data, a.content_type) for a in mail.attachments]


def _french(refused: Exception) -> str:
    errors = getattr(refused, "errors", None)
    if isinstance(errors, dict):
        return " ".join(m for messages in errors.values() for m in messages)
    messages = getattr(refused, "messages", None)
    if isinstance(messages, list):
        return " ".join(str(m) for m in messages)
    return str(refused)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
