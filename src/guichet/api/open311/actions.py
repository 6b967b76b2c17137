"""Filing a service request received through Open311 (POST requests)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from guichet.api import text as api_text
from guichet.api.models import ApiKey
from guichet.api.open311.formats import Open311Error
from guichet.api.open311.mapping import DESCRIPTION_KEY, attribute_fields
from guichet.authorities.competence import who_handles
from guichet.authorities.models import Authority
from guichet.cases.actions import IntakeError, NotPermitted, file_free_text, file_request
from guichet.cases.models import Request
from guichet.catalogue.formdef import DESCRIPTION_LIMIT
from guichet.catalogue.models import Channel, Service
from guichet.catalogue.validation import CleanedSubmission, FormValidationError, validate_submission
from guichet.core.journal import Actor
from guichet.people.actions import Applicant, IdentifierError, PeopleError
from guichet.territory.models import Commune
from guichet.territory.selectors import commune_at_point, communes_by_postcode
from guichet.territory.text import normalize_name

# The longest text of each standard parameter (GeoReport v2's for `description`); a longer
# one is refused, never cut.
LIMITS = {
    "description": DESCRIPTION_LIMIT, "address_string": 300, "first_name": 120,
    "last_name": 120, "email": 254, "phone": 32,
}  # fmt: skip
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


@transaction.atomic
def file_free_text_request(*, api_key: ApiKey, authority: Authority, params: Any) -> Request:
    """A POST without service_code but with a description: filed for `authority` under the
    triage service, which suggests or picks the service after commit (ADR 0028). The place is
    optional (lat/long or address_string when given). Raises Open311Error (400, French)."""
    description = _text(params, "description")
    if not description:
        raise Open311Error(400, "service_code manquant : indiquez-le, ou décrivez la demande.")
    given = any(_text(params, name) for name in ("lat", "long", "address_string"))
    location = _location(params, authority) if given else None
    applicant = Applicant(
        email=_text(params, "email") or None, phone=_text(params, "phone") or None,
        first_name=_text(params, "first_name")[:120], last_name=_text(params, "last_name")[:120],
        commune=location.commune if location else None,
    )  # fmt: skip
    try:
        return file_free_text(
            applicant=applicant, channel=Channel.OPEN311, description=description,
            actor=Actor.application(api_key.application), authority=authority,
            commune=location.commune if location else None,
            address=location.address[:300] if location else "",
            may_file_for=lambda handler: handler.pk == authority.pk,
        )  # fmt: skip
    except IntakeError as refused:
        messages = [m for ms in refused.errors.values() for m in ms] or [str(refused)]
        raise Open311Error(400, messages[0], more=messages[1:]) from refused
    except (IdentifierError, PeopleError) as refused:
        raise Open311Error(400, str(refused)) from refused
    except NotPermitted:  # checked before anything was written
        raise Open311Error(400, f"Cette demande ne relève pas de {authority.name}.") from None


def _text(params: Any, name: str) -> str:
    """The parameter as stored (api.text: as sent, ends stripped); 400 naming it otherwise."""
    value = params.get(name)
    if not isinstance(value, str):
        return ""
    try:
        return api_text.clean(value, max_length=LIMITS.get(name), single_line=name != "description")
    except api_text.TextRefused as refused:
        raise Open311Error(400, f"{name} : {refused}") from None


def _location(params: Any, authority: Authority) -> Location:
    lat_text, long_text = _text(params, "lat"), _text(params, "long")
    address = _text(params, "address_string")
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
        400,
        "address_string : impossible de situer cette adresse (aucune commune desservie ne "
        "porte ce code postal ou ce nom) ; indiquez son code postal, ou lat et long.",
    )


def _form_data(service: Service, params: Any, location: Location) -> CleanedSubmission:
    """The form answers, checked: `attribute[code]` values, then the place and description.

    `lat`/`long` fill the location fields, `address_string` the first address field and
    `description` the first long-text field (or, in a form without one, the `description`
    answer, kept beside the form's own). A request placed by its address alone has no point:
    its commune places it, so the form's location fields may stay empty. Errors name what the
    client sends (`attribute[code]`, `lat et long`, `address_string`, `description`).
    """
    fields = {f.name: f for f in attribute_fields(service)}
    labels = {name: f"attribute[{name}]" for name in fields}
    data: dict[str, Any] = {}
    for key in params:
        matched = _ATTRIBUTE.match(key)
        if matched is None or matched.group(1) not in fields:
            continue  # attributes the service does not define are ignored, as the spec lets us
        form_field = fields[matched.group(1)]
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        try:
            api_text.refuse_controls(values)
        except api_text.TextRefused as refused:
            raise Open311Error(400, f"{key} : {refused}") from None
        if form_field.type == "multiple_choice":
            data.setdefault(form_field.name, []).extend(values)
        else:
            data[form_field.name] = _scalar(form_field.type, values[-1] if values else "")
    form = service.form
    for place in (f for f in form.fields if f.type == "location"):
        labels[place.name] = "lat et long"
        if location.latitude is not None:
            data.setdefault(place.name, {"lat": location.latitude, "lon": location.longitude})
    first_address = next((f for f in form.fields if f.type == "address"), None)
    if location.address and first_address is not None and first_address.name not in data:
        data[first_address.name], labels[first_address.name] = location.address, "address_string"
    description = _text(params, "description")
    first_text = next((f for f in form.fields if f.type == "long_text"), None)
    if description and first_text is not None and first_text.name not in data:
        data[first_text.name], labels[first_text.name] = description, "description"
    try:
        cleaned = validate_submission(form, data, place_known=location.latitude is None)
    except FormValidationError as refused:
        messages = [
            f"{labels.get(name, refused.labels.get(name, name))} : {message}"
            for name, messages in refused.errors.items()
            for message in messages
        ]
        raise Open311Error(400, messages[0], more=messages[1:]) from refused
    if description and first_text is None and all(f.name != DESCRIPTION_KEY for f in form.fields):
        cleaned[DESCRIPTION_KEY] = description  # shown to agents, read back as `description`
    return cleaned


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
