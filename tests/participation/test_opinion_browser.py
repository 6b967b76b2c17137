"""The statement-voting step and the opinion map in a real browser: one statement at a time,
the chart (its style allowed by the page's nonce) and its tables; axe-clean, no console
error, readable at 375 px."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from guichet.participation.actions import opinion as actions
from guichet.participation.opinion import tasks
from guichet.portal.session import PERSON_KEY

from .p2world import build, resident


@pytest.mark.browser
def test_voting_one_statement_at_a_time_then_reading_the_map(
    live_server, new_page, transactional_db
):
    # given a consultation with statements and two camps that voted
    world = build()
    rows = [
        actions.add_statement(consultation=world.consultation, person=world.alice, text=text)
        for text in (
            "Plus d'arbres sur la place",
            "Un parking sous la place",
            "Une fontaine au centre",
        )
    ]
    for n in range(10):
        person = resident(world.sceaux_commune)
        for i, statement in enumerate(rows):
            actions.vote(statement=statement, person=person, value=1 if i != 1 or n < 5 else -1)
    tasks.recompute(world.consultation)
    # when Bob votes on a phone-sized screen
    page = new_page(viewport={"width": 375, "height": 800})
    client = Client()
    session = client.session
    session[PERSON_KEY] = world.bob.pk
    session.save()
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "url": live_server.url, "value": session.session_key,
    }])  # fmt: skip
    page.set_default_timeout(60_000)  # the shared machine can be slow to serve the statics
    page.goto(f"{live_server.url}/participer/c/{world.consultation.pk}/avis/")
    first = page.inner_text("#affirmation")
    page.get_by_role("button", name="D'accord", exact=True).click()
    page.wait_for_selector("#affirmation")
    assert page.inner_text("#affirmation") != first
    assert "Affirmation 2 sur 3" in page.inner_text("main")
    # then the map shows the chart and the tables, within the screen's width
    page.goto(f"{live_server.url}/participer/c/{world.consultation.pk}/avis/carte/")
    assert page.locator("figure svg[role=img]").count() == 1
    assert "Groupe A" in page.inner_text("#groupes")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
