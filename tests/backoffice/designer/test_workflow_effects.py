"""The workflow designer (ADR 0035): any number of states and transitions added by a round
trip, and the automatic effect « ask for a satisfaction survey » on a transition, which the
satisfaction app honours when a request takes it (a journal subscription)."""

import html
import re

import pytest
from django.urls import reverse

from guichet.cases.actions import change_status, submit_request
from guichet.catalogue.versions import publish, save_draft
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.satisfaction.models import Survey

from .test_workflow import FOUR_STATES, draft_of, url

ONE_FIELD = [{"name": "objet", "label": "Objet de la demande", "type": "short_text",
              "required": True}]  # fmt: skip
SURVEYED = {
    "initial": "recue",
    "states": [
        {"name": "recue", "label": "Reçue", "public_status": "ongoing", "visible": True,
         "clock": "running"},
        {"name": "instruction", "label": "En instruction", "public_status": "ongoing",
         "visible": True, "clock": "running"},
        {"name": "accordee", "label": "Accordée", "public_status": "done", "visible": True,
         "clock": "stopped"},
        {"name": "refusee", "label": "Refusée", "public_status": "done", "visible": True,
         "clock": "stopped"},
    ],
    "transitions": [
        {"source": "recue", "target": "instruction", "action": "Instruire",
         "min_role": "case_handler"},
        {"source": "instruction", "target": "accordee", "action": "Accorder",
         "min_role": "case_handler", "survey": True},
        {"source": "instruction", "target": "refusee", "action": "Refuser",
         "min_role": "case_handler"},
    ],
}  # fmt: skip


def rows(page: str, prefix: str) -> int:
    return len(re.findall(rf'id="{prefix}\d+-(?:name|source)"', page))


def test_add_buttons_add_rows_without_saving_and_keep_what_was_typed(dworld, client):
    client.force_login(dworld.designer)
    draft = draft_of(dworld.terrace)
    before = Event.objects.count()
    data = FOUR_STATES | {"revision": draft.revision, "blank_states": "1",
                          "blank_transitions": "1"}  # fmt: skip
    # when the designer presses « Ajouter un état » three times (a round trip each)
    for expected in (2, 3, 4):
        page = client.post(url("workflow", dworld.terrace.pk), data | {"ajouter": "etat"})
        text = page.content.decode()
        assert page.status_code == 200
        # then one more blank state row each time, the new one focused, the typed rows kept
        assert rows(text, "s") == 4 + expected
        assert f'id="s{3 + expected}-name" name="s{3 + expected}-name" value="" autofocus' in text
        assert 'value="complement"' in text
        data = data | {"blank_states": str(expected), "states": str(4 + expected)}
    # and « Ajouter une transition » adds a transition row the same way
    text = client.post(
        url("workflow", dworld.terrace.pk), data | {"ajouter": "transition"}
    ).content.decode()
    assert rows(text, "t") == 4 + 2
    assert 'id="t5-source" name="t5-source" autofocus' in text
    # and nothing was saved: no event, the draft unchanged
    assert Event.objects.count() == before
    assert draft_of(dworld.terrace).revision == draft.revision


