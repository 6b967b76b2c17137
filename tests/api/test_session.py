"""The back-office front end: a signed-in agent uses the API with their session and CSRF."""

from __future__ import annotations

from django.test import Client

from .factories import file_request, new_request_body


def test_a_signed_in_agent_reads_their_authoritys_requests(client, world):
    # given an agent of Sceaux signed in, and requests in Sceaux and Tours
    sceaux, tours = file_request(world), file_request(world, in_tours=True)
    client.force_login(world.agent_sceaux)
    # when they list requests
    listed = {r["reference"] for r in client.get("/api/v1/requests").json()["items"]}
    # then only Sceaux's
    assert sceaux.reference in listed and tours.reference not in listed


def test_a_post_without_the_csrf_token_is_refused(world):
    # given an agent signed in on a client that enforces CSRF
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent_sceaux)
    request = file_request(world)
    # when they post without the token
    response = client.post(
        f"/api/v1/requests/{request.reference}/transitions",
        {"to": "in_progress"},
        content_type="application/json",
    )
    # then 403 in French, and nothing moved
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_invalide"
    request.refresh_from_db()
    assert request.state == "received"


def test_a_post_with_the_csrf_token_is_accepted(world):
    # given an agent signed in who has the CSRF cookie and token
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent_sceaux)
    client.get("/agents/")  # any page sets the cookie
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
    # when they file a request with the token
    response = client.post(
        "/api/v1/requests",
        new_request_body(),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    # then it is filed as the agent
    assert response.status_code == 201, response.json()


def test_someone_who_is_not_an_agent_is_refused(client, world):
    # given a signed-in account with no membership
    from guichet.core.models import User

    client.force_login(User.objects.create_user("visiteur", "v@exemple.fr", "x"))
    # when they call the API
    response = client.get("/api/v1/requests")
    # then 403
    assert response.status_code == 403
