"""Moving open requests onto a newly published version from the designer's versions page
(issue 15, ADR 0027): the states to map, the move, the French errors next to each state, and
who may do it."""

from html import unescape

import pytest
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.actions import submit_request
from guichet.cases.models import Request
from guichet.catalogue import versions
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.core.models import Event

TWO_STATES = {
    "initial": "ouverte",
    "states": [
        {"name": "ouverte", "label": "ouverte", "public_status": "ongoing"},
        {"name": "en_etude", "label": "en étude", "public_status": "ongoing"},
        {"name": "close", "label": "close", "public_status": "done", "clock": "stopped"},
    ],
    "transitions": [
        {"source": "ouverte", "target": "en_etude", "action": "Étudier",
         "min_role": "case_handler"},
        {"source": "en_etude", "target": "close", "action": "Clore", "min_role": "case_handler"},
        {"source": "ouverte", "target": "close", "action": "Clore", "min_role": "case_handler"},
    ],
}  # fmt: skip
FORM = [{"name": "lieu", "label": "Lieu de la terrasse", "type": "short_text", "required": True}]


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


def _publish(dworld, changes, note):
    by = Actor.agent(dworld.designer)
    service = Service.objects.get(pk=dworld.terrace.pk)
    draft = service.versions.filter(status="draft").first() or versions.start_draft(
        service=service, by=by
    )
    draft = versions.save_draft(draft=draft, by=by, changes=changes, revision=draft.revision)
    return versions.publish(draft=draft, by=by, note=note)


def _file(dworld):
    return submit_request(
        service=Service.objects.get(pk=dworld.terrace.pk), person=dworld.claire, channel="web",
        actor=Actor.person(dworld.claire), form_data={"lieu": "Place du marché"},
        commune=dworld.sceaux_commune,
    )  # fmt: skip


@pytest.fixture
def on_version_1(dworld):
    """Three requests filed on version 1 of Sceaux's terrace service (two received, one in
    progress), then version 2 published with another workflow."""
    _publish(dworld, {"form_definition": FORM}, "Première version")
    received = [_file(dworld), _file(dworld)]
    working = actions.change_status(
        request=_file(dworld), to="in_progress", actor=Actor.agent(dworld.manager),
        role="manager",
    )  # fmt: skip
    _publish(dworld, {"workflow_definition": TWO_STATES}, "Un circuit plus court")
    return received, working


def test_the_versions_page_lists_the_states_to_map(dworld, client, on_version_1):
    client.force_login(dworld.designer)
    response = client.get(url("versions", dworld.terrace.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Demandes en cours sur une version précédente" in page
    assert "2 demandes « reçue » (version 1)" in page
    assert "1 demande « en cours de traitement » (version 1)" in page
    # the current workflow's open states are offered, not the final one
    assert '<option value="en_etude">en étude</option>' in page
    assert 'value="close"' not in page


def test_nothing_to_map_shows_no_section(dworld, client):
    _publish(dworld, {"form_definition": FORM}, "Première version")
    _file(dworld)
    client.force_login(dworld.designer)
    page = client.get(url("versions", dworld.terrace.pk)).content.decode()
    assert "Demandes en cours sur une version précédente" not in page


def test_mapped_requests_move_onto_the_new_version(dworld, client, on_version_1):
    received, working = on_version_1
    client.force_login(dworld.designer)
    response = client.post(
        url("move_requests", dworld.terrace.pk),
        {"etat-1:received": "ouverte", "etat-1:in_progress": "en_etude"},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "3 demandes en cours sont passées sur la version 2." in page
    assert "Demandes en cours sur une version précédente" not in page
    for case in received:
        case.refresh_from_db()
        assert (case.service_version.number, case.state) == (2, "ouverte")
    working.refresh_from_db()
    assert (working.service_version.number, working.state) == (2, "en_etude")
    assert Event.objects.filter(kind="request.moved_to_version").count() == 3


def test_each_refused_state_says_why_next_to_it_and_nothing_moves(dworld, client, on_version_1):
    client.force_login(dworld.designer)
    response = client.post(
        url("move_requests", dworld.terrace.pk),
        {"etat-1:received": "ouverte", "etat-1:in_progress": "close"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Aucune demande n'a été déplacée" in unescape(page)
    assert "« close » clôt la demande : choisissez un état ouvert." in page
    # the error sits in the row of « en cours de traitement », the other row keeps its choice
    row = page.split('data-key="1:in_progress"')[1].split("</div>")[0]
    assert "clôt la demande" in row and 'aria-invalid="true"' in row
    kept = page.split('data-key="1:received"')[1].split("</div>")[0]
    assert '<option value="ouverte" selected>' in kept and "fr-error-text" not in kept
    assert not Request.objects.filter(service_version__number=2).exists()
    assert not Event.objects.filter(kind="request.moved_to_version").exists()
    # an unmapped state is refused too
    response = client.post(url("move_requests", dworld.terrace.pk), {"etat-1:received": "ouverte"})
    assert response.status_code == 400
    assert "Choisissez l'état du nouveau circuit pour ces demandes." in unescape(
        response.content.decode()
    )


def test_another_authoritys_service_is_not_found(dworld, client, on_version_1):
    client.force_login(dworld.issy_designer)
    response = client.post(url("move_requests", dworld.terrace.pk), {"etat-1:received": "ouverte"})
    assert response.status_code == 404
    assert not Request.objects.filter(service_version__number=2).exists()


@pytest.mark.parametrize("who", ["manager", "handler"])
def test_a_non_designer_is_refused(dworld, client, on_version_1, who):
    client.force_login(getattr(dworld, who))
    response = client.post(url("move_requests", dworld.terrace.pk), {"etat-1:received": "ouverte"})
    assert response.status_code == 403
    assert not Request.objects.filter(service_version__number=2).exists()


def test_moving_needs_a_post(dworld, client, on_version_1):
    client.force_login(dworld.designer)
    assert client.get(url("move_requests", dworld.terrace.pk)).status_code == 405
