"""« Doublon possible » on the agent's request page, the merge and unmerge buttons, who may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cases.factories import POINTS, build_world, file_request, form_for, person
from support import built_for_the_module, refreshed

from guichet.authorities.models import Role
from guichet.backoffice.views.duplicates import apart_text, distance_text
from guichet.cases import actions
from guichet.cases.models import Request
from guichet.core.journal import Actor
from guichet.core.models import Event


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def w(_module_world, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return refreshed(_module_world)


def pothole(world, metres_north: float = 0, **extra) -> Request:
    point = POINTS["92071"]
    place = {"lat": point["lat"] + metres_north / 111_195, "lon": point["lon"]}
    return file_request(world, form_data=form_for("signalement-voirie", emplacement=place), **extra)


@pytest.fixture
def pair(w):
    """Alice's pothole, and Léa's phoned in 30 m away."""
    parent = pothole(w)
    child = pothole(
        w, 30, person=person("Léa", "Petit"), channel="phone", filed_by=w.front_desk_sceaux
    )
    return parent, child


def page_of(client, request: Request):
    return client.get(f"/agents/demandes/{request.pk}/")


def test_the_request_page_shows_the_suspicion_ranked_with_distance_age_and_similarity(
    client, w, pair
):
    parent, child = pair
    client.force_login(w.agent_sceaux)
    response = page_of(client, child)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Doublon possible" in html
    assert f'data-candidate="{parent.reference}"' in html
    assert f'href="/agents/demandes/{parent.pk}/"' in html
    assert "à 30 m · quelques instants avant · texte semblable à 100 %" in html
    assert "Fusionner dans cette demande" in html


@pytest.mark.parametrize(
    ("seconds", "metres", "expected"),
    [
        (-2 * 86400 - 7200, 38.2, ("2 jours avant", "à 40 m")),
        (3600, 1234, ("1 heure après", "à 1,2 km")),
        (-90, None, ("1 minute avant", "")),
        (20, 0, ("quelques instants après", "à 0 m")),
    ],
)
def test_age_and_distance_read_in_french(seconds, metres, expected):
    assert (apart_text(timedelta(seconds=seconds)), distance_text(metres)) == expected


def test_a_case_handler_merges_from_the_page_and_the_page_shows_the_merge(client, w, pair):
    parent, child = pair
    client.force_login(w.agent_sceaux)
    response = client.post(f"/agents/demandes/{child.pk}/fusionner/", {"parent": parent.pk})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.duplicate_of_id == parent.pk
    html = page_of(client, child).content.decode()
    assert f'data-merged-into="{parent.reference}"' in html
    assert "Doublon possible" not in html
    assert f'data-merged-child="{child.reference}"' in page_of(client, parent).content.decode()
    # then unmerging with a reason brings it back
    back = client.post(f"/agents/demandes/{child.pk}/separer/", {"reason": "Autre trou."})
    assert back.status_code == 302
    child.refresh_from_db()
    assert child.duplicate_of_id is None and child.in_queue


def test_from_the_older_request_a_candidate_is_gathered_into_it(client, w, pair):
    parent, child = pair
    client.force_login(w.agent_sceaux)
    # on the older request's page, the newer one is a candidate too
    html = page_of(client, parent).content.decode()
    assert f'data-merge-here="{child.reference}"' in html
    response = client.post(f"/agents/demandes/{parent.pk}/fusionner/", {"child": child.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/{parent.pk}/")
    assert Request.objects.get(pk=child.pk).duplicate_of_id == parent.pk
    # and a child that is not the agent's is unknown
    foreign = file_request(w, commune=w.tours_commune, person=w.bob)
    refused = client.post(f"/agents/demandes/{parent.pk}/fusionner/", {"child": foreign.pk})
    assert refused.status_code == 409


def test_a_reference_typed_by_the_agent_is_merged_into(client, w, pair):
    parent, child = pair
    client.force_login(w.agent_sceaux)
    typed = parent.reference.lower().replace("-", " ")
    response = client.post(f"/agents/demandes/{child.pk}/fusionner/", {"reference": typed})
    assert response.status_code == 302
    assert Request.objects.get(pk=child.pk).duplicate_of_id == parent.pk


def test_the_front_desk_sees_the_suspicion_but_may_not_merge(client, w, pair):
    parent, child = pair
    client.force_login(w.front_desk_sceaux)
    html = page_of(client, child).content.decode()
    assert "Doublon possible" in html and "Fusionner dans cette demande" not in html
    refused = client.post(f"/agents/demandes/{child.pk}/fusionner/", {"parent": parent.pk})
    assert refused.status_code == 403
    assert Request.objects.get(pk=child.pk).duplicate_of_id is None


def test_an_agent_of_another_authority_can_neither_merge_nor_unmerge(client, w, pair):
    parent, child = pair
    client.force_login(w.agent_tours)
    assert (
        client.post(f"/agents/demandes/{child.pk}/fusionner/", {"parent": parent.pk}).status_code
        == 404
    )
    actions.merge_request(child=child, parent=parent, actor=Actor.agent(w.agent_sceaux))
    assert client.post(f"/agents/demandes/{child.pk}/separer/", {"reason": "x"}).status_code == 404
    assert Request.objects.get(pk=child.pk).duplicate_of_id == parent.pk


def test_a_parent_of_another_authority_is_unknown_to_the_agent(client, w, pair):
    parent, child = pair
    foreign = file_request(w, commune=w.tours_commune, person=w.bob)
    client.force_login(w.agent_sceaux)
    for data in ({"parent": foreign.pk}, {"reference": foreign.reference}):
        response = client.post(f"/agents/demandes/{child.pk}/fusionner/", data)
        assert response.status_code == 409
        assert "Aucune demande de vos collectivités" in response.context["error"]
    assert Event.objects.filter(kind="cases.request-merged").count() == 0


@pytest.mark.parametrize(
    "data",
    [{"parent": "1" * 40}, {"parent": "-3"}, {"reference": "x" * 5000}, {"parent": "١٢"}, {}],
)
def test_hostile_merge_input_is_a_french_refusal(client, w, pair, data):
    parent, child = pair
    client.force_login(w.agent_sceaux)
    response = client.post(f"/agents/demandes/{child.pk}/fusionner/", data)
    assert response.status_code == 409
    assert "Aucune demande" in response.context["error"]
    # a NUL byte is refused before any view, in French, by the platform's middleware
    nul = client.post(f"/agents/demandes/{child.pk}/fusionner/", {"reference": "\x00AB"})
    assert nul.status_code == 400
    assert Request.objects.get(pk=child.pk).duplicate_of_id is None


def test_refusals_of_the_rules_are_shown_on_the_page(client, w, pair):
    parent, child = pair
    client.force_login(w.agent_sceaux)
    itself = client.post(f"/agents/demandes/{child.pk}/fusionner/", {"parent": child.pk})
    assert itself.status_code == 409 and "elle-même" in itself.context["error"]
    no_reason = client.post(f"/agents/demandes/{child.pk}/separer/", {"reason": "  "})
    assert no_reason.status_code == 409
    assert "Indiquez pourquoi" in no_reason.context["error"]


def test_a_manager_may_merge_too(client, w, pair):
    parent, child = pair
    assert w.manager_sceaux.memberships.get().role == Role.MANAGER
    client.force_login(w.manager_sceaux)
    response = client.post(f"/agents/demandes/{child.pk}/fusionner/", {"parent": parent.pk})
    assert response.status_code == 302
