"""Each irritant on small hand-built journeys whose answers are known."""

from __future__ import annotations

from datetime import timedelta

import pytest

from guichet.journeys.engine import Thresholds, case_figures, summary

from .factories import (
    AS_OF,
    T0,
    answered,
    contact,
    handed_off,
    log_of,
    received,
    replied,
    resolved_path,
    status,
)


def figures_of(journeys, **attributes):
    log = log_of(journeys, **attributes)
    figures = case_figures(log, as_of=AS_OF)
    return {row["case_id"]: row for row in figures.iter_rows(named=True)}, figures, log


def test_two_contacts_after_filing_are_a_repeat_contact_and_one_is_not():
    # given a request followed by two calls, and one followed by a single call
    journeys = {
        "twice": [received(), contact(3), contact(20), *resolved_path(21, 22)],
        "once": [received(), contact(3), *resolved_path(4, 5)],
    }
    # when the figures are computed
    rows, _, _ = figures_of(journeys)
    # then only the first is a repeat contact
    assert rows["twice"]["repeat_contact"] is True
    assert rows["once"]["repeat_contact"] is False
    assert rows["twice"]["contacts"] == 2


def test_three_contacts_within_fourteen_days_are_a_burst_but_not_over_a_month():
    # given three calls within 13 days, and three calls 10 days apart each
    journeys = {
        "burst": [received(), contact(1), contact(7), contact(14)],
        "spread": [received(), contact(1), contact(11), contact(21)],
    }
    # when the figures are computed
    rows, _, _ = figures_of(journeys)
    # then only the first is a burst; both are repeat contacts
    assert rows["burst"]["contact_burst"] is True
    assert rows["spread"]["contact_burst"] is False
    assert rows["spread"]["repeat_contact"] is True


def test_first_contact_resolution_needs_no_follow_up_contact():
    # given a request resolved without anything else, and one resolved after a call
    journeys = {
        "clean": [received(), *resolved_path()],
        "called": [received(), contact(2), *resolved_path(3, 4)],
        "rejected": [received(), status(1, "received", "rejected")],
    }
    # when the figures are computed
    rows, figures, log = figures_of(journeys)
    # then only the clean one counts, and the rate is one in three
    assert [rows[c]["first_contact_resolution"] for c in ("clean", "called", "rejected")] == [
        True, False, False,
    ]  # fmt: skip
    assert summary(figures, is_guichet=True)["first_contact_resolution_rate"][0] == pytest.approx(
        1 / 3
    )


def test_a_long_silence_is_more_than_n_days_without_a_visible_event():
    # given a request with 12 silent days (an internal contact does not break the silence)
    # and one where the person hears something every 6 days
    journeys = {
        "silent": [received(), contact(5), status(12, "received", "in_progress"),
                   status(14, "in_progress", "resolved")],
        "talkative": [received(), status(6, "received", "in_progress"),
                      status(12, "in_progress", "resolved")],
    }  # fmt: skip
    # when the figures are computed with the default 10 days
    rows, _, _ = figures_of(journeys)
    # then only the first had a long silence, of 12 days
    assert rows["silent"]["long_silence"] is True
    assert rows["silent"]["max_silence_seconds"] == pytest.approx(12 * 86400)
    assert rows["talkative"]["long_silence"] is False


def test_an_open_request_keeps_its_silence_running_until_as_of():
    # given a request received 100 days before as_of with nothing since
    rows, _, _ = figures_of({"forgotten": [received()]})
    # then its silence runs until as_of
    assert rows["forgotten"]["is_open"] is True
    assert rows["forgotten"]["max_silence_seconds"] == pytest.approx(100 * 86400)
    assert rows["forgotten"]["long_silence"] is True


def test_deadline_breached_when_resolved_after_the_due_date_and_at_risk_when_close():
    # given one request resolved late, one on time, one open due tomorrow, one open long overdue
    journeys = {
        "late": [received(), *resolved_path(1, 10)],
        "on_time": [received(), *resolved_path(1, 3)],
        "due_soon": [received(90)],
        "overdue": [received(1)],
    }
    due = {
        "late": {"due_at": T0 + timedelta(days=5)},
        "on_time": {"due_at": T0 + timedelta(days=5)},
        "due_soon": {"due_at": AS_OF + timedelta(days=1)},
        "overdue": {"due_at": T0 + timedelta(days=30)},
    }
    # when the figures are computed
    rows, _, _ = figures_of(journeys, **due)
    # then
    assert {c: rows[c]["deadline_breached"] for c in journeys} == {
        "late": True, "on_time": False, "due_soon": False, "overdue": True,
    }  # fmt: skip
    assert {c: rows[c]["at_risk"] for c in journeys} == {
        "late": False, "on_time": False, "due_soon": True, "overdue": False,
    }  # fmt: skip


def test_reopening_is_rework_but_a_question_to_the_user_is_not():
    # given a request resolved, reopened and resolved again; and one that waited for the user
    journeys = {
        "reopened": [received(), *resolved_path(1, 3), status(5, "resolved", "in_progress"),
                     status(8, "in_progress", "resolved")],
        "asked": [received(), status(1, "received", "in_progress"),
                  status(2, "in_progress", "waiting_user"), replied(4),
                  status(6, "in_progress", "resolved")],
    }  # fmt: skip
    # when the figures are computed
    rows, figures, _ = figures_of(journeys)
    # then the reopened request is rework and reopened; the question is neither
    assert rows["reopened"]["rework"] is True and rows["reopened"]["reopened"] is True
    assert rows["asked"]["rework"] is False and rows["asked"]["reopened"] is False
    assert summary(figures, is_guichet=True)["reopened_rate"][0] == 0.5


