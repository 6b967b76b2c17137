"""A readable diff between two versions of a service (ADR 0027)."""

from __future__ import annotations

import copy

import pytest

from guichet.catalogue import versions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.diff import diff, render_diff
from guichet.catalogue.models import Service

from .test_versions import CATALOGUE, DESIGNER, FORM, SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def terrasse() -> Service:
    load_catalogue(source=copy.deepcopy(CATALOGUE), actor=SYSTEM)
    return Service.objects.get(slug="terrasse")


def test_the_diff_lists_page_fields_and_workflow_changes(terrasse):
    first = terrasse.current_version
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    workflow = copy.deepcopy(draft.workflow_definition)
    workflow["states"] = [s for s in workflow["states"] if s["name"] != "qualified"]
    workflow["transitions"] = [
        t for t in workflow["transitions"] if "qualified" not in (t["source"], t["target"])
    ]
    for state in workflow["states"]:
        if state["name"] == "waiting_user":
            state["label"] = "en attente de pièces"
    form = [
        dict(FORM[0], label="Enseigne", required=False),  # relabelled, optional
        FORM[1],
        {"name": "horaires", "label": "Horaires d'ouverture", "type": "short_text"},
    ]  # « chauffage » and « puissance » removed, « horaires » added
    draft = versions.save_draft(
        draft=draft, by=DESIGNER, revision=draft.revision,
        changes={"form_definition": form, "sla_working_days": 20, "workflow_definition": workflow},
    )  # fmt: skip
    second = versions.publish(draft=draft, by=DESIGNER, note="Refonte.")
    # when the two versions are compared
    changes = diff(first, second)
    # then every difference is there, by kind
    assert [c.attribute for c in changes.page] == ["sla_working_days"]
    assert [i.key for i in changes.fields_added] == ["horaires"]
    assert [i.key for i in changes.fields_removed] == ["chauffage", "puissance"]
    [relabelled] = changes.fields_changed
    assert relabelled.key == "etablissement"
    assert {c.attribute: (c.before, c.after) for c in relabelled.changes} == {
        "label": ("Nom de l'établissement", "Enseigne"), "required": (True, None),
    }  # fmt: skip
    assert [i.key for i in changes.states_removed] == ["qualified"]
    assert [i.key for i in changes.states_changed] == ["waiting_user"]
    assert "received → qualified (front_desk)" in [i.key for i in changes.transitions_removed]
    assert not changes.states_added and not changes.transitions_added
    # and it reads in French, one line each
    lines = render_diff(changes)
    assert "Page — Délai promis (jours ouvrés) : 15 → 20" in lines
    assert "Champ ajouté : « Horaires d'ouverture » (horaires)" in lines
    assert "Champ supprimé : « Chauffage extérieur » (chauffage)" in lines
    assert (
        "Champ modifié : « Enseigne » — libellé : Nom de l'établissement → Enseigne ; "
        "obligatoire : oui → (vide)"
    ) in lines
    assert "État supprimé : « qualifiée » (qualified)" in lines
    assert (
        "État modifié : « en attente de pièces » — libellé : en attente de l'usager → "
        "en attente de pièces"
    ) in lines


def test_a_version_compared_with_itself_has_no_difference(terrasse):
    version = terrasse.current_version
    changes = diff(version, version)
    assert changes.is_empty
    assert render_diff(changes) == ["Aucune différence entre la version 1 et la version 1."]


def test_a_moved_field_is_reported_with_its_position(terrasse):
    first = terrasse.current_version
    draft = versions.start_draft(service=terrasse, by=DESIGNER)
    draft = versions.save_draft(
        draft=draft, by=DESIGNER, revision=draft.revision,
        changes={"form_definition": [FORM[1], FORM[0], *FORM[2:]]},
    )  # fmt: skip
    lines = render_diff(diff(first, draft))
    assert "Champ modifié : « Surface (m²) » — position : 2 → 1" in lines
