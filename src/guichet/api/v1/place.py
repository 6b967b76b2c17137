"""Where a request filed through the REST API is: its commune, checked against its point.

The point is `latitude`/`longitude`, else the answer to the form's location field. Given a
commune code too, the point must lie within that commune (`catalogue.locate`).
"""

from __future__ import annotations

from typing import Any

from guichet.api.v1.catalogue import locate
from guichet.catalogue.models import Service
from guichet.catalogue.validation import FormValidationError, validate_submission
from guichet.territory.models import Commune


def commune_of(service: Service, payload: Any) -> Commune | None:
    """The commune of a filing (None when it names no place at all); 422 on a contradiction."""
    if not payload.commune:
        if payload.latitude is None:
            return None  # the intake places a point from the form, or says the place is missing
        return locate(None, payload.latitude, payload.longitude)
    lat, lon, field = payload.latitude, payload.longitude, "latitude"
    if lat is None and (found := form_point(service, payload.form_data)) is not None:
        field, (lat, lon) = f"form_data.{found[0]}", found[1]
    return locate(payload.commune, lat, lon, point_field=field)


def form_point(
    service: Service, form_data: dict[str, Any]
) -> tuple[str, tuple[float, float]] | None:
    """The first location answer of the form that the form's own rules read as a point."""
    for field in service.form.fields:
        if field.type != "location" or field.name not in form_data:
            continue
        definition = [{"name": field.name, "label": field.label, "type": "location"}]
        try:
            cleaned = validate_submission(definition, {field.name: form_data[field.name]})
        except FormValidationError:
            continue  # the full validation says what is wrong with it
        if field.name in cleaned:
            point = cleaned[field.name]
            return field.name, (point["lat"], point["lon"])
    return None
