"""The person's notification page: signed in or from a message's link, and what it changes."""

from __future__ import annotations

import re

import pytest
from cases.factories import SYSTEM, file_request, person
from django.core import mail
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.cases import actions as cases
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.notifications import optout
from guichet.notifications.models import Notification
from guichet.people import actions as people
from guichet.people.models import Consent, NotificationPreference
from guichet.people.selectors import wants

KINDS = NotificationPreference.MessageKind.values
PAGE = "/mon-compte/notifications/"


def signed_in(client, someone):
    session = client.session
    session["person_id"] = someone.pk
    session.save()
    return client


def grid(**checked) -> dict:
    """The form as the browser sends it: e-mail for every kind (the default), plus `checked`."""
    data = {f"{kind}__email": "on" for kind in KINDS}
    for name, value in checked.items():
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    return data


def move(request, to, world, note=""):
    return cases.change_status(
        request=request, to=to, actor=Actor.agent(world.manager_sceaux), role="manager", note=note
    )


def test_a_signed_in_person_sees_the_grid_with_the_defaults(client, world):
    # given Alice, signed in, who never chose anything
    # when she opens her notifications page
    response = signed_in(client, world.alice).get(PAGE)
    # then e-mail is ticked for each kind of message, SMS for none, in French
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mes notifications" in page and "Ne plus rien recevoir" in page
    assert 'name="status__email" id="id_status__email" checked' in page
    assert 'name="status__sms" id="id_status__sms">' in page


