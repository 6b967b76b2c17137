"""Bad input never writes anything: French messages, and no request, file or event left."""

from __future__ import annotations

import pytest
from django.db import transaction

from guichet.cases import actions
from guichet.cases.actions import IntakeError
from guichet.cases.actions._common import AttachmentError
from guichet.cases.models import Attachment, Message, Request
from guichet.cases.workflow import IllegalTransition
from guichet.catalogue.validation import validate_submission
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import bring_to, fake_pdf, file_request, form_for, pdf, service


def counts():
    return {
        model.__name__: model.objects.count() for model in (Request, Attachment, Message, Event)
    }


@pytest.fixture
def nothing_written(world, settings):
    """Assert at the end of the test that no row and no file was written."""
    before = counts()
    yield
    assert counts() == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def submit(world, slug="signalement-voirie", **overrides):
    arguments = {
        "service": service(slug),
        "person": world.alice,
        "channel": "web",
        "actor": Actor.person(world.alice),
        "form_data": form_for(slug),
        "commune": world.sceaux_commune,
    } | overrides
    return actions.submit_request(**arguments)


def test_invalid_form_data_is_refused_field_by_field(world, nothing_written):
    # given a road report without its nature and with a point outside France
    data = {"emplacement": {"lat": 51.5, "lon": -0.12}, "danger": "peut-être"}
    # when it is submitted
    with pytest.raises(IntakeError) as refused:
        submit(world, form_data=data)
    # then each field says what is wrong, in French, with its label
    assert refused.value.errors == {
        "nature": ["Nature du problème : Ce champ est obligatoire."],
        "emplacement": ["Emplacement : Ce point n’est pas situé en France."],
        "danger": [
            "Le problème présente un danger pour les passants ou les véhicules : "
            "Valeur invalide pour une case à cocher."
        ],
    }


def test_an_unknown_choice_is_refused(world, nothing_written):
    with pytest.raises(IntakeError) as refused:
        submit(world, form_data=form_for("signalement-voirie", nature="<script>"))
    assert refused.value.errors["nature"] == ["Nature du problème : Choix invalide : « <script> »."]


def test_data_cleaned_for_another_form_is_checked_again(world, nothing_written):
    # given a general question's data, cleaned against the question form
    cleaned = validate_submission(service("question-generale").form, form_for("question-generale"))
    # when it is handed to a road report as already cleaned
    with pytest.raises(IntakeError) as refused:
        submit(world, form_data=cleaned)
    # then the road report's own form refuses it
    assert refused.value.errors["nature"] == ["Nature du problème : Ce champ est obligatoire."]


def test_data_cleaned_for_the_services_form_is_filed_as_cleaned(world):
    # given a road report's data cleaned by its own form (what the portal does first)
    cleaned = validate_submission(
        service("signalement-voirie").form, form_for("signalement-voirie")
    )
    # when it is submitted
    request = submit(world, form_data=cleaned)
    # then the request holds exactly that data, as a plain JSON object
    request.refresh_from_db()
    assert request.form_data == dict(cleaned) and type(request.form_data) is dict


def test_form_data_that_is_not_a_mapping_is_refused(world, nothing_written):
    with pytest.raises(IntakeError) as refused:
        submit(world, form_data=["nature", "trottoir"])
    assert refused.value.errors == {"__all__": ["Les données envoyées sont illisibles."]}


def test_a_request_without_commune_or_point_is_refused(world, nothing_written):
    # given a general question (no location in its form) without commune
    # when it is submitted
    with pytest.raises(IntakeError) as refused:
        submit(world, "question-generale", commune=None)
    # then the person is asked where
    assert refused.value.errors == {
        "commune": ["Indiquez la commune concernée pour orienter la demande."]
    }


def test_a_point_outside_every_served_commune_is_refused(world, nothing_written):
    # a point in Lyon: in France, but in no commune of the shipped territory
    data = form_for("signalement-voirie", emplacement={"lat": 45.764, "lon": 4.8357})
    with pytest.raises(IntakeError) as refused:
        submit(world, form_data=data, commune=None)
    assert refused.value.errors == {"location": ["Ce point n'est dans aucune commune desservie."]}


def test_a_channel_the_service_refuses_is_refused(world, nothing_written):
    # given a birth certificate request, which is not taken by phone
    # when an agent files it on the phone
    with pytest.raises(IntakeError) as refused:
        submit(
            world, "acte-de-naissance", channel="phone", filed_by=world.front_desk_sceaux,
            actor=Actor.agent(world.front_desk_sceaux),
        )  # fmt: skip
    # then the channel is refused, named in French
    assert refused.value.errors == {
        "channel": ["Ce service n'accepte pas les demandes par « téléphone »."]
    }


def test_an_informational_service_takes_no_request(world, nothing_written):
    with pytest.raises(IntakeError) as refused:
        submit(world, "signalement-voirie", service=service("permis-de-construire"), form_data={})
    assert refused.value.errors["service"] == [
        "Ce service ne permet pas de déposer une demande en ligne."
    ]


@pytest.mark.parametrize("channel", ["counter", "phone", "mail"])
def test_an_agent_channel_without_the_agent_is_refused(world, nothing_written, channel):
    # given a general question on a channel where an agent types the request
    # when it is submitted without saying which agent filed it
    with pytest.raises(IntakeError) as refused:
        submit(world, "question-generale", channel=channel, letter=pdf())
    # then it is refused
    assert refused.value.errors["channel"] == [
        "Une demande au guichet, par téléphone ou par courrier est saisie par un agent."
    ]


