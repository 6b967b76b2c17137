"""Each request keeps the service version it was filed with (ADR 0027): its fields and labels
on the agent's page, the resident's tracking page and the API; its workflow; test requests
filed on a draft stay out of queues, statistics, journeys and the API's lists."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from guichet.api.keys import issue_key
from guichet.api.open311.selectors import public_requests
from guichet.cases import actions
from guichet.cases.actions import save_workflow_definition
from guichet.cases.models import Request
from guichet.cases.promises import promises_missed
from guichet.cases.selectors import QueueFilters, queue_counts, queue_for_agent
from guichet.cases.workflow import workflow_for
from guichet.catalogue import versions
from guichet.catalogue.actions import save_service
from guichet.catalogue.models import ServiceVersion, WorkflowDefinition
from guichet.catalogue.selectors import form_of_request
from guichet.core.journal import Actor
from guichet.satisfaction.models import Survey

from .factories import SYSTEM, file_request, form_for, service

pytestmark = pytest.mark.django_db

NEW_FIELD = {
    "name": "riverains",
    "label": "Nombre de riverains gênés",
    "type": "number",
    "required": True,
}
TWO_STATES = {
    "initial": "ouverte",
    "states": [
        {"name": "ouverte", "label": "ouverte", "public_status": "ongoing"},
        {"name": "close", "label": "close", "public_status": "done", "clock": "stopped"},
    ],
    "transitions": [
        {"source": "ouverte", "target": "close", "action": "Clore", "min_role": "case_handler"},
    ],
}


def designer(world) -> Actor:
    return Actor.agent(world.manager_sceaux)


def publish_version_2(world, **changes) -> ServiceVersion:
    """Version 2 of the pothole service: « Nature du problème » renamed, a required field
    added (and `changes`)."""
    voirie = service("signalement-voirie")
    draft = versions.start_draft(service=voirie, by=designer(world))
    form = [
        dict(f, label="Type de dégradation") if f["name"] == "nature" else f
        for f in draft.form_definition
    ]
    draft = versions.save_draft(
        draft=draft, by=designer(world), revision=draft.revision,
        changes={"form_definition": [*form, NEW_FIELD], **changes},
    )  # fmt: skip
    return versions.publish(draft=draft, by=designer(world), note="Compter les riverains.")


@pytest.fixture
def two_requests(world):
    """A request filed on version 1, then version 2 published and a request filed on it."""
    first = file_request(world)
    publish_version_2(world)
    second = file_request(world, form_data=form_for("signalement-voirie") | {"riverains": 12})
    return first, second


def test_each_request_points_to_the_version_it_was_filed_with(world, two_requests):
    first, second = two_requests
    assert (first.service_version.number, second.service_version.number) == (1, 2)
    assert service("signalement-voirie").current_version_id == second.service_version_id


def test_the_agent_page_shows_each_request_with_its_own_version(world, client, two_requests):
    # given two requests filed on versions 1 and 2 of the same service
    first, second = two_requests
    client.force_login(world.agent_sceaux)
    # when the agent opens each one
    page_1 = client.get(reverse("backoffice:request", args=[first.pk])).content.decode()
    page_2 = client.get(reverse("backoffice:request", args=[second.pk])).content.decode()
    # then the first reads version 1's labels, the second version 2's with the new answer
    assert "Nature du problème" in page_1 and "Type de dégradation" not in page_1
    assert "Nombre de riverains gênés" not in page_1
    assert "(version 1 du formulaire)" in page_1
    assert "Type de dégradation" in page_2 and "Nombre de riverains gênés" in page_2
    assert "(version 2 du formulaire)" in page_2


def test_the_tracking_page_shows_the_answers_with_their_version(world, two_requests):
    first, second = two_requests
    texts = []
    for request in (first, second):
        browser = Client()
        landing = browser.get(f"/suivi/{request.reference}", {"cle": request.tracking_secret})
        texts.append(browser.get(landing["Location"]).content.decode())
    assert "Vos réponses au formulaire" in texts[0]
    assert "Nature du problème" in texts[0] and "Nombre de riverains gênés" not in texts[0]
    assert "Type de dégradation" in texts[1] and "Nombre de riverains gênés" in texts[1]


def test_the_api_detail_gives_the_version_and_its_labels(world, client, two_requests):
    first, second = two_requests
    raw = issue_key(actor=SYSTEM, authority=world.sceaux, application="t", scopes=["read"])[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    one = client.get(f"/api/v1/requests/{first.reference}", **headers).json()
    two = client.get(f"/api/v1/requests/{second.reference}", **headers).json()
    assert (one["service_version"], two["service_version"]) == (1, 2)
    labels_1 = {a["field"]: a["label"] for a in one["answers"]}
    labels_2 = {a["field"]: a["label"] for a in two["answers"]}
    assert labels_1["nature"] == "Nature du problème" and "riverains" not in labels_1
    assert labels_2["nature"] == "Type de dégradation"
    assert {"field": "riverains", "label": "Nombre de riverains gênés", "text": "12"} in two[
        "answers"
    ]


def test_a_new_workflow_applies_to_new_requests_only(world):
    # given a request filed under the default lifecycle
    first = file_request(world)
    # when version 2 publishes a two-state workflow
    publish_version_2(world, workflow_definition=TWO_STATES)
    second = file_request(world, form_data=form_for("signalement-voirie") | {"riverains": 3})
    # then the first keeps the default lifecycle, the second starts in the new one
    first.refresh_from_db()
    assert first.state == "received" and workflow_for(first).initial == "received"
    assert second.state == "ouverte"
    moved = actions.change_status(
        request=second, to="close", actor=Actor.agent(world.agent_sceaux), role="case_handler"
    )
    assert moved.public_status == "done"
    still = actions.change_status(
        request=first, to="in_progress", actor=Actor.agent(world.agent_sceaux),
        role="case_handler",
    )  # fmt: skip
    assert still.state == "in_progress"


# --- test requests ---------------------------------------------------------------------------


@pytest.fixture
def test_request(world):
    """A real request and a designer's test request filed on a draft with a new field."""
    real = file_request(world)
    voirie = service("signalement-voirie")
    draft = versions.start_draft(service=voirie, by=designer(world))
    draft = versions.save_draft(
        draft=draft, by=designer(world), revision=draft.revision,
        changes={"form_definition": [*draft.form_definition, NEW_FIELD]},
    )  # fmt: skip
    trial = actions.file_test_request(
        draft=draft, by=designer(world), person=world.alice,
        form_data=form_for("signalement-voirie") | {"riverains": 2},
        commune=world.sceaux_commune,
    )  # fmt: skip
    return real, trial, draft


