"""The inbound e-mail channel through a real SMTP conversation (aiosmtpd, smtplib).

The endpoint files each message from its own worker thread, so these tests commit their data
(`transaction=True`) and build their world themselves: this module never uses `world`.
"""

from __future__ import annotations

import random
import smtplib

import pytest
from cases.factories import PDF_BYTES, build_world, file_request

from guichet.cases import events as case_events
from guichet.cases.models import Message, Request
from guichet.cases.selectors import timeline
from guichet.channels import events
from guichet.channels.models import InboundMail
from guichet.core.models import Event

from .conftest import email

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reply_with_the_reference_in_the_subject_lands_on_its_request(endpoint):
    # given Alice's request waiting for her answer
    world = build_world()
    request = file_request(world, "question-generale")
    # when she answers from her mail client, the reference in the subject
    code, text = endpoint.send(
        email(subject=f"Re: Votre demande {request.reference}", body="Voici le complément."),
        sender="alice@exemple.fr",
        to=["contact@guichet.exemple.fr"],
    )
    # then the endpoint stored it, as her message on that request, in its timeline
    assert code == 250, text
    message = Message.objects.get(request=request)
    assert message.author_type == Message.Author.PERSON
    assert message.channel == "email"
    assert message.body == "Voici le complément."
    replied = timeline(request).get(kind=case_events.PERSON_REPLIED)
    assert replied.channel == "email" and replied.person_id == world.alice.pk
    mail = InboundMail.objects.get()
    assert (mail.status, mail.outcome, mail.request_id) == ("accepted", "reply", request.pk)
    assert Event.objects.filter(kind=events.MAIL_ACCEPTED, subject_id=mail.pk).count() == 1


def test_a_reply_to_the_plus_address_lands_even_with_a_bare_subject(endpoint):
    # given a request of Alice and a reply address as the notifications give it
    world = build_world()
    request = file_request(world, "question-generale")
    reply_to = f"demande+{request.reference.lower()}@guichet.exemple.fr"
    # when she answers "Merci" to that address, with a PDF
    code, _ = endpoint.send(
        email(
            to=reply_to,
            subject="Merci",
            body="Merci, ci-joint le justificatif.",
            attachments=[("justificatif.pdf", PDF_BYTES, "application/pdf")],
        ),  # fmt: skip
        sender="alice@exemple.fr",
        to=[reply_to],
    )
    # then the message and its attachment are on the request
    assert code == 250
    message = Message.objects.get(request=request)
    assert message.body == "Merci, ci-joint le justificatif."
    assert [a.original_name for a in message.attachments.all()] == ["justificatif.pdf"]


def test_an_unknown_reference_becomes_a_triage_request_for_the_person_found_by_address(endpoint):
    # given Alice, known by her verified address, who writes to the town of Sceaux
    world = build_world()
    # when her e-mail names no request of ours
    code, _ = endpoint.send(
        email(subject="Re: dossier ABCD-EFGH-JK", body="Le lampadaire est toujours éteint."),
        sender="alice@exemple.fr",
        to=["sceaux@guichet.exemple.fr"],
    )
    # then Sceaux receives a request to qualify, filed for Alice by e-mail
    assert code == 250
    filed = Request.objects.get()
    assert filed.person_id == world.alice.pk
    assert filed.authority_id == world.sceaux.pk
    assert (filed.channel, filed.service.slug, filed.state) == (
        "email",
        "courriel-a-qualifier",
        "received",
    )
    assert filed.form_data["message"] == "Le lampadaire est toujours éteint."
    assert InboundMail.objects.get().request_id == filed.pk


def test_a_message_too_large_is_refused_with_552_and_recorded(endpoint):
    # given the endpoint's limit of 200 000 bytes
    build_world()
    big = email(body=("x" * 70 + "\n") * 4000)
    # when an MTA relays a larger message
    code, text = endpoint.send(big, sender="alice@exemple.fr", to=["sceaux@guichet.exemple.fr"])
    # then it is refused at SMTP level, and the refusal is kept with a French reason
    assert code == 552, text
    assert not Request.objects.exists()
    mail = InboundMail.objects.get()
    assert mail.status == "rejected" and "trop volumineux" in mail.reason
    assert mail.envelope_from == "alice@exemple.fr"


def test_a_size_announced_too_large_is_refused_before_the_data(endpoint):
    build_world()
    with smtplib.SMTP("127.0.0.1", endpoint.port, timeout=30) as client:
        client.ehlo("mx.exemple.fr")
        code, _ = client.mail("alice@exemple.fr", options=["SIZE=900000"])
    assert code == 552
    assert InboundMail.objects.get().status == "rejected"


