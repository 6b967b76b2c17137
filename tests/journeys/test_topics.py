"""Emerging topics: the planted surge of park complaints is found, named and flagged; the
examples carry no name, e-mail or phone; each authority sees its own topics only."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape
from steering_support import NAMED, NOW, build_world
from support import built_for_the_module

from guichet.core.models import Event
from guichet.journeys.topics import tasks
from guichet.journeys.topics.actions import TOPICS_REFRESHED, refresh_topics
from guichet.journeys.topics.anonymise import anonymise
from guichet.journeys.topics.model import emerging_score, find_topics
from guichet.journeys.topics.models import Topic, TopicRun
from guichet.journeys.topics.stopwords import FRENCH_STOP_WORDS


@pytest.fixture(scope="module")
def _steering(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def steering(_steering, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return _steering


def park_topic(authority) -> Topic:
    topics = list(Topic.objects.filter(run__authority=authority))
    parks = [t for t in topics if "parc" in t.words[:4] or "nuit" in t.words[:4]]
    assert parks, [t.words for t in topics]
    return max(parks, key=lambda t: t.last_count)


def test_a_surge_in_synthetic_texts_is_a_flagged_topic_named_by_its_words():
    # given twenty weeks of ordinary requests, one park complaint a week, then 25 in a week
    rng = random.Random(3)
    ordinary = ["Nid de poule sur la chaussée rue {}", "Lampadaire en panne rue {}",
                "Inscription à la cantine scolaire", "Graffiti sur le mur de l'école {}"]  # fmt: skip
    today = date(2026, 12, 7)
    texts, weeks, communes = [], [], []
    for w in range(20):
        monday = today - timedelta(days=today.weekday(), weeks=20 - w)
        for _ in range(30):
            texts.append(rng.choice(ordinary).format(rng.randint(1, 40)))
            weeks.append(monday)
            communes.append("92071")
        for _ in range(1 if w < 19 else 25):
            texts.append("Bruit au parc la nuit, rassemblements et musique")
            weeks.append(monday)
            communes.append("92071")
    # when the topics are found
    found = find_topics(texts, weeks, communes, as_of=today)
    # then the park topic is named by its words, has 25 texts last week and is the only flag
    flagged = [t for t in found if t.emerging]
    assert len(flagged) == 1
    assert {"parc", "nuit"} <= set(flagged[0].words[:5])
    assert flagged[0].last_count == 25
    assert flagged[0].usual == pytest.approx(1.0)
    assert flagged[0].by_commune["92071"][today - timedelta(days=today.weekday(), weeks=1)] == 25


def test_the_z_score_reads_the_last_complete_week_against_the_weeks_before():
    last = date(2026, 11, 23)
    # a steady 4 a week for 12 weeks, then 12: spread floored at sqrt(4) = 2, z = (12-4)/2
    weekly = {last - timedelta(weeks=k): 4 for k in range(1, 13)} | {last: 12}
    assert emerging_score(weekly, last) == (12, 4.0, 4.0)
    # three weeks of history are too few for a usual level
    assert emerging_score({last - timedelta(weeks=3): 1, last: 9}, last) == (9, None, None)
    # nothing before: zeros count, the spread is at least 1
    count, usual, z = emerging_score({last - timedelta(weeks=6): 0, last: 3}, last)
    assert (count, usual, z) == (3, 0.0, 3.0)


def test_examples_lose_names_emails_phones_and_long_numbers():
    text = anonymise(
        "Mme Durand Lucie, 06 12 34 56 78 ou +33 6 12 34 56 78, lucie@exemple.fr, "
        "dossier 12345678 : je suis Lucie Durand",
        ("Lucie", "Durand"),
    )  # fmt: skip
    assert text == ("Mme [nom], [téléphone] ou [téléphone], [courriel], dossier [numéro] : "
                    "je suis [nom] [nom]")  # fmt: skip
    assert "bonjour" in FRENCH_STOP_WORDS and "parc" not in FRENCH_STOP_WORDS


def test_the_planted_park_surge_is_stored_flagged_and_anonymised(
    steering, django_capture_on_commit_callbacks
):
    # when the periodic task refreshes the topics
    with django_capture_on_commit_callbacks(execute=True):
        run = refresh_topics(authority=steering.sceaux, now=NOW)
    # then the park topic is emerging: 10 texts in the week of 23 November, usually 6 in the
    # 11 weeks of history before it
    park = park_topic(steering.sceaux)
    assert park.emerging and park.last_week == date(2026, 11, 23)
    assert park.last_count == 10
    assert park.usual == pytest.approx(6 / 11)
    assert park.by_commune["92071"]["2026-11-23"] == 10
    # only the park topic is flagged
    assert [t.pk for t in Topic.objects.filter(run=run, emerging=True)] == [park.pk]
    # its examples are the residents' words without the writer's name, phone or e-mail
    shown = " ".join(park.examples)
    assert "parc" in shown.lower()
    for secret in ("Alice", "Martin", "06 12", "alice.martin@"):
        assert secret not in shown
    assert run.texts == len(steering.requests)  # Issy's requests are not Sceaux's texts
    event = Event.objects.get(kind=TOPICS_REFRESHED, subject_id=run.pk)
    assert event.authority_id == steering.sceaux.pk and event.payload["emerging"] == [park.label]
    assert any("bruit au parc la nuit" in e for e in park.examples) or NAMED not in shown


def test_a_refresh_replaces_the_previous_run_and_the_task_covers_every_authority(steering):
    refresh_topics(authority=steering.sceaux, now=NOW)
    assert tasks.refresh_all() == 2
    assert TopicRun.objects.filter(authority=steering.sceaux).count() == 1
    assert TopicRun.objects.filter(authority=steering.issy).count() == 1


def test_the_managers_dashboard_and_topic_page_show_the_emerging_topic_to_its_authority_only(
    steering, client
):
    refresh_topics(authority=steering.sceaux, now=NOW)
    park = park_topic(steering.sceaux)
    client.force_login(steering.manager)
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert "Sujets émergents" in page and park.label in page
    topic_page = client.get(reverse("steering:topic", args=[park.pk])).content.decode()
    assert escape(park.examples[0]) in topic_page and "Martin" not in topic_page
    csv = client.get(
        reverse("steering:topic", args=[park.pk]), {"format": "csv", "table": "semaines"}
    )
    assert "2026-11-23" in csv.content.decode() and csv["Content-Type"].startswith("text/csv")
    # Issy's manager sees neither the block nor the topic
    client.force_login(steering.issy_manager)
    assert park.label not in client.get(reverse("backoffice:dashboard")).content.decode()
    assert client.get(reverse("steering:topic", args=[park.pk])).status_code == 404
    assert park.label not in client.get(reverse("steering:topics")).content.decode()
