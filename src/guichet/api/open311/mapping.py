"""Our catalogue and requests in GeoReport v2 words: services, definitions, service requests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from guichet.api.open311.formats import w3c
from guichet.cases import events
from guichet.cases.duplicates import duplicate_links
from guichet.cases.models import PublicStatus, Request
from guichet.catalogue.formdef import DESCRIPTION_LIMIT, parse_form_definition
from guichet.catalogue.models import Service
from guichet.catalogue.selectors import form_of_request
from guichet.core.plurals import ngettext

# Form field types → Open311 datatypes. Locations travel as lat/long, files as media: they are
# not attributes.
DATATYPES = {
    "short_text": "string",
    "email": "string",
    "phone": "string",
    "address": "string",
    "siret": "string",
    "rna": "string",
    "long_text": "text",
    "number": "number",
    "date": "datetime",
    "choice": "singlevaluelist",
    "checkbox": "singlevaluelist",
    "multiple_choice": "multivaluelist",
}
DATATYPE_HINTS = {
    "date": "Date au format ISO 8601 (AAAA-MM-JJ).",
    "number": "Nombre (séparateur décimal : point).",
    "email": "Adresse électronique.",
    "phone": "Numéro de téléphone.",
    "checkbox": "« true » pour oui, « false » pour non.",
    "siret": "Numéro SIRET de l'établissement : 14 chiffres, sans espace (clé de Luhn vérifiée).",
    "rna": "Numéro RNA de l'association : W suivi de 9 chiffres (par exemple W751234567).",
}
CHECKBOX_VALUES = [{"key": "true", "name": "Oui"}, {"key": "false", "name": "Non"}]
# Answers never published on the public list of requests, whatever the service.
PRIVATE_TYPES = {"email", "phone", "file"}
OPEN = {PublicStatus.ONGOING, PublicStatus.ACTION_NEEDED}
_POSTCODE = re.compile(r"\b(\d{5})\b")
# The answer that holds the `description` an Open311 client sent for a form without a
# long-text field (see actions._form_data).
DESCRIPTION_KEY = "description"


def attribute_fields(service: Service) -> list[Any]:
    """The form fields a client fills as `attribute[code]`, in form order."""
    form = parse_form_definition(service.form_definition)
    return [f for f in form.fields if f.type in DATATYPES]


def service_out(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.slug,
        "service_name": service.name,
        "description": service.summary or service.description,
        "metadata": bool(attribute_fields(service)),
        "type": "realtime",
        "keywords": keywords(service),
        "group": service.category.name,
    }


def keywords(service: Service) -> str:
    """The spec's comma-separated list (our catalogue separates them by spaces or commas)."""
    text = service.keywords
    words = text.split(",") if "," in text else text.split()
    return ", ".join(w.strip() for w in words if w.strip())


def definition_out(service: Service) -> dict[str, Any]:
    attributes = []
    for order, form_field in enumerate(attribute_fields(service), start=1):
        attribute: dict[str, Any] = {
            "variable": True,
            "code": form_field.name,
            "datatype": DATATYPES[form_field.type],
            # A field shown only under a condition cannot be required unconditionally.
            "required": bool(form_field.required and form_field.show_if is None),
            "datatype_description": _datatype_description(form_field),
            "order": order,
            "description": form_field.label,
        }
        if form_field.type in ("choice", "multiple_choice"):
            attribute["values"] = [{"key": c.value, "name": c.label} for c in form_field.choices]
        elif form_field.type == "checkbox":
            attribute["values"] = CHECKBOX_VALUES
        attributes.append(attribute)
    return {"service_code": service.slug, "attributes": attributes}


def _datatype_description(form_field: Any) -> str | None:
    """The help text or a format hint, with the longest text the form accepts."""
    text = form_field.help_text or DATATYPE_HINTS.get(form_field.type)
    limit = getattr(form_field, "max_length", None)
    if form_field.type in ("short_text", "long_text", "address") and limit:
        bound = ngettext("%(n)d caractère au plus.", "%(n)d caractères au plus.", limit) % {
            "n": limit
        }
        return f"{text.rstrip()} {bound}" if text else bound
    return text


def service_notice(service: Service) -> str | None:
    if service.sla_working_days:
        return ngettext(
            "Délai de traitement annoncé : %(n)d jour ouvré.",
            "Délai de traitement annoncé : %(n)d jours ouvrés.",
            service.sla_working_days,
        ) % {"n": service.sla_working_days}
    return None


