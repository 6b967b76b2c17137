"""The followers of a request are told of its progress once each, through the real outbox
and SMTP server, on their own address and with none of the filer's personal data."""

from __future__ import annotations

from cases.factories import SYSTEM, file_request

from guichet.cases import actions
from guichet.core.journal import Actor
from guichet.people import actions as people
from guichet.people.actions import Applicant

from .test_request_life import deliver_everything


def bodies(message) -> str:
    return "\n".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    )


def test_followers_get_status_and_resolution_once_without_the_filers_data(world, smtp_server):
    # given Alice's report, followed by Bob and by a visitor who gave an e-mail
    agent = Actor.agent(world.manager_sceaux)
    request = file_request(world)
    actions.follow_request(request=request, person=world.bob)
    actions.follow_request(
        request=request, person=Applicant(email="claire@exemple.fr"),
        registrar=Actor.application("portail"),
    )  # fmt: skip
    deliver_everything()
    smtp_server.messages.clear()
    # when the agent takes it, asks Alice a question, writes to her, then resolves it
    request = actions.change_status(request=request, to="in_progress", actor=agent, role="manager")
    request = actions.change_status(
        request=request, to="waiting_user", actor=agent, role="manager",
        note="Madame Martin, joignez une photo.",
    )  # fmt: skip
    actions.send_message(request=request, actor=agent, body="Alice, nous passerons jeudi.")
    request = actions.change_status(request=request, to="in_progress", actor=agent, role="manager")
    actions.change_status(
        request=request, to="resolved", actor=agent, role="manager", note="Alice Martin : rebouché."
    )
    deliver_everything()
    # then each follower got the two progress messages and the resolution, once each
    ref = request.reference
    for address in ("bob@exemple.fr", "claire@exemple.fr"):
        subjects = [m["Subject"] for m in smtp_server.messages if m["To"] == address]
        assert subjects == [
            f"Demande {ref} : en cours",
            f"Demande {ref} : en cours",
            f"Demande {ref} traitée",
        ]
    # and never the filer's name, her question, her messages, her tracking secret or survey
    for message in smtp_server.messages:
        if message["To"] == "alice@exemple.fr":
            continue
        text = bodies(message)
        assert "Alice" not in text and "Martin" not in text
        assert request.tracking_secret not in text and "/satisfaction/" not in text
        assert "cle=" not in text
    bob = next(m for m in smtp_server.messages if m["To"] == "bob@exemple.fr")
    assert "Bonjour Bob Durand" in bodies(bob)
    # and each follower's opt-out link is their own
    assert {m["List-Unsubscribe"] for m in smtp_server.messages if m["To"] == "bob@exemple.fr"}
    assert not (
        {m["List-Unsubscribe"] for m in smtp_server.messages if m["To"] == "bob@exemple.fr"}
        & {m["List-Unsubscribe"] for m in smtp_server.messages if m["To"] == "alice@exemple.fr"}
    )
    # and Alice still got her own messages, not twice
    alice = [m["Subject"] for m in smtp_server.messages if m["To"] == "alice@exemple.fr"]
    assert alice.count(f"Demande {ref} traitée") == 1


def test_a_follower_who_declined_status_messages_gets_none(world, smtp_server):
    request = file_request(world)
    actions.follow_request(request=request, person=world.bob)
    people.set_preferences(
        actor=SYSTEM, person=world.bob,
        preferences={("status", "email"): False, ("resolved", "email"): False},
    )  # fmt: skip
    deliver_everything()
    smtp_server.messages.clear()
    agent = Actor.agent(world.manager_sceaux)
    request = actions.change_status(request=request, to="in_progress", actor=agent, role="manager")
    actions.change_status(request=request, to="resolved", actor=agent, role="manager", note="Ok.")
    deliver_everything()
    assert [m for m in smtp_server.messages if m["To"] == "bob@exemple.fr"] == []
    assert len([m for m in smtp_server.messages if m["To"] == "alice@exemple.fr"]) == 2
