"""The public map of reports: only public services' open and recent requests, generalised,
without any personal data; filters; one report's public page; refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from cases.factories import path_to
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from support import built_for_the_module, refreshed

from guichet.cases import actions as cases
from guichet.cases.models import Follower, Request
from guichet.catalogue.models import Service
from guichet.core.journal import Actor
from guichet.people import actions as people
from guichet.portal import public_reports
from guichet.portal.public_reports import CELL_LAT, CELL_LON, cell_of, generalised

from .conftest import SYSTEM, build_world, page_text

# What the person gave: none of it may ever be published.
NAME, SURNAME = "Philomène", "Quastrelli"
EMAIL = "philomene.quastrelli@exemple.fr"
PHONE = "06 98 76 54 32"
ADDRESS = "17 impasse des Secrets"
FREE_TEXT = "Mon voisin Gaspard jette ses gravats ici"
# A point in Sceaux near its grid cell's south-west corner: a published point (the cell's centre
# ± 30 % of a cell) can never start with the same digits, so finding them means a leak.
EXACT = (48.77735, 2.29065)


def file(world, *, point=EXACT, service="voirie", **extra) -> Request:
    person = extra.pop("person", world.person)
    data = {"nature": "nid_de_poule", "description": FREE_TEXT, "adresse": ADDRESS}
    if point is not None:
        data["emplacement"] = {"lat": point[0], "lon": point[1]}
    return cases.submit_request(
        service=getattr(world, service), person=person, channel="web",
        actor=Actor.person(person), commune=world.sceaux, form_data=data, address=ADDRESS,
        **extra,
    )  # fmt: skip


def move(request, target):
    for state, role, note in path_to(target):
        actor = Actor.person(request.person) if role == "person" else SYSTEM
        request = cases.change_status(
            request=request, to=state, actor=actor, role=role,
            note=note or f"Note interne à propos de {NAME} {SURNAME}",
        )  # fmt: skip
    return request


def build() -> SimpleNamespace:
    world = build_world()
    Service.objects.filter(slug="signalement-voirie").update(public_reports=True)
    world.voirie.refresh_from_db()
    world.person = people.create_person(
        actor=SYSTEM, first_name=NAME, last_name=SURNAME, email=EMAIL, phone=PHONE
    )
    world.open = file(world)
    world.done = move(file(world), "resolved")
    world.old = move(file(world), "resolved")
    Request.objects.filter(pk=world.old.pk).update(
        resolved_at=timezone.now() - timedelta(days=public_reports.RECENT_DAYS + 5)
    )
    world.cancelled = move(file(world), "cancelled")
    world.unlocated = file(world)  # then its point removed, as a phoned-in report has none
    Request.objects.filter(pk=world.unlocated.pk).update(latitude=None, longitude=None)
    world.test_request = file(world)
    Request.objects.filter(pk=world.test_request.pk).update(is_test=True)
    world.child = file(world)
    Request.objects.filter(pk=world.child.pk).update(duplicate_of=world.open)
    world.follower = people.create_person(actor=SYSTEM, first_name="Suzon", last_name="Follet")
    Follower.objects.create(
        request=world.open, person=world.follower, source="follow", created_at=timezone.now()
    )
    # a question is not a public service: never on the map
    world.private = cases.submit_request(
        service=world.question, person=world.person, channel="web",
        actor=Actor.person(world.person), commune=world.sceaux,
        form_data={"sujet": "Horaires", "message": FREE_TEXT, "reponse_par": "courriel",
                   "courriel": EMAIL},
    )  # fmt: skip
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_module_world, db):
    return refreshed(_module_world)


def assert_no_personal_data(text: str) -> None:
    for secret in (NAME, SURNAME, EMAIL, PHONE, "06 98", "0698", ADDRESS, "impasse", FREE_TEXT,
                   "Gaspard", "Note interne", "Suzon", "Follet", "48.77735", "2.29065"):  # fmt: skip
        assert secret not in text, secret


def test_the_map_data_holds_open_and_recently_resolved_reports_only(client, world):
    response = client.get("/signalements/donnees.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    data = response.json()
    references = {f["properties"]["reference"] for f in data["features"]}
    assert references == {world.open.reference, world.done.reference}


def test_the_map_data_and_pages_publish_no_personal_data(client, world):
    texts = [client.get("/signalements/donnees.geojson").content.decode()]
    texts.append(client.get("/signalements/").content.decode())
    texts.append(client.get(f"/signalements/{world.open.reference}/").content.decode())
    texts.append(client.get(f"/signalements/{world.done.reference}/").content.decode())
    for text in texts:
        assert_no_personal_data(text)


def test_a_published_point_is_in_the_exact_points_cell_but_not_the_exact_point(client, world):
    data = client.get("/signalements/donnees.geojson").json()
    feature = next(
        f for f in data["features"] if f["properties"]["reference"] == world.open.reference
    )
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) != EXACT
    assert cell_of(lat, lon) == cell_of(*EXACT)
    props = feature["properties"]
    assert props["service"] == world.voirie.name
    assert props["status_label"] == "en cours"
    assert props["commune"] == "Sceaux"
    assert props["followers"] == 1 and props["duplicates"] == 1
    assert set(props) == {"reference", "service", "status", "status_label", "open", "date",
                          "commune", "followers", "duplicates"}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(41.0, 51.5, allow_nan=False),
    lon=st.floats(-5.5, 10.0, allow_nan=False),
    reference=st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ-", min_size=1, max_size=12),
)
def test_generalising_keeps_the_cell_and_hides_where_in_it(lat, lon, reference):
    published = generalised(reference, lat, lon)
    assert published is not None
    assert cell_of(*published) == cell_of(lat, lon)
    row, column = cell_of(lat, lon)
    # the offset depends on the reference alone: any other point of the cell gives the same
    other = ((row + 0.1) * CELL_LAT, (column + 0.9) * CELL_LON)
    assert cell_of(*other) != cell_of(lat, lon) or generalised(reference, *other) == published
    assert published != (lat, lon)


def test_the_list_shows_every_report_and_the_filters_narrow_it(client, world):
    text = page_text(client.get("/signalements/"))
    assert "3 signalements" in text  # the unlocated one is listed, not on the map
    assert world.open.reference in text and world.done.reference in text
    assert world.unlocated.reference in text
    assert world.old.reference not in text and world.cancelled.reference not in text
    assert world.test_request.reference not in text and world.child.reference not in text
    assert world.private.reference not in text
    opened = page_text(client.get("/signalements/?statut=en-cours"))
    assert world.open.reference in opened and world.done.reference not in opened
    resolved = page_text(client.get("/signalements/?statut=traite&service=signalement-voirie"))
    assert world.done.reference in resolved and world.open.reference not in resolved
    data = client.get("/signalements/donnees.geojson?statut=traite").json()
    assert [f["properties"]["reference"] for f in data["features"]] == [world.done.reference]
    elsewhere = client.get("/signalements/donnees.geojson?commune=37261").json()
    assert elsewhere["features"] == []


@pytest.mark.parametrize(
    "query",
    [
        "?service=%00",
        "?statut=<script>",
        "?commune=" + "9" * 500,
        "?page=-1",
        "?page=abc",
        "?service=signalement-voirie&service=x",
        "?commune=92071%00",
    ],
)
def test_hostile_filters_are_read_as_no_filter(client, world, query):
    # (a NUL byte is refused with a 400 by the platform before any view)
    expected = 400 if "%00" in query else 200
    assert client.get("/signalements/" + query).status_code == expected
    assert client.get("/signalements/donnees.geojson" + query).status_code == expected


def test_a_reports_page_shows_its_public_timeline(client, world):
    response = client.get(f"/signalements/{world.done.reference}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Signalement reçu" in text and "Traité" in text
    assert world.voirie.name in text and "Sceaux" in text
    assert "Suivre ce signalement" not in text  # resolved: nothing left to follow


def test_an_open_report_offers_to_follow_it_when_the_follow_flow_exists(client, world):
    from django.urls import NoReverseMatch, reverse

    text = page_text(client.get(f"/signalements/{world.open.reference}/"))
    assert "Signalé aussi par 2 autres personnes" in text  # a follower and a merged duplicate
    try:
        follow = reverse("portal:follow", kwargs={"reference": world.open.reference})
    except NoReverseMatch:
        assert "Suivre ce signalement" not in text
    else:
        assert "Suivre ce signalement" in text
        assert follow in client.get(f"/signalements/{world.open.reference}/").content.decode()


def test_a_merged_duplicate_redirects_to_its_parent(client, world):
    response = client.get(f"/signalements/{world.child.reference}/")
    assert response.status_code == 302
    assert response["Location"] == f"/signalements/{world.open.reference}/"


def test_a_reference_typed_loosely_finds_the_report(client, world):
    loose = world.open.reference.replace("-", "").lower()
    assert client.get(f"/signalements/{loose}/").status_code == 200


@pytest.mark.parametrize("which", ["private", "test_request", "cancelled"])
def test_a_request_not_public_is_not_found(client, world, which):
    response = client.get(f"/signalements/{getattr(world, which).reference}/")
    assert response.status_code == 404
    assert "Ce signalement n'existe pas" in page_text(response)


@pytest.mark.parametrize(
    "reference", ["ZZZZ-ZZZZ-ZZ", "x", "A" * 5000, "%00", "ab%00cd", "%C3%28", "..%2F..", "é"]
)
def test_an_unknown_or_hostile_reference_is_not_found(client, world, reference):
    response = client.get(f"/signalements/{reference}/")
    assert response.status_code in (400, 404)
    assert "Page introuvable" in response.content.decode() or response.status_code == 400


def test_the_portal_menu_links_to_the_map(client, world):
    assert 'href="/signalements/"' in client.get("/").content.decode()


def test_the_data_is_bounded(client, world, monkeypatch):
    monkeypatch.setattr(public_reports, "MAX_FEATURES", 1)
    data = public_reports.geojson(public_reports.Filters())
    assert len(data["features"]) == 1 and data["truncated"] is True
    assert json.dumps(data)
