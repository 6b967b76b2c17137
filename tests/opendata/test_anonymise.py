"""The generalisation rule (anonymise.py): every published cell holds at least k rows, each
row's cell contains its point, and a cell is as fine as the rule allows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import numpy as np
import pytest
from h3.api import basic_int as h3i
from hypothesis import given, settings
from hypothesis import strategies as st

from guichet.opendata import anonymise
from guichet.opendata.anonymise import COARSEST, FINEST, generalise_cells, generalise_points

SCEAUX = (48.7766, 2.2946)

# Points clustered around a few centres (a street, a square, the next town), so that every
# level of the hierarchy is exercised: dense cells, sparse ones, isolated points.
offsets = st.tuples(
    st.floats(min_value=-0.05, max_value=0.05), st.floats(min_value=-0.05, max_value=0.05)
)
clusters = st.lists(
    st.tuples(
        st.sampled_from([SCEAUX, (47.3936, 0.6892), (47.6889, 2.6306)]),
        st.floats(min_value=0.00001, max_value=0.05),  # spread in degrees
        st.integers(min_value=1, max_value=40),  # points
    ),
    min_size=1,
    max_size=6,
)


def _points(draw_clusters, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    points = []
    for (lat, lon), spread, n in draw_clusters:
        for _ in range(n):
            points.append((lat + rng.normal(0, spread), lon + rng.normal(0, spread)))
    return points


@settings(max_examples=60, deadline=None)
@given(clusters=clusters, seed=st.integers(0, 10_000), k=st.integers(1, 12))
def test_every_published_cell_holds_at_least_k_rows_and_contains_its_points(clusters, seed, k):
    # given clustered points
    points = _points(clusters, seed)
    fine = np.array([h3i.latlng_to_cell(lat, lon, FINEST) for lat, lon in points], np.uint64)
    # when they are generalised
    published = generalise_cells(fine, k)
    # then every published cell value appears on at least k rows
    counts = Counter(int(c) for c in published if c)
    assert all(n >= k for n in counts.values()), counts
    for point_cell, cell in zip(fine, published, strict=True):
        if cell:
            resolution = h3i.get_resolution(int(cell))
            assert COARSEST <= resolution <= FINEST
            # the published cell is the point's own ancestor: it contains the point
            assert h3i.cell_to_parent(int(point_cell), resolution) == int(cell)
    # a fine cell already holding k points is published as it is (the finest that keeps k)
    fine_counts = Counter(int(c) for c in fine)
    for point_cell, cell in zip(fine, published, strict=True):
        if fine_counts[int(point_cell)] >= k:
            assert int(cell) == int(point_cell)
    # and nothing is published without a point
    assert len(published) == len(points)


def test_an_isolated_point_keeps_only_its_commune():
    # given five requests in the same street and one alone ten kilometres away
    street = [(SCEAUX[0] + i * 1e-6, SCEAUX[1]) for i in range(5)]
    alone = (48.86, 2.35)
    cells = generalise_points([*street, alone, None], k=5)
    # then the street's five share one fine cell, the lone one and the missing one get none
    assert len(set(cells[:5])) == 1 and cells[0] is not None
    assert h3i.get_resolution(h3i.str_to_int(cells[0])) == FINEST
    assert cells[5] is None and cells[6] is None


def test_leftovers_of_a_fine_cell_move_up_to_their_parent():
    # given six points in one fine cell and four spread in its neighbourhood
    base = h3i.latlng_to_cell(*SCEAUX, FINEST)
    neighbours = [c for c in h3i.grid_disk(base, 1) if c != base][:4]
    fine = np.array([base] * 6 + neighbours, np.uint64)
    published = generalise_cells(fine, 5)
    # then the dense cell is published as it is; the four others (fewer than 5, even together)
    # climb until their leftovers number 5 or more, or stay unlocated
    assert all(int(c) == base for c in published[:6])
    assert all(c == 0 for c in published[6:])
    # with k = 2 the four leftovers are published in coarser cells they share two by two
    again = generalise_cells(fine, 2)
    leftovers = [int(c) for c in again[6:]]
    assert all(c and h3i.get_resolution(c) < FINEST for c in leftovers)
    assert all(n >= 2 for n in Counter(leftovers).values())


def test_k_of_one_publishes_the_finest_cell():
    cells = generalise_points([SCEAUX], k=1)
    assert cells == [h3i.int_to_str(h3i.latlng_to_cell(*SCEAUX, FINEST))]


def test_the_centre_of_a_cell_is_not_the_point():
    lat, lon = anonymise.cell_centre(generalise_points([SCEAUX], k=1)[0])
    assert (lat, lon) != SCEAUX
    assert abs(lat - SCEAUX[0]) < 0.01 and abs(lon - SCEAUX[1]) < 0.01


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),  # already the 1st in Paris
        (datetime(2026, 7, 1, 21, 59, tzinfo=UTC), date(2026, 7, 1)),  # 23:59 summer time
        (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), date(2026, 7, 2)),
        (date(2026, 3, 4), date(2026, 3, 4)),
        (None, None),
    ],
)
def test_dates_are_truncated_to_the_day_in_paris(moment, expected):
    assert anonymise.day(moment) == expected


def test_rare_groups_are_those_under_k():
    counts = {("voirie", "92071", "2026-05"): 4, ("voirie", "92071", "2026-06"): 5}
    assert anonymise.rare_groups(counts, 5) == {("voirie", "92071", "2026-05")}
