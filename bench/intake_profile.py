"""Where one case intake spends its time, in process (no HTTP): the queries one
`POST /api/v1/cases` makes, the milliseconds per request over 300 requests, and the
milliseconds of its parts, each timed on its own over the same number of calls.

    ./linli bench intake_profile

Half the reports give a household, half a map point, as in `intake.py`. The baseline,
measured in the same run, is the same number of bare `Case.objects.create` calls of a
ready-made row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from common import intake_world, report, setup


def main() -> None:
    vendor = setup("intake_profile", fresh=True)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.services import api_token_create
    from linli.cases.models import Case, Source, State
    from linli.places.models import Household

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False  # as served: no query log slowing every request
    community, area, households, body = intake_world()
    raw_token = api_token_create(user=community, name="p")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")

    def post(i: int) -> None:
        response = client.post("/api/v1/cases", body(i), content_type="application/json")
        assert response.status_code == 201, response.content[:200]

    for i in range(30):  # warm: the triage model, caches, the connection
        post(i)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as capture:
        post(1)
    queries = list(capture.captured_queries)  # a view of the log, which each request resets
    n = 300
    began = time.perf_counter()
    for i in range(n):
        post(i)
    per_request = (time.perf_counter() - began) / n * 1000
    micro = Household.objects.select_related("micro_grid").get(pk=households[0]).micro_grid
    row = {
        "title": "bare",
        "description": "bare",
        "source": Source.PATROL,
        "state": State.REPORTED,
        "community": area,
        "area": micro,
        "area_path": micro.path if micro else "",
        "level": 1,
        "level_area": micro,
        "created_by": community,
    }
    began = time.perf_counter()
    for _ in range(n):
        Case.objects.create(**row)
    bare = (time.perf_counter() - began) / n * 1000
    parts = part_timings(n, raw_token, community, households, body)
    report(
        f"One intake in process, {vendor}",
        [
            ("queries per intake", str(len(queries))),
            *((f"  {i + 1}", q["sql"][:90]) for i, q in enumerate(queries)),
            ("ms per intake", f"{per_request:.2f} (mean of {n})"),
            ("ms per bare insert", f"{bare:.2f} (baseline, same run)"),
            ("ratio", f"{per_request / bare:.1f} ×"),
            ("parts, ms each", f"(mean of {n} calls of each, on its own)"),
            *((f"  {name}", f"{ms:.2f}") for name, ms in parts),
        ],
    )


def part_timings(
    n: int, raw_token: str, community: Any, households: list[int], body: Any
) -> list[tuple[str, float]]:
    """Milliseconds of each step of an intake, timed on its own."""
    from django.utils import timezone

    from linli.accounts.services import api_token_authenticate
    from linli.cases.services import case_report, deadline_for
    from linli.places.models import Household
    from linli.places.services import area_locate_point
    from linli.triage.services import triage_proposal_for

    def household_lookup() -> Household:
        # As the API's case_create looks up a report's household.
        return Household.objects.select_related("micro_grid", "building").get(pk=households[0])

    point = body(0)
    household = household_lookup()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("token lookup", lambda: api_token_authenticate(raw=raw_token)),
        ("household lookup", household_lookup),
        (
            "locate a point",
            lambda: area_locate_point(latitude=point["latitude"], longitude=point["longitude"]),
        ),
        ("triage proposal", lambda: triage_proposal_for("楼道堆物影响通行")),
        ("deadline", lambda: deadline_for(timeframe="", start=timezone.now())),
        (
            "case_report (the service: scope, rows, notifications)",
            lambda: case_report(
                by=community, description="楼道堆物影响通行", source="patrol", household=household
            ),
        ),
    ]
    timings = []
    for name, step in steps:
        began = time.perf_counter()
        for _ in range(n):
            step()
        timings.append((name, (time.perf_counter() - began) / n * 1000))
    return timings


if __name__ == "__main__":
    main()
