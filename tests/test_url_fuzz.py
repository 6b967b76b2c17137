"""Every URL of the site, with hostile path and query values, answers without a 5xx.

The URL patterns are read from the resolver (portal, back office, agendas, satisfaction,
notifications, appointments, Open311, the REST API, the administration), each path parameter
replaced by hostile values (NUL, overlong, bytes that are not UTF-8, a lone `%`, controls,
a right-to-left override, `../`, numbers past 64 bits), and each URL asked with hostile query
strings; anonymously and as a signed-in agent who is also a superuser. On SQLite and on
PostgreSQL (DATABASE_URL), which refuses NUL in text and integers past 64 bits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from api.factories import build_world, file_request
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from support import built_for_the_module

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.core.journal import Actor
from guichet.core.models import User

# Percent-encoded as a client would send them; the test client decodes them as a server does.
# Refused by the middleware before any view runs.
REFUSED_VALUES = [
    "%00",  # NUL: PostgreSQL refuses it in any text
    "a%00b",
    "a" * 10_000,  # overlong: past the request line's limit
    "%C3%28",  # invalid UTF-8
    "%FF",
    "%E2%80%AE",  # RIGHT-TO-LEFT OVERRIDE
    "%01",  # C0 control
    "%C2%85",  # C1 control (NEL)
]
# Passed on to the views: each URL gets a few of them in turn, every value many URLs.
ACCEPTED_VALUES = [
    "b" * 2_000,  # long, yet accepted
    "%",  # a lone percent sign
    "..%2F..%2Fetc%2Fpasswd",
    "../",
    "%F0%9F%92%A9",  # valid 4-byte UTF-8
    "99999999999999999999",  # past 64 bits
    "-1",
    "%27%20OR%201%3D1--",
    "%25C3%2528",  # a literal "%C3%28"
]
QUERY_VALUES = [
    "%00", "%FF", "%C3%28", "%", "%E2%80%AE", "%01", "c" * 150, "99999999999999999999",
    "-1", "0", "%5B%5D", "2024-02-30", "%C2%B2",  # "²": a digit to str.isdigit, not to int()
]  # fmt: skip
# Query parameters the views read (search, paging, filters, admin's list and ordering…).
QUERY_NAMES = [
    "q", "page", "p", "o", "cursor", "limit", "next", "state", "status", "service",
    "commune", "channel", "person", "team", "tab", "date", "day", "week", "start", "end",
    "format", "jurisdiction_id", "service_code", "service_request_id", "lat", "long",
    "received_after", "received_before", "token", "code", "slug", "e", "all", "_popup",
    "adresse", "lon", "periode", "authority", "kind", "sort", "filtre", "page_size", "snapshot",
    "n",
]  # fmt: skip
HOSTILE_NAMES = ["%00", "%FF", "%01"]
# Field names of the models the administration adds (its add forms read them as initial data).
PREFILLED = [
    "authority", "place", "desk", "commune", "start", "end", "date", "service", "team", "user",
    "category", "workflow", "kind", "role", "scopes", "application", "departement",
    "intercommunality", "teams", "opens", "closes", "rate_limit", "expires_at", "level",
]  # fmt: skip


def url_patterns() -> Iterator[str]:
    """Every route of the site as a template, its parameters written `{name}`."""

    def walk(patterns, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = _template(str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                yield "/" + prefix + route

    return walk(get_resolver().url_patterns, "")


def _template(route: str) -> str:
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path("<int:pk>/")
    route = re.sub(r"\(\?:\\\.\(\?P<(\w+)>[^)]*\)\)\?", r".{\1}", route)  # optional .fmt
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path groups
    return route.replace("^", "").replace("$", "").replace("\\.", ".")


def fill(template: str, value: str | None, plausible: dict[str, str]) -> str:
    """The template with every parameter `value` (or, for None, a plausible real value)."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name == "fmt" and value is None:
            return "json"
        return value if value is not None else plausible.get(name, "1")

    return re.sub(r"\{(\w+)\}", replace, template)


def hostile_queries() -> list[str]:
    queries = ["&".join(f"{name}={value}" for name in QUERY_NAMES) for value in QUERY_VALUES]
    return queries + [f"{name}=1&q{name}=2" for name in HOSTILE_NAMES]


def in_turn(values: list[str], index: int, count: int) -> list[str]:
    """`count` of `values`, starting at a different one for each URL (deterministic)."""
    return [values[(index * count + k) % len(values)] for k in range(count)]


