"""Resident search over a million residents: p50/p95/p99 per query kind and role.

    ./linli bench search                 # SQLite, then PostgreSQL if reachable
    ./linli bench search --households 400000

The database (demo --households N, ≈ 2.7 residents each) is built once and kept in
var/bench/search.sqlite3 or the PostgreSQL database bench_search. The baseline, measured
in the same run, is a fetch of 100 residents by primary key: the cheapest indexed read.
"""

from __future__ import annotations

import argparse
import random
import time

from common import percentile, report, setup, timed, verdict

GOAL_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=400_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    vendor = setup("search", fresh=False)

    from linli.accounts.models import User
    from linli.demo.builder import build_demo
    from linli.places.models import Household, Resident
    from linli.places.services import resident_search

    if Household.objects.count() != args.households:
        if Household.objects.exists():
            raise SystemExit(
                "bench database has another size: delete var/bench/search.sqlite3 or DROP DATABASE bench_search"
            )
        started = time.perf_counter()
        build_demo(households=args.households, seed=7, progress=lambda m: print("  " + m))
        print(f"  built in {time.perf_counter() - started:.0f}s")
    total = Resident.objects.count()
    rng = random.Random(1)
    max_id = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample = list(
        Resident.objects.filter(pk__in=[rng.randint(1, max_id) for _ in range(args.queries * 3)])
        .select_related("household__building")
        .exclude(phone="")[: args.queries]
    )
    queries = {
        "initials": [r.name_initials for r in sample],
        "last 4 phone": [r.phone_last4 for r in sample],
        "address": [r.household.address for r in sample],
        "name prefix": [r.name[:2] for r in sample],
    }
    personas = {
        u.username: u
        for u in User.objects.filter(username__in=["community", "gridworker", "admin"])
    }

    def search(user: User, q: str) -> None:
        list(
            resident_search(user=user, query=q).select_related("household__building__compound")[
                :100
            ]
        )

    # Warm the database's page cache as a running server has it, with other residents than
    # the measured ones (a cold first query after a restart reads from disk).
    warm = Resident.objects.filter(pk__in=[rng.randint(1, max_id) for _ in range(100)])
    for user in personas.values():
        for r in warm:
            search(user, r.name_initials)
            search(user, r.name[:2])
    rows: list[tuple[str, str]] = [("database", f"{vendor}, {total:,} residents")]
    all_ms: list[float] = []
    for role, user in personas.items():
        for kind, values in queries.items():
            ms = [timed(lambda q=q, u=user: search(u, q)) * 1000 for q in values]
            all_ms += ms
            rows.append(
                (
                    f"{role:<10} {kind}",
                    f"p50 {percentile(ms, 50):6.1f} ms   p95 {percentile(ms, 95):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms",
                )
            )
    ids = [r.pk for r in sample]
    base = [
        timed(lambda i=i: list(Resident.objects.filter(pk__in=ids[i % 100 : i % 100 + 100]))) * 1000
        for i in range(args.queries)
    ]
    p95, base95 = percentile(all_ms, 95), percentile(base, 95)
    rows += [
        (
            "all searches",
            f"p50 {percentile(all_ms, 50):.1f} ms   p95 {p95:.1f} ms   p99 {percentile(all_ms, 99):.1f} ms",
        ),
        ("baseline (100 by pk)", f"p50 {percentile(base, 50):.1f} ms   p95 {base95:.1f} ms"),
        ("ratio p95 / baseline p95", f"{p95 / base95:.1f}x"),
        ("verdict", verdict(p95 <= GOAL_MS, f"p95 <= {GOAL_MS:.0f} ms")),
    ]
    report("Resident search", rows)


if __name__ == "__main__":
    main()
