"""Erasure: a person's identifying data leaves every table and file; the request still counts."""

from __future__ import annotations

import os

import pytest
from cases.factories import build_world, file_request
from support import built_for_the_module, refreshed

from guichet.appointments.models import Appointment
from guichet.cases.models import Attachment, Message, Request
from guichet.core.journal import Actor
from guichet.core.models import Event
from guichet.people.models import Identity, Person
from guichet.people.rights import erasure
from guichet.people.rights.erasure import ConfirmationRequired, erase_person

from .erasure_world import found_in_files, found_in_tables, plant


@pytest.fixture(scope="module")
def _erasure_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as built:
        yield built


@pytest.fixture
def world(_erasure_world, db):
    """The request tests' world (Sceaux, Tours and their agents; Alice and Bob)."""
    return refreshed(_erasure_world)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GUICHET_INBOUND_MAIL_DOMAIN = "guichet.exemple.fr"
    settings.GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY = ""


def test_erasure_leaves_no_planted_value_in_any_table_or_file(
    world, settings, django_capture_on_commit_callbacks
):
    # given Zéphyrine Quenouillard's name, e-mail, phone and address planted in a request
    # (answers, messages, a note, an attachment, an e-mail reply), an appointment, the
    # notifications they queued and the journal
    with django_capture_on_commit_callbacks(execute=True):
        planted = plant(world)
    assert found_in_tables() and found_in_files(settings.MEDIA_ROOT)  # the scan sees them
    archive = planted.export.__class__.objects.get(pk=planted.export.pk).file.path
    assert os.path.exists(archive)
    request = Request.objects.get(pk=planted.request.pk)
    case_events = Event.objects.filter(case_id=request.pk).count()
    # when a manager erases her, confirming the appointment's cancellation
    with django_capture_on_commit_callbacks(execute=True):
        counts = erase_person(
            person=planted.person, by=Actor.agent(world.manager_sceaux), reason="request",
            confirmed=True,
        )  # fmt: skip
    # then no table and no file holds any of the planted values any more
    assert found_in_tables() == []
    assert found_in_files(settings.MEDIA_ROOT) == []
    assert not os.path.exists(archive)  # her export's ZIP (compressed: not scanned) is gone
    # and the request still counts: service, authority, commune, status and dates kept
    after = Request.objects.get(pk=request.pk)
    kept = ("service_id", "authority_id", "commune_id", "state", "public_status", "received_at",
            "resolved_at", "channel", "person_id")  # fmt: skip
    assert {f: getattr(after, f) for f in kept} == {f: getattr(request, f) for f in kept}
    assert Event.objects.filter(case_id=request.pk).count() >= case_events
    # the appointment was cancelled and kept; the person is a pseudonymised record
    assert Appointment.objects.get(pk=planted.appointment.pk).status == "cancelled"
    person = Person.objects.get(pk=planted.person.pk)
    assert person.is_erased and str(person) == erasure.PSEUDONYM
    derived = (person.search_name, person.first_name_key, person.last_name_key)
    person.fill_search_columns()
    assert derived == (person.search_name, person.first_name_key, person.last_name_key)
    assert not Identity.objects.filter(person=person).exists()
    assert not Attachment.objects.filter(request=request).exists()
    assert Message.objects.filter(request=request).count() == 4
    # one person.erased event with counts and no personal data
    event = Event.objects.get(kind=erasure.ERASED_KIND, person_id=person.pk)
    assert event.payload["reason"] == "request"
    assert event.payload["counts"] == counts
    assert counts["api_replies"] == 2  # the API's kept answers (a message, a file)
    assert counts["requests"] == 1 and counts["attachments"] == 2 and counts["closed"] == 1


def test_erasing_twice_runs_once(world):
    # given an erased person
    planted = world.bob
    first = erase_person(person=planted, by=Actor.agent(world.manager_sceaux), reason="request")
    # when erased again
    second = erase_person(person=planted, by=Actor.agent(world.manager_sceaux), reason="request")
    # then the second call does nothing and writes no second event
    assert first["persons"] == 1 and second == {}
    assert Event.objects.filter(kind=erasure.ERASED_KIND, person_id=planted.pk).count() == 1


