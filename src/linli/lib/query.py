"""Query helpers shared by the scoping helpers and search."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

_BYTE_ORDER: dict[str, bool] = {}


def _byte_ordered() -> bool:
    """Whether text compares in code-point order (SQLite; PostgreSQL with a C collation)."""
    if connection.vendor != "postgresql":
        return True
    if connection.alias not in _BYTE_ORDER:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            collation = cursor.fetchone()[0]
        _BYTE_ORDER[connection.alias] = collation in {"C", "POSIX"} or collation.startswith("C.")
    return _BYTE_ORDER[connection.alias]


def prefix_q(field: str, value: str) -> Q:
    """`field` starts with `value`, in a form that uses an index on either database.

    A range [value, value + U+10FFFF) is read straight off the field's ordinary B-tree,
    in the order that an ORDER BY on the field wants, and the planner estimates it well:
    SQLite (BINARY collation; its LIKE is case-insensitive and cannot use a plain index)
    and a PostgreSQL database in a C collation compare by code point, so the range is
    exactly the prefix. Under any other collation PostgreSQL gets LIKE 'x%', served by
    the varchar_pattern_ops index Django adds for indexed text fields.
    """
    if _byte_ordered():
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


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
