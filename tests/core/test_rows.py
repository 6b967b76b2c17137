"""core.rows: the precompiled INSERT writes what Model.save() writes, for every model it may
write, and it refuses the models whose save() does more than their fields."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from authorities.factories import AuthorityFactory, CommuneFactory, ServiceFactory
from django.db import connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.test.utils import isolate_apps
from django.utils import timezone
from people.factories import PersonFactory

from guichet.cases.models import Attachment
from guichet.core import rows
from guichet.core.models import Event, User
from guichet.notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # the night clocks go forward in Paris


def event(**changes) -> Event:
    fields = {
        "occurred_at": NOW,
        "kind": "request.received", "actor_type": "person", "resource": "usager:1",
        "channel": "web", "authority_id": 7, "person_id": 1, "case_id": 42,
        "visible_to_person": True, "payload": {"note": "« Été » ✓", "items": [1, 2.5, None]},
    }  # fmt: skip
    return Event(**(fields | changes))


# What each model written by core.rows is written with: every column a value that is not its
# default, where it has one, and text that needs care (accents, quotes, JSON).
def _event(world) -> dict:
    return model_to_dict(event(actor_user=world.user), exclude=["id"]) | {"actor_user": world.user}


def _request(world) -> dict:
    return {
        "reference": "ABC-DEF-123", "tracking_secret": "s3cr3t", "service": world.service,
        "authority": world.authority, "person": world.person, "channel": "web",
        "filed_by": world.user, "state": "received", "public_status": "ongoing",
        "summary": "Nid-de-poule « rue de l'Église »", "form_data": {"où": ["ici", 2, None]},
        "address": "1 rue de l'Église", "commune": world.commune, "latitude": 48.77,
        "longitude": 2.29, "received_at": NOW, "due_at": NOW, "pauses": [{"from": "x"}],
    }  # fmt: skip


def _notification(world) -> dict:
    return {
        "person": world.person, "authority": world.authority, "channel": "sms",
        "message_kind": "status", "recipient": "+33612345678", "subject": "Objet",
        "text": "Votre demande a été traitée.", "html": "<p>é</p>", "ics": "BEGIN:VCALENDAR",
        "status": Notification.Status.FAILED, "attempts": 2, "next_attempt_at": NOW,
        "idempotency_key": "event:1:sms", "last_error": "refusé",
    }  # fmt: skip


def _person(world) -> dict:
    # the search columns are left for the writing to derive from the names
    return {
        "first_name": "Éloïse", "last_name": "Du Pont-Martin", "category": "tourist",
        "address": "2 allée des Tilleuls", "commune": world.commune,
    }  # fmt: skip


def _identity(world) -> dict:
    return {
        "person": world.person, "kind": "phone", "value": "+33612345678", "provider": "",
        "verification": 20, "verified_at": NOW,
    }  # fmt: skip


def _suspicion(world) -> dict:
    return {
        "person": world.person, "candidate": world.other_person, "reason": "même courriel",
        "score": 0.85, "status": "dismissed", "resolved_at": NOW,
    }  # fmt: skip


VALUES = {
    "core.Event": _event,
    "cases.Request": _request,
    "notifications.Notification": _notification,
    "people.Person": _person,
    "people.Identity": _identity,
    "people.DuplicateSuspicion": _suspicion,
}


@pytest.fixture
def world():
    return SimpleNamespace(
        user=User.objects.create_user("agent.rows", password="x"),  # noqa: S106
        service=ServiceFactory(),
        authority=AuthorityFactory(),
        commune=CommuneFactory(),
        person=PersonFactory(),
        other_person=PersonFactory(),
    )


def test_every_model_written_by_rows_is_compared_with_save():
    assert sorted(VALUES) == [model._meta.label for model in rows.writable_models()]


def written(model, values, write) -> dict:
    """The row `write` stores for `model(**values)`, read back, without its key (the write is
    rolled back: the next one may reuse its unique values)."""
    with transaction.atomic():
        obj = write(model, values)
        assert obj.pk is not None and not obj._state.adding
        row = model.objects.filter(pk=obj.pk).values().get()
        transaction.set_rollback(True)
    del row[model._meta.pk.attname]
    return row


@pytest.mark.parametrize("model", rows.writable_models(), ids=lambda m: m._meta.label)
def test_rows_insert_writes_the_row_save_writes(model, world, monkeypatch):
    # given one clock for both writes (automatic dates)
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    values = VALUES[model._meta.label](world)
    # when the same values are written by save() and by rows.insert
    saved = written(model, values, lambda m, v: m.objects.create(**v))
    inserted = written(model, values, lambda m, v: rows.insert(m(**v)))
    # then both rows are the same, column by column (generated ones included)
    assert inserted == saved
    assert set(saved) == {f.attname for f in model._meta.concrete_fields} - {"id"}


def test_a_person_written_by_rows_has_its_search_columns_derived():
    person = rows.insert(PersonFactory.build(first_name="Éloïse", last_name="Du Pont"))
    stored = type(person).objects.values("search_name", "first_name_key", "last_name_key")
    assert stored.get(pk=person.pk) == {
        "search_name": "eloise du pont", "first_name_key": "elo", "last_name_key": "du ",
    }  # fmt: skip


def test_a_model_that_overrides_save_cannot_be_declared_writable():
    # (the user model hashes its password in save())
    with pytest.raises(TypeError, match="overrides save"):
        rows.writable(User)
    with isolate_apps("guichet.core"):

        class Stamped(models.Model):  # noqa: DJ008
            class Meta:
                app_label = "core"

            def _save_table(self, *args, **kwargs):
                return super()._save_table(*args, **kwargs)

        with pytest.raises(TypeError, match="overrides _save_table"):
            rows.writable(Stamped)
    with pytest.raises(TypeError, match="file fields"):
        rows.writable(Attachment)


def test_a_model_not_declared_writable_is_refused():
    with pytest.raises(TypeError, match="not declared"):
        rows.insert(User(username="jamais.ecrit", password="x"))  # noqa: S106
    assert not User.objects.filter(username="jamais.ecrit").exists()


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
def test_a_model_someone_listens_to_is_refused_when_written(signal):
    # given a receiver connected to a writable model's signal
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    signal.connect(listener, sender=Event, dispatch_uid="test-rows-listener")
    try:
        # then rows refuses to write it (the receiver would not hear of it)
        with pytest.raises(TypeError, match="receivers"):
            rows.insert(event())
    finally:
        signal.disconnect(sender=Event, dispatch_uid="test-rows-listener")
    assert not heard and not Event.objects.exists()
    # and once nobody listens, it writes again
    assert rows.insert(event()).pk is not None


def test_an_inserted_row_keeps_foreign_keys_and_automatic_dates():
    user = User.objects.create_user("agent.test", password="x")  # noqa: S106
    written = rows.insert(event(actor_user=user))
    assert Event.objects.get(pk=written.pk).actor_user == user


@pytest.mark.parametrize("returning", [True, False], ids=["on-conflict", "savepoint"])
def test_a_taken_unique_value_writes_nothing_and_the_transaction_goes_on(returning, monkeypatch):
    # (the savepoint way is what a database without INSERT … RETURNING gets: old SQLite)
    if not returning and connection.vendor != "sqlite":
        pytest.skip("only SQLite before 3.35 lacks INSERT … RETURNING")
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", returning)
    person = PersonFactory()

    def notification(key: str) -> Notification:
        return Notification(
            person=person, channel="email", message_kind="receipt", recipient="a@b.fr",
            text="Reçu", next_attempt_at=NOW, idempotency_key=key,
        )  # fmt: skip

    taken = rows.insert(notification("deja-pris"))
    with transaction.atomic():
        written = rows.insert_unless_taken(notification("deja-pris"), "idempotency_key")
        free = rows.insert_unless_taken(notification("libre"), "idempotency_key")
        # the transaction is still usable after the refusal
        keys = Notification.objects.filter(idempotency_key__in=["deja-pris", "libre"])
        assert keys.count() == 2
    assert (written, free) == (False, True)
    assert Notification.objects.get(idempotency_key="deja-pris").pk == taken.pk


def test_selected_rows_equal_the_orms_field_by_field():
    # given events of two cases, one hidden from the person
    user = User.objects.create_user("agent.lecture", password="x")  # noqa: S106
    for hour, visible in ((3, True), (1, True), (2, False)):
        rows.insert(event(occurred_at=datetime(2026, 10, 25, hour, tzinfo=UTC),
                          visible_to_person=visible, actor_user=user))  # fmt: skip
    rows.insert(event(case_id=43))
    # when the visible events of case 42 are read both ways
    selected = rows.select(
        Event, "case_id = %s AND visible_to_person = %s", [42, True], order_by="occurred_at, id"
    )
    expected = list(
        Event.objects.filter(case_id=42, visible_to_person=True).order_by("occurred_at")
    )
    # then the same objects come back, in the same order, with the same values and types
    assert [e.pk for e in selected] == [e.pk for e in expected]
    for mine, theirs in zip(selected, expected, strict=True):
        assert model_to_dict(mine) == model_to_dict(theirs)
        assert mine.occurred_at.tzinfo is not None and mine.actor_user == user
        assert not mine._state.adding
    assert rows.select(Event, "case_id = %s", [404]) == []
