"""Where a designed service is offered (ADR 0035): the designer chooses the communes among
those where its authority holds the competence (its level, transfers, delegations); the
choice changes what the portal offers at a commune and where a request is routed."""

import html

import pytest
from django.urls import reverse

from guichet.authorities import actions as authorities
from guichet.authorities import service_design
from guichet.authorities.competence import holding_communes
from guichet.authorities.models import Authority, OwnedService, Role
from guichet.cases.routing import NotRoutable, route
from guichet.catalogue.versions import publish
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.territory.models import Intercommunality
from guichet.territory.selectors import commune_by_code

from ..conftest import SYSTEM, agent
from .conftest import designed_world

VALLEE_SUD = "200057966"  # EPT Vallée Sud - Grand Paris: Antony, Bagneux, …, Sceaux
MEMBERS = 11


@pytest.fixture
def ept(db):
    world = designed_world()
    world.vallee = authorities.create_authority(
        actor=SYSTEM, kind=Authority.Kind.INTERCOMMUNALITY, name="Vallée Sud - Grand Paris",
        slug="vallee-sud", intercommunality=Intercommunality.objects.get(siren=VALLEE_SUD),
    )  # fmt: skip
    world.ept_designer = agent("concepteur-vsgp", world.vallee, Role.DESIGNER)
    world.bulky = _published(
        world.vallee, world.ept_designer, "Encombrants sur rendez-vous", "intercommunal"
    )
    world.bagneux = commune_by_code("92007")
    return world


def _published(authority, designer, name, level):
    by = Actor.agent(designer)
    draft = service_design.create_service(
        authority=authority, by=by, content={"name": name, "summary": name, "level": level,
                                             "kind": "transactional", "category": "proprete-dechets"},
    )  # fmt: skip
    return publish(draft=draft, by=by, note="Première version").service


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


def offered_at(client, commune, service) -> bool:
    return (
        service.name in client.get(reverse("portal:commune", args=[commune.code])).content.decode()
    )


def test_the_page_lists_the_communes_where_the_authority_holds_the_competence(ept, client):
    client.force_login(ept.ept_designer)
    page = client.get(url("page", ept.bulky.pk)).content.decode()
    assert "Communes où le service est proposé" in page
    for name in ("Antony (92002)", "Bagneux (92007)", "Sceaux (92071)"):
        assert name in page
    assert "Issy-les-Moulineaux" not in page  # another EPT's commune
    assert len(holding_communes(ept.bulky, ept.vallee)) == MEMBERS


def test_choosing_communes_changes_the_portal_offer_and_the_routing(ept, client):
    # given the EPT's service, offered on its whole territory
    assert offered_at(client, ept.bagneux, ept.bulky)
    assert route(service=ept.bulky, commune=ept.bagneux).authority == ept.vallee
    before = Event.objects.count()
    # when its designer offers it at Sceaux and Antony only
    client.force_login(ept.ept_designer)
    response = client.post(
        url("communes", ept.bulky.pk), {"communes": [ept.sceaux_commune.pk, ept.antony_commune.pk]}
    )
    assert response.status_code == 302
    assert client.get(response.url).content.decode().count("Service proposé dans 2 communes.") == 1
    # then one event records it
    events = Event.objects.filter(pk__gt=0).order_by("-pk")[: Event.objects.count() - before]
    assert [e.kind for e in events] == ["service.communes-chosen"]
    assert events[0].payload["communes"] == ["92002", "92071"]
    # and the portal offers it at Sceaux, no longer at Bagneux, which says why
    client.logout()
    assert offered_at(client, ept.sceaux_commune, ept.bulky)
    assert not offered_at(client, ept.bagneux, ept.bulky)
    detail = client.get(reverse("portal:service_at", args=["92007", ept.bulky.slug]))
    assert "Vallée Sud - Grand Paris ne propose pas ce service à Bagneux" in html.unescape(
        detail.content.decode()
    )
    # and a request from Bagneux is not routed; one from Sceaux goes to the EPT
    with pytest.raises(NotRoutable, match="ne propose pas ce service à Bagneux"):
        route(service=ept.bulky, commune=ept.bagneux)
    assert route(service=ept.bulky, commune=ept.sceaux_commune).authority == ept.vallee
    # and choosing none offers it everywhere again
    client.force_login(ept.ept_designer)
    client.post(url("communes", ept.bulky.pk), {})
    assert route(service=ept.bulky, commune=ept.bagneux).authority == ept.vallee


