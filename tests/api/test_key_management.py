"""Keys issued, listed, limited and revoked from the console (`guichet api-key`) and the admin."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from guichet.api.models import ApiKey
from guichet.core.models import Event, User

from .factories import auth


def api_key(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_key_issued_from_the_console_is_printed_once_and_works(client, world):
    # when an operator issues a read key for Sceaux with its own limit
    out, err = api_key(
        "issue", "--authority", "sceaux", "--application", "Import voirie",
        "--scope", "read", "--rate-limit", "3000",
    )  # fmt: skip
    # then the key alone is printed (the notice goes to stderr) and the API accepts it
    raw = out.strip()
    assert re.fullmatch(r"[0-9a-f]{8}\.[\w-]{40,}", raw)
    assert "ne sera plus affichée" in err
    assert client.get("/api/v1/requests", **auth(raw)).status_code == 200
    # and the row keeps a hash only, the limit, and one journal event
    row = ApiKey.objects.get(prefix=raw.split(".")[0])
    assert raw.split(".")[1] not in row.secret_hash and row.rate_limit == 3000
    assert Event.objects.filter(kind="api.key_issued", payload__prefix=row.prefix).count() == 1


def test_the_list_shows_prefix_authority_scopes_limit_and_use(world):
    # given Sceaux's keys
    # when listed
    out, _ = api_key("list", "--authority", "sceaux")
    # then each active key of Sceaux is a line, Tours' are not
    prefix = world.sceaux_key.split(".")[0]
    line = next(line for line in out.splitlines() if line.startswith(prefix))
    assert "sceaux" in line and "appli-sceaux" in line and "read,write" in line
    assert "commune" in line  # the common limit
    assert world.tours_key.split(".")[0] not in out


def test_a_key_revoked_from_the_console_is_refused_and_leaves_the_list(client, world):
    prefix = world.sceaux_read_key.split(".")[0]
    # when the operator revokes it by its prefix
    out, _ = api_key("revoke", prefix)
    # then the API refuses it, the list leaves it out (but --all shows it), one event is written
    assert f"Clé {prefix}" in out
    assert client.get("/api/v1/requests", **auth(world.sceaux_read_key)).status_code == 401
    assert prefix not in api_key("list")[0]
    assert prefix in api_key("list", "--all")[0]
    assert Event.objects.filter(kind="api.key_revoked", payload__prefix=prefix).count() == 1
    # and revoking it again says so
    with pytest.raises(CommandError, match="déjà révoquée"):
        api_key("revoke", prefix)


def test_a_key_limit_changes_and_comes_back_to_the_common_one(world):
    prefix = world.tours_key.split(".")[0]
    api_key("limit", prefix, "50")
    assert ApiKey.objects.get(prefix=prefix).rate_limit == 50
    api_key("limit", prefix, "common")
    assert ApiKey.objects.get(prefix=prefix).rate_limit is None
    assert Event.objects.filter(kind="api.key_rate_limit_changed").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("issue", "--authority", "nulle-part", "--application", "x", "--scope", "read"),
         "Aucune collectivité"),
        (("issue", "--authority", "sceaux", "--application", "x", "--scope", "read",
          "--rate-limit", "0"), "entre 1 et"),
        (("revoke", "ffffffff"), "Aucune clé"),
        (("limit", "ffffffff", "10"), "Aucune clé"),
    ],
)  # fmt: skip
def test_console_mistakes_are_french_errors(world, args, message):
    with pytest.raises(CommandError, match=message):
        api_key(*args)


@pytest.fixture
def superuser_client(world):
    admin = User.objects.create_superuser("admin", "admin@exemple.fr", "motdepasse-solide-42")
    signed_in = Client()
    signed_in.force_login(admin)
    return signed_in


def test_the_admin_issues_a_key_and_shows_it_once(superuser_client, world):
    # when a superuser issues a key from the admin
    response = superuser_client.post(
        "/admin/api/apikey/add/",
        {"authority": world.tours.pk, "application": "Tableau de bord", "scopes": ["read"],
         "rate_limit": "120"},
    )  # fmt: skip
    # then the page shows the key, not cached, and it works for Tours
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="cle-api">([^<]+)</code>', response.content.decode()).group(1)
    row = ApiKey.objects.get(prefix=raw.split(".")[0])
    assert (row.authority, row.scopes, row.rate_limit) == (world.tours, ["read"], 120)
    assert Event.objects.filter(kind="api.key_issued", payload__prefix=row.prefix).count() == 1
    # and the key's own page never shows it again
    page = superuser_client.get(f"/admin/api/apikey/{row.pk}/change/").content.decode()
    assert raw.split(".")[1] not in page and row.prefix in page


def test_the_admin_refuses_a_key_without_scope(superuser_client, world):
    response = superuser_client.post(
        "/admin/api/apikey/add/", {"authority": world.tours.pk, "application": "x"}
    )
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not ApiKey.objects.filter(application="x").exists()


def test_the_admin_lists_and_revokes_keys(client, superuser_client, world):
    prefix = world.tours_key.split(".")[0]
    row = ApiKey.objects.get(prefix=prefix)
    # when the superuser opens the list, then the key is there with its application
    listing = superuser_client.get("/admin/api/apikey/").content.decode()
    assert prefix in listing and "appli-tours" in listing
    # when it revokes it with the list action
    superuser_client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [row.pk]})
    # then the key is refused and the journal says who revoked it
    assert client.get("/api/v1/requests", **auth(world.tours_key)).status_code == 401
    event = Event.objects.get(kind="api.key_revoked", payload__prefix=prefix)
    assert event.actor_user.username == "admin"


def test_the_admin_changes_a_key_limit_through_the_action(superuser_client, world):
    row = ApiKey.objects.get(prefix=world.sceaux_key.split(".")[0])
    superuser_client.post(f"/admin/api/apikey/{row.pk}/change/", {"rate_limit": "900"})
    row.refresh_from_db()
    assert row.rate_limit == 900
    assert Event.objects.filter(kind="api.key_rate_limit_changed").count() == 1
    # and no key can be deleted
    assert superuser_client.get(f"/admin/api/apikey/{row.pk}/delete/").status_code == 403
