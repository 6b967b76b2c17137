"""The designer's « Messages » tab: a service's own notification texts, checked like an
authority's, previewed through the product's renderer, and used by the outbox for that
service's requests only."""

import pytest
from django.urls import reverse

from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications.actions import TemplateError, save_service_template, save_template
from guichet.notifications.models import MessageTemplate, Notification
from guichet.notifications.templating import render

from ..conftest import file_question

RECEIPT_TEXT = "Terrasses : {{ usager }}, votre demande {{ reference }} est bien arrivée."


def url(name, *args):
    return reverse(f"backoffice:designer:{name}", args=args)


def _main(response):
    page = response.content.decode()
    return page[page.find("<main") : page.find("</main>")]


def _render(authority, service, kind="receipt"):
    return render(
        authority=authority, message_kind=kind, variables={"usager": "Camille"},
        unsubscribe_url="https://exemple.fr/stop", service_id=service.pk if service else None,
    )  # fmt: skip


def test_the_tab_lists_what_a_request_sends_with_where_each_text_comes_from(dworld, client):
    save_template(
        actor=Actor.agent(dworld.admin), authority=dworld.sceaux, message_kind="status",
        subject="Sceaux : {{ etat }}", text="", sms="",
    )  # fmt: skip
    client.force_login(dworld.designer)
    response = client.get(url("messages", dworld.terrace.pk))
    page = _main(response)
    assert response.status_code == 200
    for label in ("Accusé de réception", "Changement d&#x27;état", "Demande traitée",
                  "Action attendue de ma part", "Message d&#x27;un agent"):  # fmt: skip
        assert label in page, label
    assert "Rappel de rendez-vous" not in page  # not a request's message
    assert "hérité de la collectivité" in page and "texte par défaut" in page
    assert "Sceaux : en cours" in page  # the preview, with sample values
    assert "lien_suivi" in page  # the safe variables are listed


def test_a_service_text_is_saved_in_one_event_and_used_for_that_service_only(dworld, client):
    client.force_login(dworld.designer)
    response = client.post(
        url("message_edit", dworld.terrace.pk, "receipt"),
        {"subject": "Terrasse {{ reference }}", "text": RECEIPT_TEXT, "sms": ""},
    )
    assert response.status_code == 302, _main(response)
    events = Event.objects.filter(kind="notification.service-template-changed")
    assert events.count() == 1 and events.get().payload["service"] == dworld.terrace.pk
    # the terrace's requests read the service's text; another service keeps the town's
    mine = _render(dworld.sceaux, dworld.terrace)
    assert mine.subject == "Terrasse" and "Camille, votre demande" in mine.text
    assert "STOP" in mine.sms and "reçue" in mine.sms  # the empty SMS is inherited
    for other in (_render(dworld.sceaux, dworld.question), _render(dworld.sceaux, None)):
        assert "Terrasse" not in other.subject and "Terrasses" not in other.text
    # the page says so
    page = _main(client.get(url("messages", dworld.terrace.pk)))
    assert "propre au service" in page
    # emptying the three fields goes back to the inherited text
    response = client.post(
        url("message_edit", dworld.terrace.pk, "receipt"), {"subject": "", "text": "", "sms": ""}
    )
    assert response.status_code == 302
    assert not MessageTemplate.objects.filter(service=dworld.terrace).exists()
    assert "Terrasses" not in _render(dworld.sceaux, dworld.terrace).text


def test_the_outbox_writes_the_services_text_for_its_requests(dworld):
    # given Sceaux's own receipt, and a receipt of its own for the general question
    save_template(
        actor=Actor.agent(dworld.admin), authority=dworld.sceaux, message_kind="receipt",
        subject="Sceaux a reçu {{ reference }}", text="Texte de Sceaux.", sms="",
    )  # fmt: skip
    save_service_template(
        actor=Actor.agent(dworld.designer), authority=dworld.sceaux, service=dworld.question,
        message_kind="receipt", subject="", text="Votre question {{ reference }} est arrivée.",
        sms="",
    )  # fmt: skip
    # when a question is filed in Sceaux
    case = file_question(dworld)
    row = Notification.objects.get(request=case, channel="email", message_kind="receipt")
    # then the text is the service's, the subject (left empty there) the town's
    assert row.text.startswith(f"Votre question {case.reference} est arrivée.")
    assert row.subject == f"Sceaux a reçu {case.reference}"
    # and Issy's question is not concerned (the text is Sceaux's)
    other = file_question(dworld, commune=dworld.issy_commune)
    assert other.authority == dworld.issy
    text = Notification.objects.get(request=other, channel="email", message_kind="receipt").text
    assert "Votre question" not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour {{ usagr }}", "Variable inconnue : « usagr »"),
        ("{% load static %}", "Balise non autorisée"),
        ("{{ usager|bogus }}", "filtre inconnu"),
        ("{% if motif %}sans fin", "Modèle invalide"),
    ],
)
def test_an_unsafe_text_is_refused_in_french_and_nothing_saved(dworld, client, text, expected):
    client.force_login(dworld.designer)
    response = client.post(
        url("message_edit", dworld.terrace.pk, "status"), {"subject": "", "text": text, "sms": ""}
    )
    assert response.status_code == 400
    assert expected in _main(response)
    assert text in response.content.decode() or "{%" in text  # the typed text is kept
    assert not MessageTemplate.objects.filter(service=dworld.terrace).exists()
    assert not Event.objects.filter(kind="notification.service-template-changed").exists()
    with pytest.raises(TemplateError):
        save_service_template(
            actor=Actor.agent(dworld.designer), authority=dworld.sceaux, service=dworld.terrace,
            message_kind="status", subject="", text=text, sms="",
        )  # fmt: skip


def test_the_preview_renders_the_typed_text_without_saving_it(dworld, client):
    client.force_login(dworld.designer)
    edit = url("message_edit", dworld.terrace.pk, "resolved")
    page = _main(client.get(edit))
    assert "Aperçu du message en vigueur" in page and "EX-2026-000123 a été traitée" in page
    response = client.post(
        edit, {"subject": "", "text": "C'est fait, {{ usager }} !", "sms": "", "apercu": "1"}
    )
    page = _main(response)
    assert response.status_code == 200
    assert "texte saisi (non enregistré)" in page and "C&#x27;est fait, Camille Exemple !" in page
    assert "Demande EX-2026-000123 traitée" in page  # the empty subject: the inherited one
    assert not MessageTemplate.objects.exists()
    bad = client.post(edit, {"subject": "", "text": "{{ secret }}", "sms": "", "apercu": "1"})
    assert bad.status_code == 400 and "Variable inconnue : « secret »" in _main(bad)


def test_access_other_authority_404_non_designer_403_unknown_kind_404(dworld, client):
    client.force_login(dworld.issy_designer)
    assert client.get(url("messages", dworld.terrace.pk)).status_code == 404
    response = client.post(
        url("message_edit", dworld.terrace.pk, "receipt"), {"subject": "x", "text": "", "sms": ""}
    )
    assert response.status_code == 404
    client.force_login(dworld.handler)  # an agent of Sceaux, not a designer
    assert client.get(url("messages", dworld.terrace.pk)).status_code == 403
    assert client.get(url("message_edit", dworld.terrace.pk, "receipt")).status_code == 403
    client.force_login(dworld.designer)
    assert client.get(url("message_edit", dworld.terrace.pk, "broadcast")).status_code == 404
    assert client.get(url("message_edit", dworld.terrace.pk, "nope")).status_code == 404
    assert not MessageTemplate.objects.exists()
