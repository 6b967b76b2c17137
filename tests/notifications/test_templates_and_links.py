"""Per-authority wording, safe variables, the opt-out link and the agents' preview."""

from __future__ import annotations

from cases.factories import agent, file_request
from django.core.management import call_command

from guichet.notifications import optout
from guichet.notifications.models import MessageTemplate, Notification
from guichet.notifications.templating import render
from guichet.people.selectors import consents_in_force


def test_an_authority_template_replaces_the_default_wording(world):
    # given Sceaux's own receipt subject
    MessageTemplate.objects.create(
        authority=world.sceaux, message_kind="receipt", subject="Sceaux a reçu {{ reference }}"
    )
    # when a request is filed there
    request = file_request(world)
    # then the e-mail uses it, and the default text for what Sceaux left empty
    email = Notification.objects.get(request=request, channel="email")
    assert email.subject == f"Sceaux a reçu {request.reference}"
    assert "Nous avons bien reçu votre demande" in email.text


def test_variables_are_escaped_in_html_and_templates_see_no_objects(world):
    # given a template that tries to reach a model and a variable carrying markup
    MessageTemplate.objects.create(
        authority=world.sceaux, message_kind="message",
        text="{{ message }} {{ request.person.identities }}{{ settings.SECRET_KEY }}",
    )  # fmt: skip
    # when it is rendered
    rendered = render(
        authority=world.sceaux, message_kind="message",
        variables={"message": "<script>alert(1)</script>"}, unsubscribe_url="https://x/d/",
    )  # fmt: skip
    # then the markup is escaped in HTML, kept as text in the plain part, and nothing else leaks
    assert "&lt;script&gt;" in rendered.html and "<script>" not in rendered.html
    assert rendered.text.startswith("<script>alert(1)</script>")
    assert "SECRET" not in rendered.text and "identities" not in rendered.text


def test_a_message_for_one_channel_renders_that_channel_only(world):
    # given the variables of a receipt
    variables = {"reference": "ABCD-1234", "collectivite": "Sceaux", "lien_suivi": "https://x/s"}
    everything = render(authority=world.sceaux, message_kind="receipt", variables=variables,
                        unsubscribe_url="https://x/d/")  # fmt: skip
    # when it is rendered for e-mail, then for SMS
    email = render(authority=world.sceaux, message_kind="receipt", variables=variables,
                   unsubscribe_url="https://x/d/", channel="email")  # fmt: skip
    sms = render(authority=world.sceaux, message_kind="receipt", variables=variables,
                 unsubscribe_url="https://x/d/", channel="sms")  # fmt: skip
    # then each holds its own forms exactly as the full rendering, and nothing of the other
    assert (email.subject, email.text, email.html) == (
        everything.subject,
        everything.text,
        everything.html,
    )
    assert email.sms == "" and "ABCD-1234" in email.subject
    assert sms.sms == everything.sms and "ABCD-1234" in sms.sms
    assert (sms.subject, sms.text, sms.html) == ("", "", "")


def test_the_opt_out_link_withdraws_the_consent_after_confirmation(world, client):
    # given the link sent to Alice
    url = optout.url_for(world.alice.pk).split("127.0.0.1:8000", 1)[1]
    # when she opens it, nothing changes yet (mail scanners follow links)
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer" in page.content.decode()
    assert "notifications" not in consents_in_force(world.alice)
    # when she confirms
    client.post(url)
    # then her notifications consent is withdrawn and nothing more is queued
    assert consents_in_force(world.alice)["notifications"].granted is False
    file_request(world)
    assert Notification.objects.count() == 0


def test_a_forged_opt_out_link_is_not_found(world, client):
    # given a token signed with another key / when opened
    page = client.get("/notifications/desabonnement/eyJwIjoxfQ:forged:abc/")
    # then it is refused
    assert page.status_code == 404


def test_agents_preview_their_authoritys_messages(world, client):
    # given an agent of Sceaux
    client.force_login(world.agent_sceaux)
    # when they preview the receipt
    page = client.get("/notifications/apercu/sceaux/receipt/")
    # then they see the e-mail and the SMS with sample values
    body = page.content.decode()
    assert page.status_code == 200
    assert "EX-2026-000123" in body and "STOP" in body


def test_the_preview_is_not_found_for_another_authoritys_agent_or_anonymous(world, client):
    # given an agent of Tours and an anonymous visitor
    # when they ask for Sceaux's preview
    anonymous = client.get("/notifications/apercu/sceaux/receipt/")
    client.force_login(agent("agent.ailleurs", world.tours))
    foreign = client.get("/notifications/apercu/sceaux/receipt/")
    # then the visitor is sent to log in and the other agent gets "not found"
    assert anonymous.status_code == 302
    assert foreign.status_code == 404


def test_a_worker_run_with_nothing_due_sends_nothing(world, smtp_server):
    # given an empty outbox / when the worker runs
    call_command("worker", once=True, verbosity=0)
    # then nothing was sent
    assert smtp_server.messages == []
