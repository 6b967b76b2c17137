"""The anonymised view of service requests, served to callers without an API key (issue 19).

The same rules as the open data sets and the real-time API (`opendata.anonymise`, ADR 0036):

- the point becomes the centre of a k-anonymous H3 cell: `generalise_points` over the rows of
  the answer, so every published cell holds at least k requests of that answer (and hence at
  least k real requests); a point left alone (a single request, a sparse page) gets the
  centre of its commune's extent instead, or no point when the commune has none;
- dates are truncated to the day in Europe/Paris (midnight, with the offset the spec wants);
- no free text: no address, no description, no answers; the status note is the public
  status's generic French wording; the history keeps its kinds and days, not its texts;
- no photo.

Whitelisted field by field: a field added to the full view does not leak here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from guichet.api.open311.formats import w3c
from guichet.api.open311.mapping import OPEN, Extras, service_notice
from guichet.cases.duplicates import duplicate_links
from guichet.cases.models import PublicStatus, Request
from guichet.opendata.anonymise import PARIS, cell_centre, day, generalise_points

STATUS_NOTES = {
    PublicStatus.ONGOING: "Demande en cours de traitement.",
    PublicStatus.ACTION_NEEDED: "Demande en cours de traitement.",
    PublicStatus.DONE: "Demande traitée.",
    PublicStatus.CANCELLED: "Demande annulée.",
}
NOTE_TEXTS = {
    "submitted": "Demande reçue",
    "status_changed": "Changement d'état",
    "handed_off": "Demande transmise",
}


def points_of(requests: list[Request]) -> dict[int, tuple[float, float] | None]:
    """The published (latitude, longitude) of each request, by id (see the module's rule)."""
    located = [
        (r.latitude, r.longitude) if r.latitude is not None and r.longitude is not None else None
        for r in requests
    ]
    cells = generalise_points(located)
    return {
        r.pk: cell_centre(cell) if cell is not None else commune_centre(r)
        for r, cell in zip(requests, cells, strict=True)
    }


def commune_centre(request: Request) -> tuple[float, float] | None:
    """The centre of the commune's extent (bbox [minx, miny, maxx, maxy]), if known."""
    bbox = request.commune.bbox if request.commune is not None else None
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        return None
    try:
        minx, miny, maxx, maxy = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    return round((miny + maxy) / 2, 6), round((minx + maxx) / 2, 6)


def day_w3c(moment: datetime | date | None) -> str | None:
    """Midnight of the moment's day in Paris, as a W3C date-time with its offset."""
    the_day = day(moment)
    if the_day is None:
        return None
    return w3c(datetime.combine(the_day, time.min, tzinfo=PARIS))


def anonymous_out(
    request: Request,
    point: tuple[float, float] | None,
    extras: Extras,
    *,
    extensions: bool = False,
) -> dict[str, Any]:
    service = request.service
    out: dict[str, Any] = {
        "service_request_id": request.reference,
        "status": "open" if request.public_status in OPEN else "closed",
        "status_notes": STATUS_NOTES.get(request.public_status),
        "service_name": service.name,
        "service_code": service.slug,
        "description": None,
        "agency_responsible": request.authority.name,
        "service_notice": service_notice(service),
        "requested_datetime": day_w3c(request.received_at),
        "updated_datetime": day_w3c(request.closed_at or request.updated_at),
        "expected_datetime": day_w3c(request.due_at),
        "address": "",
        "address_id": None,
        "zipcode": zipcode_of_commune(request),
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": None,
    }
    if extensions:
        parent, _ = duplicate_links(request)
        out["attributes"] = []
        out["extended_attributes"] = {
            "channel": request.channel,
            "public_status": request.public_status,
            "commune": request.commune.name if request.commune else None,
            "commune_code": request.commune.code if request.commune else None,
            "duplicate": parent is not None,
            "parent_service_request_id": parent,
        }
        out["notes"] = [
            {
                "datetime": _note_day(note["datetime"]),
                "description": NOTE_TEXTS.get(note["type"], "Changement d'état"),
                "type": note["type"],
            }
            for note in extras.notes.get(request.pk, [])
        ]
    return out


def zipcode_of_commune(request: Request) -> str | None:
    """The commune's postcode when it has only one (never the one read in the address)."""
    if request.commune is None:
        return None
    postcodes = request.commune.postcodes
    return postcodes[0] if isinstance(postcodes, list) and len(postcodes) == 1 else None


def _note_day(text: str | None) -> str | None:
    return day_w3c(datetime.fromisoformat(text)) if text else None
