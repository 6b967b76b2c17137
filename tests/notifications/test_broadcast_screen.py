"""The agents' broadcast screen and message templates, through the pages they use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cases.factories import agent
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from guichet.authorities.models import Role
from guichet.core import clock
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications import actions, tasks
from guichet.notifications.models import Broadcast, MessageTemplate, Notification
from guichet.notifications.selectors import broadcast_audience
from guichet.people import actions as people

from .test_broadcast import opted_in

SCREEN = "/notifications/diffusion/"
WORKS = "Travaux rue Houdan du 3 au 7 mars."


@pytest.fixture
def segment(world):
    """Sceaux: three reachable by e-mail (one a business), one of them by SMS too."""
    s = world.sceaux_commune
    opted_in("Oui", commune=s)
    sms = opted_in("Sms", commune=s, phone="06 11 22 33 44")
    people.set_preferences(
        actor=Actor.system(), person=sms, preferences={("broadcast", "sms"): True}
    )
    opted_in("Retire", commune=s, notifications=False)
    opted_in("Ailleurs", commune=world.tours_commune)
    opted_in("Boutique", commune=s, category="business")


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager_sceaux)
    return client


@pytest.fixture
def inline_queueing(settings, django_capture_on_commit_callbacks):
    """Queue in the request (no thread), running the after-commit hooks the test DB keeps."""
    settings.GUICHET_BROADCAST_IN_BACKGROUND = False

    def post(client, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SCREEN, data)

    return post


def form(world, **overrides) -> dict:
    data = {
        "collectivite": "sceaux",
        "message": WORKS,
        "channels": ["email", "sms"],
        "communes": [str(world.sceaux_commune.pk)],
    }
    return data | overrides


def nothing_written() -> bool:
    return (
        not Notification.objects.exists()
        and not Broadcast.objects.exists()
        and not Event.objects.filter(kind__startswith="notification.broadcast").exists()
    )


def test_a_manager_sees_the_screen_with_the_territorys_communes(manager, world):
    # when Sceaux's manager opens the broadcast screen
    response = manager.get(SCREEN)
    page = response.content.decode()
    # then it is in French, offers Sceaux as a commune, and the nav links to it
    assert response.status_code == 200
    assert "Diffuser une information" in page
    assert f'<option value="{world.sceaux_commune.pk}">Sceaux</option>' in page
    assert f'href="{SCREEN}" aria-current="page">Diffusion</a>' in page


@pytest.mark.parametrize("who", ["agent_sceaux", "front_desk_sceaux"])
def test_agents_without_the_permission_are_refused_in_french(client, world, who):
    # given a case handler or front-desk agent of Sceaux (not a manager)
    client.force_login(getattr(world, who))
    # then the screen and its fragments answer 403 in French, and the nav hides the link
    for url in (SCREEN, f"{SCREEN}audience/?collectivite=sceaux"):
        response = client.get(url)
        assert response.status_code == 403
        assert "réservée aux responsables" in response.content.decode()
    assert client.post(SCREEN, form(world, etape="confirmer")).status_code == 403
    assert ">Diffusion</a>" not in client.get("/agents/").content.decode()
    assert nothing_written()


def test_signing_in_is_required(client, db):
    response = client.get(SCREEN)
    assert response.status_code == 302 and "/agents/connexion/" in response["Location"]


def test_another_authoritys_segment_or_broadcast_is_not_found(client, world, segment):
    # given a broadcast of Sceaux and a manager of Tours
    tours_manager = agent("responsable.tours", world.tours, Role.MANAGER)
    client.force_login(world.manager_sceaux)
    client.post(SCREEN, form(world, etape="confirmer"))
    broadcast = Broadcast.objects.get()
    client.force_login(tours_manager)
    # then Tours can neither use Sceaux's screen nor read its broadcast: French 404s
    for url in (
        f"{SCREEN}?collectivite=sceaux",
        f"{SCREEN}{broadcast.pk}/",
        f"{SCREEN}{broadcast.pk}/etat/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "introuvable" in response.content.decode().lower()


@pytest.mark.parametrize(
    "channels, categories",
    [(["email"], []), (["sms"], []), (["email", "sms"], []), (["email"], ["business"])],
)
def test_the_audience_counts_match_the_selector(manager, world, segment, channels, categories):
    # when the manager picks channels and categories (the htmx fragment)
    query = {
        "collectivite": "sceaux",
        "channels": channels,
        "categories": categories,
        "message": WORKS,
    }
    page = manager.get(f"{SCREEN}audience/", query).content.decode()
    # then each channel's count is the selector's, and the total is the chosen channels'
    expected = {
        channel: broadcast_audience(
            authority=world.sceaux, channel=channel, categories=categories or None
        ).count()
        for channel in ("email", "sms")
    }
    assert f"Par courriel : <strong data-count>{expected['email']}</strong>" in page
    assert f"Par SMS : <strong data-count>{expected['sms']}</strong>" in page
    total = sum(expected[c] for c in channels)
    assert f"Messages à envoyer : <strong>{total}</strong>" in page


def test_the_preview_shows_the_message_and_the_sms_length(manager, world):
    # when the message is plain GSM text
    query = {"collectivite": "sceaux", "channels": ["sms"], "message": "Fete des voisins samedi"}
    page = manager.get(f"{SCREEN}audience/", query).content.decode()
    # then the preview is rendered, counted in GSM-7 (153 per SMS with the opt-out link)
    assert "Ville de Sceaux : Fete des voisins samedi STOP : http" in page
    assert 'id="sms-length">2 SMS (' in page and "codage GSM-7" in page
    # when it has a character outside the GSM alphabet, then UCS-2 needs more SMS
    page = manager.get(f"{SCREEN}audience/", query | {"message": "Fete des voisins 🎉 samedi"})
    assert 'id="sms-length">3 SMS (' in page.content.decode()
    assert "codage UCS-2" in page.content.decode()
    # and a long message is announced as cut
    long = manager.get(f"{SCREEN}audience/", query | {"message": "Travaux. " * 80}).content.decode()
    assert "Le SMS est coupé à 4 SMS" in long


def test_verifying_repeats_the_audience_and_writes_nothing(manager, world, segment):
    # when the manager asks to check before sending
    response = manager.post(SCREEN, form(world, etape="verifier"))
    page = response.content.decode()
    # then the confirmation page repeats the audience size, and nothing is queued yet
    assert response.status_code == 200
    assert '<h2 class="fr-callout__title" id="confirm-total">4 messages à envoyer</h2>' in page
    assert "Confirmer l'envoi des 4 messages" in page
    assert nothing_written()


def test_confirming_queues_the_messages_and_shows_progress_and_history(
    manager,
    world,
    segment,
    inline_queueing,
    smtp_server,
    sms_gateway,
):
    # when the manager confirms
    response = inline_queueing(manager, form(world, etape="confirmer"))
    # then one broadcast is recorded with its segment, and its messages are queued
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{SCREEN}{broadcast.pk}/"
    assert (broadcast.status, broadcast.total, broadcast.queued) == ("queued", 4, 4)
    assert (
        broadcast.communes == [world.sceaux_commune.pk]
        and broadcast.created_by == world.manager_sceaux
    )
    assert Notification.objects.filter(broadcast=broadcast).count() == 4
    events = Event.objects.filter(kind__startswith="notification.broadcast").order_by("id")
    requested, queued = events
    assert requested.kind == "notification.broadcast_requested"
    assert requested.payload["audience"] == {"email": 3, "sms": 1}
    assert queued.payload["queued"] == 4
    # and its page shows the queueing done, polling slowly for the deliveries
    status = manager.get(f"{SCREEN}{broadcast.pk}/etat/").content.decode()
    assert 'data-status="queued"' in status and 'hx-trigger="every 5s"' in status
    assert "4 messages mis en file sur 4 prévus" in status
    # when the worker delivers, then the history counts what was sent, and polling stops
    call_command("worker", once=True, verbosity=0)
    page = manager.get(SCREEN).content.decode()
    row = page.split('id="broadcast-history"')[1]
    assert WORKS[:30] in row and "<td>4</td>" in row and "mise en file terminée" in row.lower()
    status = manager.get(f"{SCREEN}{broadcast.pk}/etat/").content.decode()
    assert "Envoyés : <strong>4</strong>" in status and "hx-trigger" not in status


def queueing_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.queue_broadcast_task.module_path))


def test_confirming_leaves_the_queueing_to_the_worker(
    manager, world, segment, settings, django_capture_on_commit_callbacks, smtp_server,
    sms_gateway,
):  # fmt: skip
    # given the default: broadcasts are queued by the worker, not in the request
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    # when the manager confirms
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(SCREEN, form(world, etape="confirmer"))
    # then the page answers at once: the broadcast waits, with one task for the worker
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert (broadcast.status, broadcast.queued) == ("pending", 0)
    assert not Notification.objects.exists()
    [waiting] = queueing_tasks()
    assert waiting.status == TaskResultStatus.READY and waiting.args_kwargs["args"] == [
        broadcast.pk
    ]
    # and its page polls every second, without offering to resume
    status = manager.get(f"{SCREEN}{broadcast.pk}/etat/").content.decode()
    assert 'data-status="pending"' in status and 'hx-trigger="every 1s"' in status
    assert "Reprendre" not in status
    # when the worker runs once, then it queues the messages and delivers them
    call_command("worker", once=True, verbosity=0)
    waiting.refresh_from_db()
    assert waiting.status == TaskResultStatus.SUCCESSFUL and waiting.return_value == 4
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.total, broadcast.queued) == ("queued", 4, 4)
    assert len(smtp_server.messages) == 3 and len(sms_gateway.requests) == 1
    status = manager.get(f"{SCREEN}{broadcast.pk}/etat/").content.decode()
    assert "Envoyés : <strong>4</strong>" in status and "hx-trigger" not in status


def test_a_failed_queueing_task_shows_the_error_and_can_be_resumed(
    manager, world, segment, settings, django_capture_on_commit_callbacks, monkeypatch
):
    # given a confirmed broadcast whose queueing task fails (the outbox write breaks)
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(SCREEN, form(world, etape="confirmer", channels=["email"]))
    broadcast = Broadcast.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    with monkeypatch.context() as patch:
        patch.setattr(Notification.objects, "bulk_create", broken)
        call_command("worker", once=True, verbosity=0)
    # then the task failed, and the page shows the error and offers to resume
    [failed] = queueing_tasks()
    assert failed.status == TaskResultStatus.FAILED
    page = manager.get(f"{SCREEN}{broadcast.pk}/").content.decode()
    assert "La mise en file a échoué : disque plein" in page
    assert "Reprendre la mise en file" in page
    # when the manager resumes it, then a new task is queued and the worker finishes it
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{SCREEN}{broadcast.pk}/reprendre/")
    assert response.status_code == 302 and len(queueing_tasks()) == 2
    call_command("worker", once=True, verbosity=0)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.queued) == ("queued", 3)
    assert Notification.objects.filter(broadcast=broadcast).count() == 3


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"message": "   "}, "Message", "Le message est vide."),
        ({"channels": []}, "Canaux", "Choisissez le courriel et/ou le SMS."),
        ({"channels": ["fax"]}, "Canaux", "Canal inconnu : « fax »."),
        ({"categories": ["robot"]}, "Catégories d&#x27;usagers", "Catégorie inconnue : « robot »."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_queued(
    manager,
    world,
    segment,
    inline_queueing,
    overrides,
    field,
    message,
):
    for step in ("verifier", "confirmer"):
        response = inline_queueing(manager, form(world, etape=step, **overrides))
        page = response.content.decode()
        assert response.status_code == 400
        assert f"{field} : {message}" in page
    assert nothing_written()


def test_a_commune_outside_the_territory_is_named_and_nothing_is_queued(
    manager,
    world,
    segment,
    inline_queueing,
):
    # when the form is forged with Tours among the communes
    communes = [str(world.sceaux_commune.pk), str(world.tours_commune.pk)]
    response = inline_queueing(manager, form(world, etape="confirmer", communes=communes))
    # then it is refused naming Tours, and nothing is written
    assert response.status_code == 400
    assert "Communes : Hors du territoire de Ville de Sceaux : Tours." in response.content.decode()
    assert nothing_written()


def test_an_empty_audience_is_refused(manager, world, inline_queueing):
    # given nobody in Sceaux has opted in / when the manager confirms
    response = inline_queueing(manager, form(world, etape="confirmer"))
    # then nothing is sent, and the page says why
    assert response.status_code == 400
    assert "Personne ne correspond à ce public" in response.content.decode()
    assert nothing_written()


# The message templates' pages


def test_agents_see_the_kinds_with_their_previews(client, world):
    client.force_login(world.agent_sceaux)
    page = client.get("/notifications/modeles/").content.decode()
    assert "Modèles de message" in page
    assert 'href="/notifications/apercu/sceaux/broadcast/"' in page
    assert "/notifications/modeles/sceaux/status/" not in page  # no edit link: not an administrator
    assert client.get("/notifications/modeles/sceaux/status/").status_code == 404


@pytest.fixture
def administrator(client, world):
    client.force_login(agent("admin.sceaux", world.sceaux, Role.ADMINISTRATOR))
    return client


def test_an_unknown_variable_is_refused_naming_it(administrator, world):
    response = administrator.post(
        "/notifications/modeles/sceaux/status/",
        {"subject": "Demande {{ referance }} : {{ etat }}", "text": "", "sms": "{% load static %}"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Variable inconnue : « referance »" in page
    assert "Balise non autorisée : « {% load %} »" in page
    assert not MessageTemplate.objects.exists()


def test_a_valid_template_is_saved_and_used(administrator, world):
    response = administrator.post(
        "/notifications/modeles/sceaux/broadcast/",
        {
            "subject": "{{ collectivite|upper }} vous informe",
            "text": "",
            "sms": "{% if message %}Sceaux : {{ message }}{% endif %}",
        },
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get(authority=world.sceaux, message_kind="broadcast")
    assert template.subject == "{{ collectivite|upper }} vous informe"
    assert Event.objects.filter(kind="notification.template_changed").count() == 1
    page = administrator.get("/notifications/apercu/sceaux/broadcast/").content.decode()
    assert "VILLE DE SCEAUX vous informe" in page


def test_a_stalled_broadcast_can_be_resumed_without_duplicates(
    manager, world, segment, settings, django_capture_on_commit_callbacks
):
    # given a broadcast recorded 11 minutes ago whose queueing stopped after one message
    settings.GUICHET_BROADCAST_IN_BACKGROUND = True
    with clock.frozen_at(clock.now() - timedelta(minutes=11)):
        planned = actions.plan_broadcast(
            authority=world.sceaux, actor=Actor.agent(world.manager_sceaux), message=WORKS,
            channels=["email"],
        )  # fmt: skip
    first = broadcast_audience(authority=world.sceaux, channel="email").first()
    Notification.objects.create(
        person=first, authority=world.sceaux, broadcast=planned, channel="email",
        message_kind="broadcast", recipient=first.recipient, text=WORKS,
        next_attempt_at=clock.now(), idempotency_key=f"broadcast:{planned.pk}:email:{first.pk}",
    )  # fmt: skip
    # then its page offers to resume
    assert "Reprendre la mise en file" in manager.get(f"{SCREEN}{planned.pk}/").content.decode()
    # when the manager resumes it
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{SCREEN}{planned.pk}/reprendre/")
    assert response.status_code == 302
    call_command("worker", once=True, verbosity=0)
    # then every person has exactly one message and the broadcast is done
    planned.refresh_from_db()
    assert (planned.status, planned.total, planned.queued) == ("queued", 3, 3)
    assert Notification.objects.filter(broadcast=planned).count() == 3
    assert "Reprendre" not in manager.get(f"{SCREEN}{planned.pk}/").content.decode()


def test_calculer_l_audience_works_without_javascript(manager, world, segment):
    # when the manager presses "Calculer l'audience" (a plain form post)
    response = manager.post(SCREEN, form(world, etape="calculer", channels=["email"]))
    page = response.content.decode()
    # then the page comes back with the audience and the form as filled, nothing written
    assert response.status_code == 200
    assert "Messages à envoyer : <strong>3</strong>" in page and WORKS in page
    assert nothing_written()


@pytest.mark.parametrize("commune", ["abc", "99999999999999999999999", "-3"])
def test_a_forged_commune_is_refused_in_french(manager, world, segment, commune):
    response = manager.post(SCREEN, form(world, etape="verifier", communes=[commune]))
    assert response.status_code == 400
    assert f"Hors du territoire de Ville de Sceaux : « {commune} »" in response.content.decode()
    assert nothing_written()


def test_a_double_click_on_confirm_sends_once(manager, world, segment, inline_queueing):
    # when the confirmation is posted twice in a row
    inline_queueing(manager, form(world, etape="confirmer"))
    response = inline_queueing(manager, form(world, etape="confirmer"))
    # then the second is refused in French and only one broadcast exists
    assert response.status_code == 400
    assert "vient déjà d&#x27;être envoyé" in response.content.decode()
    assert Broadcast.objects.count() == 1 and Notification.objects.count() == 4
