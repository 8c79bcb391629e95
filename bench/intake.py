"""Case intake over HTTP with 16 concurrent clients, against a bare insert of the same row.

    ./linli bench intake                  # SQLite, then PostgreSQL if reachable
    ./linli bench intake --requests 2000 --clients 16

Intake is the real thing: granian serving Linli in its own process, each client with
its own keep-alive connection and bearer token, POST /api/v1/cases with JSON. That
covers authentication, validation, scoping, locating the place (half the reports give a
household, half only a map point that is located into its grid), the deadline on the
working calendar, the case row, its event row and its notifications.

The baseline, measured in the same run on the same database, is the bare Django insert
of the same case row (`Case.objects.create` with fields computed beforehand) from the
same number of threads. Goal: intake ≥ 0.5 × the baseline rate, and p99 ≤ 50 ms.

Also measured, on the same server with the same clients: the HTTP floor, a view that only
inserts that row (intake_floor.py). It is what any request costs here before Linli does
anything, so it says how much of intake's time is HTTP and Django, and how much is
Linli's own work.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

from common import ROOT, intake_world, percentile, report, setup, verdict

GOAL_RATIO = 0.5
GOAL_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_clients(
    clients: int, per_client: int, work: list[list[dict[str, object]]], send: object
) -> tuple[float, list[float]]:
    """Run `send(client_index, item)` for each client's items; elapsed seconds and latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        mine: list[float] = []
        start.wait()
        for item in work[index]:
            began = time.perf_counter()
            send(index, item)  # type: ignore[operator]
            mine.append((time.perf_counter() - began) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - began, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS", "1")),
        help="server processes, as WEB_WORKERS for ./linli serve (default 1)",
    )
    args = parser.parse_args()
    vendor = setup("intake", fresh=True)

    from django.db import connection

    from linli.accounts.services import api_token_create
    from linli.cases.models import Case, CaseEvent, Source, State
    from linli.cases.services import deadline_for
    from linli.places.models import Household

    community, area, households, body = intake_world()
    tokens = [api_token_create(user=community, name=f"bench {i}")[1] for i in range(args.clients)]
    per_client = args.requests // args.clients
    work = [[body(c * per_client + i) for i in range(per_client)] for c in range(args.clients)]

    # Baseline: the bare insert of the same row, same threads, same database.
    micro = Household.objects.select_related("micro_grid").get(pk=households[0]).micro_grid
    assert micro is not None
    row = {
        "title": "楼道堆物影响通行",
        "description": "楼道堆物影响通行",
        "source": Source.PATROL,
        "state": State.REPORTED,
        "community": area,
        "area": micro,
        "area_path": micro.path,
        "level": 1,
        "level_area": micro,
        "created_by": community,
    }
    from django.utils import timezone

    deadline = deadline_for(timeframe="", start=timezone.now())
    row["deadline"] = deadline

    def insert(_index: int, _item: object) -> None:
        Case.objects.create(**row)

    def insert_and_close(index: int, item: object) -> None:
        insert(index, item)

    connection.close()
    bare_elapsed, bare_lat = run_clients(args.clients, per_client, work, insert_and_close)
    bare_rate = len(bare_lat) / bare_elapsed
    Case.objects.filter(title="楼道堆物影响通行").delete()

    # Intake over HTTP: granian in its own process, as ./linli serve runs it.
    port = free_port()
    floor_row = {
        "title": row["title"],
        "description": row["description"],
        "source": row["source"],
        "state": row["state"],
        "community_id": area.pk,
        "area_id": micro.pk,
        "area_path": micro.path,
        "level": 1,
        "level_area_id": micro.pk,
        "created_by_id": community.pk,
        "deadline": deadline.isoformat(),
    }
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")]),
        "BENCH_ROW": json.dumps(floor_row),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        "4",
        "--no-ws",
        "--log-level",
        "warning",
        "intake_wsgi:application",
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        conns = [
            http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(args.clients)
        ]
        failures: list[str] = []
        reconnects: list[int] = []

        def send(
            conn: http.client.HTTPConnection, url: str, item: object, token: str
        ) -> tuple[int, bytes]:
            body = json.dumps(item, ensure_ascii=False).encode()
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            try:
                conn.request("POST", url, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                # The server had closed this keep-alive connection before the request
                # went out (seen with granian under load, now and then): nothing reached
                # it, so send once more on a new connection, as browsers do. Counted.
                reconnects.append(1)
                conn.close()
                conn.request("POST", url, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()

        def post(index: int, item: object, url: str = "/api/v1/cases") -> None:
            try:
                status, text = send(conns[index], url, item, tokens[index])
            except (OSError, http.client.HTTPException) as error:
                # Counted, never skipped: a client that lost its connection would otherwise
                # stop, and the figures would cover fewer requests than they say.
                failures.append(f"{url}: {type(error).__name__} {error}")
                conns[index].close()  # the next request opens a new connection
                return
            if status != 201:
                failures.append(f"{status} {text[:200]!r}")

        # Warm the server (imports, the triage model, the database) on a connection of
        # its own, thrown away after: the one that carried the first request has been
        # seen closed by the server just after it (a broken pipe on the next request).
        for url in ("/api/v1/cases", "/bench/bare-insert"):
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, _text = send(warm, url, body(-1), tokens[0])
            warm.close()
            if status != 201:
                raise SystemExit(f"warming {url} failed: {status}")
        floor_elapsed, floor_lat = run_clients(
            args.clients, per_client, work, lambda i, item: post(i, item, "/bench/bare-insert")
        )
        elapsed, latencies = run_clients(args.clients, per_client, work, post)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    floor_rate = len(floor_lat) / floor_elapsed
    Case.objects.filter(title="楼道堆物影响通行").delete()
    created = Case.objects.filter(source=Source.PATROL, created_by=community).count()
    events = CaseEvent.objects.filter(case__created_by=community, action="report").count()
    rate = len(latencies) / elapsed
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    ratio = rate / bare_rate
    report(
        f"Case intake over HTTP, {args.clients} clients, {args.workers} server process(es), {vendor}",
        [
            (
                "requests",
                f"{len(latencies)} (cases created {created}, report events {events};"
                f" sent again on a new connection after the server closed one: {len(reconnects)})",
            ),
            ("intake", f"{rate:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms"),
            (
                "bare insert",
                f"{bare_rate:,.0f} rows/s, p50 {percentile(bare_lat, 50):.1f} ms, p99 {percentile(bare_lat, 99):.1f} ms",
            ),
            (
                "HTTP floor",
                f"{floor_rate:,.0f} req/s, p50 {percentile(floor_lat, 50):.1f} ms, p99 {percentile(floor_lat, 99):.1f} ms (a view that only inserts the row, same server and clients)",
            ),
            ("intake / HTTP floor", f"{rate / floor_rate:.2f} ×"),
            ("ratio", f"{ratio:.2f} × bare insert — {verdict(ratio >= GOAL_RATIO, '≥ 0.5 ×')}"),
            ("p99", verdict(p99 <= GOAL_P99_MS, "p99 ≤ 50 ms")),
        ],
    )


if __name__ == "__main__":
    main()
