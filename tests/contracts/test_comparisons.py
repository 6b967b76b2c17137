"""Comparisons per 1,000 inhabitants and silent demand, checked by hand on small worlds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from django.urls import reverse
from django.utils.html import escape
from steering_support import build_world
from support import built_for_the_module

from guichet.contracts.briefings import silent
from guichet.contracts.briefings.comparisons import Place, compare, per_thousand
from guichet.territory.models import Commune

PERIOD = (date(2026, 11, 1), date(2026, 12, 1))
BEFORE = (date(2026, 10, 1), date(2026, 11, 1))


def cases(rows: list[tuple[str, str, datetime]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"commune": pl.String, "service": pl.String,
                      "received_at": pl.Datetime("us", "UTC")}, orient="row",
    )  # fmt: skip


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def test_rates_per_thousand_inhabitants_and_their_change_by_hand():
    # given three communes of 1,000, 2,000 and 4,000 inhabitants
    places = [Place("A", "Alpha", 1000), Place("B", "Bêta", 2000), Place("C", "Gamma", 4000),
              Place("D", "Delta", None)]  # fmt: skip
    frame = cases(
        [("A", "s", at(11, 3)), ("A", "s", at(11, 20)), ("A", "s", at(10, 5))]
        + [("B", "s", at(11, d)) for d in (2, 3, 4)] + [("B", "s", at(10, d)) for d in (2, 3, 4)]
        + [("C", "s", at(10, 9)), ("C", "s", at(10, 10)), ("C", "s", at(12, 1))]
        + [("D", "s", at(11, 9))]
    )  # fmt: skip
    rows = {r["code"]: r for r in compare(frame, places, period=PERIOD, before=BEFORE)}
    # Alpha: 2 in November → 2 / 1,000 × 1,000 = 2.0; 1 in October → 1.0; +100 %
    assert (rows["A"]["requests"], rows["A"]["rate"], rows["A"]["rate_before"]) == (2, 2.0, 1.0)
    assert rows["A"]["change"] == 100.0
    # Bêta: 3 each month over 2,000 → 1.5 and 1.5; no change
    assert (rows["B"]["rate"], rows["B"]["rate_before"], rows["B"]["change"]) == (1.5, 1.5, 0.0)
    # Gamma: 0 in November (1 December is outside), 2 in October over 4,000 → 0.5; −100 %
    assert (rows["C"]["rate"], rows["C"]["rate_before"], rows["C"]["change"]) == (0.0, 0.5, -100.0)
    # Delta has no population: its count, no rate
    assert (rows["D"]["requests"], rows["D"]["rate"], rows["D"]["change"]) == (1, None, None)
    assert [r["code"] for r in compare(frame, places, period=PERIOD, before=BEFORE)] == [
        "A", "B", "C", "D"]  # fmt: skip
    assert per_thousand(7, 3500) == 2.0 and per_thousand(1, 0) is None


def test_a_commune_far_below_comparable_communes_is_silent_demand():
    # given four communes of 1,000 inhabitants: 20, 22 and 18 requests, and 2 in the fourth
    places = [Place(c, c, 1000) for c in "ABCD"] + [Place("E", "E", 30_000)]
    counts = {"A": 20, "B": 22, "C": 18, "D": 2, "E": 1}
    frame = cases([(c, "voirie", at(11, 1 + i % 28)) for c, n in counts.items() for i in range(n)])
    found = silent.under_use(frame, places, start=PERIOD[0], end=PERIOD[1])
    # D's rate is 2 per 1,000 against a median of 20 among its peers: 18 requests missing
    assert [(r["code"], r["rate"], r["peers_rate"], r["missing"]) for r in found] == [
        ("D", 2.0, 20.0, 18.0)]  # fmt: skip
    # E, alone in its size band, has no peers to be compared with
    assert silent.band_of(30_000) == "de 10 000 à 50 000 habitants"


def test_abandonments_are_counted_by_segment():
    figures = pl.DataFrame({"channel": ["web", "web", "phone", None],
                            "abandoned": [True, False, False, True]})  # fmt: skip
    assert silent.abandoned_by_segment(figures, "channel") == [
        {"value": "(non renseigné)", "cases": 1, "abandoned": 1, "rate": 1.0},
        {"value": "web", "cases": 2, "abandoned": 1, "rate": 0.5},
        {"value": "phone", "cases": 1, "abandoned": 0, "rate": 0.0},
    ]


@pytest.fixture(scope="module")
def _steering(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def steering(_steering, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return _steering


def test_the_comparison_page_shows_sceaux_per_thousand_inhabitants_with_its_csv(steering, client):
    sceaux = Commune.objects.get(code="92071", kind=Commune.Kind.CURRENT)
    group = sceaux.intercommunalities.get(kind="EPT")
    client.force_login(steering.manager)
    query = {"epci": group.siren, "du": "2026-11-23", "au": "2026-11-30"}
    page = client.get(reverse("steering:comparisons"), query)
    assert page.status_code == 200
    # 18 requests in Sceaux that week (8 usual and 10 about the park), for its population
    expected = round(1000 * 18 / sceaux.population, 2)
    csv = client.get(
        reverse("steering:comparisons"), query | {"format": "csv", "table": "communes"}
    )
    line = next(row for row in csv.content.decode().splitlines() if row.startswith("92071"))
    assert line.split(",")[3:5] == ["18", str(expected)]
    assert "rate-data" in page.content.decode()
    # Issy's manager compares Issy's group: Sceaux's requests are not theirs to count
    client.force_login(steering.issy_manager)
    other = client.get(reverse("steering:comparisons"), {"du": "2026-11-23", "au": "2026-11-30",
                                                          "format": "csv", "table": "communes"})  # fmt: skip
    assert "92071" not in other.content.decode()


def test_silent_demand_page_and_bad_dates_are_explained_in_french(steering, client):
    client.force_login(steering.manager)
    page = client.get(reverse("steering:silent"), {"du": "2026-13-01", "au": "x\u00e9"})
    text = page.content.decode()
    assert page.status_code == 200
    assert escape("La date de début n'est pas une date") in text and "Abandons" in text
    reversed_dates = client.get(
        reverse("steering:silent"), {"du": "2026-11-30", "au": "2026-11-01"}
    )
    assert "La date de début doit précéder la date de fin" in reversed_dates.content.decode()
    assert escape("Demandes abandonnées par catégorie d'usager") in text
    client.force_login(steering.elected)
    assert client.get(reverse("steering:silent")).status_code == 403


HOSTILE = ["2024-02-30", "99999-01-01", "%", "9" * 30, "-1", "../", "c" * 300, "²"]


def test_the_steering_pages_answer_hostile_parameters_without_a_server_error(steering, client):
    client.force_login(steering.manager)
    pages = [reverse(name) for name in ("steering:comparisons", "steering:silent",
                                        "steering:topics", "steering:briefings")]  # fmt: skip
    pages += ["/agents/pilotage/sujets/99999999999999999999/",
              "/agents/pilotage/briefings/99999999999999999999/"]  # fmt: skip
    for url in pages:
        for value in HOSTILE:
            query = {"du": value, "au": value, "epci": value, "segment": value, "table": value}
            assert client.get(url, query).status_code in (200, 404), (url, value)
            # an unknown table is « introuvable » (the briefings' list has no table: its page)
            csv = client.get(url, {"format": "csv", "table": value})
            assert csv.status_code == (200 if "/briefings/" in url and "999" not in url else 404)
