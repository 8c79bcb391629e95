"""The job queue: enqueue, claim, run.

Claiming is a conditional update (`filter(id=…, status=old).update(…)`) whose row count says
who won, so any number of workers on SQLite or PostgreSQL never run one job twice.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from linli.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[Job], None]
HANDLERS: dict[str, Handler] = {}
# kind → interval in seconds; the worker enqueues one job per interval slot.
PERIODIC: dict[str, int] = {}


def job_handler(kind: str, *, every: int | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for a kind of job; `every` makes it periodic (seconds)."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        if every:
            PERIODIC[kind] = every
        return func

    return register


def job_enqueue(
    *,
    kind: str,
    payload: dict | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> Job | None:
    """Add a job. With a dedupe_key already used, nothing is added and None is returned."""
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                payload=payload or {},
                run_at=run_at or timezone.now(),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None


def job_enqueue_periodic(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    added = 0
    for kind, every in PERIODIC.items():
        slot = int(now.timestamp()) // every
        if job_enqueue(kind=kind, dedupe_key=f"periodic:{kind}:{slot}") is not None:
            added += 1
    return added


def _due(now: datetime) -> Q:
    pending = Q(status=JobStatus.PENDING, run_at__lte=now)
    abandoned = Q(status=JobStatus.RUNNING, lease_until__lt=now)
    return pending | abandoned


def job_claim(*, worker: str, limit: int = 10, now: datetime | None = None) -> list[Job]:
    """Take up to `limit` due jobs for `worker`. Each job goes to exactly one worker."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.JOB_LEASE_SECONDS)
    candidates = list(
        Job.objects.filter(_due(now)).values_list("pk", "status", "lease_until")[: limit * 3]
    )
    claimed: list[int] = []
    for pk, status, lease_until in candidates:
        if len(claimed) >= limit:
            break
        won = Job.objects.filter(pk=pk, status=status, lease_until=lease_until).update(
            status=JobStatus.RUNNING,
            locked_by=worker,
            lease_until=lease,
            attempts=F("attempts") + 1,
        )
        if won == 1:
            claimed.append(pk)
    return list(Job.objects.filter(pk__in=claimed))


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def job_run(*, job: Job, worker: str) -> bool:
    """Run one claimed job; True when it succeeded. Failures are retried with backoff."""
    handler = HANDLERS.get(job.kind)
    mine = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, locked_by=worker)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        handler(job)
    except Exception:
        error = traceback.format_exc(limit=20)
        log.warning("job %s failed (attempt %s): %s", job.pk, job.attempts, error)
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            mine.update(status=JobStatus.FAILED, last_error=error, finished_at=timezone.now())
        else:
            mine.update(
                status=JobStatus.PENDING,
                last_error=error,
                run_at=timezone.now() + _backoff(job.attempts),
                lease_until=None,
                locked_by="",
            )
        return False
    mine.update(status=JobStatus.DONE, finished_at=timezone.now(), lease_until=None)
    return True


def job_release(*, job: Job, worker: str) -> None:
    """Hand back a claimed job that was not started (the worker is stopping)."""
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, locked_by=worker).update(
        status=JobStatus.PENDING, locked_by="", lease_until=None, attempts=F("attempts") - 1
    )


def job_work_once(
    *, worker: str, limit: int = 10, should_stop: Callable[[], bool] = lambda: False
) -> int:
    """Claim and run one batch of due jobs. Returns how many ran."""
    ran = 0
    for job in job_claim(worker=worker, limit=limit):
        if should_stop():
            job_release(job=job, worker=worker)
            continue
        job_run(job=job, worker=worker)
        ran += 1
    return ran