@pytest.mark.parametrize(
    ("headers", "mail_from", "reason"),
    [
        ({"X-Spam-Flag": "YES"}, "alice@exemple.fr", "anti-spam"),
        ({"Auto-Submitted": "auto-replied"}, "alice@exemple.fr", "Réponse automatique"),
        ({}, "", "non-remise"),  # the null sender of a bounce
    ],
)
def test_spam_auto_replies_and_bounces_are_quarantined_not_filed(
    endpoint, headers, mail_from, reason
):
    # given a request Alice could be answering
    world = build_world()
    request = file_request(world, "question-generale")
    # when the message is flagged by the upstream filter, is an auto-reply, or a bounce
    code, _ = endpoint.send(
        email(subject=f"Absence : Re: {request.reference}", headers=headers),
        sender=mail_from,
        to=[f"demande+{request.reference}@guichet.exemple.fr"],
    )
    # then it is accepted by SMTP (never bounced back: no loop) and kept aside with its reason
    assert code == 250
    mail = InboundMail.objects.get()
    assert mail.status == "quarantined" and reason in mail.reason
    with mail.raw.open("rb") as kept:
        assert b"Message-ID: <test@exemple.fr>" in kept.read()
    assert not Message.objects.exists()
    assert Request.objects.count() == 1
    assert Event.objects.filter(kind=events.MAIL_QUARANTINED).count() == 1


def test_garbage_never_stops_the_endpoint_and_the_next_mail_is_filed(endpoint):
    # given a request of Alice
    world = build_world()
    request = file_request(world, "question-generale")
    # when an MTA relays random bytes, then malformed MIME
    noise = random.Random(7).randbytes(4096).replace(b"\r", b"").replace(b"\n", b"")
    garbage = b"\r\n".join(noise[i : i + 60] for i in range(0, len(noise), 60))
    code, _ = endpoint.send(garbage, sender="x@exemple.fr", to=["sceaux@guichet.exemple.fr"])
    assert code == 250
    broken = (
        b"From: alice@exemple.fr\r\nSubject: casse\r\n"
        b'Content-Type: multipart/mixed; boundary="zz"\r\n\r\nno boundary here\r\n'
    )
    code, _ = endpoint.send(broken, sender="alice@exemple.fr", to=["sceaux@guichet.exemple.fr"])
    assert code == 250
    # then both are quarantined as malformed, and a real reply still lands
    assert [m.reason.split(" (")[0] for m in InboundMail.objects.order_by("pk")] == [
        "Message MIME mal formé",
        "Message MIME mal formé",
    ]
    code, _ = endpoint.send(
        email(subject=f"Re: {request.reference}", body="Toujours là ?"),
        sender="alice@exemple.fr",
        to=["contact@guichet.exemple.fr"],
    )
    assert code == 250
    assert Message.objects.get(request=request).body == "Toujours là ?"


def test_a_crash_while_filing_quarantines_the_mail_and_the_next_one_is_filed(endpoint, monkeypatch):
    # given a filing step that fails unexpectedly once
    build_world()
    calls = []

    def broken_once(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("boom")

    from guichet.cases import actions as cases

    real = cases.file_email_for_triage
    monkeypatch.setattr(cases, "file_email_for_triage", broken_once)
    # when an e-mail arrives, then another once the fault is gone
    code, _ = endpoint.send(email(subject="Un"), sender="alice@exemple.fr", to=["sceaux@g.fr"])
    monkeypatch.setattr(cases, "file_email_for_triage", real)
    code_next, _ = endpoint.send(
        email(subject="Deux"), sender="alice@exemple.fr", to=["sceaux@g.fr"]
    )
    # then the first is kept in quarantine with nothing half-written, the second is filed
    assert (code, code_next) == (250, 250)
    first, second = InboundMail.objects.order_by("pk")
    assert first.status == "quarantined" and "Erreur interne" in first.reason
    assert second.status == "accepted"
    assert Request.objects.get().summary == "Deux"


def test_when_nothing_can_be_stored_the_mta_is_told_to_retry(endpoint, monkeypatch):
    # given an intake that cannot write at all (the database is down)
    build_world()
    from guichet.channels.inbound_mail import intake

    def database_down(*args, **kwargs):
        raise OSError("database unavailable")

    monkeypatch.setattr(intake, "ingest", database_down)
    # when an e-mail arrives
    code, text = endpoint.send(email(), sender="alice@exemple.fr", to=["sceaux@g.fr"])
    # then the answer is a temporary failure: the MTA keeps it and tries again later
    assert code == 451, text
    monkeypatch.undo()
    code, _ = endpoint.send(email(), sender="alice@exemple.fr", to=["sceaux@g.fr"])
    assert code == 250
