"""Property test: any form the designer can build from every supported item (pages, sections
with conditions, repeatable blocks, SIRET, RNA, patterns, units) round-trips through export
and import unchanged, follows the interchange schema, and validates generated submissions the
same way before and after."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.authorities import actions as authorities
from guichet.catalogue import interchange, versions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.formdef import parse_form_definition
from guichet.catalogue.models import Service, ServiceVersion
from guichet.catalogue.validation import FormValidationError, validate_submission

from .test_versions import CATALOGUE, DESIGNER, SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def terrasse() -> Service:
    load_catalogue(source=copy.deepcopy(CATALOGUE), actor=SYSTEM)
    return Service.objects.get(slug="terrasse")


@pytest.fixture
def gien():
    return authorities.create_authority(
        actor=SYSTEM, kind="operator", name="Syndicat des terrasses", slug="syndicat",
        operator_sector="voirie",
    )  # fmt: skip


LABELS = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=20).filter(
    str.strip
)
CHOICES = ["a", "b", "c"]
SIMPLE = ["short_text", "number", "checkbox", "choice", "siret", "rna", "date", "pattern"]


@st.composite
def simple_field(draw, name: str, kinds=SIMPLE) -> dict:
    kind = draw(st.sampled_from(kinds))
    field = {"name": name, "label": draw(LABELS), "type": kind, "required": draw(st.booleans())}
    if kind == "pattern":
        field |= {"type": "short_text", "pattern": "[A-Z]{2}[0-9]{2}",
                  "pattern_message": "Deux lettres capitales puis deux chiffres."}  # fmt: skip
    if kind == "short_text" and draw(st.booleans()):
        field |= {"min_length": draw(st.integers(0, 3)), "max_length": draw(st.integers(3, 30))}
    if kind == "number" and draw(st.booleans()):
        field |= {
            "min_value": draw(st.integers(-10, 0)),
            "unit": draw(st.sampled_from(["m²", "€"])),
        }
    if kind == "choice":
        field["choices"] = [{"value": v, "label": f"Choix {v}"} for v in CHOICES]
    return field


@st.composite
def structured_forms(draw) -> list[dict]:
    """Pages (or none), each with fields, sections (maybe conditional) and blocks."""
    items: list[dict] = []
    counter = iter(range(1000))
    pages = draw(st.integers(0, 3))
    for page in range(max(pages, 1)):
        if pages:
            items.append({"name": f"page_{page}", "label": draw(LABELS), "type": "page"})
        for _ in range(draw(st.integers(1, 4))):
            name = f"champ_{next(counter)}"
            what = draw(st.sampled_from(["field", "field", "section", "repeat"]))
            if what == "section":
                item = {"name": name, "label": draw(LABELS), "type": "section"}
            elif what == "repeat":
                item = {
                    "name": name, "label": draw(LABELS), "type": "repeat",
                    "item_label": draw(LABELS), "min_items": draw(st.integers(0, 1)),
                    "max_items": draw(st.integers(1, 3)),
                    "fields": [draw(simple_field(f"{name}_{i}"))
                               for i in range(draw(st.integers(1, 3)))],
                }  # fmt: skip
            else:
                item = draw(simple_field(name))
            usable = [i for i in items if i["type"] in ("checkbox", "choice")]
            if usable and item["type"] != "page" and draw(st.booleans()):
                target = draw(st.sampled_from(usable))
                expected = True if target["type"] == "checkbox" else draw(st.sampled_from(CHOICES))
                item["show_if"] = {"field": target["name"], "equals": expected}
            items.append(item)
    return parse_form_definition(items).to_json()


ANSWERS = st.one_of(
    st.text(max_size=20), st.integers(-20, 20), st.booleans(), st.sampled_from(CHOICES),
    st.sampled_from(["73282932000074", "W921000123", "AB12", "2020-02-02", "on"]),
)  # fmt: skip


@st.composite
def submissions(draw, form: list[dict]) -> dict:
    data = {}
    for item in form:
        if item["type"] == "repeat" and draw(st.booleans()):
            inner = st.fixed_dictionaries({}, optional={f["name"]: ANSWERS for f in item["fields"]})
            data[item["name"]] = draw(st.lists(inner, max_size=4))
        elif item["type"] not in ("page", "section", "repeat") and draw(st.booleans()):
            data[item["name"]] = draw(ANSWERS)
    return data


def outcome(form, data):
    try:
        return ("ok", dict(validate_submission(form, data)))
    except FormValidationError as refused:
        return ("refused", refused.errors)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=structured_forms(), data=st.data())
def test_any_structured_form_round_trips_and_validates_submissions_the_same_way(
    terrasse,
    gien,
    form,
    data,
):
    # given a draft of the service with a generated form, exported
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    draft = versions.save_draft(
        draft=draft, by=DESIGNER, revision=draft.revision, changes={"form_definition": form}
    )
    document = json.loads(json.dumps(interchange.export_service(draft)))
    jsonschema.Draft202012Validator(interchange.schema()).validate(document)
    # when another authority imports it
    imported = interchange.import_service(document=document, authority=gien, by=DESIGNER)
    # then the form is unchanged and answers every submission the same way
    assert imported.form_definition == draft.form_definition == form
    for _ in range(3):
        submission = data.draw(submissions(form))
        assert outcome(imported.form_definition, submission) == outcome(form, submission)
    ServiceVersion.objects.filter(pk=draft.pk).delete()  # the next example opens its own


def test_the_schema_refuses_fields_on_an_item_that_is_not_a_block(terrasse):
    document = interchange.export_service(terrasse.current_version)
    document["services"][0]["form_definition"] = [
        {"name": "a", "label": "A", "type": "short_text",
         "fields": [{"name": "b", "label": "B", "type": "short_text"}]},
        {"name": "enfants", "label": "Enfants", "type": "repeat",
         "fields": [{"name": "Prénom", "label": "P", "type": "short_text"}]},
    ]  # fmt: skip
    with pytest.raises(interchange.InterchangeError) as caught:
        interchange.read_document(document)
    text = " | ".join(caught.value.errors)
    assert "form_definition[0] : la propriété « fields » est réservée aux blocs répétables" in text
    assert "form_definition[1] : propriété obligatoire manquante : item_label." in text
    assert "form_definition[1].fields[0].name : nom invalide" in text
