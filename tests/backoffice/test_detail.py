import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.actions import record_contact, send_message
from guichet.cases.models import Attachment
from guichet.core.journal import Actor

from .conftest import file_question

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="document.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_request_page_shows_answers_map_timeline_and_actions(world, signed_in):
    # given a request with a repeat contact and a located point
    case = file_question(world, latitude=48.7769, longitude=2.2904)
    record_contact(request=case, channel="phone", actor=Actor.agent(world.handler))
    # when the case handler opens it
    response = signed_in(world.handler).get(f"/agents/demandes/{case.pk}/")
    page = response.content.decode()
    # then the person, labelled answers, map data, French timeline and allowed actions show
    assert response.status_code == 200
    assert f"/agents/usagers/{world.claire.pk}/" in page
    assert "Je souhaite une réponse par" in page and "Courriel" in page
    assert response.context["map_data"]["point"] == {"lat": 48.7769, "lon": 2.2904}
    assert response.context["map_data"]["boundary"]["type"] in ("Polygon", "MultiPolygon")
    assert "Demande reçue" in page and "Relance de l&#x27;usager" in page
    assert 'data-repeat-contacts="1"' in page
    assert {t.target for t, _ in response.context["transitions"]} == {
        "qualified", "in_progress", "rejected",
    }  # fmt: skip
    assert 'name="expected_state" value="received"' in page
    assert set(response.context["actions"]) == {
        "message", "note", "assign", "handoff", "contact", "link",
    }  # fmt: skip


def test_a_front_desk_agent_sees_only_the_actions_of_their_role(world, signed_in):
    # given a received request
    case = file_question(world)
    # when a front-desk agent opens it
    response = signed_in(world.front).get(f"/agents/demandes/{case.pk}/")
    # then they may qualify it, add a note and record a contact, nothing more
    assert {t.target for t, _ in response.context["transitions"]} == {"qualified"}
    assert set(response.context["actions"]) == {"note", "contact"}


def test_a_file_is_downloaded_by_the_handling_authority_only(world, signed_in):
    # given a message with a PDF attached on a Sceaux request
    case = file_question(world)
    send_message(
        request=case, actor=Actor.agent(world.handler), body="Voici le document.",
        files=[pdf("arrete.pdf")],
    )  # fmt: skip
    attachment = Attachment.objects.get(request=case)
    # when a Sceaux agent and an Issy agent ask for the file
    ours = signed_in(world.handler).get(f"/agents/pieces/{attachment.pk}/")
    body = b"".join(ours.streaming_content)
    theirs = signed_in(world.issy_agent).get(f"/agents/pieces/{attachment.pk}/")
    missing = signed_in(world.issy_agent).get("/agents/pieces/987654/")
    # then the first gets it, the other gets the same "not found" as for no file at all
    assert ours.status_code == 200
    assert body == PDF
    assert 'filename="arrete.pdf"' in ours["Content-Disposition"]
    assert theirs.status_code == missing.status_code == 404
    assert theirs.context["message"] == missing.context["message"] == "Pièce jointe introuvable."


def test_the_request_page_links_to_the_file_of_a_message(world, signed_in):
    # given a message with a file
    case = file_question(world)
    send_message(
        request=case, actor=Actor.agent(world.handler), body="Pièce", files=[pdf("plan.pdf")]
    )
    attachment = Attachment.objects.get(request=case)
    # when the agent opens the request
    page = signed_in(world.handler).get(f"/agents/demandes/{case.pk}/").content.decode()
    # then the file is a download link through the checked view
    assert f"/agents/pieces/{attachment.pk}/" in page


def test_dates_are_shown_in_french_in_paris_time(world, signed_in):
    # given a request received at 13:05 UTC on 22 November 2026 (14:05 in Paris)
    import datetime as dt

    case = file_question(world, received_at=dt.datetime(2026, 11, 22, 13, 5, tzinfo=dt.UTC))
    # when the agent opens it
    page = signed_in(world.handler).get(f"/agents/demandes/{case.pk}/").content.decode()
    # then the date reads the French way
    assert "22 novembre 2026 à 14 h 05" in page
