"""The summary field a service declares: what the « Objet » of its requests says (issue 13).

The agents' queue showed a first name or a surname as a request's « Objet »; a request is now
summed up by the field the service declares (`"summary": true`), else its description, and
never by a personal answer.
"""

import json

import pytest

from guichet.catalogue.actions import DEMO_CATALOGUE
from guichet.catalogue.formdef import InvalidFormDefinition, parse_form_definition

NAMES_FIRST = [
    {"name": "nom", "label": "Nom", "type": "short_text", "required": True},
    {"name": "prenom", "label": "Prénom", "type": "short_text"},
    {"name": "telephone", "label": "Téléphone", "type": "phone"},
]
MOTIF = {
    "name": "motif", "label": "Motif", "type": "choice", "summary": True,
    "choices": [{"value": "bruit", "label": "Bruit de voisinage"}, {"value": "autre", "label": "Autre"}],
}  # fmt: skip
DESCRIPTION = {"name": "description", "label": "Description", "type": "long_text"}


def test_the_declared_summary_field_sums_up_a_request_by_its_label():
    # given a form whose first answers are a name, with a declared choice as its summary
    form = parse_form_definition([*NAMES_FIRST, MOTIF, DESCRIPTION])
    # when a request answers all of them
    summary = form.summary_of(
        {"nom": "Martin", "prenom": "Claire", "motif": "bruit", "description": "Tous les soirs."}
    )
    # then its summary is the choice's label, not the name nor the value
    assert summary == "Bruit de voisinage"
    assert form.summary_field.name == "motif"


def test_without_a_declared_field_the_description_sums_it_up_then_nothing():
    # given a form without a declared summary whose first free texts are names
    form = parse_form_definition([*NAMES_FIRST, DESCRIPTION])
    # when a request answers with and without a description
    with_text = form.summary_of({"nom": "Martin", "prenom": "Claire", "description": " Un  trou\n"})
    without = form.summary_of({"nom": "Martin", "prenom": "Claire"})
    # then the description is the summary, else nothing (the caller names the service)
    assert with_text == "Un trou"
    assert without == ""


def test_an_empty_optional_summary_falls_back_to_the_description_and_long_texts_are_cut():
    # given a declared summary left empty and a long description
    form = parse_form_definition([*NAMES_FIRST, MOTIF | {"required": False}, DESCRIPTION])
    summary = form.summary_of({"nom": "Martin", "description": "a" * 300})
    # then the description stands in, cut to 120 characters
    assert len(summary) == 120 and summary.endswith("…")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([NAMES_FIRST[2] | {"summary": True}], "de type phone, ne peut pas résumer la demande"),
        (
            [MOTIF, DESCRIPTION | {"summary": True}],
            "un seul champ peut résumer la demande (« summary ») : « motif », « description »",
        ),
        ([{"name": "a", "label": "A", "type": "address", "summary": True}], "jamais une donnée"),
    ],
)
def test_a_personal_or_second_summary_field_is_refused_in_french(fields, expected):
    # when a definition declares a phone, an address or two fields as its summary
    with pytest.raises(InvalidFormDefinition) as refused:
        parse_form_definition(fields)
    # then the validator says why, in French
    assert expected in " ".join(refused.value.errors)


def test_the_declaration_is_kept_in_the_stored_form_and_the_demo_services_declare_no_personal_field():
    # given the demo catalogue
    services = json.loads(DEMO_CATALOGUE.read_text())["services"]
    declared = {}
    for service in services:
        form = parse_form_definition(service.get("form_definition", []))
        if form.summary_field is not None:
            declared[service["slug"]] = form.summary_field
        # the declaration survives the compact form stored on the service
        assert parse_form_definition(form.to_json()).summary_field == form.summary_field
    # then most services declare one, always a choice or a subject, never a personal field
    assert len(declared) >= 10
    assert {field.type for field in declared.values()} <= {
        "choice",
        "multiple_choice",
        "short_text",
    }
    assert declared["question-generale"].name == "sujet"
    assert "inscription-listes-electorales" not in declared
