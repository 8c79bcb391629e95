"""Shared by the benchmarks: a database of their own, figures, and the verdict against a goal.

Each benchmark runs against the database DATABASE_URL names (./linli bench sets it for
SQLite, then for PostgreSQL when one answers), in a database of its own so that the
development data is never touched.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")


def setup(name: str, *, fresh: bool) -> str:
    """Point Django at the benchmark's own database, create and migrate it; its vendor."""
    url = os.environ.get("DATABASE_URL", "")
    data = ROOT / "var" / "bench"
    data.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [f"bench_{name}"]
            ).fetchone()
            if exists and fresh:
                conn.execute(f'DROP DATABASE "bench_{name}"')
            if not exists or fresh:
                conn.execute(f'CREATE DATABASE "bench_{name}"')
        os.environ["DATABASE_URL"] = f"{base}/bench_{name}"
    else:
        path = data / f"{name}.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def intake_world() -> tuple[Any, Any, list[int], Callable[[int], dict[str, object]]]:
    """What the intake benchmarks report into: a small demo; the community staff account,
    its community, that community's household ids, and the body of report i (half by
    household, half by a building's map point, drawn with a fixed seed)."""
    import random

    from linli.accounts.models import Role, RoleAssignment, User
    from linli.demo.builder import build_demo
    from linli.places.models import Building, Household

    build_demo(households=2000, seed=5, progress=lambda _m: None)
    community = User.objects.get(username="community")
    area = RoleAssignment.objects.get(user=community, role=Role.COMMUNITY_STAFF).area
    assert area is not None
    in_area = {"micro_grid__path__startswith": area.path}
    households = list(Household.objects.filter(**in_area).values_list("pk", flat=True))
    points = list(Building.objects.filter(**in_area).values_list("latitude", "longitude"))
    rng = random.Random(1)

    def body(i: int) -> dict[str, object]:
        if i % 2:
            return {
                "description": f"楼道堆物影响通行 {i}",
                "source": "patrol",
                "household_id": rng.choice(households),
            }
        lat, lng = rng.choice(points)
        return {
            "description": f"路灯不亮 {i}",
            "source": "patrol",
            "latitude": lat,
            "longitude": lng,
        }

    return community, area, households, body


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(k) for k, _v in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


def verdict(ok: bool, goal: str) -> str:
    return f"{'MET' if ok else 'NOT MET'} (goal: {goal})"


__all__ = ["intake_world", "percentile", "report", "setup", "statistics", "timed", "verdict"]