def test_more_than_two_new_states_and_transitions_are_saved_at_once(dworld, client):
    client.force_login(dworld.designer)
    data = FOUR_STATES | {"revision": draft_of(dworld.terrace).revision, "states": "8",
                          "transitions": "8"}  # fmt: skip
    for i, name in enumerate(("visite", "commission", "avis", "refusee"), start=4):
        data |= {f"s{i}-name": name, f"s{i}-label": name.capitalize(),
                 f"s{i}-public_status": "done" if name == "refusee" else "ongoing",
                 f"s{i}-clock": "running", f"s{i}-visible": "on"}  # fmt: skip
    for i, (source, target) in enumerate(
        (
            ("instruction", "visite"),
            ("visite", "commission"),
            ("commission", "avis"),
            ("avis", "refusee"),
        ),
        start=4,
    ):
        data |= {f"t{i}-source": source, f"t{i}-target": target, f"t{i}-action": f"Vers {target}",
                 f"t{i}-min_role": "case_handler"}  # fmt: skip
    response = client.post(url("workflow", dworld.terrace.pk), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[-3000:]
    document = draft_of(dworld.terrace).workflow_definition
    assert len(document["states"]) == 8 and len(document["transitions"]) == 8


def test_the_survey_effect_is_edited_and_checked(dworld, client):
    client.force_login(dworld.designer)
    data = FOUR_STATES | {"revision": draft_of(dworld.terrace).revision, "t3-survey": "on"}
    assert client.post(url("workflow", dworld.terrace.pk), data).status_code == 302
    document = draft_of(dworld.terrace).workflow_definition
    assert document["transitions"][3]["survey"] is True
    assert "survey" not in document["transitions"][0]
    page = client.get(url("workflow", dworld.terrace.pk)).content.decode()
    assert 'id="t3-survey" name="t3-survey" value="on" checked' in page
    # a survey on a move into a state that is not done is refused next to its source state
    data = FOUR_STATES | {"revision": draft_of(dworld.terrace).revision, "t1-survey": "on"}
    response = client.post(url("workflow", dworld.terrace.pk), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert 'data-state="instruction" class="designer-row--error"' in page
    assert (
        "La transition « Demander un complément » demande l'avis de l'usager, mais "
        "« Complément demandé » n'est pas un état « terminée »" in page
    )


@pytest.fixture
def surveyed(dworld):
    by = Actor.agent(dworld.designer)
    draft = draft_of(dworld.terrace)
    draft = save_draft(
        draft=draft, by=by, revision=draft.revision,
        changes={"form_definition": ONE_FIELD, "workflow_definition": SURVEYED},
    )  # fmt: skip
    publish(draft=draft, by=by, note="Avec enquête à l'accord")
    dworld.terrace.refresh_from_db()
    return dworld


def _file_and_decide(world, decision, after):
    request = submit_request(
        service=world.terrace, person=world.claire, channel="web",
        actor=Actor.person(world.claire), form_data={"objet": "Terrasse du café"},
        commune=world.sceaux_commune,
    )  # fmt: skip
    handler = Actor.agent(world.handler)
    with after(execute=True):
        change_status(request=request, to="instruction", actor=handler, role="case_handler")
        change_status(
            request=request, to=decision, actor=handler, role="case_handler", note="Décidé."
        )
    request.refresh_from_db()
    return request


def test_the_marked_transition_sends_the_person_a_survey(
    surveyed, client, django_capture_on_commit_callbacks
):
    # given the terrace service whose « Accorder » asks for the person's opinion
    # when a request is granted
    granted = _file_and_decide(surveyed, "accordee", django_capture_on_commit_callbacks)
    # then the satisfaction app opened a survey, and the person sees it on the tracking page
    assert Survey.objects.filter(request=granted).count() == 1
    page = client.get(
        reverse("portal:tracking", args=[granted.reference]), {"cle": granted.tracking_secret},
        follow=True,
    )  # fmt: skip
    text = html.unescape(page.content.decode())
    assert "Votre avis compte : dites-nous si votre demande a été résolue" in text
    assert "Donner mon avis" in text
    # and the survey page opens from the link
    link = re.search(r'id="lien-avis" href="([^"]+)"', text).group(1)
    survey_page = client.get(link)
    assert survey_page.status_code == 200
    # when another request is refused (a done state, but not marked), then no survey
    refused = _file_and_decide(surveyed, "refusee", django_capture_on_commit_callbacks)
    assert not Survey.objects.filter(request=refused).exists()
    page = client.get(
        reverse("portal:tracking", args=[refused.reference]), {"cle": refused.tracking_secret},
        follow=True,
    )  # fmt: skip
    assert "Donner mon avis" not in page.content.decode()
