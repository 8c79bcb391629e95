"""Where one case intake spends its time, in process (no HTTP): the queries one
`POST /api/v1/cases` makes, and the milliseconds per request over 300 requests.

    ./linli bench intake_profile

Half the reports give a household, half a map point, as in `intake.py`. The baseline,
measured in the same run, is the same number of bare `Case.objects.create` calls of a
ready-made row.
"""

from __future__ import annotations

import time

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
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=community, name='p')[1]}")

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
    report(
        f"One intake in process, {vendor}",
        [
            ("queries per intake", str(len(queries))),
            *((f"  {i + 1}", q["sql"][:90]) for i, q in enumerate(queries)),
            ("ms per intake", f"{per_request:.2f} (mean of {n})"),
            ("ms per bare insert", f"{bare:.2f} (baseline, same run)"),
            ("ratio", f"{per_request / bare:.1f} ×"),
        ],
    )


if __name__ == "__main__":
    main()