def requests_for(index: int, template: str, who: str) -> Iterator[tuple[str, str | None]]:
    """(method, path value or None) pairs, then query strings, asked of one URL template."""
    if template.startswith("/admin/"):
        # The admin's ~220 URLs share their views: one hostile call each, as the superuser.
        if who == "agent":
            values = REFUSED_VALUES + ACCEPTED_VALUES
            if "{" in template and index % 2:
                yield "get", in_turn(values, index, 1)[0], ""
            else:
                yield "get", None, in_turn(hostile_queries(), index, 1)[0]
        return
    if "{" in template:
        for value in in_turn(REFUSED_VALUES, index, 4) + in_turn(ACCEPTED_VALUES, index, 3):
            yield "get", value, ""
        yield "post", in_turn(ACCEPTED_VALUES, index + 1, 1)[0], ""
    yield "get", None, in_turn(hostile_queries(), index, 1)[0]
    yield "post", None, in_turn(hostile_queries(), index + 1, 1)[0]


def _build() -> SimpleNamespace:
    world = build_world()
    world.request = file_request(world)
    world.admin = User.objects.create_superuser("fuzz.admin", "fuzz@exemple.fr", "x")
    authorities.add_agent(
        actor=Actor.system("tests"), user=world.admin, authority=world.sceaux, role=Role.MANAGER
    )
    return world


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, _build) as world:
        yield world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _clients(world) -> dict[str, Client]:
    anonymous, agent = Client(), Client()
    agent.force_login(world.admin)
    return {"anonyme": anonymous, "agent": agent}


def _plausible(world) -> dict[str, str]:
    return {
        "pk": str(world.request.pk), "reference": world.request.reference,
        "slug": "signalement-voirie", "code": "92071", "authority": "sceaux",
        "authority_id": str(world.sceaux.pk), "person_id": str(world.alice.pk),
        "place": "1", "app_label": "cases", "action": "note", "message_kind": "accuse",
        "object_id": "1", "url": "", "path": "x", "rest": "x", "secret": "x", "token": "x",
    }  # fmt: skip


def _ask(client: Client, method: str, url: str, failures: list[str], who: str) -> None:
    try:
        response = getattr(client, method)(url)
    except Exception as error:  # noqa: BLE001 - every crash is listed, not only the first
        failures.append(f"{who} {method.upper()} {url[:160]} → {type(error).__name__}: {error}")
        return
    if response.status_code >= 500:
        failures.append(f"{who} {method.upper()} {url[:160]} → {response.status_code}")


@pytest.mark.django_db
def test_no_url_answers_a_5xx_to_hostile_paths_or_queries(fuzz_world, settings):
    # given every URL pattern of the site, a signed-in agent (superuser) and a visitor
    settings.GUICHET_API_RATE_LIMIT = 10**9
    templates = sorted(set(url_patterns()))
    assert len(templates) > 150
    plausible = _plausible(fuzz_world)
    failures: list[str] = []
    asked = 0
    for who, client in _clients(fuzz_world).items():
        for index, template in enumerate(templates):
            # when its path parameters hold hostile values, or its query string does
            for method, value, query in requests_for(index, template, who):
                url = fill(template, value, plausible) + (f"?{query}" if query else "")
                _ask(client, method, url, failures, who)
                asked += 1
    # then nothing answers with a server error
    assert asked > 1200
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:60])


@pytest.mark.django_db
def test_the_admin_add_forms_leave_out_a_prefill_they_cannot_read(fuzz_world):
    # given every add form of the administration, which fills itself from the query string
    client = _clients(fuzz_world)["agent"]
    adds = [
        t for t in sorted(set(url_patterns())) if t.startswith("/admin/") and t.endswith("/add/")
    ]
    assert len(adds) > 10
    failures: list[str] = []
    for template in adds:
        # when every field name is given a value of the wrong kind
        for value in ["%", "99999999999999999999", "-1", "2024-02-30", "abc"]:
            query = "&".join(f"{name}={value}" for name in PREFILLED)
            _ask(client, "get", f"{template}?{query}", failures, "agent")
    # then each form is shown, without the values it could not read
    assert not failures, "\n".join(failures)
    response = client.get("/admin/appointments/closure/add/?start=demain&place=abc")
    assert response.status_code == 200
