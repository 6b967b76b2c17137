"""Petitions: threshold from the population, moderation before opening, signatures counted
exactly, reminders once, the obligation with its due date in French working days, late
obligations shown late, the official answer telling the signers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from support import built_for_the_module, refreshed

from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications.models import Notification
from guichet.participation import thresholds
from guichet.participation.actions import petitions as actions
from guichet.participation.models.petitions import Obligation, Petition, PetitionRules
from guichet.participation.refusals import Refused

from .p2world import build, resident


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(_world, db):
    return refreshed(_world)


def agent(world):
    return Actor.agent(world.manager)


def opened(world, *, percent="0.01", days=30, duty="answer", working_days=10):
    PetitionRules.objects.update_or_create(
        authority=world.sceaux,
        defaults={"threshold_percent": Decimal(percent), "duty": duty,
                  "answer_working_days": working_days},
    )  # fmt: skip
    petition = actions.submit_petition(
        authority=world.sceaux, person=world.alice, title="Un marché le dimanche",
        text="Nous demandons un marché alimentaire le dimanche matin.", days_open=days,
    )  # fmt: skip
    return actions.open_petition(petition=petition, by=agent(world))


# --- arithmetic --------------------------------------------------------------------------


def test_threshold_is_the_share_of_the_population_rounded_up():
    assert thresholds.threshold_for(19_500, Decimal("1")) == 195
    assert thresholds.threshold_for(19_501, Decimal("1")) == 196
    assert thresholds.threshold_for(50, "0.5") == 1
    for bad in ("0", "-1"):
        with pytest.raises(thresholds.ThresholdError, match="supérieur à zéro"):
            thresholds.threshold_for(1000, bad)
    with pytest.raises(thresholds.ThresholdError, match="inconnue"):
        thresholds.threshold_for(0, "1")


def test_reminders_fall_at_a_third_and_two_thirds_once():
    assert thresholds.marks(300) == (100, 200)
    assert thresholds.reminders_crossed(99, 100, 300) == ["third"]
    assert thresholds.reminders_crossed(100, 101, 300) == []
    assert thresholds.reminders_crossed(0, 250, 300) == ["third", "two_thirds"]
    assert thresholds.reminders_crossed(0, 1, 1) == []  # a threshold of one: no reminder


def test_answer_due_counts_french_working_days():
    # given a crossing on Friday 24 December 2027 (Christmas on Saturday)
    crossed = datetime(2027, 12, 24, 10, tzinfo=UTC)
    due = thresholds.obligation_due(crossed, duty="answer", working_days=3)
    # then Mon 27, Tue 28, Wed 29: due at the end of Wednesday 29 December (Paris)
    assert due.due_at.date() == date(2027, 12, 29) and due.meeting_date is None
    # and over New Year's Day: Friday 1 January 2027 is a holiday, the first working day after
    # Thursday 31 December 2026 is Monday 4 January
    due = thresholds.obligation_due(
        datetime(2026, 12, 31, 9, tzinfo=UTC), duty="answer", working_days=1
    )
    assert due.due_at.date() == date(2027, 1, 4)


def test_agenda_duty_takes_the_next_council_meeting():
    crossed = datetime(2027, 3, 1, 10, tzinfo=UTC)  # a Monday
    meetings = [date(2027, 2, 20), date(2027, 3, 1), date(2027, 3, 18), date(2027, 4, 8)]
    due = thresholds.obligation_due(crossed, duty="agenda", working_days=20, meetings=meetings)
    assert due.meeting_date == date(2027, 3, 18)
    # with no meeting known, the answer's delay applies
    due = thresholds.obligation_due(crossed, duty="agenda", working_days=20)
    # (2-5, 8-12, 15-19, 22-26 March make 19; Easter Monday 29 March is a holiday: the 30th)
    assert due.meeting_date is None and due.due_at.date() == date(2027, 3, 30)


def test_population_counts_a_delegated_commune_once(world):
    child = type(world.sceaux_commune)(pk=-1, population=1000, parent_id=world.sceaux_commune.pk)
    assert thresholds.population_of([world.sceaux_commune, child]) == 19_500
    assert thresholds.population_of([world.sceaux_commune, world.other_commune]) == 81_500


# --- rules and submission ------------------------------------------------------------------


def test_rules_of_zero_are_refused_per_field(world):
    with pytest.raises(Refused) as refused:
        actions.save_rules(
            authority=world.sceaux, by=agent(world), threshold_percent="0", duty="answer",
            answer_working_days="0", max_days_open="abc",
        )  # fmt: skip
    errors = refused.value.errors
    assert errors["threshold_percent"] == ["Seuil : doit être supérieur à zéro."]
    assert "supérieur à zéro" in errors["answer_working_days"][0]
    assert "entier" in errors["max_days_open"][0]
    assert not PetitionRules.objects.filter(authority=world.sceaux).exists()
    rules = actions.save_rules(
        authority=world.sceaux, by=agent(world), threshold_percent="0,5", duty="agenda",
        answer_working_days="20", max_days_open="90",
    )  # fmt: skip
    assert rules.threshold_percent == Decimal("0.5")
    assert Event.objects.filter(kind="participation.petition-rules-changed").count() == 1


def test_starting_a_petition_asks_for_a_verified_identity(world):
    with pytest.raises(Refused, match="identité vérifiée"):
        actions.submit_petition(
            authority=world.sceaux, person=world.bob, title="Titre", text="Texte", days_open=10
        )
    with pytest.raises(Refused) as refused:
        actions.submit_petition(
            authority=world.sceaux, person=world.alice, title="", text="x" * 6000, days_open=0
        )
    assert set(refused.value.errors) == {"title", "text", "days_open"}
    assert not Petition.objects.exists()


def test_a_petition_opens_only_after_moderation_with_its_threshold(world):
    petition = actions.submit_petition(
        authority=world.sceaux, person=world.alice, title="Pistes cyclables",
        text="Des pistes cyclables avenue de Paris.", days_open=60, cosponsors=[world.bob],
    )  # fmt: skip
    assert petition.status == "pending" and petition.threshold is None
    with pytest.raises(Refused, match="pas ouverte"):
        actions.sign(petition=petition, person=world.bob)
    petition = actions.open_petition(petition=petition, by=agent(world))
    # 1 % (the default) of Sceaux's 19,500 inhabitants
    assert (petition.population, petition.threshold) == (19_500, 195)
    assert petition.closes_at - petition.opens_at == timedelta(days=60)
    assert petition.cosponsors.count() == 1


# --- signatures, reminders, obligation -------------------------------------------------------


def test_signatures_count_once_and_crossing_creates_the_obligation(world):
    # given an open petition whose threshold is 2 signatures (0.01 % of 19,500)
    petition = opened(world)
    assert petition.threshold == 2
    # when Alice signs twice and Bob once
    actions.sign(petition=petition, person=world.alice)
    with pytest.raises(Refused, match="déjà signé"):
        actions.sign(petition=petition, person=world.alice)
    assert not Obligation.objects.exists()
    actions.sign(petition=petition, person=world.bob)
    # then the count is exact and the obligation exists with its due date (10 working days)
    petition.refresh_from_db()
    assert petition.signature_count == 2 == petition.signatures.count()
    obligation = petition.obligation
    assert obligation.duty == "answer" and not obligation.is_late
    assert obligation.due_at.date() > petition.crossed_at.date() + timedelta(days=11)
    # and the initiator was told the petition opened, reached a third... and crossed
    keys = set(
        Notification.objects.filter(person=world.alice).values_list("idempotency_key", flat=True)
    )
    assert any(":crossed:" in k for k in keys) and any(":opened:" in k for k in keys)
    signed = Event.objects.filter(kind="participation.petition-signed").order_by("pk")
    assert [e.payload["crossed"] for e in signed] == [False, True]


def test_reminders_at_a_third_and_two_thirds_are_sent_once(world):
    # given a threshold of 6 (0.03 % of 19,500 = 5.85 → 6): marks at 2 and 4
    petition = opened(world, percent="0.03")
    assert petition.threshold == 6
    signers = [resident(world.sceaux_commune) for _ in range(5)]
    for person in signers:
        actions.sign(petition=petition, person=person)
    petition.refresh_from_db()
    assert petition.third_reminded_at and petition.two_thirds_reminded_at
    keys = list(
        Notification.objects.filter(person=world.alice, channel="email").values_list(
            "idempotency_key", flat=True
        )
    )
    assert sum(":third:" in k for k in keys) == 1
    assert sum(":two_thirds:" in k for k in keys) == 1


def test_outsiders_and_closed_petitions_are_refused(world):
    petition = opened(world)
    with pytest.raises(Refused, match="réservée aux personnes"):
        actions.sign(petition=petition, person=world.outsider)
    with pytest.raises(Refused, match="identifiez|vérifié"):
        actions.sign(petition=petition, person=world.unverified)
    with clock.frozen_at(petition.closes_at + timedelta(seconds=1)):
        with pytest.raises(Refused, match="close"):
            actions.sign(petition=petition, person=world.bob)
        assert actions.close_due() == 1
    petition.refresh_from_db()
    assert petition.status == "closed" and petition.signature_count == 0


def test_late_obligation_and_official_answer_telling_the_signers(world):
    petition = opened(world, working_days=2)
    actions.sign(petition=petition, person=world.alice)
    actions.sign(petition=petition, person=world.bob)
    obligation = Obligation.objects.get(petition=petition)
    with clock.frozen_at(obligation.due_at + timedelta(days=1)):
        assert obligation.is_late
        from guichet.participation.selectors import petitions as reads

        assert reads.late_obligations().filter(pk=obligation.pk).exists()
    with pytest.raises(Refused, match="obligatoire"):
        actions.answer_obligation(obligation=obligation, by=agent(world), answer="  ")
    actions.answer_obligation(
        obligation=obligation, by=agent(world), answer="Le marché ouvrira en mai."
    )
    told = Notification.objects.filter(idempotency_key__contains=":answered:")
    assert set(told.values_list("person_id", flat=True)) == {world.alice.pk, world.bob.pk}
    with pytest.raises(Refused, match="déjà publiée"):
        actions.answer_obligation(obligation=obligation, by=agent(world), answer="Encore.")


# --- pages ---------------------------------------------------------------------------------


def test_starting_a_petition_on_the_portal_gives_field_level_french_errors(world, client):
    from django.urls import reverse

    from guichet.portal.session import PERSON_KEY

    session = client.session
    session[PERSON_KEY] = world.alice.pk
    session.save()
    url = reverse("participation:petition_new")
    bad = client.post(url, {
        "authority": world.sceaux.pk, "title": "", "text": "Texte", "days_open": "0",
        "cosponsors": "inconnu@exemple.fr",
    })  # fmt: skip
    assert bad.status_code == 400
    assert "aucune personne inscrite" in bad.content.decode()
    bad = client.post(
        url, {"authority": world.sceaux.pk, "title": "", "text": "T", "days_open": "0"}
    )
    text = bad.content.decode()
    assert (
        "Titre : ce champ est obligatoire." in text
        and "Durée : doit être supérieur à zéro." in text
    )
    assert not Petition.objects.exists()
    good = client.post(url, {
        "authority": world.sceaux.pk, "title": "Des bancs", "text": "Des bancs rue Houdan.",
        "days_open": "30", "cosponsors": world.bob.identities.get(kind="email").value,
    })  # fmt: skip
    assert good.status_code == 303
    petition = Petition.objects.get()
    assert petition.status == "pending"
    assert "attend la relecture" in client.get(good["Location"]).content.decode()


def test_signing_twice_from_two_tabs_shows_a_clear_message(world, client):
    from django.urls import reverse

    from guichet.portal.session import PERSON_KEY

    petition = opened(world)
    session = client.session
    session[PERSON_KEY] = world.bob.pk
    session.save()
    url = reverse("participation:petition_sign", kwargs={"pk": petition.pk})
    assert client.post(url).status_code == 303
    second = client.post(url)
    assert second.status_code == 409
    assert "Vous avez déjà signé cette pétition" in second.content.decode()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_rules_page_refuses_zero_per_field(world, client):
    from django.urls import reverse

    client.force_login(world.manager)
    url = reverse("participation_agents:petition_rules")
    response = client.post(url, {
        "collectivite": world.sceaux.pk, "threshold_percent": "0", "duty": "answer",
        "answer_working_days": "0", "max_days_open": "90",
    })  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 400
    assert "Seuil : doit être supérieur à zéro." in text
    assert "Délai de réponse : doit être supérieur à zéro." in text
    ok = client.post(url, {
        "collectivite": world.sceaux.pk, "threshold_percent": "1,5", "duty": "agenda",
        "answer_working_days": "15", "max_days_open": "90",
    })  # fmt: skip
    assert ok.status_code == 302
    assert PetitionRules.objects.get(authority=world.sceaux).threshold_percent == Decimal("1.5")


def test_a_council_meeting_sets_the_agenda_obligation(world, client):
    from django.urls import reverse

    client.force_login(world.manager)
    url = reverse("participation_agents:petition_rules")
    past = client.post(url, {"collectivite": world.sceaux.pk, "meeting": "2020-01-01"})
    assert past.status_code == 400 and "dans le passé" in past.content.decode()
    meeting = (clock.now() + timedelta(days=40)).date()
    assert (
        client.post(url, {"collectivite": world.sceaux.pk, "meeting": str(meeting)}).status_code
        == 302
    )
    petition = opened(world, duty="agenda")
    actions.sign(petition=petition, person=world.alice)
    actions.sign(petition=petition, person=world.bob)
    obligation = Obligation.objects.get(petition=petition)
    assert obligation.duty == "agenda" and obligation.meeting_date == meeting