def test_the_page_asks_to_sign_in_first(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"] == "/connexion/"


def test_my_requests_links_to_the_notifications_page(client, world):
    page = signed_in(client, world.alice).get("/mes-demandes/").content.decode()
    assert f'href="{PAGE}"' in page


def test_unticking_sms_for_status_messages_stops_those_sms(client, world):
    # given Alice asked for status changes by SMS on her page, and a request of hers
    client = signed_in(client, world.alice)
    response = client.post(PAGE, grid(status__sms=True))
    assert response.status_code == 302 and response["Location"] == PAGE
    request = file_request(world)
    request = move(request, "in_progress", world)
    assert (
        Notification.objects.filter(request=request, message_kind="status", channel="sms").count()
        == 1
    )

    # when she unticks it (post-redirect-get, with a French confirmation)
    response = client.post(PAGE, grid(status__sms=False), follow=True)
    assert "Vos préférences sont enregistrées." in response.content.decode()
    # and her request waits for her, then is in progress again
    request = move(request, "waiting_user", world, note="Une photo, merci.")
    move(request, "in_progress", world)
    # then that status change queues an e-mail and no SMS
    status = Notification.objects.filter(request=request, message_kind="status")
    assert sorted(n.channel for n in status) == ["email", "email", "sms"]
    assert Notification.objects.filter(request=request, channel="sms").count() == 1
    # and each save was one journal event
    assert (
        Event.objects.filter(kind="person.preferences_changed", person_id=world.alice.pk).count()
        == 2
    )


def test_ne_plus_rien_recevoir_stops_everything(client, world, smtp_server):
    # given Alice, signed in
    client = signed_in(client, world.alice)
    # when she ticks "ne plus rien recevoir"
    response = client.post(PAGE, grid(stop_all=True))
    assert response.status_code == 302
    # then her next request sends nothing at all, even once the worker runs
    file_request(world)
    call_command("worker", once=True, verbosity=0)
    assert Notification.objects.filter(person=world.alice).count() == 0
    assert smtp_server.messages == []
    (decision,) = Event.objects.filter(kind="person.consent_recorded", person_id=world.alice.pk)
    assert decision.payload == {
        "purpose": "notifications",
        "granted": False,
        "source": "espace usager",
    }
    # and the page shows her choice
    assert 'name="stop_all" id="id_stop_all" checked' in client.get(PAGE).content.decode()


def test_consenting_to_information_lets_broadcasts_reach_the_person(client, world):
    # given Alice has not consented to the authority's information
    assert not wants(world.alice, "broadcast", "email")
    # when she ticks it on her page
    signed_in(client, world.alice).post(PAGE, grid(information=True))
    # then she is in the audience, and it was one consent decision
    assert wants(world.alice, "broadcast", "email")
    assert (
        Consent.objects.filter(person=world.alice, purpose="broadcast", granted=True).count() == 1
    )


def test_sms_cannot_be_chosen_without_a_phone(client, world):
    # given Bob, who has an e-mail but no phone
    client = signed_in(client, world.bob)
    # then the page says SMS needs a phone and greys the SMS boxes
    page = client.get(PAGE).content.decode()
    assert "aucun n'est enregistré pour vous" in page
    assert 'name="receipt__sms" disabled' in page
    # when a forged form asks for SMS anyway
    response = client.post(PAGE, grid(receipt__sms=True))
    # then it is refused in French, and nothing is written
    assert response.status_code == 400
    assert "SMS : aucun numéro de téléphone" in response.content.decode()
    assert not NotificationPreference.objects.filter(person=world.bob).exists()


def test_saving_without_change_writes_nothing(client, world):
    response = signed_in(client, world.alice).post(PAGE, grid(), follow=True)
    assert "Aucun changement." in response.content.decode()
    assert not Event.objects.filter(
        person_id=world.alice.pk, kind__in=["person.preferences_changed", "person.consent_recorded"]
    ).exists()


def test_the_opt_out_page_sends_a_preferences_link_that_opens_the_page(client, world):
    # given a message's opt-out link for Bob, in a browser that is not signed in
    link = optout.url_for(world.bob.pk).removeprefix("http://testserver")
    unsubscribe = link.split("://", 1)[1].split("/", 1)[1]
    # when he opens it, then it offers to send him a link to manage his preferences
    page = client.get(f"/{unsubscribe}").content.decode()
    assert "Recevoir un lien vers mes préférences" in page
    sent = client.post(f"/{unsubscribe}", {"action": "lien-preferences"})
    assert "Un lien vers vos préférences vient de vous être envoyé" in sent.content.decode()
    # and the link, e-mailed to his own address, opens the page without signing in
    (message,) = mail.outbox
    assert message.to == ["bob@exemple.fr"] and "valable 30 jours" in message.body
    manage = re.search(r"https?://[^/\s]+(/mon-compte/notifications/lien/\S+/)", message.body)[1]
    assert client.get(manage).status_code == 200
    # where he turns e-mail off for agents' messages; his consent was not withdrawn
    response = client.post(manage, grid(message__email=False))
    assert response.status_code == 302 and response["Location"] == manage
    assert not wants(world.bob, "message", "email")
    assert wants(world.bob, "status", "email")


def test_a_bad_link_gives_a_french_not_found_page(client, db):
    response = client.get("/mon-compte/notifications/lien/pas-un-jeton/")
    assert response.status_code == 404
    assert (
        "Ce lien de gestion des notifications n&#x27;est pas valide." in response.content.decode()
    )
    assert client.post("/mon-compte/notifications/lien/pas-un-jeton/", grid()).status_code == 404


@pytest.mark.parametrize("kind", ["receipt", "resolved"])
def test_every_message_kind_is_a_row_of_the_grid(client, world, kind):
    someone = person("Chloé", "Test", email="chloe@exemple.fr", phone="06 99 88 77 66")
    people.set_preferences(actor=SYSTEM, person=someone, preferences={(kind, "sms"): True})
    page = signed_in(client, someone).get(PAGE).content.decode()
    assert f'name="{kind}__sms" id="id_{kind}__sms" checked' in page
    assert page.count("<tr>") >= len(KINDS) + 1


def test_a_bad_opt_out_link_gives_a_french_not_found_page(client, db):
    response = client.get("/notifications/desabonnement/pas-un-jeton/")
    assert response.status_code == 404
    assert "Ce lien de désabonnement n&#x27;est pas valide." in response.content.decode()
    assert 'lang="fr"' in response.content.decode()


BOXES = [f"{kind}__{channel}" for kind in KINDS for channel in ("email", "sms")]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ticked=st.sets(st.sampled_from(BOXES)),
    information=st.booleans(),
    stop_all=st.booleans(),
)
def test_whatever_was_chosen_before_the_saved_grid_is_what_wants_answers(
    client, world, ticked, information, stop_all
):
    # given Alice (e-mail and phone), whatever the previous example left her with
    client = signed_in(client, world.alice)
    # when she saves any combination of the grid and the two consents
    data = {box: "on" for box in ticked}
    data |= {"information": "on"} if information else {}
    data |= {"stop_all": "on"} if stop_all else {}
    assert client.post(PAGE, data).status_code == 302
    # then every (kind, channel) is sent exactly when the page says so
    for box in BOXES:
        kind, channel = box.split("__")
        expected = box in ticked and not stop_all and (kind != "broadcast" or information)
        assert wants(world.alice, kind, channel) is expected, box
    # and the page shows back what she saved
    page = client.get(PAGE).content.decode()
    for box in BOXES:
        assert (f'name="{box}" id="id_{box}" checked' in page) is (box in ticked), box
