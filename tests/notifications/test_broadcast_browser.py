"""The broadcast screen in a real browser, and the queueing thread on committed data.

These tests need real commits (the thread has its own database connection), so they build
their own world instead of the module's rolled-back one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cases.factories import SYSTEM, build_world
from django.test import Client

from guichet.notifications.models import Broadcast, Notification
from guichet.people import actions as people

from .test_broadcast import opted_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREEN = "/notifications/diffusion/"


def sceaux_segment(world) -> None:
    s = world.sceaux_commune
    opted_in("Oui", commune=s)
    sms = opted_in("Sms", commune=s, phone="06 11 22 33 44")
    people.set_preferences(actor=SYSTEM, person=sms, preferences={("broadcast", "sms"): True})
    opted_in("Boutique", commune=s, category="business")
    opted_in("Refus", commune=s, broadcast=False)


def wait_for(predicate, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_queueing_thread_brings_the_broadcast_to_done(transactional_db, settings):
    # given committed data, as in production, and the default background queueing
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    world = build_world()
    sceaux_segment(world)
    client = Client()
    client.force_login(world.manager_sceaux)
    # when the manager confirms a broadcast by e-mail
    response = client.post(
        SCREEN,
        {"collectivite": "sceaux", "message": "Collecte décalée au mardi.", "channels": ["email"],
         "etape": "confirmer"},
    )  # fmt: skip
    # then the page answers at once, and a thread queues the messages
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    wait_for(lambda: Broadcast.objects.get().status == "queued")
    broadcast.refresh_from_db()
    assert (broadcast.total, broadcast.queued) == (3, 3)
    assert Notification.objects.filter(broadcast=broadcast).count() == 3


@pytest.mark.browser
def test_a_manager_targets_a_commune_sees_the_audience_sends_and_follows_it(
    live_server, page, transactional_db, settings
):
    # given Sceaux's opted-in persons and its manager, signed in
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    world = build_world()
    sceaux_segment(world)
    client = Client()
    client.force_login(world.manager_sceaux)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }])  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)

    # when they open the screen, pick Sceaux, e-mail and SMS, and write the message
    page.goto(f"{live_server.url}{SCREEN}")
    page.click("a.fr-nav__link:has-text('Diffusion')")
    page.select_option("#id_communes", [str(world.sceaux_commune.pk)])
    page.click("label[for=id_channels_0]")
    page.click("label[for=id_channels_1]")
    page.fill("#id_message", "Fête de la musique le 21 juin, place du Général-de-Gaulle.")
    # then the audience is counted live (htmx) and the preview shows the SMS length
    page.wait_for_selector("#audience-total:has-text('Messages à envoyer : 4')")
    page.wait_for_selector("#sms-length:has-text('SMS')")
    assert "Fête de la musique" in page.inner_text("#sms-preview")
    page.screenshot(path=str(ARTIFACTS / "broadcast-1-audience.png"), full_page=True)

    # when they check, then the confirmation repeats the audience size
    page.click("button:has-text('Vérifier avant l')")
    page.wait_for_selector("#confirm-total:has-text('4 messages à envoyer')")
    page.screenshot(path=str(ARTIFACTS / "broadcast-2-confirm.png"), full_page=True)

    # when they confirm, then the broadcast's page follows the queueing until it is done
    page.click("button:has-text('Confirmer l')")
    page.wait_for_selector("#broadcast-status[data-status=queued]")
    assert "4 messages mis en file sur 4 prévus" in page.inner_text("#broadcast-status")
    page.screenshot(path=str(ARTIFACTS / "broadcast-3-progress.png"), full_page=True)

    # and the history lists it with its audience
    page.click("a:has-text('Retour aux diffusions')")
    row = page.locator("#broadcast-history tbody tr").first
    assert "Fête de la musique" in row.inner_text() and "mise en file terminée" in row.inner_text()
    assert Notification.objects.filter(broadcast__isnull=False).count() == 4
