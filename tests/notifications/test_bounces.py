"""An address refused for good marks its notification « rejeté par le destinataire »: at once
when the SMTP server says 550, or later when a delivery status notification comes back."""

from __future__ import annotations

from email.message import EmailMessage

from cases.factories import file_request
from django.core.management import call_command

from guichet.channels.inbound_mail.intake import ingest
from guichet.channels.models import InboundMail
from guichet.core.models import Event
from guichet.notifications.models import Notification


def receipt_of(request) -> Notification:
    return Notification.objects.get(request=request, channel="email", message_kind="receipt")


def delivery_status_notification(original_message_id: str, to: str) -> bytes:
    """A bounce as mail servers write them (RFC 3464), quoting the original headers."""
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.exemple.fr"
    report["To"] = "ne-pas-repondre@guichet.exemple.fr"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content(f"Votre message n'a pas pu être remis à {to}.")
    status = EmailMessage()
    status.set_content(f"Final-Recipient: rfc822; {to}\nAction: failed\nStatus: 5.1.1\n")
    report.add_attachment(status)
    original = EmailMessage()
    original["Message-ID"] = original_message_id
    original["To"] = to
    original["Subject"] = "Demande reçue"
    original.set_content("…")
    report.add_attachment(original)  # a message/rfc822 part
    report.replace_header("Content-Type", "multipart/report; report-type=delivery-status")
    return bytes(report)


def test_a_recipient_refused_with_550_is_bounced_at_once_without_retry(world, smtp_server):
    # given Alice's mailbox does not exist any more
    smtp_server.unknown.add("alice@exemple.fr")
    request = file_request(world)
    # when the worker delivers her receipt
    call_command("worker", once=True, verbosity=0)
    # then it is bounced after one attempt, with the server's answer
    receipt = receipt_of(request)
    assert receipt.status == "bounced" and receipt.attempts == 1
    assert "550" in receipt.last_error and "Destinataire inconnu" in receipt.last_error
    assert not smtp_server.messages
    # and agents see it on the request's timeline, in French
    failed = Event.objects.get(case_id=request.pk, kind="notification.failed")
    assert failed.payload["bounced"] is True


def test_a_bounce_report_received_later_marks_the_sent_notification(world, smtp_server, client):
    # given Alice's receipt was sent and accepted by the first server
    request = file_request(world)
    call_command("worker", once=True, verbosity=0)
    receipt = receipt_of(request)
    assert receipt.status == "sent"
    # when her provider sends a delivery status notification back to our inbound endpoint
    inbound = ingest(
        delivery_status_notification(receipt.provider_message_id, "alice@exemple.fr"),
        envelope_from="",
    )
    # then the receipt is marked bounced and the report kept in quarantine, saying so
    receipt.refresh_from_db()
    assert receipt.status == "bounced"
    assert inbound.status == InboundMail.Status.QUARANTINED
    assert "1 notification marquée" in inbound.reason
    # and the agent's request page shows it
    client.force_login(world.agent_sceaux)
    page = client.get(f"/agents/demandes/{request.pk}/").content.decode()
    assert "Notification non remise" in page
    assert 'data-status="bounced"' in page and "Rejeté par le destinataire" in page


def test_a_bounce_quoting_an_unknown_message_changes_nothing(world, smtp_server):
    # given a sent receipt
    request = file_request(world)
    call_command("worker", once=True, verbosity=0)
    # when a bounce arrives for a message we never sent
    inbound = ingest(
        delivery_status_notification("<inconnu@ailleurs.fr>", "x@exemple.fr"), envelope_from=""
    )
    # then nothing is marked and the report is simply quarantined
    assert receipt_of(request).status == "sent"
    assert "marquée" not in inbound.reason
