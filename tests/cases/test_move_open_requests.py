"""Open requests move onto a service's new version only when the designer maps their states
(issue 15): all or none, one event each, answers still read with the form they were filled in."""

from __future__ import annotations

import pytest

from guichet.cases import actions
from guichet.cases.actions import MappingError, move_open_requests, states_to_map
from guichet.cases.models import Request
from guichet.cases.workflow import workflow_for
from guichet.catalogue.selectors import form_of_request
from guichet.core.journal import Actor
from guichet.core.models import Event

from .factories import file_request, form_for, path_to, service
from .test_versioned_requests import TWO_STATES, designer, publish_version_2

pytestmark = pytest.mark.django_db


def move(request: Request, target: str, world) -> Request:
    for to, role, note in path_to(target):
        request = actions.change_status(
            request=request, to=to, actor=Actor.agent(world.manager_sceaux), role=role, note=note
        )
    return request


@pytest.fixture
def on_version_1(world):
    """Three requests on version 1: received, in progress, resolved; then version 2 published
    with a two-state workflow (« ouverte », « close »)."""
    received = file_request(world)
    working = move(file_request(world), "in_progress", world)
    resolved = move(file_request(world), "resolved", world)
    version_2 = publish_version_2(world, workflow_definition=TWO_STATES)
    return received, working, resolved, version_2


def test_the_states_to_map_are_those_open_requests_are_in(world, on_version_1):
    received, working, resolved, version_2 = on_version_1
    rows = states_to_map(service("signalement-voirie"), version_2)
    assert [(r.key, r.count, r.suggested) for r in rows] == [
        ("1:in_progress", 1, ""),
        ("1:received", 1, ""),
    ]
    assert {r.label for r in rows} == {"reçue", "en cours de traitement"}


def test_mapped_requests_move_to_the_new_workflow_and_keep_their_answers(world, on_version_1):
    received, working, resolved, version_2 = on_version_1
    moved = move_open_requests(
        service=service("signalement-voirie"), version=version_2, actor=designer(world),
        mapping={"1:received": "ouverte", "1:in_progress": "ouverte"},
    )  # fmt: skip
    assert moved == 2
    for request in (received, working):
        request.refresh_from_db()
        assert request.service_version == version_2 and request.state == "ouverte"
        assert request.public_status == "ongoing"
        assert request.answered_version.number == 1
        # the answers are still read with version 1's labels (« Nature du problème »)
        labels = {f.name: f.label for f in form_of_request(request).fields}
        assert labels["nature"] != "Type de dégradation"
        assert "riverains" not in labels
        assert workflow_for(request).initial == "ouverte"
        events = Event.objects.filter(case_id=request.pk, kind="request.moved_to_version")
        assert [(e.payload["from_version"], e.payload["to_version"]) for e in events] == [(1, 2)]
    resolved.refresh_from_db()
    assert resolved.service_version.number == 1 and resolved.state == "resolved"
    # the moved requests then follow the new workflow's transitions
    actions.change_status(
        request=received, to="close", actor=Actor.agent(world.manager_sceaux), role="manager"
    )
    received.refresh_from_db()
    assert received.public_status == "done"


def test_an_unmapped_state_moves_nothing(world, on_version_1):
    received, working, resolved, version_2 = on_version_1
    with pytest.raises(MappingError) as refused:
        move_open_requests(
            service=service("signalement-voirie"), version=version_2, actor=designer(world),
            mapping={"1:received": "ouverte"},
        )  # fmt: skip
    assert list(refused.value.errors) == ["1:in_progress"]
    assert "Choisissez" in refused.value.errors["1:in_progress"][0]
    received.refresh_from_db()
    assert received.service_version.number == 1 and received.state == "received"
    assert not Event.objects.filter(kind="request.moved_to_version").exists()


@pytest.mark.parametrize("target", ["close", "inconnu", ""])
def test_a_final_or_unknown_target_is_refused(world, on_version_1, target):
    received, working, resolved, version_2 = on_version_1
    with pytest.raises(MappingError) as refused:
        move_open_requests(
            service=service("signalement-voirie"), version=version_2, actor=designer(world),
            mapping={"1:received": target, "1:in_progress": "ouverte"},
        )  # fmt: skip
    assert list(refused.value.errors) == ["1:received"]
    working.refresh_from_db()
    assert working.service_version.number == 1


def test_only_the_current_version_receives_requests(world, on_version_1):
    received, working, resolved, version_2 = on_version_1
    version_1 = received.service_version
    with pytest.raises(MappingError):
        move_open_requests(
            service=service("signalement-voirie"), version=version_1, actor=designer(world),
            mapping={"1:received": "received"},
        )  # fmt: skip


def test_requests_filed_on_the_new_version_are_not_listed(world, on_version_1):
    received, working, resolved, version_2 = on_version_1
    file_request(world, form_data=form_for("signalement-voirie") | {"riverains": 3})
    keys = [r.key for r in states_to_map(service("signalement-voirie"), version_2)]
    assert keys == ["1:in_progress", "1:received"]


def test_a_request_waiting_for_its_person_resumes_its_deadline_when_moved(world):
    waiting = move(file_request(world), "waiting_user", world)
    assert waiting.paused_since is not None and waiting.due_at is None
    version_2 = publish_version_2(world, workflow_definition=TWO_STATES)
    move_open_requests(
        service=service("signalement-voirie"), version=version_2, actor=designer(world),
        mapping={"1:waiting_user": "ouverte"},
    )  # fmt: skip
    waiting.refresh_from_db()
    assert waiting.state == "ouverte" and waiting.paused_since is None
    assert len(waiting.pauses) == 1 and waiting.due_at is not None
