"""Service versions (ADR 0027): a draft, publication, frozen versions, optimistic locking,
rollback, the publication log and the first versions of existing services."""

from __future__ import annotations

import copy
import importlib

import pytest
from django.apps import apps

from guichet.catalogue import versions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Category, FrozenVersion, Service, ServiceVersion
from guichet.core.journal import Actor
from guichet.core.models import Event

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
DESIGNER = Actor.system("concepteur")
FORM = [
    {"name": "etablissement", "label": "Nom de l'établissement", "type": "short_text",
     "required": True, "summary": True},
    {"name": "surface", "label": "Surface (m²)", "type": "number", "min_value": 1},
    {"name": "chauffage", "label": "Chauffage extérieur", "type": "checkbox"},
    {"name": "puissance", "label": "Puissance (kW)", "type": "number",
     "show_if": {"field": "chauffage", "equals": True}},
]  # fmt: skip
CATALOGUE = {
    "categories": [{"slug": "voirie", "name": "Voirie", "icon": "fr-icon-road-map-line"}],
    "services": [
        {
            "slug": "terrasse",
            "name": "Demande d'occupation du domaine public (terrasse)",
            "kind": "transactional",
            "category": "voirie",
            "summary": "Installer une terrasse sur le trottoir.",
            "level": "communal",
            "channels": ["web", "counter"],
            "sla_working_days": 15,
            "keywords": "terrasse trottoir",
            "form_definition": FORM,
        }
    ],
}


@pytest.fixture
def terrasse() -> Service:
    load_catalogue(source=copy.deepcopy(CATALOGUE), actor=SYSTEM)
    return Service.objects.get(slug="terrasse")


def test_loading_a_catalogue_publishes_version_1_of_each_new_service(terrasse):
    version = terrasse.current_version
    assert (version.number, version.status) == (1, ServiceVersion.Status.PUBLISHED)
    assert version.form_definition == terrasse.form_definition
    assert version.page["name"] == terrasse.name and version.page["category"] == "voirie"
    # loading it again changes nothing; a changed summary is version 2
    load_catalogue(source=copy.deepcopy(CATALOGUE), actor=SYSTEM)
    assert terrasse.versions.count() == 1
    changed = copy.deepcopy(CATALOGUE)
    changed["services"][0]["summary"] = "Une terrasse, pour l'été."
    load_catalogue(source=changed, actor=SYSTEM)
    terrasse.refresh_from_db()
    assert terrasse.current_version.number == 2
    assert terrasse.summary == "Une terrasse, pour l'été."
    assert ServiceVersion.objects.get(service=terrasse, number=1).status == "retired"


def test_a_draft_copies_the_current_version_and_is_opened_once(terrasse):
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    again = versions.start_draft(service=terrasse, by=DESIGNER)
    assert again.pk == draft.pk and draft.is_draft and draft.number == 2
    assert draft.form_definition == terrasse.form_definition
    # the default lifecycle is spelled out for the designer
    assert {s["name"] for s in draft.workflow_definition["states"]} >= {"received", "closed"}
    assert Event.objects.filter(kind=versions.DRAFT_STARTED).count() == 1


def test_publishing_freezes_the_draft_and_makes_it_current(terrasse):
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    draft = versions.save_draft(
        draft=draft, by=DESIGNER, revision=draft.revision,
        changes={"name": "Terrasse ou étalage", "sla_working_days": 10},
    )  # fmt: skip
    published = versions.publish(draft=draft, by=DESIGNER, note="Les étalages aussi.")
    terrasse.refresh_from_db()
    assert terrasse.current_version_id == published.pk
    assert (terrasse.name, terrasse.sla_working_days) == ("Terrasse ou étalage", 10)
    assert published.published_at is not None and published.published_by == "concepteur"
    event = Event.objects.get(kind=versions.VERSION_PUBLISHED)
    assert event.payload == {
        "service": "terrasse", "version": 2, "previous": 1, "note": "Les étalages aussi."
    }  # fmt: skip
    assert [v.number for v in versions.publication_log(terrasse)] == [2, 1]


