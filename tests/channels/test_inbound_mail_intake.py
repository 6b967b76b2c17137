"""The intake's decision table, through `ingest` (the SMTP tests cover the wire).

Replies on finished requests, strangers quoting a reference, attachments refused without
losing the e-mail, authorities found by address, and the Maildir poll mode.
"""

from __future__ import annotations

import pytest
from cases.factories import PDF_BYTES, PNG_BYTES, SYSTEM, bring_to, file_request
from django.core.management import call_command
from django.urls import reverse

from guichet.cases import events as case_events
from guichet.cases.models import Message, Request
from guichet.channels.inbound_mail.intake import ingest
from guichet.channels.inbound_mail.maildir import QUARANTINE_FOLDER
from guichet.channels.models import InboundMail
from guichet.core.models import Event
from guichet.people import actions as people
from guichet.people.models import DuplicateSuspicion, Identity

from .conftest import email


def test_a_reply_while_waiting_gives_the_request_back_to_the_agents(world):
    # given a request waiting for Alice's answer
    request = bring_to(world, file_request(world, "question-generale"), "waiting_user")
    # when she answers by e-mail
    mail = ingest(email(subject=f"RE: {request.reference}").as_bytes(), envelope_from="a@b.fr")
    # then her answer restarts the handling, as on the portal
    request.refresh_from_db()
    assert mail.status == "accepted"
    assert request.state == "in_progress"
    assert Event.objects.get(case_id=request.pk, kind=case_events.PERSON_REPLIED).payload[
        "target"
    ] == ("in_progress")


def test_a_reply_after_the_end_lands_without_reopening_the_request(world):
    # given Alice's resolved request
    request = bring_to(world, file_request(world, "question-generale"), "resolved")
    # when she writes "thank you" to it
    mail = ingest(email(subject=f"Re: {request.reference}", body="Merci !").as_bytes())
    # then the message is on the request, which stays resolved
    request.refresh_from_db()
    assert mail.status == "accepted" and mail.outcome == "reply"
    assert request.state == "resolved"
    assert Message.objects.get(request=request).body == "Merci !"
    event = Event.objects.get(case_id=request.pk, kind=case_events.PERSON_REPLIED)
    assert event.payload["after_end"] is True and event.visible_to_person


def test_a_stranger_quoting_a_reference_writes_nothing_in_the_file(world):
    # given Alice's request, and Bob who knows its reference
    request = file_request(world, "question-generale")
    # when Bob writes about it
    mail = ingest(
        email(sender="bob@exemple.fr", subject=f"Re: {request.reference}").as_bytes(),
        recipients=[f"demande+{request.reference}@guichet.exemple.fr"],
    )
    # then nothing is added to the request; the mail waits for an agent of its authority
    assert mail.status == "quarantined"
    assert "n'est pas l'usager de la demande" in mail.reason
    assert mail.authority_id == request.authority_id
    assert not Message.objects.filter(request=request).exists()


def test_attachments_are_kept_when_acceptable_and_listed_when_refused(world):
    # given an e-mail to Sceaux with a photo, a PDF and an executable
    message = email(
        subject="Trottoir",
        body="Le trottoir est cassé.",
        attachments=[
            ("photo.png", PNG_BYTES, "image/png"),
            ("devis.pdf", PDF_BYTES, "application/pdf"),
            ("facture.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf"),
        ],
    )
    # when it arrives
    mail = ingest(message.as_bytes(), envelope_from="alice@exemple.fr")
    # then the request keeps the acceptable files and its text lists the refused one
    assert mail.status == "accepted"
    filed = mail.request
    assert sorted(a.original_name for a in filed.attachments.all()) == ["devis.pdf", "photo.png"]
    assert "Pièces jointes non gardées" in filed.form_data["message"]
    assert "facture.pdf" in filed.form_data["message"]


def test_an_unknown_sender_becomes_a_new_person_flagged_as_a_possible_duplicate(world):
    # given a person known with this address, only as declared (typed at the counter)
    people.create_person(
        actor=SYSTEM, first_name="Alice", last_name="Martin", email="alice.martin@exemple.fr"
    )
    # when someone writes from that address (declared, never verified)
    mail = ingest(
        email(
            sender="Alice Martin <alice.martin@exemple.fr>", to="tours@guichet.exemple.fr"
        ).as_bytes()
    )
    # then a new person is created with the e-mail as a declared identity, for an agent to merge
    filed = mail.request
    assert filed.authority_id == world.tours.pk
    assert filed.person.first_name == "Alice" and filed.person.last_name == "Martin"
    identity = filed.person.identities.get()
    assert (identity.kind, identity.verification) == (Identity.Kind.EMAIL, 0)
    assert DuplicateSuspicion.objects.filter(person=filed.person).exists()


