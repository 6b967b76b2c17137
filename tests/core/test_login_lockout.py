"""Agents' and the admin's logins lock out after repeated failures (django-axes), in French."""

import pytest
from django.conf import settings
from django.test import Client

from guichet.core.lockouts import LOCKED_OUT
from guichet.core.models import Event, User

LIMIT = settings.AXES_FAILURE_LIMIT
PASSWORD = "bon-mot-de-passe-2026"  # noqa: S105


def attempt(path, username, password, address):
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})


@pytest.fixture
def agents(db):
    return (
        User.objects.create_user(username="agent.a", password=PASSWORD),
        User.objects.create_user(username="agent.b", password=PASSWORD),
        User.objects.create_superuser(username="admin", password=PASSWORD),
    )


def test_wrong_passwords_lock_the_account_even_with_the_right_one(agents):
    # given the agents' login page
    path = "/agents/connexion/"
    # when someone types a wrong password LIMIT times for agent.a
    for _ in range(LIMIT - 1):
        assert attempt(path, "agent.a", "devine", "203.0.113.7").status_code == 200
    locked = attempt(path, "agent.a", "devine", "203.0.113.7")
    # then the account is locked, in French, even with the right password from elsewhere
    right = attempt(path, "agent.a", PASSWORD, "198.51.100.20")
    assert locked.status_code == right.status_code == 429
    assert "Connexion temporairement bloquée" in right.content.decode()
    assert "même avec le bon mot de passe" in right.content.decode()
    assert int(right["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "_auth_user_id" not in right.wsgi_request.session
    # and another account from another address still signs in
    other = attempt(path, "agent.b", PASSWORD, "198.51.100.30")
    assert other.status_code == 302 and other["Location"] == "/agents/"
    # and the lock-out is one journal event naming the account and the address
    events = Event.objects.filter(kind=LOCKED_OUT)
    assert events.count() == 1
    event = events.get()
    assert event.subject_id == agents[0].pk
    assert event.payload == {
        "username": "agent.a", "ip_address": "203.0.113.7", "path": "/agents/connexion/"
    }  # fmt: skip


def test_one_address_trying_many_accounts_is_locked_out(agents):
    # when one address tries LIMIT accounts that do not exist
    for number in range(LIMIT):
        attempt("/agents/connexion/", f"inconnu{number}", "devine", "203.0.113.9")
    # then even a real account with its right password is refused from there, not elsewhere
    assert attempt("/agents/connexion/", "agent.b", PASSWORD, "203.0.113.9").status_code == 429
    assert attempt("/agents/connexion/", "agent.b", PASSWORD, "203.0.113.10").status_code == 302
    # and the event does not keep what was typed as a user name (maybe a password)
    assert Event.objects.get(kind=LOCKED_OUT).payload["username"] is None


def test_the_admin_login_is_throttled_too(agents):
    for _ in range(LIMIT):
        attempt("/admin/login/", "admin", "devine", "203.0.113.11")
    refused = attempt("/admin/login/", "admin", PASSWORD, "203.0.113.11")
    assert refused.status_code == 429
    assert "Connexion temporairement bloquée" in refused.content.decode()


def test_behind_a_proxy_each_address_is_counted_apart(agents, settings):
    settings.GUICHET_TRUSTED_PROXIES = 1

    def through_proxy(username, password, resident):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=resident).post(
            "/agents/connexion/", {"username": username, "password": password}
        )

    for number in range(LIMIT):
        through_proxy(f"inconnu{number}", "devine", "203.0.113.50")
    assert through_proxy("agent.b", PASSWORD, "203.0.113.50").status_code == 429
    assert through_proxy("agent.b", PASSWORD, "203.0.113.51").status_code == 302