@dataclass
class Extras:
    """What a list of requests needs besides the rows, read in a few queries for all of them."""

    status_notes: dict[int, str] = field(default_factory=dict)
    media_urls: dict[int, str] = field(default_factory=dict)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def request_out(request: Request, extras: Extras, *, extensions: bool = False) -> dict[str, Any]:
    service = request.service
    out: dict[str, Any] = {
        "service_request_id": request.reference,
        "status": "open" if request.public_status in OPEN else "closed",
        "status_notes": extras.status_notes.get(request.pk),
        "service_name": service.name,
        "service_code": service.slug,
        "description": _at_most(description_of(request), DESCRIPTION_LIMIT),
        "agency_responsible": request.authority.name,
        "service_notice": service_notice(service),
        "requested_datetime": w3c(request.received_at),
        "updated_datetime": w3c(request.closed_at or request.updated_at),
        "expected_datetime": w3c(request.due_at),
        "address": request.address or (request.commune.name if request.commune else ""),
        "address_id": None,
        "zipcode": zipcode_of(request),
        "lat": request.latitude,
        "long": request.longitude,
        "media_url": extras.media_urls.get(request.pk),
    }
    if extensions:
        parent, _ = duplicate_links(request)
        out["attributes"] = public_answers(request)
        out["extended_attributes"] = {
            "channel": request.channel,
            "public_status": request.public_status,
            "commune": request.commune.name if request.commune else None,
            "commune_code": request.commune.code if request.commune else None,
            # Chicago's extension: a duplicate merged into its parent (same problem, same place)
            "duplicate": parent is not None,
            "parent_service_request_id": parent,
        }
        out["notes"] = extras.notes.get(request.pk, [])
    return out


def description_of(request: Request) -> str | None:
    """The free text the reporter wrote: the form's long texts, else the `description` kept
    beside a form without one (Open311), else the request's summary when it is more than the
    service's name (None then: a description nobody wrote is not made up)."""
    summary = request.summary if request.summary != request.service.name else None
    try:
        form = form_of_request(request)  # the version it was filed with (ADR 0027)
    except ValueError:
        return summary
    texts = [
        request.form_data[f.name]
        for f in form.fields
        if f.type == "long_text" and isinstance(request.form_data.get(f.name), str)
    ]
    kept = request.form_data.get(DESCRIPTION_KEY)
    if not texts and isinstance(kept, str) and all(f.name != DESCRIPTION_KEY for f in form.fields):
        texts = [kept]
    return "\n\n".join(texts) or summary


def _at_most(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"


def public_answers(request: Request) -> list[dict[str, Any]]:
    try:
        form = form_of_request(request)  # the labels of the version it was filed with
    except ValueError:
        return []
    answers = []
    for form_field in form.fields:
        if form_field.type not in DATATYPES or form_field.type in PRIVATE_TYPES:
            continue
        if form_field.name not in request.form_data:
            continue
        value = request.form_data[form_field.name]
        answers.append(
            {
                "code": form_field.name,
                "name": form_field.label,
                "value": ", ".join(map(str, value)) if isinstance(value, list) else str(value),
            }
        )
    return answers


def zipcode_of(request: Request) -> str | None:
    found = _POSTCODE.search(request.address or "")
    if found:
        return found.group(1)
    postcodes = request.commune.postcodes if request.commune else []
    return postcodes[0] if isinstance(postcodes, list) and len(postcodes) == 1 else None


def note_out(event) -> dict[str, Any] | None:
    """A public history entry (the "notes" extension); None for what stays private."""
    payload = event.payload or {}
    if event.kind == events.RECEIVED:
        return {
            "datetime": w3c(event.occurred_at),
            "description": "Demande reçue",
            "type": "submitted",
        }
    if event.kind == events.STATUS_CHANGED:
        text = payload.get("note") or payload.get("action") or "Changement d'état"
        return {"datetime": w3c(event.occurred_at), "description": text, "type": "status_changed"}
    if event.kind == events.HANDED_OFF:
        text = f"Demande transmise à {payload.get('to_authority', '')}".strip()
        return {"datetime": w3c(event.occurred_at), "description": text, "type": "handed_off"}
    return None
