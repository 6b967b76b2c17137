"""An API key of one authority never reads another authority's requests, people or journal."""

from __future__ import annotations

from .factories import auth, file_request


def test_the_list_holds_only_the_keys_authority(client, world):
    # given a request in Sceaux and one in Tours
    sceaux, tours = file_request(world), file_request(world, in_tours=True)
    # when Tours' key lists requests
    listed = {
        r["reference"]
        for r in client.get("/api/v1/requests", **auth(world.tours_key)).json()["items"]
    }
    # then only Tours' request is there
    assert tours.reference in listed and sceaux.reference not in listed


def test_another_authoritys_request_is_not_found(client, world):
    # given a request in Sceaux
    sceaux = file_request(world)
    # when Tours' key asks for it and its sub-resources, or tries to act on it
    base = f"/api/v1/requests/{sceaux.reference}"
    reads = [
        client.get(f"{base}{tail}", **auth(world.tours_key))
        for tail in ("", "/events", "/messages", "/contacts", "/attachments", "/transitions")
    ]
    write = client.post(
        f"{base}/transitions",
        {"to": "in_progress"},
        content_type="application/json",
        **auth(world.tours_key),
    )
    # then "not found", as for a request that does not exist
    assert {r.status_code for r in reads} == {404}
    assert write.status_code == 404 and write.json()["detail"] == "Demande introuvable."
    sceaux.refresh_from_db()
    assert sceaux.state == "received"


def test_the_journal_holds_only_the_keys_authority(client, world):
    # given events in both authorities
    sceaux, tours = file_request(world), file_request(world, in_tours=True)
    # when Tours' key reads the journal
    events = client.get("/api/v1/events", {"limit": 200}, **auth(world.tours_key)).json()["items"]
    # then every event is Tours', and Sceaux's request never appears
    assert events and {e["authority_id"] for e in events} == {world.tours.pk}
    assert sceaux.reference not in {e["request"] for e in events}
    assert tours.reference in {e["request"] for e in events}


def test_people_are_visible_only_through_the_authoritys_requests(client, world):
    # given Alice filed in Sceaux and Bob in Tours
    file_request(world), file_request(world, in_tours=True)
    # when Tours' key lists and reads people
    listed = {
        p["id"] for p in client.get("/api/v1/persons", **auth(world.tours_key)).json()["items"]
    }
    alice = client.get(f"/api/v1/persons/{world.alice.pk}", **auth(world.tours_key))
    bob = client.get(f"/api/v1/persons/{world.bob.pk}", **auth(world.tours_key))
    # then only Bob, with his contacts
    assert listed == {world.bob.pk}
    assert alice.status_code == 404
    assert bob.status_code == 200 and bob.json()["identities"][0]["value"] == "bob@exemple.fr"
