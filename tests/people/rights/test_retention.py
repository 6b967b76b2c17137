"""Retention: persons nothing needs any more are anonymised in batches, one event per run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cases.factories import bring_to, build_world, file_request, person, service
from django.core.management import call_command
from support import built_for_the_module, refreshed

from guichet.cases.models import Request
from guichet.core import clock
from guichet.core.models import Event
from guichet.people.models import Person
from guichet.people.rights import erasure, retention

from .erasure_world import _appointment_type, _next_slot

YEAR = timedelta(days=365)


@pytest.fixture(scope="module")
def _retention_world(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker, build_world) as built:
        yield built


@pytest.fixture
def world(_retention_world, db):
    """The request tests' world (Sceaux, Tours and their agents; Alice and Bob)."""
    return refreshed(_retention_world)


@pytest.fixture
def residents(world):
    """Closed, open, and kept-by-an-appointment residents (plus Alice and Bob, who hold
    nothing)."""
    made = {}
    for name in ("closed", "closed_too", "open", "appointment"):
        made[name] = person(name.title(), "Habitant", email=f"{name}@exemple.fr")
    for name in ("closed", "closed_too", "appointment"):
        bring_to(world, file_request(world, person=made[name]), "closed")
    file_request(world, person=made["open"])
    from guichet.appointments import actions as appointments

    appointments.book_appointment(
        appointment_type=_appointment_type(world), start=_next_slot(), person=made["appointment"]
    )
    return made


def expired_names(now) -> set[str]:
    return {p.first_name for p in retention.expired(now)}


def test_a_person_expires_after_the_retention_of_the_last_request(world, residents):
    # given closed requests of a service that keeps data 3 years (the default)
    now = clock.now()
    # then nobody expires before the retention has run out
    assert expired_names(now + 2 * YEAR) == set()
    # and after it, everyone without an open request does (the appointment is long past)
    assert expired_names(now + 4 * YEAR) == {"Closed", "Closed_Too", "Appointment", "Alice", "Bob"}


def test_a_service_of_its_own_shortens_the_retention(world, residents):
    # given the service keeping data 30 days after closure
    slug = Request.objects.filter(person=residents["closed"]).get().service.slug
    service(slug).__class__.objects.filter(slug=slug).update(retention_days=30)
    now = clock.now()
    # then the persons whose requests closed expire after 30 days, except the one with an
    # upcoming appointment; a record holding nothing lives the platform's retention
    assert expired_names(now + timedelta(days=31)) == {"Closed", "Closed_Too"}
    assert expired_names(now + timedelta(days=29)) == set()


def test_a_run_erases_the_expired_in_batches_and_records_one_event(world, residents):
    # given three persons whose retention expired (and two empty records of the world)
    later = clock.now() + 4 * YEAR
    # when the task runs, two persons per batch
    counts = retention.run(now=later, batch_size=2)
    # then they are erased, the one with an open request kept, and one event tells the counts
    assert counts["persons"] == 5 and counts["batches"] == 3 and counts["requests"] == 3
    kept = Person.objects.filter(erased_at__isnull=True).values_list("pk", flat=True)
    assert set(kept) == {residents["open"].pk}
    runs = Event.objects.filter(kind=retention.RUN_KIND)
    assert runs.count() == 1 and runs.get().payload["counts"] == counts
    assert not Event.objects.filter(kind="person.erased").exists()  # one event per run
    # and a second run finds nothing more, with its own event
    again = retention.run(now=later, batch_size=2)
    assert again["persons"] == 0 and runs.count() == 2


def test_the_dry_run_command_counts_without_erasing(world, residents, settings, capsys):
    # given a retention of 0 days: the closed requests' persons and the empty records expire,
    # the open request and the upcoming appointment keep theirs
    settings.GUICHET_RETENTION_DAYS = 0
    # when the command simulates a run
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    # then it says who would go, per rule, in French, and erases nothing
    assert "4 usagers seraient anonymisés (simulation : rien n'a été effacé)." in out
    assert "par défaut : 0 jour, 2 demandes" in out
    assert not Person.objects.filter(erased_at__isnull=False).exists()
    # when it runs for real
    call_command("retention")
    assert "4 usagers anonymisés en 1 lot." in capsys.readouterr().out
    assert Person.objects.filter(erased_at__isnull=False).count() == 4


def test_the_admin_page_lists_the_rules_and_the_next_run(admin_client, world, residents, settings):
    # given a service of its own keeping data 30 days, and a default of 0 days
    slug = Request.objects.filter(person=residents["closed"]).get().service.slug
    own = service(slug)
    own.__class__.objects.filter(pk=own.pk).update(retention_days=30)
    settings.GUICHET_RETENTION_DAYS = 0
    # when an administrator opens the retention page, from the persons' list
    listing = admin_client.get("/admin/people/person/").content.decode()
    assert 'href="/admin/people/person/retention/"' in listing
    page = admin_client.get("/admin/people/person/retention/")
    text = page.content.decode()
    # then it lists the default and the service's rule, and what the next run would do:
    # Alice and Bob (holding nothing, default 0 days) go; the 30-day service keeps the others
    assert page.status_code == 200
    assert "Par défaut (tous les autres services)" in text and "0 jour" in text
    assert own.name in text and "30 jours" in text
    assert "2 usagers seront anonymisés." in text
    assert (
        "La tâche n&#x27;a pas encore tourné." in text or "La tâche n'a pas encore tourné." in text
    )
    # and after a run, the last run's count
    retention.run()
    assert (
        "Dernier passage le" in admin_client.get("/admin/people/person/retention/").content.decode()
    )


def test_the_admin_page_is_for_staff_only(client, world):
    assert client.get("/admin/people/person/retention/").status_code == 302


def test_a_crash_loses_one_batch_and_the_next_run_resumes(world, residents):
    # given five expired persons and an app whose part fails on the second batch
    later = clock.now() + 4 * YEAR
    calls = []

    def fail_second(batch):
        calls.append(len(batch.owner))
        if len(calls) == 2:
            raise RuntimeError("connexion perdue")
        return {}

    erasure.register(erasure.Part(name="test-crash", order=99, erase=fail_second))
    try:
        # when the task runs, two persons per batch
        with pytest.raises(RuntimeError):
            retention.run(now=later, batch_size=2)
    finally:
        erasure.unregister("test-crash")
    # then the first batch is erased, the second left whole, and the run's event says so
    assert Person.objects.filter(erased_at__isnull=False).count() == 2
    interrupted = Event.objects.get(kind=retention.RUN_KIND)
    assert interrupted.payload["counts"]["interrupted"] is True
    assert interrupted.payload["counts"]["persons"] == 2
    # and the next run erases the rest
    resumed = retention.run(now=later, batch_size=2)
    assert resumed["persons"] == 3
    assert set(Person.objects.filter(erased_at__isnull=True).values_list("pk", flat=True)) == {
        residents["open"].pk
    }