def test_a_crash_inside_one_part_leaves_nothing_changed(
    world, settings, django_capture_on_commit_callbacks
):
    # given the planted person, and an app whose part fails after the others ran
    with django_capture_on_commit_callbacks(execute=True):
        planted = plant(world)
    before = found_in_tables()
    files = found_in_files(settings.MEDIA_ROOT)

    def fail(batch):
        raise RuntimeError("disque plein")

    erasure.register(erasure.Part(name="test-crash", order=99, erase=fail))
    try:
        # when the erasure runs and crashes
        with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
            erase_person(
                person=planted.person, by=Actor.agent(world.manager_sceaux), reason="request",
                confirmed=True,
            )  # fmt: skip
    finally:
        erasure.unregister("test-crash")
    # then every row and file is as before: nothing half-erased, nothing cancelled
    assert found_in_tables() == before
    assert found_in_files(settings.MEDIA_ROOT) == files
    assert Appointment.objects.get(pk=planted.appointment.pk).status == "booked"
    assert not Person.objects.get(pk=planted.person.pk).is_erased
    # and erasing again (resumed) succeeds
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(
            person=planted.person, by=Actor.agent(world.manager_sceaux), reason="request",
            confirmed=True,
        )  # fmt: skip
    assert found_in_tables() == [] and found_in_files(settings.MEDIA_ROOT) == []


def test_an_open_request_asks_for_confirmation_then_is_closed_through_the_workflow(world):
    # given Alice with an open report (an interactive service)
    request = file_request(world, "signalement-voirie")
    manager = Actor.agent(world.manager_sceaux)
    # when a manager erases her without confirming
    with pytest.raises(ConfirmationRequired) as refused:
        erase_person(person=world.alice, by=manager, reason="request")
    # then nothing is erased, and the open request is named in French
    assert "confirmez" in str(refused.value)
    assert request.reference in refused.value.pending[0]
    assert not Person.objects.get(pk=world.alice.pk).is_erased
    # when confirmed, the request is closed by the workflow's own transition, then erased
    erase_person(person=world.alice, by=manager, reason="request", confirmed=True)
    request.refresh_from_db()
    assert request.public_status in ("cancelled", "done") and not request.is_open
    change = Event.objects.filter(case_id=request.pk, kind="request.status_changed").last()
    assert change.payload["target"] == request.state
    assert Person.objects.get(pk=world.alice.pk).is_erased


def test_an_agent_of_another_authority_leaves_the_request_open_and_detached(world):
    # given Alice's open report at Sceaux, erased on the word of a Tours agent
    request = file_request(world, "signalement-voirie")
    erase_person(
        person=world.alice, by=Actor.agent(world.agent_tours), reason="request", confirmed=True
    )
    # then the request stays in Sceaux's queue, without her identity
    request.refresh_from_db()
    assert request.is_open and request.address == ""
    assert Person.objects.get(pk=world.alice.pk).is_erased


def test_a_dossier_in_instruction_refuses_the_erasure_in_french(world):
    # given Alice's birth certificate request (a transactional service), not decided yet
    request = file_request(world, "acte-de-naissance")
    # when anyone tries to erase her, even confirmed
    with pytest.raises(erasure.ErasureRefused) as refused:
        erase_person(
            person=world.alice, by=Actor.agent(world.manager_sceaux), reason="request",
            confirmed=True,
        )  # fmt: skip
    # then it is refused, saying why, and nothing changed
    assert f"La demande {request.reference}" in str(refused.value)
    assert "en cours d'instruction" in str(refused.value)
    assert Person.objects.get(pk=world.alice.pk).last_name == "Martin"


def test_a_merged_record_is_erased_with_the_record_that_took_it(world):
    # given Bob's record merged into Alice's
    from guichet.people.actions import merge_persons

    merge_persons(actor=Actor.agent(world.manager_sceaux), survivor=world.alice, merged=world.bob)
    # when Alice is erased
    erase_person(person=world.alice, by=Actor.agent(world.manager_sceaux), reason="request")
    # then both records are pseudonymised
    for pk in (world.alice.pk, world.bob.pk):
        record = Person.objects.get(pk=pk)
        assert record.is_erased and record.first_name == "" and record.address == ""
    assert not Identity.objects.filter(person_id__in=[world.alice.pk, world.bob.pk]).exists()


def test_the_person_cancels_their_own_open_report_by_erasing(world):
    # given Alice's open report, not yet taken in hand
    request = file_request(world, "signalement-voirie")
    # when she erases her data herself, confirming
    erase_person(person=world.alice, by=Actor.person(world.alice), reason="request", confirmed=True)
    # then her report is cancelled through the workflow's « Annuler ma demande »
    request.refresh_from_db()
    assert request.state == "cancelled" and request.public_status == "cancelled"
    change = Event.objects.filter(case_id=request.pk, kind="request.status_changed").last()
    assert change.actor_type == "person" and change.payload["action"] == "Annuler ma demande"
