"""The agents' access log: each look at a person's record or a request writes one row, and
the person sees who looked."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.people.rights.models import AccessLog

from .test_export import built_export, open_archive


def test_the_person_page_and_the_request_page_are_logged_and_shown_to_the_resident(
    world, client, signed_in_person
):
    # given the Sceaux case handler
    client.force_login(world.agent_sceaux)
    # when they open Alice's record, then her request
    assert client.get(reverse("backoffice:person", args=[world.alice.pk])).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("backoffice:request", args=[world.pothole.pk])).status_code == 200
    # then two rows say who, for which authority, as what, and what they saw
    rows = list(AccessLog.objects.filter(person=world.alice).order_by("pk"))
    assert [(r.agent, r.authority, r.role, r.what) for r in rows] == [
        (world.agent_sceaux, world.sceaux, "instructeur", "fiche usager"),
        (world.agent_sceaux, world.sceaux, "instructeur", f"demande {world.pothole.reference}"),
    ]
    # and the request page paid one INSERT for it, nothing else
    logged = [q["sql"] for q in queries.captured_queries if "people_accesslog" in q["sql"]]
    assert len(logged) == 1 and logged[0].startswith("INSERT")
    # when Alice opens « Mes données personnelles »
    page = signed_in_person(world.alice).get(reverse("identity:data")).content.decode()
    # then she reads both consultations, by Sceaux's case handler
    assert "2 consultations de vos données par des agents" in page
    assert page.count("Ville de Sceaux") >= 2
    assert f"demande {world.pothole.reference}" in page
    # and Bob's page lists none
    other = signed_in_person(world.bob).get(reverse("identity:data")).content.decode()
    assert "Aucun agent n’a consulté vos données." in other


def test_a_person_the_agent_may_not_see_is_not_logged(world, client):
    # given Tours' case handler, who has no relationship with Alice
    client.force_login(world.agent_tours)
    # when they try her record
    assert client.get(reverse("backoffice:person", args=[world.alice.pk])).status_code == 404
    # then nothing was logged: nothing was shown
    assert not AccessLog.objects.filter(person=world.alice).exists()


def test_the_api_logs_the_persons_it_returns(world, client):
    # given the Sceaux agent signed in (the back office's API session)
    client.force_login(world.agent_sceaux)
    # when they read Alice through the API, then her request
    assert client.get(f"/api/v1/persons/{world.alice.pk}").status_code == 200
    assert client.get(f"/api/v1/requests/{world.pothole.reference}").status_code == 200
    # then both reads are logged, marked as through the API
    assert list(
        AccessLog.objects.filter(person=world.alice).order_by("pk").values_list("what", flat=True)
    ) == ["fiche usager (API)", f"demande {world.pothole.reference} (API)"]


def test_the_access_log_is_in_the_export(world, client):
    client.force_login(world.agent_sceaux)
    client.get(reverse("backoffice:person", args=[world.alice.pk]))
    export = built_export(world.alice)
    [row] = json.loads(open_archive(export).read("consultations.json"))
    assert row["collectivite"] == "Ville de Sceaux"
    assert row["role"] == "instructeur"
    assert row["agent"] == "instructeur.sceaux"
    assert row["donnee_consultee"] == "fiche usager"


def test_the_journey_view_is_logged_with_the_authority_it_was_opened_for(world, client):
    # when the Sceaux case handler opens Alice's journey
    client.force_login(world.agent_sceaux)
    assert client.get(reverse("backoffice:journey"), {"usager": world.alice.pk}).status_code == 200
    # then it is logged, for Sceaux
    [row] = AccessLog.objects.filter(person=world.alice)
    assert (row.authority, row.role, row.what) == (
        world.sceaux,
        "instructeur",
        "parcours de l'usager",
    )


def test_an_attachment_opened_by_an_agent_is_logged(world, client):
    # given the attachment Alice sent with her reply
    attachment = world.pothole.attachments.get()
    client.force_login(world.agent_sceaux)
    # when the Sceaux case handler opens it
    response = client.get(reverse("backoffice:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    # then the access log names the file and the request
    [row] = AccessLog.objects.filter(person=world.alice)
    assert row.what == (
        f"pièce jointe « photo-du-trou.pdf » de la demande {world.pothole.reference}"
    )
    assert (row.authority, row.role) == (world.sceaux, "instructeur")
