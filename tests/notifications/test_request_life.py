"""A request's life through the actions produces exactly the expected messages, for real."""

from __future__ import annotations

from cases.factories import SYSTEM, file_request
from django.core.management import call_command
from django.db import transaction

from guichet.cases import actions
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications.delivery import message_id
from guichet.notifications.models import Notification
from guichet.people import actions as people


def deliver_everything() -> None:
    call_command("worker", once=True, verbosity=0)


def live_a_request(world):
    """Received → in progress → waiting for the person → message → resolved → closed."""
    agent = Actor.agent(world.manager_sceaux)
    request = file_request(world)
    for to, note in [("in_progress", ""), ("waiting_user", "Merci de joindre une photo.")]:
        request = actions.change_status(
            request=request, to=to, actor=agent, role="manager", note=note
        )
    actions.add_note(request=request, actor=agent, body="Note interne, jamais envoyée.")
    actions.send_message(request=request, actor=agent, body="Nous passerons jeudi.")
    request = actions.change_status(request=request, to="in_progress", actor=agent, role="manager")
    request = actions.change_status(
        request=request, to="resolved", actor=agent, role="manager", note="Trou rebouché."
    )
    actions.change_status(request=request, to="closed", actor=SYSTEM, role="system")
    return request


def test_a_requests_life_sends_the_expected_emails_and_chosen_sms(world, smtp_server, sms_gateway):
    # given Alice (e-mail and phone) who also wants SMS when her request is received or resolved
    people.set_preferences(
        actor=SYSTEM, person=world.alice,
        preferences={("receipt", "sms"): True, ("resolved", "sms"): True},
    )  # fmt: skip
    # when her request lives its whole life and the worker delivers the outbox
    request = live_a_request(world)
    deliver_everything()
    # then she got one e-mail per step she is told about, none for internal steps
    subjects = [m["Subject"] for m in smtp_server.messages]
    ref = request.reference
    assert subjects == [
        f"Demande {ref} reçue",
        f"Demande {ref} : en cours",
        f"Demande {ref} : votre réponse est attendue",
        f"Nouveau message sur votre demande {ref}",
        f"Demande {ref} : en cours",
        f"Demande {ref} traitée",
    ]
    assert {m["To"] for m in smtp_server.messages} == {"alice@exemple.fr"}
    # and the resolution message carries the satisfaction survey link
    resolution = smtp_server.messages[-1]
    body = next(part for part in resolution.walk() if part.get_content_type() == "text/plain")
    assert "/satisfaction/" in body.get_payload(decode=True).decode()
    # and the two SMS she asked for, on the gateway
    texts = [r["body"]["text"] for r in sms_gateway.requests]
    assert len(texts) == 2
    assert f"demande {ref} reçue" in texts[0] and f"demande {ref} traitée" in texts[1]
    assert {r["body"]["to"] for r in sms_gateway.requests} == {"+33612345678"}
    assert sms_gateway.requests[0]["headers"]["Authorization"] == "Bearer s3cret"
    # and the timeline records each one as sent
    sent = Event.objects.filter(case_id=request.pk, kind="notification.sent")
    assert sent.count() == 8
    assert not sent.filter(visible_to_person=True).exists()


def test_the_receipt_carries_reference_tracking_link_branding_and_opt_out(
    world, smtp_server, settings
):
    # given the authority's colour
    world.sceaux.brand_color = "#18753c"  # a green that reads on white (4.5:1)
    world.sceaux.save()
    # when a request is filed and delivered
    request = file_request(world)
    deliver_everything()
    # then the e-mail has a text and an HTML part, both with the tracking link and opt-out link
    (email,) = smtp_server.messages
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    link = f"{settings.GUICHET_BASE_URL}/suivi/{request.reference}?cle={request.tracking_secret}"
    assert link in text and request.reference in text
    assert "/notifications/desabonnement/" in text and "/notifications/desabonnement/" in html
    assert "#18753c" in html and "Ville de Sceaux" in html
    # and its Message-ID is derived from the idempotency key (the same on every retry)
    notification = Notification.objects.get(request=request)
    assert email["Message-ID"] == message_id(notification)
    assert email["List-Unsubscribe"].strip().startswith("<http")


def test_nothing_is_queued_for_a_person_who_withdrew_consent(world, smtp_server):
    # given Alice withdrew her consent to notifications
    people.record_consent(
        actor=SYSTEM, person=world.alice, purpose="notifications", granted=False, source="test"
    )
    # when her request is filed
    file_request(world)
    # then nothing is queued and nothing sent
    deliver_everything()
    assert Notification.objects.count() == 0
    assert smtp_server.messages == []


def test_a_message_queued_before_consent_was_withdrawn_is_not_sent(world, smtp_server):
    # given a receipt waiting in the outbox
    request = file_request(world)
    # when Alice withdraws her consent before the worker runs
    people.record_consent(
        actor=SYSTEM, person=world.alice, purpose="notifications", granted=False, source="test"
    )
    deliver_everything()
    # then it is failed with the reason, and never sent
    notification = Notification.objects.get(request=request)
    assert notification.status == "failed"
    assert notification.last_error == "consentement retiré"
    assert smtp_server.messages == []


def test_the_outbox_row_is_rolled_back_with_the_change_that_caused_it(world):
    # given a transaction that files a request
    with transaction.atomic():
        file_request(world)
        # then the row is written inside it, before commit
        assert Notification.objects.count() == 1
        # when the transaction is rolled back
        transaction.set_rollback(True)
    # then the notification disappears with the request
    assert Notification.objects.count() == 0


def test_internal_steps_queue_nothing(world):
    # given a request
    request = file_request(world)
    queued = Notification.objects.count()
    # when an agent writes a note and assigns it
    agent = Actor.agent(world.manager_sceaux)
    actions.add_note(request=request, actor=agent, body="Interne.")
    actions.assign(request=request, actor=agent, team=world.sceaux_voirie)
    # then nothing more is queued
    assert Notification.objects.count() == queued == 1
