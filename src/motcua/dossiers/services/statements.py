"""The few statements every transition runs, compiled once instead of on every call.

A transition reads the dossier row with its catalogue rows, reads its open steps, inserts
its event and updates the row. Through the ORM, compiling those statements and building
the instances costs more Python time than the database takes to run them (measured on
PostgreSQL: about 0.4 ms per statement against 0.05-0.3 ms of SQL). Here each statement
is built once per database vendor from the models' metadata, its values go through the
same field methods the ORM uses (``get_db_prep_save``, ``pre_save``, the read
converters), and its rows become instances through ``Model.from_db``. No model of these
has signal receivers or custom ``save()`` methods that this would bypass.

On PostgreSQL they also go through a cursor that binds the values on the server (psycopg's
``Cursor``; Django's default ``ClientCursor`` quotes every value into the text in Python,
which costs more than the statement takes to run) and are prepared once per connection by
psycopg: the lock's three-join ``SELECT … FOR UPDATE`` is planned in a few tenths of a
millisecond, executed in a few hundredths. Behind a transaction-pooling proxy such as
PgBouncer, session state does not follow: ``MOTCUA_PREPARED_STATEMENTS=0`` turns preparing
off (the indicator hook's statement too).
"""

# ruff: noqa: S608 — every SQL string here is built from the models' table and column
# names; values always go through query parameters.
from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models


@dataclass(frozen=True)
class Statement:
    sql: str


def _statement(sql: str) -> Statement:
    return Statement(sql)


@contextmanager
def open_cursor():
    """A cursor for the compiled statements, wrapped by Django as ``connection.cursor()``
    is (its errors, its query log and execute wrappers), binding and preparing on
    PostgreSQL."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        with db.cursor() as found:
            yield found
        return
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = _binding_cursor_class()(db.connection)
    wrapped = db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
    with wrapped:
        yield wrapped


def execute(cursor, statement: Statement, params: list) -> None:
    cursor.execute(statement.sql, params)


@functools.cache
def _binding_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class BindingCursor(ServerBindingCursor):
        """Django's server-binding cursor, asking psycopg to prepare what it runs.

        psycopg prepares a statement only where the connection's ``prepare_threshold`` is
        not None (the settings set it for PostgreSQL, Django's default being None); the
        cursors Django makes bind on the client and are never prepared."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            if prepare is None:
                prepare = bool(settings.MOTCUA_PREPARED_STATEMENTS)
            return super().execute(query, params, prepare=prepare, binary=binary)

    return BindingCursor


_cache: dict[tuple, object] = {}


def _cached(key: tuple, build):
    key = (connection.vendor, *key)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = build()
    return found


def compiled(key: tuple, build_sql) -> Statement:
    """A statement of the caller's own, its SQL built by ``build_sql()`` once per vendor."""
    return _cached(("compiled", *key), lambda: _statement(build_sql()))


# -- reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Select:
    statement: Statement
    # (position in the row, the column's converters, its expression).
    converting: tuple
    # (model, attnames, first column in the row, foreign key from the first model or None).
    tables: tuple


def select(key: tuple, model, where: str, *, related: tuple[str, ...] = (), suffix: str = ""):
    """A SELECT of every column of ``model`` (alias ``t``) and of the rows its foreign keys
    ``related`` point to (joined, as ``select_related`` would), ``WHERE where suffix``."""

    def build() -> Select:
        qn = connection.ops.quote_name
        columns: list[str] = []
        converting = []
        joins: list[str] = []
        tables = []
        sources = [(model, "t", None)] + [
            (model._meta.get_field(name).related_model, f"r{i}", model._meta.get_field(name))
            for i, name in enumerate(related)
        ]
        for source, alias, via in sources:
            fields = source._meta.concrete_fields
            tables.append((source, tuple(f.attname for f in fields), len(columns), via))
            for field in fields:
                col = field.get_col(alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    converting.append((len(columns), tuple(found), col))
                columns.append(f"{alias}.{qn(field.column)}")
            if via is not None:
                # The foreign keys are not null: an inner join, as select_related makes.
                joins.append(
                    f"INNER JOIN {qn(source._meta.db_table)} {alias} "
                    f"ON {alias}.{qn(via.target_field.column)} = t.{qn(via.column)}"
                )
        sql = (
            f"SELECT {', '.join(columns)} FROM {qn(model._meta.db_table)} t {' '.join(joins)} "
            f"WHERE {where} {suffix}"
        )
        return Select(_statement(sql.strip()), tuple(converting), tuple(tables))

    return _cached(("select", *key), build)


def fetch(plan: Select, params: list) -> list:
    """The rows of ``plan`` as instances of its first model (related ones cached on them)."""
    with open_cursor() as cursor:
        execute(cursor, plan.statement, params)
        rows = cursor.fetchall()
    # The proxy ``connection`` looks the connection up on every attribute; once here.
    db = connections[DEFAULT_DB_ALIAS]
    found = []
    for row in rows:
        values = list(row)
        for position, converters, col in plan.converting:
            value = values[position]
            for converter in converters:
                value = converter(value, col, db)
            values[position] = value
        first = None
        for model, attnames, start, via in plan.tables:
            instance = model.from_db(db.alias, attnames, values[start : start + len(attnames)])
            if via is None:
                first = instance
            else:
                via.set_cached_value(first, instance)
        found.append(first)
    return found


# -- writes --------------------------------------------------------------------------------


def _insert_sql(model, fields, rows: int) -> str:
    qn = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * rows)}"
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {qn(model._meta.pk.column)}"
    return sql