def test_a_published_version_refuses_every_write(terrasse):
    version = terrasse.current_version
    version.page = version.page | {"name": "Autre chose"}
    with pytest.raises(FrozenVersion, match="ne peut plus être modifiée"):
        version.save()
    with pytest.raises(versions.DraftError, match="publiée"):
        versions.save_draft(draft=version, by=DESIGNER, changes={"name": "X"}, revision=1)
    with pytest.raises(versions.DraftError, match="déjà publiée"):
        versions.publish(draft=version, by=DESIGNER, note="Encore.")
    assert ServiceVersion.objects.get(pk=version.pk).page["name"] != "Autre chose"


def test_publishing_needs_a_note(terrasse):
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    with pytest.raises(versions.DraftError) as refused:
        versions.publish(draft=draft, by=DESIGNER, note="  ")
    assert refused.value.errors == {"note": ["Indiquez pourquoi vous publiez cette version."]}
    assert ServiceVersion.objects.get(pk=draft.pk).is_draft


def test_a_stale_revision_is_refused_and_the_typed_changes_are_kept(terrasse):
    # given two designers who opened the same draft
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    opened_at = draft.revision
    versions.save_draft(draft=draft, by=DESIGNER, revision=opened_at, changes={"name": "A"})
    # when the second saves with the revision she opened
    typed = {"name": "B", "summary": "Ce que la seconde a tapé."}
    with pytest.raises(versions.StaleDraft) as refused:
        versions.save_draft(draft=draft, by=DESIGNER, revision=opened_at, changes=typed)
    # then she is told in French, her changes come back with the error, the first's stay
    assert "Le brouillon a changé depuis que vous l'avez ouvert" in str(refused.value)
    assert refused.value.changes == typed
    assert refused.value.current_revision == opened_at + 1
    assert ServiceVersion.objects.get(pk=draft.pk).page["name"] == "A"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"form_definition": [*FORM, FORM[0]]}, "form_definition", "plusieurs champs"),
        (
            {"form_definition": [
                {"name": "a", "label": "A", "type": "short_text",
                 "show_if": {"field": "b", "equals": "x"}},
                {"name": "b", "label": "B", "type": "short_text"},
            ]},
            "form_definition", "« b »",
        ),
        (
            {"form_definition": [{"name": "code", "label": "Code", "type": "short_text",
                                  "pattern": "[a-z"}]},
            "form_definition", "expression régulière invalide",
        ),
        ({"sla_working_days": 0}, "sla_working_days", "entre 1 et 365"),
        ({"name": "Nom\x00caché"}, "name", "caractère nul"),
        (
            {"form_definition": [{"name": "a", "label": "A\x00", "type": "short_text"}]},
            "form_definition", "caractère nul",
        ),
        ({"channels": ["pigeon"]}, "channels", "Canal inconnu « pigeon »"),
    ],
)  # fmt: skip
def test_invalid_changes_are_refused_by_field_and_nothing_is_written(
    terrasse, changes, field, message
):
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    with pytest.raises(versions.DraftError) as refused:
        versions.save_draft(draft=draft, by=DESIGNER, revision=draft.revision, changes=changes)
    assert any(message in m for m in refused.value.errors[field]), refused.value.errors
    assert refused.value.changes == changes  # what was typed comes back
    stored = ServiceVersion.objects.get(pk=draft.pk)
    assert stored.revision == draft.revision and stored.form_definition == draft.form_definition


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": 42}, "name"),
        ({"summary": ["une", "liste"]}, "summary"),
        ({"kind": ["transactional"]}, "kind"),
        ({"category": {"slug": "voirie"}}, "category"),
        ({"required_documents": "une pièce"}, "required_documents"),
        ({"channels": "web"}, "channels"),
        ({"sla_working_days": True}, "sla_working_days"),
        ({"sla_working_days": "10"}, "sla_working_days"),
        ({"form_definition": "pas une liste"}, "form_definition"),
        ({"form_definition": [{"name": "x", "label": "X", "type": "short_text"}] * 501},
         "form_definition"),
        ({"workflow_definition": ["pas", "un", "objet"]}, "workflow_definition"),
        ({"workflow_definition": {"states": "non", "transitions": 3}}, "workflow_definition"),
        ({"workflow_definition": {"states": [{"name": f"e{i}"} for i in range(101)]}},
         "workflow_definition"),
        ({"description": "x" * 20_001}, "description"),
    ],
)  # fmt: skip
def test_wrong_types_and_huge_values_are_refused_in_french(terrasse, changes, field):
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    with pytest.raises(versions.DraftError) as refused:
        versions.save_draft(draft=draft, by=DESIGNER, revision=draft.revision, changes=changes)
    messages = refused.value.errors[field]
    # French sentences, never Python's or pydantic's English
    assert messages and not any(
        english in m for m in messages for english in ("argument", "Input should", "must be")
    ), messages
    assert ServiceVersion.objects.get(pk=draft.pk).revision == draft.revision


