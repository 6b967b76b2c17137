"""Done when (issue 16): an SMS « lampadaire éteint rue … » is routed to public lighting, with
its score shown to the agent, in a real browser; one click on another suggestion moves it."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from browser_checks import audit, screenshot, signed_in_page
from cases.factories import build_world

from guichet.cases.models import Request
from guichet.triage import actions, synthetic
from guichet.triage.models import Suggestion

TOKEN = "jeton-sms-navigateur"
LIGHTING = "eclairage-public-en-panne"


def post_sms(base_url: str, text: str) -> str:
    data = urllib.parse.urlencode({"from": "+33612345678", "to": "0141133300", "text": text})
    call = urllib.request.Request(  # noqa: S310 - the live test server
        f"{base_url}/canaux/sms/entrant/", data=data.encode(),
        headers={"Authorization": f"Bearer {TOKEN}"}, method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(call, timeout=30) as answer:  # noqa: S310
        assert answer.status == 201
        return json.loads(answer.read())["reference"]


@pytest.mark.browser
def test_an_sms_about_a_street_lamp_reaches_lighting_with_its_score_on_the_agent_page(
    live_server, page, settings, transactional_db
):
    # given Sceaux, its SMS number and a trained model
    world = build_world()
    settings.GUICHET_INBOUND_SMS_TOKEN = TOKEN
    world.sceaux.contact_phone = "01 41 13 33 00"
    world.sceaux.save(update_fields=["contact_phone"])
    texts, labels = synthetic.corpus(1000)
    actions.train_model(authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels)
    # when a resident texts the town's number
    reference = post_sms(live_server.url, "lampadaire éteint rue Houdan")
    # then the request is on public lighting, moved by the triage after its filing
    request = Request.objects.get(reference=reference)
    suggestion = Suggestion.objects.get(request=request)
    assert request.service.slug == LIGHTING and request.channel == "sms"
    assert suggestion.outcome == Suggestion.Outcome.AUTO_ROUTED
    # and the agent sees where it went, with the score, on the request page
    signed_in_page(page, live_server.url, world.agent_sceaux)
    page.goto(f"{live_server.url}/agents/demandes/{request.pk}/")
    panel = page.locator("#tri")
    assert "Demande orientée automatiquement vers" in panel.inner_text()
    score = panel.locator("[data-triage-score]").inner_text().strip()
    assert score == f"{round(suggestion.score * 100)} %"
    assert "lampadaire éteint rue Houdan" in page.content()
    audit(page)
    screenshot(page, "triage-sms-auto-routed")
    # when the agent corrects it with one click on another suggestion
    other = suggestion.suggestions[1][0]
    panel.locator(f'button[data-service="{other}"]').click()
    page.wait_for_selector("text=La demande relève du service retenu")
    # then the request is on that service, the correction recorded
    request.refresh_from_db()
    suggestion.refresh_from_db()
    assert request.service.slug == other and suggestion.outcome == Suggestion.Outcome.CORRECTED
    audit(page)


@pytest.mark.browser
def test_a_reply_suggestion_is_copied_into_the_reply_box_and_never_sent(
    live_server, page, transactional_db
):
    from cases.factories import bring_to, file_request, form_for

    from guichet.cases import actions as cases
    from guichet.cases.models import Message
    from guichet.core.journal import Actor

    # given a resolved lighting request an agent answered, and a new similar one
    world = build_world()
    texts, labels = synthetic.corpus(600)
    actions.train_model(authority=world.sceaux, actor=actions.SYSTEM, texts=texts, labels=labels)
    reply = "Nos équipes ont remplacé l'ampoule du lampadaire : il fonctionne de nouveau."
    old = file_request(
        world, LIGHTING, form_data=form_for(LIGHTING, commentaire="Le lampadaire 12 est éteint.")
    )
    cases.send_message(request=old, actor=Actor.agent(world.agent_sceaux), body=reply)
    bring_to(world, old, "resolved")
    new = file_request(
        world, LIGHTING, form_data=form_for(LIGHTING, commentaire="Lampadaire 14 éteint.")
    )
    sent = Message.objects.count()
    # when the agent takes the suggested reply
    signed_in_page(page, live_server.url, world.agent_sceaux)
    page.goto(f"{live_server.url}/agents/demandes/{new.pk}/")
    page.locator("#reponses-semblables button[data-insert-reply]").first.click()
    # then it is in « Écrire à l'usager », to edit, and nothing was sent
    box = page.locator('section[aria-labelledby="action-message"] textarea')
    assert box.input_value() == reply
    assert Message.objects.count() == sent
    audit(page)
