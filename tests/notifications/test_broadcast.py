"""Broadcast: the audience is the opted-in persons of the segment, queued in one go."""

from __future__ import annotations

import pytest
from cases.factories import SYSTEM, person
from django.core.management import call_command

from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications import actions
from guichet.notifications.models import Notification
from guichet.notifications.selectors import broadcast_audience
from guichet.people import actions as people


def opted_in(first_name, *, commune, phone=None, category="resident", **consents):
    someone = person(
        first_name, "Test", email=f"{first_name.lower()}@exemple.fr", phone=phone,
        commune=commune, category=category,
    )  # fmt: skip
    for purpose, granted in ({"broadcast": True} | consents).items():
        if granted is not None:
            people.record_consent(
                actor=SYSTEM, person=someone, purpose=purpose, granted=granted, source="test"
            )
    return someone


@pytest.fixture
def segment(world):
    s = world.sceaux_commune
    yes = opted_in("Oui", commune=s)
    sms = opted_in("Sms", commune=s, phone="06 11 22 33 44")
    people.set_preferences(actor=SYSTEM, person=sms, preferences={("broadcast", "sms"): True})
    opted_in("Jamais", commune=s, broadcast=None)
    opted_in("Retire", commune=s, notifications=False)
    opted_in("Refus", commune=s, broadcast=False)
    opted_in("Ailleurs", commune=world.tours_commune)
    shop = opted_in("Boutique", commune=s, category="business")
    return {"yes": yes, "sms": sms, "shop": shop}


def test_the_audience_counts_only_opted_in_persons_of_the_territory(world, segment):
    # given persons of Sceaux with every consent situation, and one in Tours
    # when Sceaux previews its audience
    by_email = broadcast_audience(authority=world.sceaux, channel="email")
    by_sms = broadcast_audience(authority=world.sceaux, channel="sms")
    businesses = broadcast_audience(
        authority=world.sceaux, channel="email", categories=["business"]
    )
    # then only those who opted in, live there and can be reached are counted
    assert {p.first_name for p in by_email} == {"Oui", "Sms", "Boutique"}
    assert {p.first_name for p in by_sms} == {"Sms"}
    assert [p.first_name for p in businesses] == ["Boutique"]


def test_a_broadcast_queues_one_message_per_person_and_channel(
    world, segment, smtp_server, sms_gateway
):
    # given the segment / when Sceaux broadcasts a works notice by e-mail and SMS
    queued = actions.broadcast(
        authority=world.sceaux, actor=Actor.agent(world.manager_sceaux),
        message="Travaux rue Houdan du 3 au 7 mars.", channels=["email", "sms"],
    )  # fmt: skip
    call_command("worker", once=True, verbosity=0)
    # then each opted-in person gets it, personalised, with their own opt-out link
    assert queued == 4
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "boutique@exemple.fr", "oui@exemple.fr", "sms@exemple.fr",
    ]  # fmt: skip
    first = next(m for m in smtp_server.messages if m["To"] == "oui@exemple.fr")
    text = first.get_body(("plain",)).get_content()
    assert "Bonjour Oui Test" in text and "Travaux rue Houdan" in text
    assert "/notifications/desabonnement/" in text
    (sms,) = sms_gateway.requests
    assert sms["body"]["to"] == "+33611223344" and "Travaux" in sms["body"]["text"]
    assert Notification.objects.filter(status="sent").count() == 4
    assert Event.objects.get(kind="notification.broadcast_queued").payload["queued"] == 4


def test_an_empty_broadcast_is_refused(world):
    # given / when an empty message is broadcast / then it is refused in French
    with pytest.raises(ValueError, match="vide"):
        actions.broadcast(authority=world.sceaux, actor=SYSTEM, message=" ", channels=["email"])
