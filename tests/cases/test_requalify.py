"""Changing a request's service: routed again as a filing is, the new workflow's first state,
the deadline of the new promise from the day it was received, the answers still readable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.deadlines import compute_due_at
from guichet.cases.models import RoutingRule
from guichet.cases.workflow import workflow_for
from guichet.catalogue.free_text import TRIAGE_SERVICE
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people.actions import Applicant

from .factories import bring_to, file_request, service

LIGHTING = "eclairage-public-en-panne"
TEXT = "lampadaire éteint rue Houdan depuis trois jours"


def free_text(world, text: str = TEXT, **options):
    return actions.file_free_text(
        applicant=Applicant(person=world.alice), channel="phone",
        actor=Actor.agent(world.front_desk_sceaux), description=text, authority=world.sceaux,
        address="12 rue Houdan", filed_by=world.front_desk_sceaux, **options,
    )  # fmt: skip


def agent(world):
    return Actor.agent(world.agent_sceaux)


def test_a_free_text_request_moves_to_lighting_with_its_team_state_and_deadline(world):
    # given a phoned-in free description under the triage service, paused by an agent
    filed = free_text(world)
    assert filed.service.slug == TRIAGE_SERVICE and filed.answered_version_id is None
    first_version = filed.service_version_id
    # and a routing rule sending lighting to the roads team
    actions.save_routing_rule(
        actor=agent(world),
        rule=RoutingRule(
            authority=world.sceaux, service=service(LIGHTING), team=world.sceaux_voirie
        ),
    )
    before = Event.objects.filter(case_id=filed.pk).count()
    # when an agent requalifies it
    moved = actions.requalify(
        request=filed, service=service(LIGHTING), actor=agent(world), reason="C'est l'éclairage."
    )
    moved.refresh_from_db()
    # then it follows lighting's current version, its answers the triage form's version
    lighting = service(LIGHTING)
    assert moved.service == lighting and moved.service_version_id == lighting.current_version_id
    assert moved.answered_version_id == first_version
    assert moved.authority == world.sceaux and moved.team == world.sceaux_voirie
    workflow = workflow_for(moved)
    assert moved.state == workflow.initial
    assert moved.public_status == workflow.state(workflow.initial).public_status
    # and its deadline is lighting's five working days from the day it was received
    assert moved.due_at == compute_due_at(moved) and lighting.sla_working_days == 5
    assert moved.due_at != filed.due_at or filed.service.sla_working_days == 5
    # and exactly one event says so, for the person too
    events = list(Event.objects.filter(case_id=filed.pk).order_by("id")[before:])
    assert [e.kind for e in events] == ["cases.request-requalified"]
    assert events[0].visible_to_person
    payload = events[0].payload
    assert (payload["from_service"], payload["to_service"]) == (TRIAGE_SERVICE, LIGHTING)
    assert payload["from_authority_id"] == payload["to_authority_id"] == world.sceaux.pk
    assert payload["team"] == "voirie" and payload["automatic"] is False
    assert "score" not in payload and payload["reason"] == "C'est l'éclairage."


def test_a_second_requalification_keeps_the_form_the_answers_follow(world):
    filed = free_text(world)
    first_version = filed.service_version_id
    actions.requalify(request=filed, service=service(LIGHTING), actor=agent(world))
    again = actions.requalify(
        request=filed, service=service("signalement-voirie"), actor=agent(world),
        automatic=True, score=0.91,
    )  # fmt: skip
    again.refresh_from_db()
    assert again.answered_version_id == first_version
    assert again.service.slug == "signalement-voirie" and again.due_at == compute_due_at(again)
    last = Event.objects.filter(case_id=filed.pk).latest("id")
    assert last.payload["automatic"] is True and last.payload["score"] == 0.91


def test_an_intercommunal_service_moves_the_request_to_the_competent_authority(world):
    # bulky waste is the EPT's at Sceaux: the competence map decides, as when filing
    filed = file_request(world, "question-generale")
    moved = actions.requalify(request=filed, service=service("encombrants"), actor=agent(world))
    assert moved.authority == world.ept and moved.team.authority == world.ept
    assert moved.assignee is None


def test_refusals_are_french_and_write_nothing(world):
    filed = free_text(world)
    count = Event.objects.filter(case_id=filed.pk).count()
    with pytest.raises(actions.RequalifyError, match="relève déjà de ce service"):
        actions.requalify(request=filed, service=filed.service, actor=agent(world))
    # a departmental service where no département is on the platform (Gien, Loiret)
    at_gien = file_request(world, "question-generale", commune=world.gien_commune)
    with pytest.raises(actions.RequalifyError, match="n'est pas proposé là où"):
        actions.requalify(
            request=at_gien, service=service("transport-scolaire"), actor=agent(world)
        )
    closed = bring_to(world, file_request(world, "question-generale"), "closed")
    with pytest.raises(actions.RequalifyError, match="terminée"):
        actions.requalify(request=closed, service=service(LIGHTING), actor=agent(world))
    test_request = file_request(world, "question-generale")
    test_request.is_test = True
    test_request.save(update_fields=["is_test"])
    with pytest.raises(actions.RequalifyError, match="demande de test"):
        actions.requalify(request=test_request, service=service(LIGHTING), actor=agent(world))
    with pytest.raises(actions.RequalifyError, match="ne reçoit pas"):
        actions.requalify(
            request=filed, service=service("permis-de-construire"), actor=agent(world)
        )
    filed.refresh_from_db()
    assert filed.service.slug == TRIAGE_SERVICE
    assert Event.objects.filter(case_id=filed.pk).count() == count
    assert not Event.objects.filter(kind="cases.request-requalified").exists()


def test_the_answers_keep_their_labels_on_the_agent_page_and_the_tracking_page(world):
    # given a free-text request moved to lighting, whose form has no "description" field
    filed = free_text(world)
    actions.requalify(request=filed, service=service(LIGHTING), actor=agent(world))
    filed.refresh_from_db()
    # when the agent opens it
    client = Client()
    client.force_login(world.agent_sceaux)
    page = client.get(reverse("backoffice:request", args=[filed.pk])).content.decode()
    # then the answers read with the triage form's labels
    assert "Description de la demande" in page and TEXT in page
    assert "Éclairage public" in page or "clairage" in page
    # and the person's tracking page too, with the change in its history
    tracking = Client().get(f"/suivi/{filed.reference}?cle={filed.tracking_secret}", follow=True)
    text = tracking.content.decode()
    assert tracking.status_code == 200
    assert "Description de la demande" in text and TEXT in text
    assert "Demande orientée vers le bon service" in text
