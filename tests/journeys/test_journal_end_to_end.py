"""Through the real request actions: the journal's journeys, figures and CLI commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guichet.cases import actions
from guichet.catalogue.models import Service
from guichet.core.clock import frozen_at
from guichet.core.journal import Actor
from guichet.journeys import store
from guichet.journeys.engine import case_figures, process_map, read_log

MONDAY = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
QUESTION = {
    "sujet": "Horaires de la mairie",
    "message": "Quels sont les horaires d'ouverture le samedi ?",
    "reponse_par": "courriel",
    "courriel": "alice@exemple.fr",
}


def at(days: float):
    return frozen_at(MONDAY + timedelta(days=days))


def file_question(world, day: float = 0, channel: str = "web"):
    with at(day):
        return actions.submit_request(
            service=Service.objects.get(slug="question-generale"), person=world.alice,
            channel=channel, actor=Actor.person(world.alice), form_data=dict(QUESTION),
            commune=world.sceaux_commune, filed_by=world.agent if channel != "web" else None,
        )  # fmt: skip


def move(world, request, day: float, to: str, note: str = "Motif."):
    with at(day):
        return actions.change_status(
            request=request, to=to, actor=Actor.agent(world.agent), role="manager", note=note
        )


def run(*args) -> str:
    out = StringIO()
    call_command("journeys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def journeys(world):
    """Two requests: one with two calls, a question to Alice and a late answer; one clean."""
    slow = file_question(world, 0)
    for day in (8, 12):
        with at(day):
            actions.record_contact(request=slow, channel="phone", actor=Actor.agent(world.agent))
    slow = move(world, slow, 13, "in_progress", "")
    slow = move(world, slow, 14, "waiting_user", "Merci de préciser.")
    with at(18):
        actions.reply_as_person(request=slow, actor=Actor.person(world.alice), body="Voilà.")
    move(world, slow, 20, "resolved", "Réponse envoyée.")
    quick = file_question(world, 1, channel="counter")
    quick = move(world, quick, 1.1, "in_progress", "")
    move(world, quick, 1.2, "resolved", "Réponse donnée au guichet.")
    return slow, quick


def test_the_journal_becomes_journeys_with_their_irritants(journeys):
    # given two requests handled through the real actions
    slow, quick = journeys
    # when the journal is read into the engine
    log = store.journal_log()
    rows = {
        r["case_id"]: r for r in case_figures(log, as_of=MONDAY + timedelta(days=30)).to_dicts()
    }
    # then the slow one has repeat contacts, a channel switch, a silence, 4 days waiting for Alice
    slow_row, quick_row = rows[str(slow.pk)], rows[str(quick.pk)]
    assert slow_row["contacts"] == 2 and slow_row["repeat_contact"] is True
    assert slow_row["channel_switch"] is True and slow_row["long_silence"] is True
    assert slow_row["user_wait_seconds"] == pytest.approx(4 * 86400)
    assert slow_row["first_contact_resolution"] is False and slow_row["rework"] is False
    assert slow_row["service"] == "question-generale" and slow_row["commune"] == "92071"
    assert slow_row["authority"] == "sceaux" and slow_row["category"] == "resident"
    # and the quick one was resolved at the first contact
    assert quick_row["first_contact_resolution"] is True and quick_row["repeat_contact"] is False
    edges = {(e["source"], e["target"]) for e in process_map(log).edges.to_dicts()}
    assert ("request.contact_recorded", "request.contact_recorded") in edges


def test_refresh_appends_only_the_new_events(world, journeys):
    # given a refreshed analytics copy
    first = store.refresh()
    assert first.exported >= 11 and first.cases == 2
    # when nothing happened, then nothing is appended
    assert store.refresh().exported == 0
    # when Alice calls again, then exactly that event is appended in a new part
    with at(25):
        actions.record_contact(request=journeys[0], channel="email", actor=Actor.agent(world.agent))
    assert store.refresh().exported == 1
    assert len(list((store.analytics_dir() / "events").glob("part-*.parquet"))) == 2


def test_report_command_gives_the_figures_for_a_period_as_json(journeys):
    # given the two requests
    # when the report is asked for March 2024, cut by channel
    payload = json.loads(run(
        "report", "--format", "json", "--since", "2024-03-01", "--until", "2024-04-01",
        "--as-of", "2024-04-03", "--by", "channel",
    ))  # fmt: skip
    # then the figures cover both, and the web one is the repeat contact
    assert payload["overall"]["cases"] == 2
    assert payload["overall"]["repeat_contact_rate"] == 0.5
    rates = {row["channel"]: row["repeat_contact_rate"] for row in payload["by"]["rows"]}
    assert rates == {"counter": 0.0, "web": 1.0}
    # and a period before them is empty
    empty = json.loads(run("report", "--format", "json", "--until", "2024-01-01"))
    assert empty["overall"]["cases"] == 0


def test_report_command_speaks_french(journeys):
    # when the report is printed as text
    text = run("report", "--as-of", "2024-04-03")
    # then the figures are labelled in French
    assert "relances répétées (2 contacts ou plus)" in text and "50.0 %" in text


def test_process_map_and_variants_commands_give_json(journeys):
    # when the process map and the variants of the counter requests are asked as JSON
    found = json.loads(run("process-map", "--format", "json", "--channel", "counter"))
    variants = json.loads(run("variants", "--format", "json"))
    # then the edges carry count, mean, median and p90 seconds, with start and end activities
    first = found["edges"][0]
    assert set(first) == {
        "source",
        "target",
        "count",
        "mean_seconds",
        "median_seconds",
        "p90_seconds",
    }
    assert found["start_activities"] == {"request.received": 1}
    assert found["end_activities"] == {"request.status_changed:resolved": 1}
    assert sorted(v["count"] for v in variants) == [1, 1]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xes", "ocel"])
def test_export_command_writes_a_file_that_reads_back(journeys, tmp_path, fmt):
    # when the journal is exported
    output = tmp_path / f"journal.{'json' if fmt == 'ocel' else fmt}"
    message = run("export", "--format", fmt, "--output", str(output))
    # then the file exists and (except OCEL) reads back to the same map
    assert output.exists() and "2 parcours" in message
    if fmt != "ocel":
        again = read_log(output)
        assert process_map(again).edges.equals(process_map(store.journal_log()).edges)


def test_commands_read_an_external_log(tmp_path, world):
    # given an old system's CSV
    path = tmp_path / "ancien.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp\nA,Dépôt,2024-01-02 09:00:00\nA,Fin,2024-01-02 10:00:00\n",
        encoding="utf-8",
    )
    # when its process map is asked
    found = json.loads(run("process-map", "--format", "json", "--log", str(path)))
    # then it comes from the file
    assert found["edges"][0]["mean_seconds"] == 3600


def test_a_bad_external_log_is_a_clear_command_error(tmp_path, world):
    # given a CSV with a bad date on line 3
    path = tmp_path / "mauvais.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp\nA,Dépôt,2024-01-02\nA,Fin,32/13/2024\n",
        encoding="utf-8",
    )
    # when the report is asked, then the error names the line and the column
    with pytest.raises(CommandError, match=r"mauvais.csv, ligne 3, colonne « time:timestamp »"):
        run("report", "--log", str(path))


def test_forecast_command_gives_eight_weeks_per_service_and_commune(journeys):
    # when the forecast is asked as JSON
    payload = json.loads(run("forecast", "--format", "json"))
    # then the one series has 8 weeks
    assert [(s["service"], s["commune"]) for s in payload] == [("question-generale", "92071")]
    assert len(payload[0]["forecast"]) == 8


def test_refresh_command_reports_what_it_appended(journeys):
    # when the refresh command runs twice
    first, second = run("refresh"), run("refresh")
    # then the second has nothing to add
    assert "2 demandes" in first and second.startswith("0 événement ajouté")
