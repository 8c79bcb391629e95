"""Fast inserts and updates for imports: one prepared statement (or COPY), many rows.

Django's bulk_create and bulk_update prepare every value of every row through the field
machinery, which dominates the time of a 50,000-row import. Here the caller passes values
already in the database's terms (str, int, date, None) and the driver does the rest
(executemany on SQLite, COPY on PostgreSQL). Use it only for plain columns; the model's
rules still run in the caller, which builds the rows. Also here: a lookup of many values
in one parameter (`select_where_in`) and pausing Python's cycle collector for a bulk job
(`cyclic_gc_paused`).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction


def fast_insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = [qn(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr,arg-type]
    if connection.vendor == "postgresql":
        fast_insert_into(qn(model._meta.db_table), columns, model, fields, rows)
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (names come from the model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def fast_insert_into(
    table: str,
    columns: Sequence[str],
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """PostgreSQL: COPY rows into `table`'s `columns` (quoted), typed as `model`'s `fields`.

    COPY is PostgreSQL's bulk path: several times faster than any INSERT. In binary form
    the server need not parse text into numbers and dates.
    """
    types = [
        model._meta.get_field(name).db_type(connection).split("(")[0]  # type: ignore[union-attr]
        for name in fields
    ]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, for rows the caller then inserts with them.

    Rows written through fast_insert come back with no ids; reserving them first spares
    reading the rows back to link households, residents and tags. PostgreSQL hands them
    out from the table's sequence (safe beside concurrent inserts). SQLite numbers rows
    from the highest id ever used (its AUTOINCREMENT counter), which is safe because the
    caller's transaction holds SQLite's one write lock from its BEGIN IMMEDIATE.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column]
            )
            sequence = cursor.fetchone()[0]  # once: evaluated per row it costs 4 times more
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids on SQLite needs the transaction that inserts the rows")
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 (names come from the model)
            f"coalesce((SELECT max({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        highest = int(cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + count))


def fast_update(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE rows by primary key: each row is the new values of `fields`, then the pk.

    One prepared statement run for every row. Django's bulk_update builds one CASE WHEN
    expression per field over the whole batch; re-importing 50,000 known residents took
    two minutes that way (`./linli bench importing`, re-import line).
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    columns = [qn(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr,arg-type]
    if connection.vendor == "postgresql":
        # The new values go by COPY into a temporary table, then one UPDATE joins it:
        # a statement per row cost PostgreSQL three times as long.
        staging = qn(f"update_{model._meta.db_table}")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} AS "  # noqa: S608 (names come from the model)
                f"SELECT {', '.join(columns)}, {pk} FROM {table} WITH NO DATA"
            )
            fast_insert_into(staging, [*columns, pk], model, [*fields, model._meta.pk.name], rows)
            sets = ", ".join(f"{c} = u.{c}" for c in columns)
            cursor.execute(f"UPDATE {table} t SET {sets} FROM {staging} u WHERE t.{pk} = u.{pk}")  # noqa: S608
            cursor.execute(f"DROP TABLE {staging}")
        return
    sets = ", ".join(f"{c} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608 (names come from the model)


def select_where_in(sql: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """Run `sql`, which ends in `column `, with `column` matched against many values:
    ids, or texts without a comma (ID digests are hexadecimal).

    The values go as one parameter (comma-joined text the server splits on PostgreSQL, a
    JSON list read by json_each on SQLite): an IN list of thousands of parameters, through
    the ORM or not, costs several times the lookup itself (SQLite: 5,000 digests 110 ms as
    an IN list, 13 ms through json_each). On PostgreSQL a list passed as an array is
    quoted item by item by psycopg: 52 ms for 5,000 digests, against 18 ms as one text.
    """
    if not values:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cast = "::bigint[]" if type(values[0]) is int else ""
            text = ",".join(map(str, values))
            cursor.execute(sql + f"= ANY(string_to_array(%s, ','){cast})", [text])
        else:
            cursor.execute(sql + "IN (SELECT value FROM json_each(%s))", [json.dumps(values)])  # noqa: S608 (constant SQL, values bound)
        return list(cursor.fetchall())


def relax_durability_for_this_transaction() -> None:
    """PostgreSQL: do not wait for the WAL flush at commit (SET LOCAL, this transaction only).

    Used by imports, which commit once per chunk: a crash can lose the last chunk's commit
    but never corrupts anything, and importing the same file again fills the gap.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off for a bulk job, back on after it.

    A large import makes hundreds of thousands of small dicts and tuples that live until
    their chunk is written; each of the collector's full passes walks all of them and the
    rest of the process (the triage model, jieba's dictionary): with them, taking in the
    checked rows of a 50,000-row file took seven times as long. Everything the job makes
    is freed by reference counting as usual; only reference cycles wait until the end.
    The setting is the process's, so a forked child started inside inherits it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
