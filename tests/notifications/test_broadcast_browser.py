"""The broadcast screen in a real browser, and the worker's queueing task on committed data.

These tests need real commits (the live server has its own thread), so they build their own
world instead of the module's rolled-back one. The worker runs in the test's thread, after
the confirmation, as `guichet worker --once` would from cron.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import signed_in_page
from cases.factories import SYSTEM, build_world
from django.core.management import call_command
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from guichet.notifications import tasks
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


def queueing_task() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path=tasks.queue_broadcast_task.module_path)


def test_the_worker_brings_a_committed_broadcast_to_done(transactional_db, settings, smtp_server):
    # given committed data, as in production, and the default: queueing by the worker
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
    # then the page answers at once, and the commit left a task for the worker
    assert response.status_code == 302
    assert Broadcast.objects.get().status == "pending"
    assert queueing_task().status == TaskResultStatus.READY
    # when the worker runs, then it queues the messages and delivers them
    call_command("worker", once=True, verbosity=0)
    broadcast = Broadcast.objects.get()
    assert (broadcast.status, broadcast.total, broadcast.queued) == ("queued", 3, 3)
    assert queueing_task().status == TaskResultStatus.SUCCESSFUL
    assert set(
        Notification.objects.filter(broadcast=broadcast).values_list("status", flat=True)
    ) == {"sent"}
    assert len(smtp_server.messages) == 3


@pytest.mark.browser
def test_a_manager_targets_a_commune_sees_the_audience_sends_and_follows_it(
    live_server, page, transactional_db, settings, smtp_server, sms_gateway
):
    # given Sceaux's opted-in persons and its manager, signed in
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    world = build_world()
    sceaux_segment(world)
    signed_in_page(page, live_server.url, world.manager_sceaux)
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
    page.screenshot(
        path=str(ARTIFACTS / "broadcast-1-audience.png"), full_page=True, caret="initial"
    )

    # when they check, then the confirmation repeats the audience size
    page.click("button:has-text('Vérifier avant l')")
    page.wait_for_selector("#confirm-total:has-text('4 messages à envoyer')")
    page.screenshot(
        path=str(ARTIFACTS / "broadcast-2-confirm.png"), full_page=True, caret="initial"
    )

    # when they confirm, then the broadcast's page says the queueing goes on in the background
    page.click("button:has-text('Confirmer l')")
    page.wait_for_selector("#broadcast-status[data-status=pending]")
    assert "vous pouvez quitter cette page" in page.inner_text("#broadcast-status")
    page.screenshot(
        path=str(ARTIFACTS / "broadcast-3-pending.png"), full_page=True, caret="initial"
    )
    # when the worker runs, then the page, polling, follows it until everything is sent
    call_command("worker", once=True, verbosity=0)
    page.wait_for_selector("#broadcast-status[data-status=queued]")
    assert "4 messages mis en file sur 4 prévus" in page.inner_text("#broadcast-status")
    page.wait_for_selector("#delivery-counts:has-text('Envoyés : 4')")
    page.screenshot(path=str(ARTIFACTS / "broadcast-4-sent.png"), full_page=True, caret="initial")

    # and the history lists it with its audience
    page.click("a:has-text('Retour aux diffusions')")
    row = page.locator("#broadcast-history tbody tr").first
    assert "Fête de la musique" in row.inner_text() and "mise en file terminée" in row.inner_text()
    assert Notification.objects.filter(broadcast__isnull=False).count() == 4