def test_mail_to_no_known_authority_is_quarantined_or_goes_to_the_default_one(world, settings):
    raw = email(to="inconnu@guichet.exemple.fr").as_bytes()
    assert "Aucune collectivité" in ingest(raw).reason
    settings.GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY = "gien"
    assert ingest(raw).request.authority_id == world.gien.pk


def test_an_overlong_e_mail_is_cut_with_a_note_the_original_is_kept(world):
    mail = ingest(email(body="mot " * 3000).as_bytes())
    text = mail.request.form_data["message"]
    assert len(text) <= 5000 and "courriel tronqué, original conservé" in text
    with mail.raw.open("rb") as raw:
        assert len(raw.read()) > 12_000


def test_the_triage_service_is_unpublished_and_created_once(world):
    first = ingest(email(subject="Un").as_bytes()).request.service
    second = ingest(email(subject="Deux").as_bytes()).request.service
    assert first.pk == second.pk and first.slug == "courriel-a-qualifier"
    assert not first.is_active
    # its promise: an answer within five working days
    assert Request.objects.filter(service=first, due_at__isnull=False).count() == 2
    assert Request.objects.filter(service=first, channel="email").count() == 2


def test_the_maildir_mode_files_new_messages_and_sorts_them(world, tmp_path):
    # given a Maildir with a reply, and a spam message, fetched by fetchmail
    request = file_request(world, "question-generale")
    for sub in ("new", "cur", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.mx").write_bytes(
        email(subject=f"Re: {request.reference}", body="Réponse relevée.").as_bytes()
    )
    (tmp_path / "new" / "2.mx").write_bytes(email(headers={"X-Spam-Flag": "YES"}).as_bytes())
    # when the command polls it once
    call_command("mail_inbound", maildir=tmp_path, once=True, verbosity=0)
    # then the reply is filed and moved to cur/, the spam to the quarantine folder
    assert Message.objects.get(request=request).body == "Réponse relevée."
    assert [p.name for p in (tmp_path / "cur").iterdir()] == ["1.mx:2,S"]
    assert [p.name for p in (tmp_path / QUARANTINE_FOLDER / "cur").iterdir()] == ["2.mx:2,S"]
    assert not list((tmp_path / "new").iterdir())
    assert InboundMail.objects.filter(status="quarantined").count() == 1


@pytest.mark.parametrize("status", ["accepted", "quarantined"])
def test_every_outcome_is_one_journal_event_without_the_address(world, status):
    headers = {"X-Spam-Flag": "YES"} if status == "quarantined" else {}
    mail = ingest(email(headers=headers).as_bytes())
    event = Event.objects.get(kind=f"inbound_mail.{status}")
    assert event.subject_id == mail.pk and event.case_id is None
    assert "alice@exemple.fr" not in str(event.payload)


def test_the_agents_of_the_authority_see_the_e_mail_in_their_request_page(world, client):
    # given an e-mail to Sceaux with a photo, filed for triage
    mail = ingest(
        email(
            subject="Tags sur le mur de l'école",
            body="Des tags sont apparus cette nuit.",
            attachments=[("tags.png", PNG_BYTES, "image/png")],
        ).as_bytes()
    )
    # when a case handler of Sceaux opens the request
    client.force_login(world.agent_sceaux)
    page = client.get(reverse("backoffice:request", args=[mail.request.pk]))
    # then the page shows the e-mail's text and its attachment
    assert page.status_code == 200
    html = page.content.decode()
    assert "Des tags sont apparus cette nuit." in html
    assert "tags.png" in html
    assert "Courriel à qualifier" in html


def test_the_platform_admin_lists_quarantined_mail_read_only(world, admin_client):
    mail = ingest(email(headers={"X-Spam-Flag": "YES"}).as_bytes())
    listing = admin_client.get("/admin/channels/inboundmail/?status__exact=quarantined")
    assert listing.status_code == 200 and "anti-spam" in listing.content.decode()
    detail = admin_client.get(f"/admin/channels/inboundmail/{mail.pk}/change/")
    assert detail.status_code == 200 and ".eml" in detail.content.decode()
    download = admin_client.get(f"/admin/channels/inboundmail/{mail.pk}/eml/")
    assert download["Content-Type"] == "message/rfc822"
    assert b"X-Spam-Flag: YES" in b"".join(download.streaming_content)
    assert admin_client.get("/admin/channels/inboundmail/add/").status_code == 403
