"""Suspected duplicates: the score's rules (property tests) and the candidates of a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guichet.cases import actions
from guichet.cases.duplicates import (
    DEFAULT_RADIUS_M,
    candidates,
    combined_score,
    distance_score,
    normalise,
    text_similarity,
    time_score,
)
from guichet.core import clock
from guichet.core.journal import Actor

from .factories import POINTS, bring_to, file_request, form_for, person, service

unit = st.floats(min_value=0, max_value=1, allow_nan=False)
metres = st.floats(min_value=0, max_value=5000, allow_nan=False)
seconds = st.floats(min_value=-90 * 86400, max_value=90 * 86400, allow_nan=False)
WINDOW = timedelta(days=30)


@given(unit, unit, unit, unit)
def test_the_score_never_falls_when_one_component_rises(a, b, c, more):
    # given any three components, and one of them made larger
    base = combined_score(a, b, c)
    # then the combined score is at least as high, whichever component rose, and in [0, 1]
    assert combined_score(max(a, more), b, c) >= base
    assert combined_score(a, max(b, more), c) >= base
    assert combined_score(a, b, max(c, more)) >= base
    assert 0 <= base <= 1


@given(metres, metres)
def test_nearer_is_never_less_likely(d1, d2):
    near, far = sorted((d1, d2))
    assert distance_score(near, DEFAULT_RADIUS_M, same_commune=False) >= distance_score(
        far, DEFAULT_RADIUS_M, same_commune=False
    )
    assert distance_score(far, DEFAULT_RADIUS_M, same_commune=True) >= 0


@given(seconds, seconds)
def test_closer_in_time_either_way_is_never_less_likely(s1, s2):
    close, apart = sorted((s1, s2), key=abs)
    assert time_score(timedelta(seconds=close), WINDOW) >= time_score(
        timedelta(seconds=apart), WINDOW
    )
    # before or after counts the same
    assert time_score(timedelta(seconds=s1), WINDOW) == time_score(timedelta(seconds=-s1), WINDOW)


@given(metres, metres, seconds, unit)
def test_the_ranking_follows_the_distance_all_else_equal(d1, d2, apart, text):
    near, far = sorted((d1, d2))
    t = time_score(timedelta(seconds=apart), WINDOW)
    first = combined_score(distance_score(near, 300, same_commune=True), t, text)
    second = combined_score(distance_score(far, 300, same_commune=True), t, text)
    assert first >= second


def test_french_text_is_compared_without_accents_case_or_empty_words():
    assert (
        normalise("Le LAMPADAIRE est éteint, rue de l'Église !") == "lampadaire eteint rue eglise"
    )
    assert text_similarity("Lampadaire éteint rue Houdan", "lampadaire eteint - rue houdan") == 1
    assert text_similarity("Nid de poule", "Tag sur un mur") < 0.5
    assert text_similarity("", "Nid de poule") == 0


def nudge(point: dict, metres_north: float) -> dict:
    return {"lat": point["lat"] + metres_north / 111_195, "lon": point["lon"]}


def pothole(world, metres_north: float, text: str = "Un trou profond.", **extra):
    place = nudge(POINTS["92071"], metres_north)
    return file_request(
        world, form_data=form_for("signalement-voirie", emplacement=place, description=text),
        **extra,
    )  # fmt: skip


def test_candidates_are_open_requests_of_the_service_near_in_place_and_time_best_first(world):
    # given potholes at Sceaux: 10 m away, 120 m away with other words, 2 km away
    near = pothole(world, 10)
    farther = pothole(world, 120, "Chaussée abîmée devant l'école.")
    pothole(world, 2000)
    # and other requests that never are candidates: a street light at the same spot, a
    # resolved pothole, one merged into another, one of Tours (another authority)
    file_request(world, "eclairage-public-en-panne")
    bring_to(world, pothole(world, 5), "resolved")
    merged = pothole(world, 8)
    actions.merge_request(child=merged, parent=near, actor=Actor.agent(world.agent_sceaux))
    file_request(world, commune=world.tours_commune, person=world.bob)
    # when a pothole is phoned in at the first one's place
    phoned = pothole(
        world, 0, person=person("Léa", "Petit"), channel="phone", filed_by=world.front_desk_sceaux
    )
    found = candidates(phoned)
    # then the nearest, with the same words, comes first, each with its distance, age, scores
    assert [c.request.pk for c in found] == [near.pk, farther.pk]
    best = found[0]
    assert 5 < best.distance_m < 15
    assert timedelta(0) < -best.apart < timedelta(minutes=5)
    assert best.text_score == 1 and best.distance_score > found[1].distance_score
    assert best.score > found[1].score >= 0.5
    assert best.percent == 100


def test_a_request_without_a_point_is_compared_within_its_commune_and_by_its_words(world):
    # given a question filed at Sceaux, and the same question asked again by someone else
    first = file_request(world, "question-generale")
    again = file_request(world, "question-generale", person=person("Léa", "Petit"))
    other = file_request(
        world, "question-generale",
        form_data=form_for("question-generale", sujet="Permis de construire",
                           message="Où déposer un permis de construire ?"),
    )  # fmt: skip
    # then the same words are a candidate, other words are not
    found = candidates(again)
    assert [c.request.pk for c in found] == [first.pk]
    assert found[0].distance_m is None
    assert other.pk not in [c.request.pk for c in found]


def test_the_window_is_the_services_and_a_test_request_has_no_candidates(world):
    # given a pothole filed 40 days ago, with the service's window of 30 days
    old = pothole(world, 0)
    old.received_at = clock.now() - timedelta(days=40)
    old.save(update_fields=["received_at"])
    recent = pothole(world, 3)
    # then it is out of the window; with a window of 60 days it is in
    assert candidates(recent) == []
    voirie = service("signalement-voirie")
    voirie.nearby_days = 60
    voirie.save(update_fields=["nearby_days"])
    recent.refresh_from_db()
    assert [c.request.pk for c in candidates(recent)] == [old.pk]


@pytest.mark.parametrize("radius", [50, 500])
def test_the_services_radius_bounds_the_distance(world, radius):
    voirie = service("signalement-voirie")
    voirie.nearby_radius_m = radius
    voirie.save(update_fields=["nearby_radius_m"])
    at_200 = pothole(world, 200)
    here = pothole(world, 0)
    found = [c.request.pk for c in candidates(here, threshold=0)]
    assert (at_200.pk in found) is (radius == 500)
