"""Filing, reading and handling requests through the API with a key of the authority."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.cases.models import Request
from guichet.core.models import Event
from guichet.people.models import Person

from .factories import SCEAUX_POINT, auth, file_request, new_request_body

URL = "/api/v1/requests"


def test_an_application_files_a_request_for_a_new_person_on_the_api_channel(client, world):
    # given a write key of Sceaux
    # when the application files a pothole report in Sceaux for Claire
    response = client.post(
        URL, new_request_body(), content_type="application/json", **auth(world.sceaux_key)
    )
    # then the request exists, on channel "api", handled by Sceaux, for a person found by e-mail
    assert response.status_code == 201, response.json()
    body = response.json()
    request = Request.objects.get(reference=body["reference"])
    assert (request.channel, request.authority, body["authority"]) == (
        "api",
        world.sceaux,
        "Ville de Sceaux",
    )
    assert request.person.identities.filter(value="claire@exemple.fr").exists()
    received = Event.objects.get(kind="request.received", case_id=request.pk)
    assert received.resource == "application:appli-sceaux"


def test_a_request_located_by_a_point_finds_its_commune(client, world):
    # given a body with a latitude and longitude instead of a commune code
    body = new_request_body(
        commune=None, latitude=SCEAUX_POINT["lat"], longitude=SCEAUX_POINT["lon"]
    )
    # when it is posted
    response = client.post(URL, body, content_type="application/json", **auth(world.sceaux_key))
    # then the commune is Sceaux
    assert response.status_code == 201, response.json()
    assert response.json()["commune"] == "92071"


def test_an_application_cannot_file_for_another_authority(client, world):
    # given a key of Tours and a report located in Sceaux
    before = Request.objects.count()
    # when Tours' application files it
    response = client.post(
        URL, new_request_body(), content_type="application/json", **auth(world.tours_key)
    )
    # then it is refused with the authority that handles it, and nothing is written
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Cette demande relève de Ville de Sceaux")
    assert Request.objects.count() == before


def test_the_right_to_file_is_checked_before_anything_is_written(client, world):
    # given a key of Tours, a report located in Sceaux for a person not on record
    before = (Person.objects.count(), Request.objects.count(), Event.objects.count())
    # when Tours' application files it
    with CaptureQueriesContext(connection) as statements:
        response = client.post(
            URL, new_request_body(), content_type="application/json", **auth(world.tours_key)
        )
    # then it is refused, no person, request or event exists, and none was ever written
    # (refused before the first INSERT, not rolled back after it)
    assert response.status_code == 403
    assert response.json()["code"] == "hors_competence"
    assert (Person.objects.count(), Request.objects.count(), Event.objects.count()) == before
    assert not [q["sql"] for q in statements.captured_queries if q["sql"].startswith("INSERT")]


def test_reading_a_request_and_its_history(client, world):
    # given a request filed on the web in Sceaux
    request = file_request(world)
    # when the application reads it and its events
    detail = client.get(f"{URL}/{request.reference}", **auth(world.sceaux_key))
    history = client.get(f"{URL}/{request.reference}/events", **auth(world.sceaux_key))
    # then both answer
    assert detail.status_code == 200 and detail.json()["state"] == "received"
    assert [e["kind"] for e in history.json()] == ["request.received"]
    assert [e["label"] for e in history.json()] == ["Demande reçue"]  # its French name


def test_references_are_read_forgivingly(client, world):
    # given a request
    request = file_request(world)
    # when its reference is typed in lower case without dashes
    response = client.get(
        f"{URL}/{request.reference.replace('-', '').lower()}", **auth(world.sceaux_key)
    )
    # then it is found
    assert response.status_code == 200


def test_a_transition_moves_the_request_and_an_illegal_one_is_a_conflict(client, world):
    # given a received request
    request = file_request(world)
    transitions = client.get(
        f"{URL}/{request.reference}/transitions", **auth(world.sceaux_key)
    ).json()
    assert "in_progress" in {t["to"] for t in transitions}
    # when the application takes it in charge, then tries to close it
    moved = client.post(
        f"{URL}/{request.reference}/transitions", {"to": "in_progress"},
        content_type="application/json", **auth(world.sceaux_key),
    )  # fmt: skip
    refused = client.post(
        f"{URL}/{request.reference}/transitions", {"to": "closed"},
        content_type="application/json", **auth(world.sceaux_key),
    )  # fmt: skip
    # then the first succeeds and the second is a 409 in French
    assert moved.status_code == 200 and moved.json()["state"] == "in_progress"
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_impossible"
    assert "Impossible de passer" in refused.json()["detail"]


def test_messages_notes_and_contacts(client, world):
    # given a request
    request = file_request(world)
    base = f"{URL}/{request.reference}"
    # when the application writes to the person, adds a note and records a call
    sent = client.post(
        f"{base}/messages",
        {"body": "Nous passons demain."},
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    note = client.post(
        f"{base}/messages",
        {"body": "Équipe B.", "internal": True},
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    call = client.post(
        f"{base}/contacts",
        {"channel": "phone", "note": "Où en est-on ?"},
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    # then all three are listed
    assert (sent.status_code, note.status_code, call.status_code) == (201, 201, 201)
    messages = client.get(f"{base}/messages", **auth(world.sceaux_key)).json()
    assert [(m["body"], m["internal"]) for m in messages] == [
        ("Nous passons demain.", False),
        ("Équipe B.", True),
    ]
    contacts = client.get(f"{base}/contacts", **auth(world.sceaux_key)).json()
    assert [(c["channel"], c["note"]) for c in contacts] == [("phone", "Où en est-on ?")]
    assert client.get(f"{base}/attachments", **auth(world.sceaux_key)).json() == []


def test_filters_narrow_the_list(client, world):
    # given a request received and one in progress
    waiting, taken = file_request(world), file_request(world)
    client.post(
        f"{URL}/{taken.reference}/transitions",
        {"to": "in_progress"},
        content_type="application/json",
        **auth(world.sceaux_key),
    )
    # when the list is filtered on the state
    response = client.get(URL, {"state": "in_progress"}, **auth(world.sceaux_key))
    # then only the one in progress is listed
    assert [r["reference"] for r in response.json()["items"]] == [taken.reference]
    assert waiting.reference not in {r["reference"] for r in response.json()["items"]}


def test_who_handles_a_service_here(client, world):
    # given the pothole service, communal
    # when the application asks who handles it in Sceaux, by code and by point
    by_code = client.get(
        "/api/v1/competences",
        {"service": "signalement-voirie", "commune": "92071"},
        **auth(world.sceaux_key),
    )
    by_point = client.get(
        "/api/v1/competences",
        {"service": "signalement-voirie", **SCEAUX_POINT},
        **auth(world.sceaux_key),
    )
    # then Sceaux
    assert by_code.json()["authority"]["slug"] == "sceaux"
    assert by_point.json()["authority"]["slug"] == "sceaux"


def test_communes_by_postcode_and_services_catalogue(client, world):
    # given the shipped territory and catalogue
    # when the application looks up a postcode and the catalogue
    communes = client.get("/api/v1/communes", {"postcode": "92330"}, **auth(world.sceaux_key))
    service = client.get("/api/v1/services/signalement-voirie", **auth(world.sceaux_key))
    # then Sceaux and the form definition come back
    assert "92071" in {c["code"] for c in communes.json()}
    assert {f["name"] for f in service.json()["form_definition"]} >= {"nature", "description"}