def _update_sql(model, fields) -> str:
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    return f"UPDATE {table} SET {assignments} WHERE {pk} = %s"


def _inserted(instance: models.Model, pk) -> None:
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


def insert(*instances: models.Model) -> None:
    """INSERT ``instances`` (new rows of one model, with an automatic primary key) in one
    statement, and set their keys."""
    model = type(instances[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if len(instances) > 1 and not connection.features.can_return_rows_from_bulk_insert:
        # No backend of ours lands here (PostgreSQL and SQLite return the keys).
        for instance in instances:
            insert(instance)
        return
    statement = _cached(
        ("insert", model, len(instances)),
        lambda: _statement(_insert_sql(model, fields, len(instances))),
    )
    db = connections[DEFAULT_DB_ALIAS]
    params = [
        f.get_db_prep_save(f.pre_save(instance, True), db) for instance in instances for f in fields
    ]
    with open_cursor() as cursor:
        execute(cursor, statement, params)
        if connection.features.can_return_columns_from_insert:
            keys = [pk for (pk,) in cursor.fetchall()]
        else:
            keys = [cursor.lastrowid]
    # Both databases return the rows of a multi-row INSERT … RETURNING in the order of
    # its VALUES (what Django's bulk_create relies on too).
    for instance, pk in zip(instances, keys, strict=True):
        _inserted(instance, pk)


def update(instance: models.Model, attnames: list[str]) -> None:
    """UPDATE the columns ``attnames`` of ``instance``'s row (``save(update_fields=…)``)."""
    model = type(instance)
    fields = [model._meta.get_field(name) for name in attnames]
    statement = _cached(
        ("update", model, tuple(attnames)), lambda: _statement(_update_sql(model, fields))
    )
    db = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(instance, False), db) for f in fields]
    with open_cursor() as cursor:
        execute(cursor, statement, [*params, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{model._meta.label} {instance.pk} was not updated.")


def with_event(row: models.Model, statement: Statement, params: list) -> None:
    """Run ``statement`` with the next ``insert_and_update`` that updates ``row``: inside
    that statement on PostgreSQL (one more data-modifying WITH, no round trip of its own),
    just before it elsewhere. The same transaction holds both; a statement whose result
    the caller needs cannot wait like this."""
    row.__dict__.setdefault("_motcua_with_event", []).append((statement, params))


def flush_with_event(row: models.Model) -> None:
    """Run now what waits for ``row``'s next event (a path that writes no such event)."""
    waiting = row.__dict__.pop("_motcua_with_event", ())
    if waiting:
        with open_cursor() as cursor:
            for statement, params in waiting:
                execute(cursor, statement, params)


def insert_and_update(new: models.Model, row: models.Model, attnames: list[str]) -> None:
    """INSERT ``new`` and UPDATE the columns ``attnames`` of ``row``, with what waits for
    it (``with_event``): on PostgreSQL in one statement (the INSERT and the waiting
    writes in data-modifying WITHs), elsewhere in one statement each."""
    if connection.vendor != "postgresql":
        flush_with_event(row)
        insert(new)
        update(row, attnames)
        return
    waiting = row.__dict__.pop("_motcua_with_event", ())
    new_model, row_model = type(new), type(row)
    new_fields = [f for f in new_model._meta.concrete_fields if not f.primary_key]
    row_fields = [row_model._meta.get_field(name) for name in attnames]
    riders = tuple(statement for statement, _ in waiting)

    def build() -> Statement:
        pk = connection.ops.quote_name(new_model._meta.pk.column)
        ctes = [f"inserted AS ({_insert_sql(new_model, new_fields, 1)})"]
        ctes += [f"waiting_{i} AS ({rider.sql})" for i, rider in enumerate(riders)]
        return _statement(
            f"WITH {', '.join(ctes)} "
            f"{_update_sql(row_model, row_fields)} RETURNING (SELECT {pk} FROM inserted)"
        )

    statement = _cached(("insert and update", new_model, row_model, tuple(attnames), riders), build)
    db = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(new, True), db) for f in new_fields]
    for _, rider_params in waiting:
        params += rider_params
    params += [f.get_db_prep_save(f.pre_save(row, False), db) for f in row_fields]
    with open_cursor() as cursor:
        execute(cursor, statement, [*params, row.pk])
        found = cursor.fetchone()
    if found is None:
        raise DatabaseError(f"{row_model._meta.label} {row.pk} was not updated.")
    _inserted(new, found[0])
