"""The workflow designer: tables saved through the draft, the checks' French errors next to
the faulty state, the diagram drawn by Graphviz."""

import shutil

import pytest
from django.urls import reverse


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


FOUR_STATES = {
    "initial": "recue",
    "s0-name": "recue", "s0-label": "Reçue", "s0-public_status": "ongoing", "s0-clock": "running",
    "s0-visible": "on",
    "s1-name": "instruction", "s1-label": "En instruction", "s1-public_status": "ongoing",
    "s1-clock": "running", "s1-visible": "on",
    "s2-name": "complement", "s2-label": "Complément demandé",
    "s2-public_status": "action_needed", "s2-clock": "paused", "s2-visible": "on",
    "s3-name": "accordee", "s3-label": "Accordée", "s3-public_status": "done",
    "s3-clock": "stopped", "s3-visible": "on",
    "states": "4",
    "t0-source": "recue", "t0-target": "instruction", "t0-action": "Instruire",
    "t0-min_role": "case_handler",
    "t1-source": "instruction", "t1-target": "complement", "t1-action": "Demander un complément",
    "t1-min_role": "case_handler", "t1-comment_required": "on",
    "t2-source": "complement", "t2-target": "instruction", "t2-action": "Répondre",
    "t2-min_role": "person",
    "t3-source": "instruction", "t3-target": "accordee", "t3-action": "Accorder",
    "t3-min_role": "manager",
    "transitions": "4",
}  # fmt: skip


def draft_of(service):
    return service.versions.get(status="draft")


def test_a_four_state_workflow_is_saved(dworld, client):
    client.force_login(dworld.designer)
    data = FOUR_STATES | {"revision": draft_of(dworld.terrace).revision}
    response = client.post(url("workflow", dworld.terrace.pk), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    document = draft_of(dworld.terrace).workflow_definition
    assert [s["name"] for s in document["states"]] == ["recue", "instruction", "complement",
                                                       "accordee"]  # fmt: skip
    assert document["states"][2]["clock"] == "paused"
    assert document["transitions"][1]["comment_required"] is True


def test_a_state_with_no_way_out_is_refused_next_to_it(dworld, client):
    client.force_login(dworld.designer)
    data = FOUR_STATES | {"revision": draft_of(dworld.terrace).revision, "t3-remove": "on"}
    response = client.post(url("workflow", dworld.terrace.pk), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-state="instruction" class="designer-row--error"' in page
    assert draft_of(dworld.terrace).revision == 1


def test_a_transition_without_a_role_is_refused(dworld, client):
    client.force_login(dworld.designer)
    data = FOUR_STATES | {"revision": draft_of(dworld.terrace).revision, "t0-min_role": ""}
    response = client.post(url("workflow", dworld.terrace.pk), data)
    assert response.status_code == 400 and "rôle" in response.content.decode()


def test_garbage_is_refused_without_an_error_page(dworld, client):
    client.force_login(dworld.designer)
    for data in ({"states": "abc"}, {"states": "99999999", "revision": "1"},
                 FOUR_STATES | {"revision": "1", "s0-public_status": "n'importe"}):  # fmt: skip
        assert client.post(url("workflow", dworld.terrace.pk), data).status_code in (400, 409)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_diagram_is_drawn_as_svg(dworld, client):
    client.force_login(dworld.designer)
    page = client.get(url("workflow", dworld.terrace.pk)).content.decode()
    assert "<svg" in page and "Schéma du circuit de traitement" in page