def test_handing_back_to_a_previous_authority_is_ping_pong():
    # given a request sent from 1 to 2 and back to 1, and one sent from 1 to 2 only
    journeys = {
        "back": [received(authority="1"), handed_off(2, "2"), handed_off(4, "1")],
        "forward": [received(authority="1"), handed_off(2, "2")],
    }
    # when the figures are computed
    rows, _, _ = figures_of(journeys)
    # then only the first is ping-pong
    assert rows["back"]["ping_pong"] is True
    assert rows["forward"]["ping_pong"] is False


def test_coming_back_on_another_channel_is_channel_switching():
    # given a web request followed by a phone call, and one followed by a web reply only
    journeys = {
        "switched": [received(channel="web"), contact(3, "phone")],
        "same": [received(channel="web"), status(1, "received", "in_progress"),
                 status(2, "in_progress", "waiting_user"), replied(3, "web")],
    }  # fmt: skip
    # when the figures are computed
    rows, _, _ = figures_of(journeys)
    # then only the first switched channel
    assert rows["switched"]["channel_switch"] is True
    assert rows["same"]["channel_switch"] is False


def test_a_wait_for_the_user_never_answered_is_abandonment():
    # given a request waiting 40 days without answer, one cancelled while waiting,
    # one answered, and one waiting for only 10 days
    waiting = [received(), status(1, "received", "in_progress")]
    journeys = {
        "gone": [*waiting, status(60, "in_progress", "waiting_user")],
        "cancelled": [*waiting, status(2, "in_progress", "waiting_user"),
                      status(20, "waiting_user", "cancelled")],
        "answered": [*waiting, status(2, "in_progress", "waiting_user"), replied(5)],
        "recent": [*waiting, status(90, "in_progress", "waiting_user")],
    }  # fmt: skip
    # when the figures are computed (30 days by default)
    rows, _, _ = figures_of(journeys)
    # then
    assert {c: rows[c]["abandoned"] for c in journeys} == {
        "gone": True, "cancelled": True, "answered": False, "recent": False,
    }  # fmt: skip


def test_waiting_for_the_user_is_split_from_waiting_for_the_administration():
    # given a 10-day request that waited 3 days for the user
    journeys = {
        "split": [received(), status(1, "received", "in_progress"),
                  status(2, "in_progress", "waiting_user"), replied(5),
                  status(10, "in_progress", "resolved")],
    }  # fmt: skip
    # when the figures are computed
    rows, _, _ = figures_of(journeys)
    # then 3 days are the user's and 7 the administration's
    assert rows["split"]["user_wait_seconds"] == pytest.approx(3 * 86400)
    assert rows["split"]["admin_wait_seconds"] == pytest.approx(7 * 86400)
    assert rows["split"]["lead_time_seconds"] == pytest.approx(10 * 86400)


def test_dissatisfaction_is_unavailable_without_answers_and_a_share_of_answers_with_them():
    # given two resolved requests without survey answers
    quiet = {"a": [received(), *resolved_path()], "b": [received(), *resolved_path()]}
    _, figures, _ = figures_of(quiet)
    # then dissatisfaction is unavailable
    assert summary(figures, is_guichet=True)["dissatisfied_rate"][0] is None
    # given one happy answer, one unhappy (not resolved), one request not answered
    answered_log = {
        "happy": [received(), *resolved_path(), answered(6, resolved=True, score=5)],
        "unhappy": [received(), *resolved_path(), answered(6, resolved=False, score=4)],
        "silent": [received(), *resolved_path()],
    }
    rows, figures, _ = figures_of(answered_log)
    # then the rate is one in the two answers
    assert rows["unhappy"]["dissatisfied"] is True and rows["happy"]["dissatisfied"] is False
    assert summary(figures, is_guichet=True)["dissatisfied_rate"][0] == 0.5


def test_every_rate_can_be_cut_by_segment_and_period():
    # given a web request with two calls in Sceaux, and a phone one in Tours a month later
    journeys = {
        "a": [received(channel="web"), contact(2), contact(9)],
        "b": [received(31, channel="phone"), *resolved_path(32, 33)],
    }
    attributes = {
        "a": {"commune": "92071", "service": "voirie", "category": "resident"},
        "b": {"commune": "37261", "service": "voirie", "category": "tourist"},
    }
    rows, figures, _ = figures_of(journeys, **attributes)
    # when the rates are cut by commune, by channel and by month
    by_commune = summary(figures, is_guichet=True, by="commune")
    by_channel = summary(figures, is_guichet=True, by="channel")
    by_month = summary(figures, is_guichet=True, by="period", period="month")
    by_category = summary(figures, is_guichet=True, by="category")
    # then each group has its own rate
    assert dict(zip(by_commune["commune"], by_commune["repeat_contact_rate"], strict=True)) == {
        "37261": 0.0, "92071": 1.0,
    }  # fmt: skip
    assert dict(zip(by_channel["channel"], by_channel["cases"], strict=True)) == {
        "phone": 1,
        "web": 1,
    }
    assert by_month.height == 2 and by_category["category"].to_list() == ["resident", "tourist"]


def test_thresholds_change_the_definitions():
    # given a request silent for 8 days
    journeys = {
        "s": [
            received(),
            status(8, "received", "in_progress"),
            status(9, "in_progress", "resolved"),
        ]
    }
    log = log_of(journeys)
    # when the silence threshold is 7 days instead of 10
    strict = case_figures(log, as_of=AS_OF, thresholds=Thresholds(silence_days=7))
    default = case_figures(log, as_of=AS_OF)
    # then the silence counts only under the stricter definition
    assert strict["long_silence"][0] is True and default["long_silence"][0] is False
