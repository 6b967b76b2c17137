"""core.rows: the precompiled INSERT writes what Model.save() writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict

from guichet.core import rows
from guichet.core.models import Event, User

pytestmark = pytest.mark.django_db


def event(**changes) -> Event:
    fields = {
        "occurred_at": datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # the night clocks go forward
        "kind": "request.received", "actor_type": "person", "resource": "usager:1",
        "channel": "web", "authority_id": 7, "person_id": 1, "case_id": 42,
        "visible_to_person": True, "payload": {"note": "« Été » ✓", "items": [1, 2.5, None]},
    }  # fmt: skip
    return Event(**(fields | changes))


def test_an_inserted_row_reads_back_like_a_saved_one():
    # given the same event written by save() and by rows.insert
    saved, inserted = event(), event()
    saved.save(force_insert=True)
    rows.insert(inserted)
    # then both got their own key and read back identical, field by field
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding
    again = {e.pk: model_to_dict(e, exclude=["id"]) for e in Event.objects.filter(
        pk__in=[saved.pk, inserted.pk])}  # fmt: skip
    assert again[saved.pk] == again[inserted.pk]


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
    taken = User.objects.create_user("deja.pris")
    with transaction.atomic():
        written = rows.insert_unless_taken(User(username="deja.pris", password="x"), "username")
        free = rows.insert_unless_taken(User(username="libre", password="x"), "username")
        # the transaction is still usable after the refusal
        assert User.objects.filter(username__in=["deja.pris", "libre"]).count() == 2
    assert (written, free) == (False, True)
    assert User.objects.get(username="deja.pris").pk == taken.pk


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
