"""Scores by service, channel, team and authority, for the agents allowed to see them."""

import csv
import io
from datetime import timedelta

from guichet.cases.actions import assign
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.satisfaction.actions import answer_survey
from guichet.satisfaction.selectors import scores

from .factories import surveyed


def answer(survey, resolved, score, comment=""):
    return answer_survey(
        survey=survey, resolved=resolved, score=score, comment=comment, may_contact=False
    )


def answered_world(world, after_commit):
    """Ville de Sceaux: two pothole reports (web, phone; one routed to the Voirie team, one
    reopened) and a question; Vallée Sud: a damaged bin."""
    web = surveyed(world, after_commit)
    assign(request=web.request, actor=Actor.agent(world.manager_ville), team=world.voirie_team)
    answer(web, True, 5)
    phone = surveyed(world, after_commit, channel="phone")
    answer(phone, False, 1, "Toujours un trou.")
    answer(surveyed(world, after_commit, slug="question-generale"), True, 3)
    bin_survey = surveyed(world, after_commit, slug="bac-abime-collecte")
    assert bin_survey.request.authority_id == world.vallee_sud.pk
    answer(bin_survey, True, 4)


def table(rows):
    return {r.label: (r.answers, r.resolved_percent, r.mean_score, r.reopened) for r in rows}


def test_scores_by_service_count_answers_resolution_mean_and_reopenings(world, after_commit):
    # given answers in Sceaux and Vallée Sud
    answered_world(world, after_commit)
    # when the scores of the Ville de Sceaux are computed by service
    rows = scores(authority_ids={world.ville.pk}, by="service")
    # then each service has its figures and Vallée Sud's bin is absent
    voirie = world.ville.requests.filter(service__slug="signalement-voirie").first().service.name
    question = world.ville.requests.filter(service__slug="question-generale").first().service.name
    assert table(rows) == {voirie: (2, 50.0, 3.0, 1), question: (1, 100.0, 3.0, 0)}
    assert rows[0].label == voirie  # most answered first


def test_scores_by_channel_team_and_authority(world, after_commit):
    # given answers in Sceaux and Vallée Sud
    answered_world(world, after_commit)
    both = {world.ville.pk, world.vallee_sud.pk}
    # when computed by channel, team and authority over both authorities
    by_channel = table(scores(authority_ids=both, by="channel"))
    by_team = table(scores(authority_ids={world.ville.pk}, by="team"))
    by_authority = table(scores(authority_ids=both, by="authority"))
    # then
    assert by_channel == {"portail web": (3, 100.0, 4.0, 0), "téléphone": (1, 0.0, 1.0, 1)}
    assert by_team["Voirie"] == (1, 100.0, 5.0, 0)
    assert sum(answers for answers, *_ in by_team.values()) == 3
    assert by_authority == {
        "Ville de Sceaux": (3, 66.7, 3.0, 1),
        world.vallee_sud.name: (1, 100.0, 4.0, 0),
    }


def test_scores_keep_to_the_period(world, after_commit):
    # given answers given today
    answered_world(world, after_commit)
    now = clock.now()
    # when asked for a period that ended yesterday, then one that includes today
    before = scores(authority_ids={world.ville.pk}, by="authority", until=now - timedelta(days=1))
    during = scores(authority_ids={world.ville.pk}, by="authority", since=now - timedelta(days=1))
    # then only the second counts them
    assert before == []
    assert during[0].answers == 3


def test_the_scores_page_shows_only_the_agents_authorities(client, world, after_commit):
    # given answers in both authorities, and Vallée Sud's manager signed in
    answered_world(world, after_commit)
    client.force_login(world.manager_ept)
    # when they open the scores page
    response = client.get("/satisfaction/scores/")
    # then they see Vallée Sud's scores, never the Ville de Sceaux's
    page = response.content.decode()
    assert response.status_code == 200
    assert world.vallee_sud.name in page
    assert "Ville de Sceaux" not in page
    assert "Par canal de la demande" in page


def test_the_csv_download_parses_and_holds_the_same_figures(client, world, after_commit):
    # given answers, and Sceaux's manager signed in
    answered_world(world, after_commit)
    client.force_login(world.manager_ville)
    # when they download the CSV
    response = client.get("/satisfaction/scores/export.csv")
    # then it parses, with one row per dimension and label, for Sceaux only
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_authority = [r for r in rows if r["dimension"] == "authority"]
    assert by_authority == [
        {"dimension": "authority", "libelle": "Ville de Sceaux", "reponses": "3",
         "pct_resolu": "66.7", "note_moyenne": "3.0", "reouvertures": "1"}
    ]  # fmt: skip
    assert {r["dimension"] for r in rows} == {"service", "channel", "team", "authority"}


def test_the_scores_need_a_signed_in_manager(client, world, after_commit):
    # given a case handler (no dashboards) and an anonymous visitor
    anonymous = client.get("/satisfaction/scores/")
    client.force_login(world.handler_ville)
    # when they open the scores page and the CSV
    page = client.get("/satisfaction/scores/")
    export = client.get("/satisfaction/scores/export.csv")
    # then the visitor is sent to log in and the case handler refused in French
    assert anonymous.status_code == 302
    assert "/login" in anonymous["Location"] or "connexion" in anonymous["Location"]
    assert page.status_code == 403 and export.status_code == 403
    assert "réservés aux responsables" in page.content.decode()


def test_a_bad_date_in_the_filter_is_explained(client, world):
    # given Sceaux's manager signed in
    client.force_login(world.manager_ville)
    # when the period filter holds a bad date
    response = client.get("/satisfaction/scores/?since=hier")
    # then the page says so in French
    assert response.status_code == 400
    assert "Date invalide" in response.content.decode()


def test_the_csv_also_downloads_for_french_excel(client, world, after_commit):
    # given answers, and Sceaux's manager signed in on the scores page
    answered_world(world, after_commit)
    client.force_login(world.manager_ville)
    page = client.get("/satisfaction/scores/").content.decode()
    assert 'href="/satisfaction/scores/export.csv?variante=excel"' in page
    # when they download the French Excel form
    response = client.get("/satisfaction/scores/export.csv", {"variante": "excel"})
    # then it starts with the BOM, is separated by semicolons, with decimal commas
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_authority = [r for r in rows if r["dimension"] == "authority"]
    assert by_authority == [
        {"dimension": "authority", "libelle": "Ville de Sceaux", "reponses": "3",
         "pct_resolu": "66,7", "note_moyenne": "3,0", "reouvertures": "1"}
    ]  # fmt: skip
