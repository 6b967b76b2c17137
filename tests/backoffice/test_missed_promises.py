"""Managers see, on the overdue page, the services that do not keep their own promise."""

from datetime import timedelta

from django.utils import timezone

from guichet.cases.actions import change_status
from guichet.core.journal import Actor

from .conftest import file_question


def resolve_questions(world, *, days_ago: int, count: int = 5):
    """`count` general questions received `days_ago` calendar days ago, resolved now."""
    for _ in range(count):
        filed = file_question(world, received_at=timezone.now() - timedelta(days=days_ago))
        agent = Actor.agent(world.handler)
        change_status(request=filed, to="in_progress", actor=agent, role="case_handler")
        change_status(
            request=filed, to="resolved", actor=agent, role="case_handler",
            note="Voici la réponse.",
        )  # fmt: skip


def test_a_service_answering_late_is_flagged_to_its_managers(world, signed_in):
    # given five general questions (promise: 10 working days) answered after 30 calendar days
    promised = world.question.sla_working_days
    assert promised == 10
    resolve_questions(world, days_ago=30)
    # when the manager opens the overdue page
    response = signed_in(world.manager).get("/agents/retards/")
    page = response.content.decode()
    # then the service is named with its broken promise and the recent facts
    assert response.status_code == 200
    assert "Engagements non tenus" in page
    assert (
        "Ce service ne tient pas son engagement : 10 jours ouvrés promis, mais seulement "
        "0 demande récente sur 5 a reçu sa réponse dans ce délai." in page
    )
    assert "Ces derniers mois, la moitié des demandes ont reçu une réponse en" in page
    [missed] = response.context["missed_promises"]
    assert missed.service == world.question and missed.authority_id == world.sceaux.pk


def test_a_service_keeping_its_promise_is_not_flagged(world, signed_in):
    # given five general questions answered the next day
    resolve_questions(world, days_ago=1)
    # when the manager opens the overdue page
    response = signed_in(world.manager).get("/agents/retards/")
    # then nothing is flagged
    assert response.context["missed_promises"] == []
    assert "Engagements non tenus" not in response.content.decode()