def test_a_test_request_is_filed_on_the_draft_and_marked(world, test_request):
    real, trial, draft = test_request
    assert trial.is_test and not real.is_test
    assert trial.service_version_id == draft.pk
    assert trial.form_data["riverains"] == 2  # the draft's form, not the published one


def test_a_test_request_is_refused_on_a_published_version(world):
    published = service("signalement-voirie").current_version
    with pytest.raises(actions.IntakeError, match="brouillon"):
        actions.file_test_request(
            draft=published, by=designer(world), person=world.alice,
            form_data=form_for("signalement-voirie"), commune=world.sceaux_commune,
        )  # fmt: skip


def test_test_requests_stay_out_of_the_queue_and_its_counts(world, test_request):
    real, trial, _ = test_request
    listed = set(queue_for_agent(world.agent_sceaux).values_list("pk", flat=True))
    assert real.pk in listed and trial.pk not in listed
    assert queue_counts(world.agent_sceaux)["open"] == len(listed)
    # even when the agent filters by state (which does not use the open-queue column)
    by_state = queue_for_agent(world.agent_sceaux, QueueFilters(state="received"))
    assert trial.pk not in set(by_state.values_list("pk", flat=True))


def test_test_requests_stay_out_of_the_api_list(world, client, test_request):
    real, trial, _ = test_request
    raw = issue_key(actor=SYSTEM, authority=world.sceaux, application="t", scopes=["read"])[1]
    listed = client.get("/api/v1/requests", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    references = {item["reference"] for item in listed["items"]}
    assert real.reference in references and trial.reference not in references


def test_test_requests_stay_out_of_the_delay_statistics(world, test_request):
    real, trial, _ = test_request
    for request in (real, trial):
        Request.objects.filter(pk=request.pk).update(
            resolved_at=request.received_at.replace(year=request.received_at.year + 1)
        )
    Request.objects.filter(pk=real.pk).update(resolved_at=None)
    # only the test request is resolved (a year late): no promise is reported missed
    assert promises_missed([world.sceaux.pk]) == []


def test_a_change_in_the_administration_is_a_new_version_sparing_filed_requests(world):
    # given a request filed on version 1
    first = file_request(world)
    voirie = service("signalement-voirie")
    # when an administrator relabels a field in the Django admin (save_service)
    form = [
        dict(f, label="Type de dégradation") if f["name"] == "nature" else f
        for f in voirie.form_definition
    ]
    save_service(service=voirie, actor=SYSTEM, form_definition=form)
    # then the service is at version 2 and the request still reads version 1's label
    voirie.refresh_from_db()
    first.refresh_from_db()
    assert (voirie.current_version.number, first.service_version.number) == (2, 1)
    assert form_of_request(first).labels["nature"] == "Nature du problème"
    assert voirie.form.labels["nature"] == "Type de dégradation"


def test_a_resolved_test_request_opens_no_satisfaction_survey(
    world, test_request, django_capture_on_commit_callbacks
):
    real, trial, _ = test_request
    agent = Actor.agent(world.agent_sceaux)
    with django_capture_on_commit_callbacks(execute=True):
        for request in (real, trial):
            request = actions.change_status(
                request=request, to="in_progress", actor=agent, role="case_handler"
            )
            actions.change_status(
                request=request, to="resolved", actor=agent, role="case_handler", note="Fait."
            )
    # the real one is asked for its rating, the test one never counts in the scores
    assert set(Survey.objects.values_list("request_id", flat=True)) == {real.pk}


def test_test_requests_are_not_listed_as_public_open311_requests(world, test_request):
    real, trial, _ = test_request
    listed = set(public_requests(world.sceaux).values_list("pk", flat=True))
    assert real.pk in listed and trial.pk not in listed


def test_a_workflow_definition_changed_in_the_administration_applies_to_new_requests(world):
    # given the pothole service following a stored two-state workflow, and a request on it
    definition = WorkflowDefinition.objects.create(
        slug="deux-etats", name="Deux états", definition=TWO_STATES
    )
    save_service(service=service("signalement-voirie"), actor=SYSTEM, workflow=definition)
    first = file_request(world)
    # when an administrator adds a step to that workflow
    longer = copy.deepcopy(TWO_STATES)
    longer["states"].insert(1, {"name": "instruite", "label": "instruite",
                                "public_status": "ongoing"})  # fmt: skip
    longer["transitions"] = [
        {"source": "ouverte", "target": "instruite", "action": "Instruire",
         "min_role": "case_handler"},
        {"source": "instruite", "target": "close", "action": "Clore", "min_role": "case_handler"},
    ]  # fmt: skip
    save_workflow_definition(
        actor=SYSTEM, definition=definition, name="Trois états", document=longer
    )
    # then the service publishes a version with it: a new request follows it, the first not
    second = file_request(world)
    assert second.service_version.number == first.service_version.number + 1
    assert [s.name for s in workflow_for(second).states] == ["ouverte", "instruite", "close"]
    assert [s.name for s in workflow_for(first).states] == ["ouverte", "close"]


def test_the_process_map_reads_states_of_a_published_version_by_their_label(world):
    from guichet.backoffice.process_graph import activity_label

    publish_version_2(world, workflow_definition=TWO_STATES)
    assert activity_label("request.status_changed:close") == "État : close"
    renamed = copy.deepcopy(TWO_STATES)
    renamed["states"][1]["label"] = "close pour de bon"
    renamed["states"][0]["name"] = renamed["initial"] = "a_examiner"
    renamed["states"][0]["label"] = "à examiner"
    renamed["transitions"][0]["source"] = "a_examiner"
    draft = versions.start_draft(service=service("signalement-voirie"), by=designer(world))
    draft = versions.save_draft(
        draft=draft, by=designer(world), revision=draft.revision,
        changes={"workflow_definition": renamed},
    )  # fmt: skip
    versions.publish(draft=draft, by=designer(world), note="États renommés.")
    assert activity_label("request.status_changed:a_examiner") == "État : à examiner"
