"""The briefing's two hot-spot rules on small worlds, checked against values counted by hand:
« irritants above their usual level » and « communes with rising delays » (ADR 0039)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from support import built_for_the_module

from guichet.authorities import actions as authorities
from guichet.authorities.models import Role
from guichet.cases import actions
from guichet.catalogue.actions import load_catalogue
from guichet.catalogue.models import Service
from guichet.contracts.briefings import figures
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.core.models import User
from guichet.journeys import store
from guichet.journeys.engine import Filters, filter_log
from guichet.people import actions as people
from guichet.territory import selectors as territory

SYSTEM = Actor.system("tests")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the briefing's week: 23–29 November
PERIOD = (date(2026, 11, 23), date(2026, 11, 30))
AS_OF = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # the open requests have waited 13 days or more
ANSWER = {"sujet": "Horaires", "message": "Quels sont les horaires de la mairie le samedi ?",
          "reponse_par": "courriel", "courriel": "usager@exemple.fr"}  # fmt: skip


def _authority(slug: str, name: str, code: str):
    commune = territory.commune_by_code(code)
    authority = authorities.create_authority(actor=SYSTEM, kind="commune", name=name, slug=slug,
                                             commune=commune)  # fmt: skip
    user = User.objects.create_user(f"responsable.{slug}", f"{slug}@exemple.fr", "x")
    authorities.add_agent(actor=SYSTEM, user=user, authority=authority, role=Role.MANAGER)
    return SimpleNamespace(authority=authority, commune=commune, manager=user)


def _file(w, place, moment: datetime):
    with frozen_at(moment):
        return actions.submit_request(service=w.question, person=w.person, channel="web",
                                      actor=Actor.person(w.person), form_data=ANSWER,
                                      commune=place.commune)  # fmt: skip


def _resolve(place, request, after: timedelta):
    with frozen_at(request.received_at + timedelta(minutes=1)):
        request = actions.change_status(request=request, to="in_progress",
                                        actor=Actor.agent(place.manager), role="manager")  # fmt: skip
    with frozen_at(request.received_at + after):
        actions.change_status(request=request, to="resolved", actor=Actor.agent(place.manager),
                              role="manager", note="Réponse envoyée.")  # fmt: skip


def _week(w, place, monday: datetime, *, filed: int, left_open: int):
    """`filed` requests on `monday`, an hour apart; all but `left_open` answered in an hour."""
    for i in range(filed):
        request = _file(w, place, monday + timedelta(hours=i))
        if i >= left_open:
            _resolve(place, request, timedelta(hours=1))


def _delays(w, place, monday: datetime, days: list[float]):
    """One request per value on `monday`, resolved that many days later."""
    for i, value in enumerate(days):
        _resolve(place, _file(w, place, monday + timedelta(minutes=10 * i)), timedelta(days=value))


def build_world() -> SimpleNamespace:
    call_command("import_territory", verbosity=0, quiet=True)
    load_catalogue(actor=SYSTEM)
    w = SimpleNamespace(question=Service.objects.get(slug="question-generale"))
    w.antony = _authority("antony", "Ville d'Antony", "92002")
    w.bourg = _authority("bourg-la-reine", "Ville de Bourg-la-Reine", "92014")
    w.sceaux = _authority("sceaux", "Ville de Sceaux", "92071")
    w.issy = _authority("issy", "Ville d'Issy", "92040")
    w.malakoff = _authority("malakoff", "Ville de Malakoff", "92046")
    w.person = people.create_person(actor=SYSTEM, first_name="Alice", last_name="Martin",
                                    email="alice@exemple.fr")  # fmt: skip
    # Irritants: the four usual weeks have 1 request in 5 left unanswered (long silence 20 %).
    for back in range(1, 5):
        monday = MONDAY - timedelta(weeks=back)
        _week(w, w.antony, monday, filed=5, left_open=1)
        _week(w, w.bourg, monday, filed=5, left_open=1)
    _week(w, w.antony, MONDAY, filed=5, left_open=3)  # 60 %: above its usual 20 %
    _week(w, w.bourg, MONDAY, filed=5, left_open=1)  # 20 %: its usual level
    # Delays: lead times in days, the week before and the briefing's week.
    before = MONDAY - timedelta(weeks=1)
    _delays(w, w.sceaux, before, [1, 2, 3])  # median 2 days
    _delays(w, w.sceaux, MONDAY, [3, 4, 5])  # median 4: up by a quarter and 2 days
    _delays(w, w.issy, before, [2, 2, 2])  # median 2 days
    _delays(w, w.issy, MONDAY, [2, 2.4, 3])  # median 2.4: up by 20 % only
    _delays(w, w.malakoff, before, [1, 1, 1])
    _delays(w, w.malakoff, MONDAY, [5, 6])  # much longer, but two requests only
    return w


@pytest.fixture(scope="module")
def _rules(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_rules, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return _rules


def numbers_for(*slugs: str) -> dict:
    log = filter_log(store.journal_log(), Filters(authority=slugs))
    return figures.compute(log, start=PERIOD[0], end=PERIOD[1], frequency="weekly", now=AS_OF)


def test_an_irritant_far_above_its_usual_level_is_a_hot_spot(world):
    numbers = numbers_for("antony")
    assert numbers["received"] == 5
    # 3 of the week's 5 requests unanswered for 13 days or more, against 1 in 5 on each of the
    # four weeks before: 60 % ≥ 20 % + 5 points and ≥ 1.5 × 20 %
    [silence] = [i for i in numbers["irritants"] if i["irritant"] == "long_silence"]
    assert silence == {"irritant": "long_silence", "rate": 0.6, "usual": 0.2}


def test_an_irritant_at_its_usual_level_is_not_a_hot_spot(world):
    numbers = numbers_for("bourg-la-reine")
    assert numbers["received"] == 5
    assert "long_silence" not in {i["irritant"] for i in numbers["irritants"]}


def test_too_few_requests_in_the_period_say_nothing_about_irritants(world):
    # Malakoff's week has 2 requests (fewer than 5): no irritant is judged at all
    assert numbers_for("malakoff")["irritants"] == []


def test_only_the_commune_whose_median_delay_rose_enough_is_a_hot_spot(world):
    numbers = numbers_for("sceaux", "issy", "malakoff")
    # Sceaux: median 4 days against 2 (≥ 1.25 × and ≥ 1 day more); Issy: 2.4 against 2 (+20 %,
    # under a quarter); Malakoff: 5.5 against 1 but two requests only (3 needed)
    assert numbers["rising_delays"] == [
        {"commune": "92071", "median_days": 4.0, "before_days": 2.0}
    ]
    assert numbers["ended"] == 3 + 3 + 2