def test_a_workflow_failing_its_checks_is_refused_naming_the_state(terrasse):
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    workflow = {
        "initial": "recue",
        "states": [
            {"name": "recue", "label": "reçue", "public_status": "ongoing"},
            {"name": "bloquee", "label": "bloquée", "public_status": "ongoing"},
            {"name": "orpheline", "label": "orpheline", "public_status": "ongoing"},
            {"name": "traitee", "label": "traitée", "public_status": "done", "clock": "stopped"},
        ],
        "transitions": [
            {"source": "recue", "target": "traitee", "action": "Traiter",
             "min_role": "case_handler"},
            {"source": "recue", "target": "bloquee", "action": "Bloquer",
             "min_role": "case_handler"},
            {"source": "orpheline", "target": "traitee", "action": "Traiter",
             "min_role": "case_handler"},
        ],
    }  # fmt: skip
    with pytest.raises(versions.DraftError) as refused:
        versions.save_draft(
            draft=draft, by=DESIGNER, revision=draft.revision,
            changes={"workflow_definition": workflow},
        )  # fmt: skip
    errors = refused.value.errors
    assert "aucun état final" in errors["workflow_definition.bloquee"][0]
    assert "« orpheline » n'est atteignable" in errors["workflow_definition.orpheline"][0]
    no_role = workflow | {"transitions": [dict(workflow["transitions"][0], min_role="")]}
    with pytest.raises(versions.DraftError) as refused:
        versions.save_draft(
            draft=draft, by=DESIGNER, revision=draft.revision,
            changes={"workflow_definition": no_role},
        )  # fmt: skip
    assert "n'indique aucun rôle autorisé" in " ".join(refused.value.errors["workflow_definition"])


def test_rollback_publishes_a_copy_of_an_earlier_version(terrasse):
    first = terrasse.current_version
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    draft = versions.save_draft(
        draft=draft, by=DESIGNER, revision=draft.revision,
        changes={"form_definition": FORM[:2]},
    )  # fmt: skip
    versions.publish(draft=draft, by=DESIGNER, note="Formulaire allégé.")
    open_draft = versions.start_draft(service=terrasse, by=DESIGNER)
    # when the designer goes back to version 1
    back = versions.rollback(service=terrasse, to_version=first, by=DESIGNER, note="Trop court.")
    # then version 3 is version 1's content, current; the open draft stays, numbered after it
    terrasse.refresh_from_db()
    assert (back.number, back.status, back.based_on_id) == (3, "published", first.pk)
    assert terrasse.current_version_id == back.pk and terrasse.form_definition == FORM_COMPACT()
    assert ServiceVersion.objects.get(pk=open_draft.pk).number == 4  # after version 3
    event = Event.objects.get(kind=versions.VERSION_ROLLED_BACK)
    assert event.payload["rolled_back_to"] == 1 and event.payload["note"] == "Trop court."
    with pytest.raises(versions.DraftError, match="pourquoi"):
        versions.rollback(service=terrasse, to_version=first, by=DESIGNER, note="")


def FORM_COMPACT():  # noqa: N802 - reads as a constant
    from guichet.catalogue.formdef import parse_form_definition

    return parse_form_definition(FORM).to_json()


def test_the_migration_gives_every_existing_service_its_version_1():
    # given a service written before versions existed (no version, its own fields)
    category = Category.objects.create(slug="etat-civil", name="État civil")
    old = Service.objects.create(
        slug="ancien", name="Ancien service", kind="transactional", category=category,
        summary="Un service d'avant.", level="communal", channels=["web"],
        form_definition=FORM, sla_working_days=5,
    )  # fmt: skip
    # when the data migration runs
    migration = importlib.import_module("guichet.catalogue.migrations.0003_service_versions")
    migration.create_first_versions(apps, None)
    # then it points to its version 1, published, holding its fields
    old.refresh_from_db()
    version = old.current_version
    assert (version.number, version.status) == (1, "published")
    assert version.form_definition == FORM and version.sla_working_days == 5
    assert version.page["name"] == "Ancien service" and version.workflow_definition == {}
