"""A person's requests in their data export (people.rights.export): each request with its
form answers, its timeline (every journal event, those not shown to the person marked
internal), its messages (internal notes marked) and its attachments as files."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from guichet.cases.models import Attachment, Follower, Message, Request
from guichet.core.models import Event
from guichet.people.rights.export import Collector, Section, event_out, register_section


def requests_section(collector: Collector) -> list[dict[str, Any]]:
    requests = list(
        Request.objects.filter(person_id__in=collector.person_ids)
        .select_related("service", "authority", "commune")
        .order_by("received_at", "pk")
    )
    ids = Request.objects.filter(person_id__in=collector.person_ids).values("pk")
    messages: dict[int, list[Message]] = defaultdict(list)
    for message in Message.objects.filter(request_id__in=ids).order_by("created_at", "pk"):
        messages[message.request_id].append(message)
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(request_id__in=ids).order_by("uploaded_at", "pk"):
        attachments[attachment.request_id].append(attachment)
    events: dict[int, list[Event]] = defaultdict(list)
    for event in Event.objects.filter(case_id__in=ids).order_by("occurred_at", "pk"):
        events[event.case_id].append(event)  # type: ignore[index]  # case_id set by filter
    return [
        {
            "reference": request.reference,
            "service": request.service.name,
            "collectivite": request.authority.name,
            "canal": request.channel,
            "objet": request.summary,
            "statut": request.get_public_status_display(),
            "etat": request.state,
            "reponses_au_formulaire": request.form_data,
            "adresse": request.address,
            "commune": request.commune.name if request.commune else None,
            "latitude": request.latitude,
            "longitude": request.longitude,
            "date_reception": request.received_at,
            "echeance": request.due_at,
            "date_resolution": request.resolved_at,
            "date_cloture": request.closed_at,
            "messages": [
                {
                    "le": message.created_at,
                    "auteur": "vous" if message.author_type == Message.Author.PERSON else "agent",
                    "canal": message.channel,
                    "interne": message.is_internal,
                    "texte": message.body,
                }
                for message in messages[request.pk]
            ],
            "pieces_jointes": [
                _attachment(collector, request, attachment)
                for attachment in attachments[request.pk]
            ],
            "historique": [event_out(event) for event in events[request.pk]],
        }
        for request in requests
    ]


def _attachment(collector: Collector, request: Request, attachment: Attachment) -> dict[str, Any]:
    path = collector.add_file(
        request.reference, f"{attachment.pk}-{attachment.original_name}", attachment.file
    )
    return {
        "nom": attachment.original_name,
        "type": attachment.content_type,
        "taille": attachment.size,
        "champ_du_formulaire": attachment.field_name,
        "interne": attachment.is_internal,
        "deposee_le": attachment.uploaded_at,
        "fichier": path,
    }


def followed_section(collector: Collector) -> list[dict[str, Any]]:
    """The reports the person follows (issue 16): only what anyone may know of them."""
    rows = (
        Follower.objects.filter(person_id__in=collector.person_ids)
        .select_related("request__service", "request__authority", "request__commune")
        .order_by("created_at", "pk")
    )
    return [
        {
            "reference": row.request.reference,
            "service": row.request.service.name,
            "collectivite": row.request.authority.name,
            "commune": row.request.commune.name if row.request.commune else None,
            "statut": row.request.get_public_status_display(),
            "suivi_depuis": row.created_at,
            "origine": row.get_source_display(),
        }
        for row in rows
    ]


register_section(
    Section(
        "signalements-suivis",
        "les signalements que vous suivez : leur référence, le service, la collectivité, leur "
        "statut et depuis quand vous les suivez (rien sur la personne qui les a faits).",
        followed_section,
        order=11,
    )
)

register_section(
    Section(
        "demandes",
        "vos demandes : le service, la collectivité, vos réponses au formulaire, l'adresse, les "
        "dates, l'historique du traitement, les messages échangés et la liste des pièces "
        "jointes (les fichiers sont dans pieces-jointes/<référence>/).",
        requests_section,
        order=10,
    )
)
