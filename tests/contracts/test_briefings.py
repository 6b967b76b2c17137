"""Elected officials' briefings: composed from the journal, sent through the outbox to a real
SMTP server, read by their official and their authority's managers only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from notifications.servers import RecordingSmtp
from steering_support import NOW, SYSTEM, build_world
from support import built_for_the_module

from guichet.contracts.briefings import actions, tasks
from guichet.contracts.briefings.periods import is_due, last_period
from guichet.contracts.models import Briefing, BriefingRemit
from guichet.core.models import Event
from guichet.journeys.topics.actions import refresh_topics
from guichet.notifications.delivery import deliver_due
from guichet.notifications.models import Notification


@pytest.fixture(scope="module")
def _steering(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def steering(_steering, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.GUICHET_BASE_URL = "https://guichet.exemple.fr"
    return _steering


@pytest.fixture
def smtp_server(settings):
    server = RecordingSmtp().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


def mayor_remit(w, **changes) -> BriefingRemit:
    fields = {"actor": SYSTEM, "authority": w.sceaux, "official": w.elected,
              "title": "Maire de Sceaux", "scope": "commune", "frequency": "weekly",
              "commune": w.sceaux_commune} | changes  # fmt: skip
    return actions.create_remit(**fields)


def test_the_period_is_the_last_complete_week_or_month():
    assert last_period("weekly", date(2026, 11, 30)) == (date(2026, 11, 23), date(2026, 11, 30))
    assert last_period("weekly", date(2026, 12, 2)) == (date(2026, 11, 23), date(2026, 11, 30))
    assert last_period("monthly", date(2026, 12, 2)) == (date(2026, 11, 1), date(2026, 12, 1))
    assert is_due("weekly", None, NOW)
    assert not is_due("weekly", NOW, NOW + timedelta(days=3))
    assert is_due("weekly", NOW, NOW + timedelta(days=7))


def test_a_remit_is_refused_in_french_for_an_agent_of_another_authority(steering):
    with pytest.raises(actions.BriefingError, match="n'est pas un élu ni un responsable"):
        mayor_remit(steering, official=steering.issy_manager)
    with pytest.raises(actions.BriefingError, match="au moins un service"):
        mayor_remit(steering, scope="policy")
    assert not BriefingRemit.objects.exists()


def test_the_briefing_tells_what_went_well_the_emerging_topic_and_an_honest_forecast(steering):
    # given the topics refreshed and the mayor's weekly remit
    refresh_topics(authority=steering.sceaux, now=NOW)
    remit = mayor_remit(steering)
    assert Event.objects.filter(kind=actions.REMIT_CREATED, subject_id=remit.pk).count() == 1
    # when the briefing is sent
    briefing = actions.send_briefing(remit=remit, now=NOW)
    content = briefing.content
    # then it covers the week of 23 November, counted by hand from the world
    assert (briefing.period_start, briefing.period_end) == (date(2026, 11, 23), date(2026, 11, 30))
    resolved = len(steering.resolved)
    assert content["figures"]["received"] == 18  # 8 usual + 10 park complaints
    assert content["figures"]["resolved"] == resolved
    assert content["figures"]["resolved_within_promise"] == resolved
    assert content["went_well"][0]["text"].startswith(
        f"{resolved} demandes traitées, dont {resolved}"
    )
    # the park surge is a hot spot that links to its topic page
    topics = [line for line in content["hot_spots"] if line["text"].startswith("Sujet émergent")]
    assert len(topics) == 1 and "10 messages" in topics[0]["text"]
    assert topics[0]["link"].startswith("/agents/pilotage/sujets/")
    # the forecast says its measured error
    assert "erreur moyenne constatée" in content["forecast"]["text"]
    assert len(content["forecast_weeks"]) == 4
    # every figure links to a dashboard filtered on the remit
    assert all(line["link"] for line in content["went_well"] + content["hot_spots"])
    assert "commune=92071" in content["went_well"][0]["link"]
    assert Event.objects.filter(kind=actions.BRIEFING_SENT, subject_id=briefing.pk).count() == 1


def test_the_briefing_email_reaches_a_real_smtp_server_with_a_link_and_no_secret(
    steering, smtp_server
):
    remit = mayor_remit(steering)
    briefing = actions.send_briefing(remit=remit, now=NOW)
    assert (
        Notification.objects.get(pk=briefing.notification_id).recipient == "maire@sceaux.exemple.fr"
    )
    while deliver_due(limit=500):  # the residents' receipts of the world go out too
        pass
    [message] = [m for m in smtp_server.messages if m["To"] == "maire@sceaux.exemple.fr"]
    assert message["To"] == "maire@sceaux.exemple.fr"
    assert str(message["Subject"]).strip().startswith("Note aux élus — Maire de Sceaux")
    text = message.get_body(("plain",)).get_content()
    link = f"https://guichet.exemple.fr/agents/pilotage/briefings/{briefing.pk}/"
    assert link in text and "Ce qui a bien marché" in text
    assert link + "?" not in text  # nothing after the page's address: no token in the link


def test_a_briefing_is_read_by_its_official_and_managers_only(steering, client):
    remit = mayor_remit(steering)
    briefing = actions.send_briefing(remit=remit, now=NOW)
    url = reverse("steering:briefing", args=[briefing.pk])
    for user in (steering.elected, steering.manager):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and "Ce qui a bien marché" in page.content.decode()
        assert "Maire de Sceaux" in client.get(reverse("steering:briefings")).content.decode()
    client.force_login(steering.issy_manager)
    assert client.get(url).status_code == 404
    assert "Maire de Sceaux" not in client.get(reverse("steering:briefings")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_the_schedule_sends_each_period_once_and_stops_with_the_remit(steering, monkeypatch):
    remit = mayor_remit(steering)
    monkeypatch.setattr("guichet.core.clock.now", lambda: NOW)
    assert tasks.send_due() == 1
    assert tasks.send_due() == 0
    actions.end_remit(actor=SYSTEM, remit=remit)
    monkeypatch.setattr("guichet.core.clock.now", lambda: NOW + timedelta(weeks=1))
    assert tasks.send_due() == 0
    assert Briefing.objects.filter(remit=remit).count() == 1
    with pytest.raises(actions.BriefingError, match="ne sont déjà plus envoyées"):
        actions.end_remit(actor=SYSTEM, remit=remit)


def test_the_demo_plants_a_park_surge_that_the_model_flags_and_briefs_the_mayor(steering):
    from guichet.demo.steering import SURGE, build_steering

    report = build_steering()
    assert report.planted == SURGE + 6
    assert any("parc" in label or "nuit" in label for label in report.emerging), report.emerging
    # only Sceaux exists in this world: its mayor's briefing, with the emerging topic
    assert report.accounts == [("elu.sceaux", "élu", "Ville de Sceaux")]
    briefing = Briefing.objects.get(remit__official__username="elu.sceaux")
    assert any(line["text"].startswith("Sujet émergent") for line in briefing.content["hot_spots"])
    assert build_steering().briefings == 0  # once
