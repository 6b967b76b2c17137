"""Open311 answers in JSON and XML, the spec's error format, and W3C dates.

GeoReport v2 defines XML and maps it to JSON by the Spark convention: an XML list element
(`<services>` holding `<service>`s) is a JSON array, a record is an object. We build one
Python structure and render it both ways, so the two formats cannot drift apart.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT_FORMAT = "xml"  # the format the spec requires; JSON is the optional one

# The element name of each item inside an XML list element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "jurisdictions": "jurisdiction",
    "notes": "note",
    "service_request_updates": "request_update",
}


class Open311Error(Exception):
    """An error answered in the spec's format: a list of {code, description}.

    `status` is the HTTP status (404 missing, 403 key, 400 anything else, per the spec);
    `code` the code in the body, the HTTP status unless a more precise one helps; `more`
    further descriptions (the spec allows several errors in one answer).
    """

    def __init__(
        self, status: int, description: str, *, code: int | None = None, more: Sequence[str] = ()
    ) -> None:
        super().__init__(description)
        self.status = status
        self.code = code or status
        self.descriptions = [description, *more]
        self.headers: dict[str, str] = {}


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the UTC offset, in Paris time (2024-05-02T14:03:00+02:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def render(data: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """The response for `data` in `fmt`; `root` names the XML root element."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, allow_nan=False)
    else:
        body = to_xml(root, data)
    return HttpResponse(body.encode(), status=status, content_type=FORMATS[fmt])


def render_error(error: Open311Error, fmt: str) -> HttpResponse:
    response = render(
        [{"code": error.code, "description": text} for text in error.descriptions],
        fmt,
        root="errors",
        status=error.status,
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


def to_xml(root: str, data: Any) -> str:
    element = ET.Element(root)
    _fill(element, data)
    ET.indent(element, space="  ")
    # A CR written raw would be read back as LF (XML's end-of-line handling): escape it.
    text = ET.tostring(element, encoding="unicode").replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    elif value is not None:
        element.text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return _xml_safe(str(value))


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped: drop them.
    return "".join(
        c for c in text if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd")
        or c >= "\U00010000"
    )  # fmt: skip
