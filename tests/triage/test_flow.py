"""Free text arriving through the real inbound e-mail channel gets suggestions after commit;
agents confirm or correct; intake never depends on a model being there."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from guichet.channels.inbound_mail.intake import ingest
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.triage import actions, synthetic, tasks
from guichet.triage.models import Suggestion, TriageModel

LIGHTING = "eclairage-public-en-panne"


def mail(subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "Alice Martin <alice@exemple.fr>", "sceaux@guichet.exemple.fr"
    message["Subject"], message["Message-ID"] = subject, "<tri@exemple.fr>"
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def model(world) -> TriageModel:
    texts, labels = synthetic.corpus(1000)
    return actions.train_model(
        authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels
    )


def file_mail(capture, subject: str, body: str):
    with capture(execute=True):
        return ingest(mail(subject, body)).request


def test_a_trained_version_is_active_scored_and_journaled(world, model):
    assert model.is_active and model.version == 1 and Path(model.file_path).is_file()
    assert model.accuracy > model.keyword_accuracy > model.majority_accuracy
    event = Event.objects.get(kind="triage.model_trained", authority_id=world.sceaux.pk)
    assert event.payload["version"] == 1 and event.payload["trained_on"] == 1000
    again = actions.train_model(
        authority=world.sceaux, actor=actions.SYSTEM, texts=synthetic.corpus(300)[0],
        labels=synthetic.corpus(300)[1],
    )  # fmt: skip
    model.refresh_from_db()
    assert again.version == 2 and again.is_active and not model.is_active


def test_an_email_about_a_dark_street_lamp_is_suggested_lighting_above_threshold(
    world, model, django_capture_on_commit_callbacks
):
    request = file_mail(
        django_capture_on_commit_callbacks, "lampadaire éteint", "lampadaire éteint rue Houdan"
    )
    suggestion = Suggestion.objects.get(request=request)
    assert suggestion.suggestions[0][0] == LIGHTING and len(suggestion.suggestions) == 3
    assert suggestion.score >= model.threshold and suggestion.above_threshold
    event = Event.objects.get(kind="triage.suggested", case_id=request.pk)
    assert event.payload["score"] == suggestion.score and event.payload["above_threshold"]
    assert event.payload["version"] == 1 and not event.visible_to_person
    # above the threshold the request was moved to lighting, automatically, with the score
    request.refresh_from_db()
    suggestion.refresh_from_db()
    assert request.service.slug == LIGHTING and request.authority == world.sceaux
    assert (suggestion.outcome, suggestion.chosen) == (Suggestion.Outcome.AUTO_ROUTED, LIGHTING)
    routed = Event.objects.get(kind="cases.request-requalified", case_id=request.pk)
    assert routed.payload["automatic"] is True and routed.payload["score"] == round(
        suggestion.score, 4
    )
    assert routed.actor_type == "system"


def test_below_threshold_an_agent_confirms_or_corrects_and_it_feeds_the_next_training(
    world, model, django_capture_on_commit_callbacks
):
    model.threshold = 0.999
    model.save()
    first = file_mail(
        django_capture_on_commit_callbacks, "Bonjour", "il faut venir voir rue Pasteur"
    )
    second = file_mail(django_capture_on_commit_callbacks, "Réverbère", "réverbère en panne")
    one, two = Suggestion.objects.get(request=first), Suggestion.objects.get(request=second)
    assert not one.above_threshold and one.outcome == Suggestion.Outcome.PENDING
    # below the threshold nothing moves: the requests wait with the triage team
    assert {first.service.slug, second.service.slug} == {"courriel-a-qualifier"}
    assert not Event.objects.filter(kind="cases.request-requalified").exists()
    agent = Actor.agent(world.agent_sceaux)
    actions.decide(suggestion=two, service_slug=two.suggestions[0][0], actor=agent)
    actions.decide(suggestion=one, service_slug="signalement-voirie", actor=agent)
    one.refresh_from_db()
    two.refresh_from_db()
    assert (two.outcome, two.chosen) == (Suggestion.Outcome.CONFIRMED, LIGHTING)
    assert (one.outcome, one.chosen) == (Suggestion.Outcome.CORRECTED, "signalement-voirie")
    # each decision moved its request, in the one event of the requalification
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.service.slug, second.service.slug) == ("signalement-voirie", LIGHTING)
    confirmed = Event.objects.get(kind="cases.request-requalified", case_id=second.pk)
    assert confirmed.payload["triage"] == "confirmed" and not confirmed.payload["automatic"]
    corrected = Event.objects.get(kind="cases.request-requalified", case_id=first.pk)
    assert corrected.payload["triage"] == "corrected"
    assert corrected.payload["to_service"] == "signalement-voirie"
    with pytest.raises(actions.TriageError, match="déjà été confirmé"):
        actions.decide(suggestion=one, service_slug=LIGHTING, actor=agent)
    pairs = list(zip(*actions.training_data(world.sceaux), strict=True))
    assert any("réverbère en panne" in text and label == LIGHTING for text, label in pairs)
    assert any("venir voir" in text and label == "signalement-voirie" for text, label in pairs)


def test_intake_works_without_a_model_and_with_a_corrupt_one(
    world, django_capture_on_commit_callbacks, caplog
):
    request = file_mail(django_capture_on_commit_callbacks, "lampadaire", "lampadaire éteint")
    assert request.pk and not Suggestion.objects.filter(request=request).exists()
    texts, labels = synthetic.corpus(300)
    model = actions.train_model(
        authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels
    )
    Path(model.file_path).write_bytes(b"not a model")
    # a new version path (the loaded-model cache is keyed by file)
    model.file_path = model.file_path + ".corrupt"
    Path(model.file_path).write_bytes(b"\x00garbage")
    model.save()
    request = file_mail(django_capture_on_commit_callbacks, "lampadaire", "lampadaire éteint")
    assert request.pk and request.service.slug == "courriel-a-qualifier"
    assert not Suggestion.objects.filter(request=request).exists()
    assert "cannot be loaded" in caplog.text


def test_the_periodic_retraining_skips_authorities_without_enough_data(world):
    assert tasks.retrain_all() == 0
    assert not TriageModel.objects.exists()


def test_the_threshold_changes_through_the_command_with_its_event(world, model):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("triage", "threshold", "--authority", "sceaux", "--value", "0.9", stdout=out)
    assert out.getvalue().strip() == "Ville de Sceaux : seuil de la version 1 fixé à 90,0 %."
    model.refresh_from_db()
    assert model.threshold == 0.9
    event = Event.objects.get(kind="triage.threshold_changed")
    assert event.payload == {"version": 1, "from": 0.8, "to": 0.9}
    with pytest.raises(CommandError, match="entre 0,5 et 1"):
        call_command("triage", "threshold", "--authority", "sceaux", "--value", "3")
    with pytest.raises(CommandError, match="pas encore de modèle"):
        call_command("triage", "threshold", "--authority", "tours", "--value", "0.9")


def test_only_the_three_latest_model_files_are_kept(world, django_capture_on_commit_callbacks):
    texts, labels = synthetic.corpus(200)
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            actions.train_model(
                authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels
            )
    versions = TriageModel.objects.filter(authority=world.sceaux).order_by("version")
    assert [Path(v.file_path).is_file() for v in versions] == [False, True, True, True]


def test_an_auto_routed_request_an_agent_moves_again_counts_as_corrected(
    world, model, django_capture_on_commit_callbacks, admin_client
):
    from django.urls import reverse

    from guichet.cases import actions as cases
    from guichet.catalogue.models import Service

    # given two requests auto-routed to lighting
    first = file_mail(django_capture_on_commit_callbacks, "lampadaire", "lampadaire éteint")
    second = file_mail(django_capture_on_commit_callbacks, "réverbère", "réverbère en panne")
    first.refresh_from_db()
    assert first.service.slug == LIGHTING
    # when an agent moves the first elsewhere directly, and corrects the second in one click
    agent = Actor.agent(world.agent_sceaux)
    cases.requalify(
        request=first, service=Service.objects.get(slug="signalement-voirie"), actor=agent
    )
    actions.decide(
        suggestion=Suggestion.objects.get(request=second), service_slug="signalement-voirie",
        actor=agent,
    )  # fmt: skip
    # then both count as auto-routed and later corrected on the admin overview
    page = admin_client.get(reverse("admin:triage_overview")).content.decode()
    assert 'data-metric="above_corrected">2<' in page
    assert 'data-metric="auto_routed">1<' in page
    second.refresh_from_db()
    assert second.service.slug == "signalement-voirie"
