"""JSON Schemas of the GeoReport v2 JSON answers, written from the spec's field tables, and the
XML shape each answer must have (root element, item element)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator

# W3C date-time with a mandatory offset (the spec: "Timezone information must be included").
W3C = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
TEXT = {"type": ["string", "null"]}
DATE = {"type": "string", "pattern": W3C}
OPTIONAL_DATE = {"type": ["string", "null"], "pattern": W3C}

SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "description", "metadata", "type", "keywords",
                 "group"],
    "additionalProperties": False,
    "properties": {
        "service_code": {"type": "string", "minLength": 1},
        "service_name": {"type": "string", "minLength": 1},
        "description": TEXT,
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": TEXT,
        "group": TEXT,
    },
}  # fmt: skip
SERVICES = {"type": "array", "items": SERVICE}

VALUE = {
    "type": "object",
    "required": ["key", "name"],
    "additionalProperties": False,
    "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
}
ATTRIBUTE = {
    "type": "object",
    "required": ["variable", "code", "datatype", "required", "datatype_description", "order",
                 "description"],
    "additionalProperties": False,
    "properties": {
        "variable": {"type": "boolean"},
        "code": {"type": "string", "minLength": 1},
        "datatype": {"enum": ["string", "number", "datetime", "text", "singlevaluelist",
                              "multivaluelist"]},
        "required": {"type": "boolean"},
        "datatype_description": TEXT,
        "order": {"type": "integer", "minimum": 1},
        "description": {"type": "string"},
        "values": {"type": "array", "items": VALUE},
    },
    # list datatypes carry their values
    "if": {"properties": {"datatype": {"enum": ["singlevaluelist", "multivaluelist"]}}},
    "then": {"required": ["values"], "properties": {"values": {"minItems": 1}}},
}  # fmt: skip
SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "additionalProperties": False,
    "properties": {
        "service_code": {"type": "string", "minLength": 1},
        "attributes": {"type": "array", "items": ATTRIBUTE},
    },
}

REQUEST_PROPERTIES = {
    "service_request_id": {"type": "string", "minLength": 1},
    "status": {"enum": ["open", "closed"]},
    "status_notes": TEXT,
    "service_name": {"type": "string"},
    "service_code": {"type": "string"},
    "description": {"type": ["string", "null"], "maxLength": 4000},
    "agency_responsible": TEXT,
    "service_notice": TEXT,
    "requested_datetime": DATE,
    "updated_datetime": DATE,
    "expected_datetime": OPTIONAL_DATE,
    "address": TEXT,
    "address_id": TEXT,
    "zipcode": {"type": ["string", "null"], "pattern": r"^\d{5}$"},
    "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
    "long": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
    "media_url": {"type": ["string", "null"], "format": "uri"},
}
REQUEST = {
    "type": "object",
    "required": list(REQUEST_PROPERTIES),
    "additionalProperties": False,
    "properties": REQUEST_PROPERTIES,
}
# extensions=true: the common extension adds these three, nothing else.
EXTENDED_REQUEST = REQUEST | {
    "required": [*REQUEST_PROPERTIES, "attributes", "extended_attributes", "notes"],
    "properties": REQUEST_PROPERTIES | {
        "attributes": {"type": "array", "items": {
            "type": "object", "required": ["code", "name", "value"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                           "value": {"type": "string"}},
        }},
        "extended_attributes": {"type": "object"},
        "notes": {"type": "array", "items": {
            "type": "object", "required": ["datetime", "description", "type"],
            "properties": {"datetime": DATE, "description": {"type": "string"},
                           "type": {"type": "string"}},
        }},
    },
}  # fmt: skip
SERVICE_REQUESTS = {"type": "array", "items": REQUEST}
EXTENDED_SERVICE_REQUESTS = {"type": "array", "items": EXTENDED_REQUEST}

CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "service_request_id": {"type": "string", "minLength": 1},
            "token": {"type": "string"},
            "service_notice": TEXT,
            "account_id": TEXT,
        },
        # one of the two, never both
        "oneOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
    },
}
TOKEN = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "additionalProperties": False,
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "integer"},
            "description": {"type": "string", "minLength": 1},
        },
    },
}
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "additionalProperties": False,
                "properties": {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": {"type": "string"},
                    "type": {"enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "items": {"enum": ["text/xml", "application/json"]},
                    },
                },
            },
        },
        "jurisdictions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["jurisdiction_id", "name"],
                "properties": {"jurisdiction_id": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
}


def check_json(response, schema) -> object:
    """The decoded JSON answer, after checking its content type and its schema."""
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(data)
    return data


# XML: the root element, the element of each item, and the fields an item may hold.
XML_SHAPES = {
    "services": ("service", set(SERVICE["properties"])),
    "service_requests": ("request", set(EXTENDED_REQUEST["properties"]) | {"token", "account_id"}),
    "errors": ("error", {"code", "description"}),
}


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 -- our own server's answer in a test


def check_xml(response, root: str) -> ET.Element:
    """The parsed XML answer, after checking its declaration, root and item elements."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    tree = parse_xml(response.content)
    assert tree.tag == root
    if root in XML_SHAPES:
        item, fields = XML_SHAPES[root]
        for child in tree:
            assert child.tag == item
            assert {field.tag for field in child} <= fields
    return tree


def xml_record(element: ET.Element) -> dict[str, str | None]:
    """An item's scalar fields as text (nested lists left out)."""
    return {child.tag: child.text for child in element if len(child) == 0}
