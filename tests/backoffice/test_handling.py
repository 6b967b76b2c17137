import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.actions import change_status
from guichet.cases.models import Attachment, Message, Request
from guichet.core.journal import Actor
from guichet.core.models import Event

from .conftest import file_question
from .test_detail import pdf

pytestmark = pytest.mark.django_db


def url(case, action):
    return f"/agents/demandes/{case.pk}/{action}/"


def test_an_agent_moves_a_request_along_from_the_page(world, signed_in):
    # given a received request
    case = file_question(world)
    # when the case handler takes it on
    response = signed_in(world.handler).post(
        url(case, "etat"), {"to": "in_progress", "expected_state": "received"}
    )
    # then it is in progress and the agent is back on the page
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "in_progress"


def test_an_illegal_transition_is_refused_in_french_and_changes_nothing(world, signed_in):
    # given a received request
    case = file_question(world)
    events = Event.objects.count()
    # when a front-desk agent tries to resolve it, and the handler resolves it without comment
    front = signed_in(world.front).post(
        url(case, "etat"), {"to": "resolved", "expected_state": "received"}
    )
    # then the page says why, in French, and nothing changed
    assert front.status_code == 409
    assert "Impossible de passer de « reçue » à « traitée »" in front.context["error"]
    assert "Action impossible" in front.content.decode()
    case.refresh_from_db()
    assert case.state == "received"
    assert Event.objects.count() == events


def test_a_comment_is_required_where_the_workflow_says_so(world, signed_in):
    # given a request in progress
    case = file_question(world)
    change_status(request=case, to="in_progress", actor=Actor.system(), role="case_handler")
    client = signed_in(world.handler)
    # when the agent resolves it without, then with, a comment
    without = client.post(url(case, "etat"), {"to": "resolved", "expected_state": "in_progress"})
    case.refresh_from_db()
    state_after_refusal = case.state
    with_note = client.post(
        url(case, "etat"),
        {"to": "resolved", "expected_state": "in_progress", "note": "Réponse envoyée."},
    )
    # then the first is refused in French, the second goes through
    assert without.status_code == 409
    assert "Un commentaire est obligatoire" in without.context["error"]
    assert state_after_refusal == "in_progress"
    assert with_note.status_code == 302
    case.refresh_from_db()
    assert case.state == "resolved"


def test_the_second_of_two_agents_gets_the_stale_message_and_nothing_changes(world, signed_in):
    # given two agents who opened the same received request
    case = file_question(world)
    # when the first qualifies it, then the second (who saw "received") tries to reject it
    signed_in(world.manager).post(
        url(case, "etat"), {"to": "qualified", "expected_state": "received"}
    )
    events = Event.objects.count()
    second = signed_in(world.handler).post(
        url(case, "etat"),
        {"to": "rejected", "expected_state": "received", "note": "Hors compétence"},
    )
    # then the second is told in French to reload, and the request stays qualified
    assert second.status_code == 409
    assert "vient d'être modifiée par quelqu'un d'autre" in second.context["error"]
    case.refresh_from_db()
    assert case.state == "qualified"
    assert Event.objects.count() == events


def test_a_transition_post_without_its_hidden_fields_is_a_french_error(world, signed_in):
    case = file_question(world)
    response = signed_in(world.handler).post(url(case, "etat"), {"to": "in_progress"})
    assert response.status_code == 400
    assert response.context["error"] == "Le formulaire est incomplet."
    case.refresh_from_db()
    assert case.state == "received"


def test_an_agent_writes_to_the_person_with_an_attachment(world, signed_in):
    # given a request
    case = file_question(world)
    # when the agent sends a message with a PDF
    response = signed_in(world.handler).post(
        url(case, "message"), {"body": "Voici le formulaire.", "pieces_jointes": [pdf()]}
    )
    # then the message and its file are stored
    assert response.status_code == 302
    message = Message.objects.get(request=case)
    assert message.body == "Voici le formulaire." and not message.is_internal
    assert message.attachments.count() == 1


