"""Rows read and written without the ORM's per-call SQL compiler, on the hottest paths.
ADR 0011.

    @rows.writable
    class Event(models.Model): ...

    rows.insert(Event(kind=..., ...))
    rows.select(Event, "case_id = %s AND visible_to_person = %s", [pk, True], order_by="id")

`Model.save()` builds and compiles its INSERT on every call: on a web filing, which writes five
such rows (journal events, the request, its notification, an identity), that was a fifth of
the Python time. `insert` writes the same row with the statement compiled once per model and
database, values prepared by the fields themselves (`pre_save`, `get_db_prep_save`: auto dates,
JSON, time zones, columns a field derives from others), and the primary key read back.

It does not call `save()` and sends no model signal, so it only writes models declared
`@writable`, which refuses (TypeError, at import) a model that overrides `save()` or its
inner steps, inherits another concrete model or has file fields; `insert` refuses (TypeError)
a model that has `pre_save` or `post_save` receivers when it is called. `tests/core/test_rows.py`
compares, for every writable model, the row `insert` writes with the row `save()` writes.

`select` reads whole rows with a fixed WHERE clause the same way: the statement is built once,
values go through the same converters the ORM applies, and the objects are ordinary model
instances (a third of the cost of `QuerySet` on a tracking page's three queries).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.db.models.expressions import Col
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)
MT = TypeVar("MT", bound=type[models.Model])

# What `Model.save()` does beyond the fields' own `pre_save`: a model overriding one of these
# writes something `insert` would not.
_SAVE_STEPS = ("save", "save_base", "_save_parents", "_save_table", "_do_insert")
_writable: set[type[models.Model]] = set()


def writable(model: MT) -> MT:
    """Class decorator: `insert` may write rows of `model`. Raises TypeError when it could
    not write what `save()` writes: `save()` (or a step of it) overridden, a concrete parent
    model, file fields."""
    meta = model._meta
    overridden = [
        step for step in _SAVE_STEPS if getattr(model, step) is not getattr(models.Model, step)
    ]
    if overridden:
        raise TypeError(
            f"{meta.label} overrides {', '.join(overridden)}: core.rows cannot write it "
            "(move that logic into the action, or a field's pre_save, or keep Model.save())"
        )
    if meta.parents:
        raise TypeError(f"{meta.label} inherits a concrete model: save it with Model.save()")
    if any(isinstance(f, models.FileField) for f in meta.local_concrete_fields):
        raise TypeError(f"{meta.label} has file fields: save it with Model.save()")
    _writable.add(model)
    return model


def writable_models() -> list[type[models.Model]]:
    """The models declared `@writable`, by label."""
    return sorted(_writable, key=lambda model: model._meta.label)


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[models.Field[Any, Any], ...]
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
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(
            f"{model._meta.label} has pre_save or post_save receivers, which core.rows would "
            "not call: save it with Model.save(), or do what they do in the action"
        )
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


@dataclass(frozen=True)
class _Select:
    sql: str
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Col], ...]


_selects: dict[tuple[type[models.Model], str, str, str], _Select] = {}


def select(
    model: type[M], where: str, params: Sequence[Any], *, order_by: str = "", limit: int = 0
) -> list[M]:
    """The rows of `model` matching `where` (SQL on its columns, `%s` for each parameter) as
    model instances, in `order_by` order (SQL), at most `limit` (0: all)."""
    key = (model, connection.vendor, where, f"{order_by}|{limit}")
    statement = _selects.get(key)
    if statement is None:
        statement = _selects[key] = _compile_select(model, where, order_by, limit)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        found = cursor.fetchall()
    alias = connection.alias
    instances = []
    for row in found:
        if statement.converters:
            row = list(row)
            for index, converters, column in statement.converters:
                for convert in converters:
                    row[index] = convert(row[index], column, connection)
        instances.append(model.from_db(alias, statement.names, row))
    return instances


def _compile_select(model: type[models.Model], where: str, order_by: str, limit: int) -> _Select:
    meta = model._meta
    quote = connection.ops.quote_name
    fields = meta.concrete_fields
    sql = "SELECT {} FROM {} WHERE {}".format(  # noqa: S608 - names from the model, SQL from code
        ", ".join(quote(f.column) for f in fields), quote(meta.db_table), where
    )
    if order_by:
        sql += f" ORDER BY {order_by}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    columns = [f.get_col(meta.db_table) for f in fields]
    converters = tuple(
        (index, tuple(found), column)
        for index, column in enumerate(columns)
        if (
            found := connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        )
    )
    return _Select(sql, tuple(f.attname for f in fields), converters)


def _statement(model: type[models.Model], *, unless_taken: str | None) -> _Statement:
    key = (model, connection.vendor, unless_taken)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _compile(model, unless_taken)
    return statement


def _compile(model: type[models.Model], unless_taken: str | None) -> _Statement:
    meta = model._meta
    if model not in _writable:
        raise TypeError(f"{meta.label} is not declared @rows.writable: save it with Model.save()")
    fields = tuple(
        f for f in meta.local_concrete_fields if f is not meta.pk and not f.generated
    )  # generated columns are the database's to compute
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if unless_taken is not None:
        taken = meta.get_field(unless_taken)
        if not isinstance(taken, models.Field):
            raise TypeError(f"{meta.label}.{unless_taken} is not a column")
        sql += f" ON CONFLICT ({quote(taken.column)}) DO NOTHING"
    returning = connection.features.can_return_columns_from_insert
    if returning:
        clause, _ = connection.ops.return_insert_columns([meta.pk])
        sql = f"{sql} {clause}"
    return _Statement(sql, fields, returning)
