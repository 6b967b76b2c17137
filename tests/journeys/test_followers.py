"""A follower is one more report of the same thing (issue 16): counted per case and in the
summary's « reports », never as a contact."""

from __future__ import annotations

from guichet.journeys.engine import case_figures, summary

from .factories import AS_OF, log_of, received, resolved_path, step


def test_followers_count_as_more_reports_and_an_unfollow_takes_one_back():
    # given a pothole followed by three neighbours, one of whom stopped following, and another
    journeys = {
        "followed": [
            received(), step(1, "cases.request-followed"), step(2, "cases.request-followed"),
            step(2.5, "cases.request-followed"), step(3, "cases.request-unfollowed"),
            *resolved_path(4, 5),
        ],
        "alone": [received(), *resolved_path(1, 2)],
    }  # fmt: skip
    # when the figures are computed
    figures = case_figures(log_of(journeys), as_of=AS_OF)
    rows = {row["case_id"]: row for row in figures.iter_rows(named=True)}
    # then the followed case counts two followers and no contact
    assert rows["followed"]["followers"] == 2 and rows["followed"]["contacts"] == 0
    assert rows["alone"]["followers"] == 0
    # and the summary counts two cases, four reports
    overall = summary(figures, is_guichet=True).row(0, named=True)
    assert (overall["cases"], overall["followers"], overall["reports"]) == (2, 2, 4)
