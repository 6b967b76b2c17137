"""Unsubscribe links never expire but only unsubscribe (RFC 8058 one-click for broadcasts);
preference links expire, and only they open the preferences page."""

from __future__ import annotations

import re
import time

from cases.factories import SYSTEM, person
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client

from guichet.core.journal import Actor
from guichet.notifications import actions, optout
from guichet.people import actions as people
from guichet.people.selectors import consents_in_force


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_broadcast_unsubscribes_in_one_click_from_the_mail_client(world, smtp_server):
    # given a resident of Sceaux who accepted the town's information
    resident = person("Oui", "Test", email="oui@exemple.fr", commune=world.sceaux_commune)
    people.record_consent(
        actor=SYSTEM, person=resident, purpose="broadcast", granted=True, source="test"
    )
    # when Sceaux broadcasts by e-mail
    actions.broadcast(
        authority=world.sceaux, actor=Actor.agent(world.manager_sceaux),
        message="Travaux rue Houdan du 3 au 7 mars.", channels=["email"],
    )  # fmt: skip
    call_command("worker", once=True, verbosity=0)
    # then the e-mail announces one-click unsubscription (RFC 8058)
    (sent,) = smtp_server.messages
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(
        r"<(https?://\S+/notifications/desabonnement/\S+/)>", sent["List-Unsubscribe"]
    )[1]
    # when a mail scanner fetches the URL, nothing changes
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(path_of(url)).status_code == 200
    assert consents_in_force(resident)["broadcast"].granted is True
    # when the mail client posts the one-click body, without cookie nor CSRF token
    response = mail_client.post(
        path_of(url), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    # then the resident no longer receives the town's information, and still their requests'
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    consents = consents_in_force(resident)
    assert consents["broadcast"].granted is False
    assert consents["broadcast"].source == "désabonnement en un clic"
    assert "notifications" not in consents


def test_a_request_email_unsubscribes_after_confirmation_only(world, client):
    # given the unsubscribe link of Alice's request messages
    url = optout.url_for(world.alice.pk)
    # when it is posted without the one-click body (the page's button)
    response = client.post(path_of(url))
    # then her notifications consent is withdrawn
    assert "C'est noté" in response.content.decode()
    assert consents_in_force(world.alice)["notifications"].granted is False


def test_an_unsubscribe_link_does_not_open_the_preferences(world, client):
    # given Bob's unsubscribe token (it never expires)
    token = optout.token_for(world.bob.pk)
    # when it is put in the preferences URL
    page = client.get(f"/mon-compte/notifications/lien/{token}/")
    # then the page does not open: it offers a new link, sent to Bob's own address only
    assert page.status_code == 410
    text = page.content.decode()
    assert "Ce lien a expiré" in text and "preferences-grid" not in text
    sent = client.post(f"/mon-compte/notifications/lien/{token}/")
    assert "Un nouveau lien vient de vous être envoyé" in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["bob@exemple.fr"]]


def test_an_expired_preference_link_says_so_in_french_and_sends_a_new_one(world, client):
    # given a preferences link for Alice made 31 days ago
    class Past(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - optout.PREFERENCES_MAX_AGE - 60)

    old = Past(salt=optout.PREFERENCES_SALT).sign_object({"p": world.alice.pk})
    fresh = optout.preferences_token_for(world.alice.pk)
    # when she opens both
    expired = client.get(f"/mon-compte/notifications/lien/{old}/")
    valid = client.get(f"/mon-compte/notifications/lien/{fresh}/")
    # then the old one says it expired and offers a new link; the fresh one opens the page
    assert expired.status_code == 410
    assert "Les liens de gestion des notifications sont valables 30 jours" in (
        expired.content.decode()
    )
    assert valid.status_code == 200 and "preferences-grid" in valid.content.decode()
    # when she asks for a new one, it comes by e-mail and opens the page
    client.post(f"/mon-compte/notifications/lien/{old}/")
    (message,) = mail.outbox
    assert message.to == ["alice@exemple.fr"]
    link = re.search(r"https?://\S+/mon-compte/notifications/lien/\S+/", message.body)[0]
    assert client.get(path_of(link)).status_code == 200


def test_preference_links_asked_too_often_are_not_sent(world, client):
    token = optout.token_for(world.bob.pk)
    for _ in range(optout.SEND_LIMIT):
        client.post(f"/notifications/desabonnement/{token}/", {"action": "lien-preferences"})
    refused = client.post(f"/notifications/desabonnement/{token}/", {"action": "lien-preferences"})
    assert "Aucun lien n'a pu être envoyé" in refused.content.decode()
    assert len(mail.outbox) == optout.SEND_LIMIT