def test_a_refused_attachment_writes_nothing_and_says_why_in_french(world, signed_in):
    # given a request
    case = file_question(world)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    # when the agent attaches a file that is not what it claims
    response = signed_in(world.handler).post(
        url(case, "message"), {"body": "Voici.", "pieces_jointes": [fake]}
    )
    # then a French error, and no message nor file
    assert response.status_code == 400
    assert response.context["error"]
    assert "fr-alert--error" in response.content.decode()
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "data", "error_field"),
    [
        ("message", {"body": "  "}, "body"),
        ("note", {"body": ""}, "body"),
        ("assign", {"team": "999999"}, "team"),
        ("handoff", {"authority": "", "reason": "pas chez nous"}, "authority"),
        ("contact", {"channel": "pigeon"}, "channel"),
        ("link", {"reference": "", "kind": "related"}, "reference"),
    ],
)
def test_bad_input_on_every_form_gives_french_field_errors_and_writes_nothing(
    world, signed_in, action, data, error_field
):
    # given a request
    case = file_question(world)
    before = (Event.objects.count(), Message.objects.count(), Request.objects.count())
    # when the agent posts bad input
    response = signed_in(world.handler).post(url(case, action), data)
    # then the field carries a French error and nothing was written
    assert response.status_code == 400
    form = response.context["actions"][action]
    assert form.errors[error_field]
    assert any(
        word in " ".join(form.errors[error_field]) for word in ("obligatoire", "Sélectionnez")
    )
    assert (Event.objects.count(), Message.objects.count(), Request.objects.count()) == before
    case.refresh_from_db()
    assert case.team_id is not None and case.assignee_id is None


def test_an_internal_note_is_added(world, signed_in):
    case = file_question(world)
    response = signed_in(world.front).post(url(case, "note"), {"body": "Appel à rappeler."})
    assert response.status_code == 302
    assert Message.objects.get(request=case).is_internal


def test_a_request_is_assigned_to_a_team_and_an_agent(world, signed_in):
    case = file_question(world)
    response = signed_in(world.manager).post(
        url(case, "assign"), {"team": world.voirie.pk, "assignee": world.handler.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.team, case.assignee) == (world.voirie, world.handler)


def test_a_front_desk_agent_may_not_assign(world, signed_in):
    case = file_question(world)
    response = signed_in(world.front).post(url(case, "assign"), {"team": world.voirie.pk})
    assert response.status_code == 403
    assert "Votre rôle ne vous permet pas" in response.context["error"]
    case.refresh_from_db()
    assert case.team != world.voirie


def test_a_request_is_handed_off_to_another_authority_with_a_reason(world, signed_in):
    # given a Sceaux request
    case = file_question(world)
    # when the handler hands it to Issy
    response = signed_in(world.handler).post(
        url(case, "handoff"), {"authority": world.issy.pk, "reason": "Adresse à Issy."}
    )
    # then Issy handles it now and the Sceaux agent goes back to the queue
    assert response.status_code == 302 and response["Location"] == "/agents/"
    case.refresh_from_db()
    assert case.authority == world.issy
    assert signed_in(world.issy_agent).get(f"/agents/demandes/{case.pk}/").status_code == 200


def test_a_hand_off_without_reason_is_refused(world, signed_in):
    case = file_question(world)
    response = signed_in(world.handler).post(
        url(case, "handoff"), {"authority": world.issy.pk, "reason": " "}
    )
    assert response.status_code == 400
    assert response.context["actions"]["handoff"].errors["reason"] == [
        "Indiquez le motif du transfert."
    ]
    case.refresh_from_db()
    assert case.authority == world.sceaux


def test_a_contact_is_recorded_with_its_channel(world, signed_in):
    case = file_question(world)
    response = signed_in(world.front).post(
        url(case, "contact"), {"channel": "phone", "note": "Demande où en est le dossier."}
    )
    assert response.status_code == 302
    event = Event.objects.get(case_id=case.pk, kind="request.contact_recorded")
    assert event.channel == "phone"
    page = signed_in(world.front).get(f"/agents/demandes/{case.pk}/").content.decode()
    assert 'data-repeat-contacts="1"' in page


def test_requests_are_linked_by_reference_as_related_or_duplicate(world, signed_in):
    # given two requests of Sceaux and one of Issy
    case, other = file_question(world), file_question(world, sujet="Même question")
    foreign = file_question(world, commune=world.issy_commune)
    client = signed_in(world.handler)
    # when the agent marks the second as a duplicate, then tries to link Issy's
    duplicate = client.post(
        url(other, "link"), {"reference": case.reference.lower(), "kind": "duplicate"}
    )
    refused = client.post(url(case, "link"), {"reference": foreign.reference, "kind": "related"})
    # then the duplicate is recorded and the foreign reference is unknown to this agent
    assert duplicate.status_code == 302
    other.refresh_from_db()
    assert other.duplicate_of == case
    assert refused.status_code == 409
    assert "Aucune demande de vos collectivités" in refused.context["error"]
    assert not case.related.filter(pk=foreign.pk).exists()


def test_an_agent_of_another_authority_cannot_act_on_the_request(world, signed_in):
    case = file_question(world)
    response = signed_in(world.issy_agent).post(url(case, "note"), {"body": "Intrusion"})
    assert response.status_code == 404
    assert Message.objects.count() == 0
