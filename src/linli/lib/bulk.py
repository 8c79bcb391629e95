"""Fast inserts for imports: one prepared statement, many rows.

Django's bulk_create prepares every value of every row through the field machinery, which
dominates the time of a 50,000-row import. Here the caller passes values already in the
database's terms (str, int, date, None) and the driver's executemany does the rest (a
pipeline on psycopg 3). Use it only for plain columns; the model's rules still run in the
caller, which builds the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def fast_insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(name).column) for name in fields)  # type: ignore[union-attr,arg-type]
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than any INSERT.
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names come from the model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def residents_by_digest(digests: list[str]) -> list[tuple[str, int, str | None]]:
    """(digest, resident id, micro-grid path) for the residents with these ID digests.

    Raw SQL: an IN list of thousands through the ORM costs more than the query itself.
    """
    if not digests:
        return []
    sql = (
        "SELECT r.id_number_digest, r.id, a.path FROM places_resident r "
        "JOIN places_household h ON h.id = r.household_id "
        "LEFT JOIN places_area a ON a.id = h.micro_grid_id WHERE r.id_number_digest "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql + "= ANY(%s)", [digests])  # one array, not thousands of %s
        else:
            cursor.execute(sql + f"IN ({', '.join(['%s'] * len(digests))})", digests)
        return list(cursor.fetchall())


def relax_durability_for_this_transaction() -> None:
    """PostgreSQL: do not wait for the WAL flush at commit (SET LOCAL, this transaction only).

    Used by imports, which commit once per chunk: a crash can lose the last chunk's commit
    but never corrupts anything, and importing the same file again fills the gap.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
