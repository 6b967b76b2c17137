"""Services as JSON documents (ADR 0027): export, import as a draft into another authority,
the schema, hostile documents, and `guichet load-catalogue` reading the same format."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.authorities import actions as authorities
from guichet.catalogue import interchange, versions
from guichet.catalogue.actions import DEMO_CATALOGUE, CatalogueError, load_catalogue
from guichet.catalogue.formdef import parse_form_definition
from guichet.catalogue.models import Service, ServiceVersion
from guichet.catalogue.validation import FormValidationError, validate_submission
from guichet.core.models import Event

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


def test_the_schema_is_valid_and_the_demo_catalogue_follows_it():
    jsonschema.Draft202012Validator.check_schema(interchange.schema())
    demo = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(interchange.schema()).validate(demo)


def test_an_exported_service_is_imported_into_another_authority_as_a_draft(terrasse, gien):
    # given version 1 of Sceaux's terrace service exported
    document = interchange.export_service(terrasse.current_version)
    assert document["format"] == "guichet-catalogue/1"
    jsonschema.Draft202012Validator(interchange.schema()).validate(document)
    # when another authority imports it (as JSON text, as a file upload would give it)
    draft = interchange.import_service(
        document=json.dumps(document).encode(), authority=gien, by=DESIGNER
    )
    # then a new service exists, not offered, with the same content as a draft version 1
    service = draft.service
    assert service.slug == "terrasse-syndicat" and not service.is_active
    assert (draft.number, draft.status) == (1, ServiceVersion.Status.DRAFT)
    assert versions.content_of(draft) == versions.content_of(terrasse.current_version)
    event = Event.objects.get(kind=interchange.SERVICE_IMPORTED)
    assert event.payload["from"] == "terrasse" and event.payload["authority"] == gien.pk
    # and the draft can be published as it is
    published = versions.publish(draft=draft, by=DESIGNER, note="Reprise du modèle de Sceaux.")
    service.refresh_from_db()
    assert service.is_active and service.current_version_id == published.pk


def test_load_catalogue_reads_an_exported_document(terrasse):
    document = interchange.export_service(terrasse.current_version)
    document["services"][0]["slug"] = "terrasse-bis"
    report = load_catalogue(source=document, actor=SYSTEM)
    assert report.services_created == 1
    copied = Service.objects.get(slug="terrasse-bis")
    assert copied.current_version.form_definition == terrasse.form_definition


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"services": [{"slug": "a\x00b"}]}', "caractère nul"),
        ('{"services": [{"slug": "a\\u0000b"}]}', "caractère nul"),
        (b'{"services": [\xff]}', "UTF-8"),
        (b'{"services": [', "JSON illisible (ligne 1"),
        (b"[" * 5000 + b"]" * 5000, "trop imbriqué"),
        (b'{"services": "' + b"x" * 5_000_001 + b'"}', "au plus 5000 ko"),
        (b"[1, 2]", "$ : un objet JSON {categories, services} est attendu."),
    ],
)
def test_hostile_documents_are_refused_in_french(gien, raw, message):
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.import_service(document=raw, authority=gien, by=DESIGNER)
    assert any(message in e for e in refused.value.errors), refused.value.errors
    assert not Service.objects.exists()


def test_wrong_types_are_refused_with_their_json_path(terrasse, gien):
    document = interchange.export_service(terrasse.current_version)
    row = document["services"][0]
    row.update(kind=3, channels="web", sla_working_days="dix", unknown=True)
    row["form_definition"][0]["label"] = ["pas", "un", "texte"]
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.import_service(document=document, authority=gien, by=DESIGNER)
    errors = refused.value.errors
    assert "$.services[0] : propriété inconnue." in errors
    assert any(e.startswith("$.services[0].kind : valeur non permise") for e in errors)
    assert "$.services[0].channels : type attendu : liste." in errors
    assert "$.services[0].sla_working_days : type attendu : nombre entier ou null." in errors
    assert "$.services[0].form_definition[0].label : type attendu : texte." in errors
    assert Service.objects.count() == 1


def test_a_form_the_validator_refuses_is_refused_with_the_service_path(terrasse, gien):
    document = interchange.export_service(terrasse.current_version)
    document["services"][0]["form_definition"].append(
        {"name": "surface", "label": "Encore", "type": "short_text"}
    )
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.import_service(document=document, authority=gien, by=DESIGNER)
    text = " ".join(refused.value.errors)
    assert "$.services[0].form_definition (service « terrasse ») :" in text
    assert "plusieurs champs" in text
    # a promise of zero days is refused by the schema already
    document = interchange.export_service(terrasse.current_version)
    document["services"][0]["sla_working_days"] = 0
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.import_service(document=document, authority=gien, by=DESIGNER)
    assert refused.value.errors == [
        "$.services[0].sla_working_days : valeur au moins égale à 1 attendue."
    ]


def test_load_catalogue_refuses_a_hostile_file_in_french(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_bytes(b'{"services": []}\x00')
    with pytest.raises(CatalogueError, match="caractère nul"):
        load_catalogue(source=path, actor=SYSTEM)


# --- round trip over generated forms ----------------------------------------------------------

NAMES = [f"champ_{i}" for i in range(8)]


@st.composite
def form_definitions(draw) -> list[dict]:
    """Form definitions the one validator accepts: texts, numbers, checkboxes, choices, with
    conditions on earlier fields."""
    fields: list[dict] = []
    for name in NAMES[: draw(st.integers(min_value=1, max_value=len(NAMES)))]:
        kind = draw(st.sampled_from(["short_text", "long_text", "number", "checkbox", "choice"]))
        label = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=30)
        field = {"name": name, "label": draw(label.filter(str.strip)),
                 "type": kind, "required": draw(st.booleans())}  # fmt: skip
        if kind == "short_text" and draw(st.booleans()):
            field["max_length"] = draw(st.integers(min_value=1, max_value=50))
        if kind == "number" and draw(st.booleans()):
            field["min_value"] = draw(st.integers(min_value=-10, max_value=10))
        if kind == "choice":
            values = draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True))
            field["choices"] = [{"value": v, "label": f"Choix {v}"} for v in values]
        earlier = [f for f in fields if f["type"] in ("checkbox", "choice")]
        if earlier and draw(st.booleans()):
            target = draw(st.sampled_from(earlier))
            expected = True if target["type"] == "checkbox" else target["choices"][0]["value"]
            field["show_if"] = {"field": target["name"], "equals": expected}
        fields.append(field)
    return parse_form_definition(fields).to_json()


submissions = st.dictionaries(
    st.sampled_from(NAMES),
    st.one_of(st.text(max_size=60), st.integers(-100, 100), st.booleans(), st.sampled_from("abc")),
)


def outcome(form, data):
    try:
        return ("ok", dict(validate_submission(form, data)))
    except FormValidationError as refused:
        return ("refused", refused.errors)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=form_definitions(), data=st.lists(submissions, min_size=1, max_size=3))
def test_any_valid_form_round_trips_and_validates_submissions_the_same_way(
    terrasse, gien, form, data
):
    # given a draft of the service with a generated form, exported
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    draft = versions.save_draft(
        draft=draft, by=DESIGNER, revision=draft.revision, changes={"form_definition": form}
    )
    document = json.loads(json.dumps(interchange.export_service(draft)))
    # when another authority imports it
    imported = interchange.import_service(document=document, authority=gien, by=DESIGNER)
    # then the form is unchanged and answers every submission the same way
    assert imported.form_definition == draft.form_definition == form
    for submission in data:
        assert outcome(imported.form_definition, submission) == outcome(form, submission)
    ServiceVersion.objects.filter(pk=draft.pk).delete()  # the next example opens its own


def test_the_export_command_writes_what_load_catalogue_reads(terrasse, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("export_service", "terrasse", stdout=out)
    document = json.loads(out.getvalue())
    assert document["services"][0]["form_definition"] == terrasse.form_definition
    path = tmp_path / "terrasse.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert load_catalogue(source=path, actor=SYSTEM).services_unchanged == 1
    with pytest.raises(CommandError, match="n'a pas de version 9"):
        call_command("export_service", "terrasse", "--number", "9", stdout=StringIO())
    with pytest.raises(CommandError, match="Service inconnu"):
        call_command("export_service", "absent", stdout=StringIO())