def test_a_commune_outside_the_competence_is_refused_with_a_field_message(ept, client):
    client.force_login(ept.ept_designer)
    client.post(url("communes", ept.bulky.pk), {"communes": [ept.sceaux_commune.pk]})
    before = Event.objects.count()
    # when the designer sends Issy (another EPT) with Antony
    response = client.post(
        url("communes", ept.bulky.pk), {"communes": [ept.antony_commune.pk, ept.issy_commune.pk]}
    )
    # then refused next to the communes, in French, nothing changed
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert 'id="communes-erreur"' in page
    assert (
        "Vallée Sud - Grand Paris n'exerce pas cette compétence à Issy-les-Moulineaux : "
        "choisissez parmi les communes proposées." in page
    )
    assert 'aria-describedby="communes-erreur"' in page
    owned = OwnedService.objects.get(service=ept.bulky)
    assert list(owned.communes.values_list("code", flat=True)) == ["92071"]
    assert Event.objects.count() == before
    # and what was typed stays ticked
    assert f'value="{ept.antony_commune.pk}" checked' in page


@pytest.mark.parametrize("value", ["abc", "9" * 30, "-1", "\x00", "1e3"])
def test_hostile_values_are_refused_without_error(ept, client, value):
    client.force_login(ept.ept_designer)
    response = client.post(url("communes", ept.bulky.pk), {"communes": [value]})
    assert response.status_code == 400
    assert not OwnedService.objects.get(service=ept.bulky).communes.exists()
    if value == "\x00":
        return  # refused before the view by the platform's NUL guard
    assert "n'exerce pas cette compétence" in html.unescape(response.content.decode())


def test_another_authoritys_designer_cannot_choose(ept, client):
    client.force_login(ept.designer)  # Sceaux's
    response = client.post(url("communes", ept.bulky.pk), {"communes": [ept.sceaux_commune.pk]})
    assert response.status_code == 404
    assert not OwnedService.objects.get(service=ept.bulky).communes.exists()


def test_a_transfer_gives_the_receiving_authority_the_communes_it_covers(ept, client):
    # given a communal service the EPT designed: no commune of the EPT handles it by default
    hall = _published(ept.vallee, ept.ept_designer, "Réservation de salle", "communal")
    assert holding_communes(hall, ept.vallee) == []
    assert route_fails(hall, ept.sceaux_commune)
    # when the Ville de Sceaux transfers it to the EPT
    authorities.record_transfer(
        actor=SYSTEM, service=hall, granting_authority=ept.sceaux, receiving_authority=ept.vallee,
        note="délibération 2026-12",
    )  # fmt: skip
    # then the EPT holds it at Sceaux only: the designer may offer it there, not at Antony
    assert [c.code for c in holding_communes(hall, ept.vallee)] == ["92071"]
    client.force_login(ept.ept_designer)
    assert (
        client.post(url("communes", hall.pk), {"communes": [ept.sceaux_commune.pk]}).status_code
        == 302
    )
    refused = client.post(url("communes", hall.pk), {"communes": [ept.antony_commune.pk]})
    assert "n'exerce pas cette compétence à Antony" in html.unescape(refused.content.decode())
    # and a Sceaux resident's request goes to the EPT, shown on the portal
    assert route(service=hall, commune=ept.sceaux_commune).authority == ept.vallee
    client.logout()
    assert offered_at(client, ept.sceaux_commune, hall)


def test_a_service_of_a_commune_is_not_offered_through_a_transfer_elsewhere(ept):
    # Sceaux's own designed service: its commune only, whatever the level's neighbours
    assert [c.code for c in holding_communes(ept.terrace, ept.sceaux)] == ["92071"]


def route_fails(service, commune) -> bool:
    try:
        route(service=service, commune=commune)
    except NotRoutable:
        return True
    return False
