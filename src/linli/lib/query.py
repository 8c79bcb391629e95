"""Query helpers shared by the scoping helpers and search."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q


def prefix_q(field: str, value: str) -> Q:
    """`field` starts with `value`, in a form that uses an index on either database.

    PostgreSQL: LIKE 'x%' uses the varchar_pattern_ops index Django adds for indexed text
    fields, whatever the database's collation. SQLite: its LIKE is case-insensitive and
    cannot use a plain index, but a range can (BINARY collation; U+10FFFF sorts last).
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": value})
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})


def any_prefix_q(field: str, values: list[str]) -> Q:
    q = Q(pk__in=[])
    for value in values:
        q |= prefix_q(field, value)
    return q


def database_optimize() -> None:
    """Refresh the query planner's statistics after large changes (a demo, an import).

    SQLite plans well only with statistics (`ANALYZE`, kept fresh by `PRAGMA optimize`);
    PostgreSQL's autovacuum analyses by itself, but not right after a bulk load.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
