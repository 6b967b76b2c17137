"""Append-only rows written without the ORM's per-call SQL compiler. ADR 0011.

    rows.insert(Event(kind=..., ...))

`Model.save()` builds and compiles its INSERT on every call: on a web filing, which writes five
such rows (journal events, the request, its notification, an identity), that was a fifth of
the Python time. `insert` writes the same row with the statement compiled once per model and
database, values prepared by the fields themselves (`pre_save`, `get_db_prep_save`: auto dates,
JSON, time zones), and the primary key read back. It sends no model signal: use it only for
new rows of models nothing listens to, without file fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, connection, models, transaction

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[models.Field, ...]
    returning: bool


_statements: dict[tuple[type[models.Model], str, str | None], _Statement] = {}


def insert(obj: M) -> M:
    """INSERT `obj` (new, primary key unset) as one row; returns it with its primary key."""
    _insert(obj, _statement(type(obj), unless_taken=None))
    return obj


def insert_unless_taken(obj: models.Model, unique_field: str) -> bool:
    """INSERT `obj` unless its value of `unique_field` is taken already (then nothing is
    written, the transaction goes on, and False is returned): no savepoint to roll back to."""
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        try:
            with transaction.atomic():
                insert(obj)
        except IntegrityError:
            return False
        return True
    return _insert(obj, _statement(type(obj), unless_taken=unique_field))


def _insert(obj: models.Model, statement: _Statement) -> bool:
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection) for field in statement.fields
    ]
    meta = obj._meta
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, values)
        if statement.returning:
            row = cursor.fetchone()
            if row is None:  # ON CONFLICT DO NOTHING did nothing
                return False
            obj.pk = row[0]
        else:
            obj.pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def _statement(model: type[models.Model], *, unless_taken: str | None) -> _Statement:
    key = (model, connection.vendor, unless_taken)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _compile(model, unless_taken)
    return statement


def _compile(model: type[models.Model], unless_taken: str | None) -> _Statement:
    meta = model._meta
    if any(isinstance(f, models.FileField) for f in meta.local_concrete_fields):
        raise TypeError(f"{meta.label} has file fields: save it with Model.save()")
    fields = tuple(f for f in meta.local_concrete_fields if f is not meta.pk)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if unless_taken is not None:
        sql += f" ON CONFLICT ({quote(meta.get_field(unless_taken).column)}) DO NOTHING"
    returning = connection.features.can_return_columns_from_insert
    if returning:
        clause, _ = connection.ops.return_insert_columns([meta.pk])
        sql = f"{sql} {clause}"
    return _Statement(sql, fields, returning)