def test_paper_mail_without_the_scanned_letter_is_refused(world, nothing_written):
    with pytest.raises(IntakeError) as refused:
        submit(
            world, "question-generale", channel="mail", filed_by=world.front_desk_sceaux,
            actor=Actor.agent(world.front_desk_sceaux),
        )  # fmt: skip
    assert refused.value.errors == {"courrier": ["Joignez le courrier numérisé (PDF ou image)."]}


def test_a_fake_pdf_letter_is_refused_by_its_content(world, nothing_written):
    # given an executable renamed "courrier.pdf" and announced as a PDF
    # when an agent files the paper mail with it
    with pytest.raises(IntakeError) as refused:
        submit(
            world, "question-generale", channel="mail", filed_by=world.front_desk_sceaux,
            actor=Actor.agent(world.front_desk_sceaux), letter=fake_pdf(),
        )  # fmt: skip
    # then the letter is refused for its type, and nothing is stored
    [message] = refused.value.errors["courrier"]
    assert message.startswith("Le fichier « courrier.pdf » n’est pas d’un type accepté")


def test_a_fake_pdf_in_a_form_file_field_is_refused(world, nothing_written):
    with pytest.raises(IntakeError) as refused:
        submit(world, "question-generale", files={"piece_jointe": fake_pdf("facture.pdf")})
    [message] = refused.value.errors["piece_jointe"]
    assert message.startswith(
        "Pièce jointe : Le fichier « facture.pdf » n’est pas d’un type accepté"
    )


def test_several_problems_are_reported_together(world, nothing_written):
    # given a phone request for a service refused on the phone, with a broken form
    with pytest.raises(IntakeError) as refused:
        submit(
            world, "acte-de-naissance", channel="phone", form_data={"nombre": "beaucoup"},
            filed_by=world.front_desk_sceaux,
        )  # fmt: skip
    # then the channel and the fields are all reported at once
    assert {"channel", "type_acte", "nombre"} <= set(refused.value.errors)


def test_paper_mail_with_a_real_pdf_is_filed_with_its_letter(world):
    # given the same paper mail with a real scanned PDF (the control for the refusals above)
    before = counts()
    # when an agent files it
    request = submit(
        world, "question-generale", channel="mail", filed_by=world.front_desk_sceaux,
        actor=Actor.agent(world.front_desk_sceaux), letter=pdf("lettre.pdf"),
    )  # fmt: skip
    # then the request, its letter and one event are written
    after = counts()
    assert after["Request"] == before["Request"] + 1
    assert after["Event"] == before["Event"] + 1
    [letter] = request.attachments.all()
    assert (letter.field_name, letter.content_type, letter.original_name) == (
        "courrier", "application/pdf", "lettre.pdf",
    )  # fmt: skip
    assert request.filed_by == world.front_desk_sceaux


@pytest.mark.parametrize("state", ["closed", "rejected", "cancelled", "resolved"])
def test_replying_to_a_finished_request_is_refused(world, state):
    # given a finished request
    request = bring_to(world, file_request(world, "question-generale"), state)
    before = counts()
    # when the person replies
    # then it is refused in French and nothing is written
    with pytest.raises(IllegalTransition, match="Cette demande est terminée"):
        actions.reply_as_person(request=request, actor=Actor.person(world.alice), body="Alors ?")
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "message"), [("   ", "Le message est vide."), ("x" * 5001, "dépasse 5 000 caractères")]
)
def test_an_empty_or_huge_message_is_refused(world, body, message):
    request = file_request(world, "question-generale")
    before = counts()
    with pytest.raises(IllegalTransition, match=message):
        actions.send_message(request=request, actor=Actor.agent(world.agent_sceaux), body=body)
    with pytest.raises(IllegalTransition, match=message):
        actions.reply_as_person(request=request, actor=Actor.person(world.alice), body=body)
    assert counts() == before


def test_a_message_with_a_fake_file_is_refused_before_any_write(world):
    # given a request, and an executable renamed as a PDF
    request = file_request(world, "question-generale")
    before = counts()
    # when the person and the agent send it with a message
    for send, actor in (
        (actions.reply_as_person, Actor.person(world.alice)),
        (actions.send_message, Actor.agent(world.agent_sceaux)),
        (actions.add_note, Actor.agent(world.agent_sceaux)),
    ):
        with pytest.raises(AttachmentError) as refused:
            send(request=request, actor=actor, body="Voici la facture.", files=[fake_pdf("f.pdf")])
        # then the file is refused by its content and nothing is written
        assert "n’est pas d’un type accepté" in refused.value.messages[0]
    assert counts() == before


def test_a_reference_already_taken_is_drawn_again_in_the_same_transaction(world, monkeypatch):
    # given a request holding a reference, and a draw that comes up with it again first
    first = file_request(world, "question-generale")
    draws = iter([first.reference, "ZZZZ-ZZZZ-ZZ"])
    monkeypatch.setattr("guichet.cases.actions.intake.new_reference", lambda: next(draws))
    # when another request is filed, inside a transaction that goes on afterwards
    with transaction.atomic():
        second = file_request(world, "question-generale")
        still_usable = Request.objects.filter(pk=first.pk).exists()
    # then it gets the second draw, the first request is untouched, and nothing was rolled back
    assert second.reference == "ZZZZ-ZZZZ-ZZ"
    assert still_usable
    first_again = Request.objects.get(pk=first.pk)
    assert (first_again.reference, first_again.summary) == (first.reference, first.summary)
    assert Event.objects.filter(case_id=second.pk, kind="request.received").count() == 1
