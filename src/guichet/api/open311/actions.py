"""Filing a service request received through Open311 (POST requests)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from guichet.api.models import ApiKey
from guichet.api.open311.formats import Open311Error
from guichet.api.open311.mapping import attribute_fields
from guichet.authorities.competence import who_handles
from guichet.authorities.models import Authority
from guichet.cases.actions import IntakeError, NotPermitted, file_request
from guichet.cases.models import Request
from guichet.catalogue.formdef import parse_form_definition
from guichet.catalogue.models import Channel, Service
from guichet.catalogue.validation import FormValidationError
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, IdentifierError, PeopleError
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point, communes_by_postcode
from guichet.territory.text import normalize_name

MAX_DESCRIPTION = 4000
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_POSTCODE = re.compile(r"\b(\d{5})\b")


@dataclass(frozen=True)
class Location:
    latitude: float | None
    longitude: float | None
    address: str
    commune: Commune


@transaction.atomic
def file_service_request(
    *, api_key: ApiKey, authority: Authority, service: Service, params: Any
) -> Request:
    """File the request an Open311 client POSTed for `authority`, on behalf of its reporter.

    `params` is the POSTed form (a QueryDict). Everything is checked before any write; the
    reporter is found or created from the e-mail and phone given (a declared identity proves
    nothing, so a new record may be flagged as a likely duplicate for an agent). Raises
    Open311Error (400) with French messages.
    """
    location = _location(params, authority)
    competence = who_handles(service, location.commune)
    if competence.authority != authority:
        raise Open311Error(
            400, f"Cette demande ne relève pas de {authority.name}. {competence.reason}"
        )
    form_data = _form_data(service, params, location)
    applicant = Applicant(
        email=_text(params, "email") or None, phone=_text(params, "phone") or None,
        first_name=_text(params, "first_name")[:120], last_name=_text(params, "last_name")[:120],
        commune=location.commune,
    )  # fmt: skip
    try:
        return file_request(
            service=service, applicant=applicant, channel=Channel.OPEN311,
            actor=Actor.application(api_key.application),
            may_file_for=lambda handler: handler.pk == authority.pk, competence=competence,
            form_data=form_data, commune=location.commune, address=location.address[:300],
            latitude=location.latitude, longitude=location.longitude,
        )  # fmt: skip
    except (IntakeError, FormValidationError) as refused:
        messages = [m for ms in refused.errors.values() for m in ms] or [str(refused)]
        raise Open311Error(400, messages[0], more=messages[1:]) from refused
    except (IdentifierError, PeopleError) as refused:
        raise Open311Error(400, str(refused)) from refused
    except NotPermitted:  # checked before anything was written
        raise Open311Error(400, f"Cette demande ne relève pas de {authority.name}.") from None


def _text(params: Any, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str):
        return ""
    # control characters (NUL above all) cannot be stored in PostgreSQL text columns
    return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs")).strip()


def _location(params: Any, authority: Authority) -> Location:
    lat_text, long_text = _text(params, "lat"), _text(params, "long")
    address = " ".join(_text(params, "address_string").split())
    if lat_text or long_text:
        latitude, longitude = _coordinate(lat_text, 90), _coordinate(long_text, 180)
        commune = commune_at_point(longitude, latitude)
        if commune is None:
            raise Open311Error(400, "Ce point n'est dans aucune commune desservie.")
        return Location(latitude, longitude, address, commune)
    if address:
        return Location(None, None, address, _commune_of_address(address, authority))
    if _text(params, "address_id"):
        raise Open311Error(
            400,
            "address_id n'est pas pris en charge : indiquez lat et long, ou address_string.",
        )
    raise Open311Error(400, "Indiquez le lieu : lat et long, ou address_string.")


def _coordinate(text: str, bound: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise Open311Error(400, "lat et long doivent être deux nombres (WGS84) envoyés ensemble.")
    return value


def _commune_of_address(address: str, authority: Authority) -> Commune:
    """The commune an address names: by its postcode, then by its name; else the authority's."""
    found = _POSTCODE.search(address)
    candidates = communes_by_postcode(found.group(1)) if found else []
    if len(candidates) > 1:
        folded = f" {normalize_name(address)} "
        candidates = [c for c in candidates if f" {normalize_name(c.name)} " in folded]
    if len(candidates) == 1:
        return candidates[0]
    if authority.commune is not None and not candidates:
        return authority.commune
    raise Open311Error(
        400, "Impossible de situer cette adresse : indiquez son code postal, ou lat et long."
    )


def _form_data(service: Service, params: Any, location: Location) -> dict[str, Any]:
    """The form answers: `attribute[code]` values, then the place and description fields."""
    fields = {f.name: f for f in attribute_fields(service)}
    data: dict[str, Any] = {}
    for key in params:
        matched = _ATTRIBUTE.match(key)
        if matched is None or matched.group(1) not in fields:
            continue  # attributes the service does not define are ignored, as the spec lets us
        form_field = fields[matched.group(1)]
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        if form_field.type == "multiple_choice":
            data.setdefault(form_field.name, []).extend(values)
        else:
            data[form_field.name] = _scalar(form_field.type, values[-1] if values else "")
    form = parse_form_definition(service.form_definition)
    if location.latitude is not None:
        for place in (f for f in form.fields if f.type == "location"):
            data.setdefault(place.name, {"lat": location.latitude, "lon": location.longitude})
    if location.address:
        first = next((f for f in form.fields if f.type == "address"), None)
        if first is not None:
            data.setdefault(first.name, location.address)
    description = params.get("description")
    if isinstance(description, str) and description.strip():
        if len(description) > MAX_DESCRIPTION:
            raise Open311Error(400, "La description est limitée à 4 000 caractères.")
        first = next((f for f in form.fields if f.type == "long_text"), None)
        if first is not None:
            data.setdefault(first.name, description)
    return data


def _scalar(field_type: str, value: str) -> Any:
    if field_type == "date":
        # Open311's datetime attributes may carry a time; our date fields keep the day.
        try:
            moment = parse_datetime(value.strip()) if "T" in value else None
        except ValueError:
            moment = None
        if moment is not None:
            return moment.date().isoformat()
    return value
