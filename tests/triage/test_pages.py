"""The agent's request page shows the three suggestions with a one-click confirmation; the
admin page shows each active model's scores, confusions and auto-routing outcomes."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.urls import reverse

from guichet.cases.models import Request
from guichet.channels.inbound_mail.intake import ingest
from guichet.core.models import Event
from guichet.triage import actions, synthetic
from guichet.triage.models import Suggestion


@pytest.fixture
def suggested(world, django_capture_on_commit_callbacks):
    texts, labels = synthetic.corpus(1000)
    model = actions.train_model(
        authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels
    )
    model.threshold = 0.999  # below it: agents decide
    model.save()
    message = EmailMessage()
    message["From"], message["To"] = "Alice <alice@exemple.fr>", "sceaux@guichet.exemple.fr"
    message["Subject"], message["Message-ID"] = "Réverbère", "<page@exemple.fr>"
    message.set_content("réverbère en panne rue Houdan")
    with django_capture_on_commit_callbacks(execute=True):
        request = ingest(message.as_bytes()).request
    return Suggestion.objects.get(request=request)


def test_the_agent_sees_three_suggestions_and_confirms_in_one_click(world, suggested, client):
    client.force_login(world.agent_sceaux)
    url = reverse("backoffice:request", args=[suggested.request_id])
    page = client.get(url).content.decode()
    assert "Services suggérés par le tri automatique" in page
    assert page.count('data-service="') == 3
    assert "Éclairage public" in page or "clairage" in page
    top = suggested.suggestions[0][0]
    response = client.post(
        reverse("backoffice:triage_decide", args=[suggested.request_id]), {"service": top}
    )
    assert response.status_code == 302 and response["Location"] == url
    suggested.refresh_from_db()
    assert (suggested.outcome, suggested.chosen) == (Suggestion.Outcome.CONFIRMED, top)
    # the click moved the request: one event, the requalification, carrying the decision
    moved = Request.objects.get(pk=suggested.request_id)
    assert moved.service.slug == top and moved.answered_version_id is not None
    event = Event.objects.get(kind="cases.request-requalified", case_id=suggested.request_id)
    assert event.actor_user_id == world.agent_sceaux.pk and event.payload["triage"] == "confirmed"
    assert event.payload["automatic"] is False and event.payload["score"] == suggested.score
    assert not Event.objects.filter(kind__startswith="triage.c", case_id=moved.pk).exists()
    page = client.get(url).content.decode()
    assert 'data-triage-outcome="confirmed"' in page and "Service retenu par un agent" in page
    # the e-mail's answers still read with the e-mail form's labels
    import html

    assert "réverbère en panne rue Houdan" in page, html.unescape(page)[-6000:]
    assert "Adresse de l'expéditeur" in html.unescape(page)


def test_an_unknown_service_is_refused_in_french_and_nothing_changes(world, suggested, client):
    client.force_login(world.agent_sceaux)
    url = reverse("backoffice:triage_decide", args=[suggested.request_id])
    response = client.post(url, {"service": "n-importe-quoi"}, follow=True)
    assert "Service inconnu du modèle : « n-importe-quoi »." in response.content.decode()
    assert client.post(url, {"service": "eclairage\x00"}).status_code == 400
    suggested.refresh_from_db()
    assert suggested.outcome == Suggestion.Outcome.PENDING


def test_an_agent_of_another_authority_gets_a_404(world, suggested, client):
    client.force_login(world.agent_tours)
    url = reverse("backoffice:triage_decide", args=[suggested.request_id])
    assert client.post(url, {"service": suggested.suggestions[0][0]}).status_code == 404
    suggested.refresh_from_db()
    assert suggested.outcome == Suggestion.Outcome.PENDING


def test_the_admin_overview_shows_scores_confusions_and_outcomes(world, suggested, admin_client):
    actions.decide(suggestion=suggested, service_slug="signalement-voirie", actor=actions.SYSTEM)
    page = admin_client.get(reverse("admin:triage_overview")).content.decode()
    assert "Ville de Sceaux — version 1" in page
    assert 'data-metric="accuracy"' in page and "F1 macro" in page
    assert "Confusions les plus fréquentes" in page and "Matrice de confusion complète" in page
    assert "corrigées : 1" in page
    changelist = admin_client.get(reverse("admin:triage_triagemodel_changelist"))
    assert (
        changelist.status_code == 200
        and "Vue d'ensemble (scores et confusions)" in changelist.content.decode()
    )


def test_an_agent_changes_a_requests_service_from_its_page(world, client):
    from cases.factories import file_request

    # given a general question that is in fact about a street lamp
    case = file_request(world, "question-generale")
    client.force_login(world.agent_sceaux)
    url = reverse("backoffice:request", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Changer de service" in page and 'value="eclairage-public-en-panne"' in page
    # when the agent moves it to public lighting
    move = reverse("backoffice:requalify", args=[case.pk])
    response = client.post(move, {"service": "eclairage-public-en-panne", "reason": "Lampadaire"})
    # then it is there, with one event and a French confirmation
    assert response.status_code == 302 and response["Location"] == url
    case.refresh_from_db()
    assert case.service.slug == "eclairage-public-en-panne"
    event = Event.objects.get(kind="cases.request-requalified", case_id=case.pk)
    assert event.payload["reason"] == "Lampadaire" and event.actor_user_id == world.agent_sceaux.pk
    page = client.get(url).content.decode()
    assert "relève maintenant du service" in page
    # and the answers still read with the question's labels
    assert "Votre message" in page or "Sujet" in page


def test_changing_service_is_refused_in_french_when_it_cannot_be_done(world, client):
    from cases.factories import file_request

    case = file_request(world, "question-generale")
    move = reverse("backoffice:requalify", args=[case.pk])
    client.force_login(world.front_desk_sceaux)
    refused = client.post(move, {"service": "eclairage-public-en-panne"}, follow=True)
    assert "Votre rôle ne vous permet pas" in refused.content.decode()
    client.force_login(world.agent_sceaux)
    unknown = client.post(move, {"service": "n-existe-pas"}, follow=True)
    assert "Choisissez un service publié." in unknown.content.decode()
    same = client.post(move, {"service": "question-generale"}, follow=True)
    assert "relève déjà de ce service" in same.content.decode()
    client.force_login(world.agent_tours)
    assert client.post(move, {"service": "eclairage-public-en-panne"}).status_code == 404
    case.refresh_from_db()
    assert case.service.slug == "question-generale"
    assert not Event.objects.filter(kind="cases.request-requalified").exists()


def test_a_request_moved_to_another_authority_sends_the_agent_back_to_their_queue(world, client):
    from cases.factories import file_request

    # bulky waste is the EPT's at Sceaux: the request leaves the town's agent
    case = file_request(world, "question-generale")
    client.force_login(world.agent_sceaux)
    response = client.post(
        reverse("backoffice:requalify", args=[case.pk]), {"service": "encombrants"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")
    case.refresh_from_db()
    assert case.authority == world.ept
