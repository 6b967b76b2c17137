"""Done when (issue 17, petitions): in a real browser, a petition crosses its threshold, the
obligation appears with its due date, the official answer is published and the signers are
notified; axe-clean, no console error, readable at 375 px."""

from __future__ import annotations

from decimal import Decimal

import pytest
from browser_checks import audit, screenshot, signed_in_page
from django.conf import settings
from django.test import Client
from django.utils.formats import date_format

from guichet.core import calendar
from guichet.core.journal import Actor
from guichet.notifications.models import Notification
from guichet.participation.actions import petitions as actions
from guichet.participation.models.petitions import Obligation, PetitionRules
from guichet.portal.session import PERSON_KEY

from .p2world import build


def as_resident(page, base_url, person):
    client = Client()
    session = client.session
    session[PERSON_KEY] = person.pk
    session.save()
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "url": base_url, "value": session.session_key,
    }])  # fmt: skip


@pytest.mark.browser
def test_a_petition_crosses_its_threshold_and_gets_its_official_answer(
    live_server, new_page, transactional_db
):
    # given Sceaux (19,500 inhabitants) asking 0.01 % (2 signatures), an open petition
    world = build()
    PetitionRules.objects.create(authority=world.sceaux, threshold_percent=Decimal("0.01"))
    petition = actions.submit_petition(
        authority=world.sceaux, person=world.alice, title="Un marché le dimanche",
        text="Nous demandons un marché alimentaire le dimanche matin.", days_open=30,
    )  # fmt: skip
    petition = actions.open_petition(petition=petition, by=Actor.agent(world.manager))
    url = f"{live_server.url}/participer/petitions/{petition.pk}/"
    # when Alice then Bob sign it, Bob on a phone-sized screen
    alice = new_page()
    as_resident(alice, live_server.url, world.alice)
    alice.goto(url)
    audit(alice)
    alice.get_by_role("button", name="Signer la pétition").click()
    alice.wait_for_selector("#deja-signe")
    assert "1 signature" in alice.inner_text("main")
    bob = new_page(viewport={"width": 375, "height": 800})
    as_resident(bob, live_server.url, world.bob)
    bob.goto(url)
    bob.get_by_role("button", name="Signer la pétition").click()
    bob.wait_for_selector("#obligation")
    # then the obligation shows with its due date
    obligation = Obligation.objects.get(petition=petition)
    text = bob.inner_text("#obligation")
    due = date_format(calendar.local_date(obligation.due_at), "j F Y")
    assert f"Réponse officielle due au plus tard le {due}." in text
    assert "en attente de réponse" in text.lower()
    assert bob.evaluate("() => document.documentElement.scrollWidth") <= 375
    audit(bob)
    screenshot(bob, "petition-threshold-crossed-375")
    # and on the public list of obligations
    bob.goto(f"{live_server.url}/participer/petitions/engagements/")
    assert "Un marché le dimanche" in bob.inner_text("#engagements")
    audit(bob)
    # when a manager publishes the official answer from the back office
    agent = new_page()
    signed_in_page(agent, live_server.url, world.manager)
    agent.goto(f"{live_server.url}/agents/participation/petitions/{petition.pk}/")
    audit(agent)
    agent.fill("#reponse", "Le marché du dimanche ouvrira le 2 mai, place du Général-de-Gaulle.")
    agent.get_by_role("button", name="Publier la réponse officielle").click()
    agent.wait_for_selector("text=La réponse officielle est publiée")
    # then the petition page shows it, and both signers are told once
    alice.goto(url)
    assert "Le marché du dimanche ouvrira le 2 mai" in alice.inner_text("#obligation")
    audit(alice)
    obligation.refresh_from_db()
    assert obligation.answered_at is not None
    told = Notification.objects.filter(idempotency_key__contains=":answered:", channel="email")
    assert sorted(told.values_list("person_id", flat=True)) == sorted(
        [world.alice.pk, world.bob.pk]
    )
