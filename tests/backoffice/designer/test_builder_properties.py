"""Property: any form the builder's operations produce (add any type, move, drag and drop,
duplicate, delete) is valid and goes through the shared document (export) and back (import)
unchanged (issue 15)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.backoffice.designer import builder
from guichet.backoffice.designer.field_types import all_names, available_types, new_field
from guichet.catalogue.formdef import parse_form_definition
from guichet.catalogue.interchange import FORMAT, read_document

KINDS = [kind for kind, _ in available_types() if kind not in ("page", "section")]
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "up", "down", "duplicate", "delete", "reorder"]),
        st.sampled_from(KINDS),
        st.integers(min_value=0, max_value=50),
    ),
    max_size=20,
)


def build(operations) -> list[dict]:
    fields: list[dict] = []
    for operation, kind, index in operations:
        if operation == "add" or not fields:
            fields = [*fields, new_field(kind, all_names(fields))]
            continue
        name = fields[index % len(fields)]["name"]
        if operation in ("up", "down"):
            fields = builder.move(fields, name, -1 if operation == "up" else 1)
        elif operation == "duplicate":
            fields = builder.duplicate(fields, name)[0]
        elif operation == "delete":
            fields = builder.delete(fields, name)[0]
        else:  # a drag and drop: the list turned by `index`
            names = [f["name"] for f in fields]
            turn = index % len(names)
            fields = builder.reorder(fields, names[turn:] + names[:turn])
    return fields


# read_document only reads the database (the categories known): the fixture's state is shared
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
def test_any_form_the_builder_makes_round_trips_through_export_and_import(db, operations):
    fields = build(operations)
    # every form these operations make is valid (names unique, each type's defaults sound)
    expected = parse_form_definition(fields).to_json()
    document = {
        "format": FORMAT,
        "categories": [{"slug": "voirie", "name": "Voirie"}],
        "services": [{
            "slug": "terrasse", "name": "Terrasse", "kind": "transactional",
            "category": "voirie", "summary": "Occuper le trottoir", "level": "communal",
            "form_definition": fields,
        }],
    }  # fmt: skip
    _categories, rows = read_document(document)
    assert rows[0].content["form_definition"] == expected
    assert parse_form_definition(rows[0].content["form_definition"]).to_json() == expected
