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
