import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from linli.jobs.models import Job, JobStatus
from linli.jobs.services import (
    HANDLERS,
    job_claim,
    job_enqueue,
    job_enqueue_periodic,
    job_handler,
    job_run,
    job_work_once,
)

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def recorded():
    """A job kind whose runs are recorded, to count how often each job ran."""
    runs: list[int] = []
    lock = threading.Lock()

    @job_handler("test.record")
    def record(job: Job) -> None:
        time.sleep(0.001)  # widen the window in which two workers could collide
        with lock:
            runs.append(job.pk)

    yield runs
    HANDLERS.pop("test.record", None)


@pytest.fixture
def failing():
    @job_handler("test.fail")
    def fail(job: Job) -> None:
        raise RuntimeError("the webhook answered 502")

    yield
    HANDLERS.pop("test.fail", None)


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job_twice(recorded):
    jobs = [job_enqueue(kind="test.record") for _ in range(120)]
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            while job_work_once(worker=name, limit=5):
                pass
        except BaseException as exc:  # surfaced below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    counts = Counter(recorded)
    assert sorted(counts) == sorted(j.pk for j in jobs if j)
    assert max(counts.values()) == 1
    assert Job.objects.filter(kind="test.record", status=JobStatus.DONE).count() == 120
    # Both workers took part (the race was real, not one worker doing everything).
    assert Job.objects.filter(kind="test.record").values("locked_by").distinct().count() == 2


def test_a_claimed_job_is_not_claimed_again_while_its_lease_runs(db, recorded):
    job_enqueue(kind="test.record")
    assert len(job_claim(worker="a")) == 1
    assert job_claim(worker="b") == []


def test_a_job_whose_worker_died_is_taken_over_after_the_lease(db, recorded, settings):
    job = job_enqueue(kind="test.record")
    assert job is not None
    [claimed] = job_claim(worker="dead")
    later = timezone.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    [again] = job_claim(worker="alive", now=later)
    assert again.pk == job.pk and again.locked_by == "alive" and again.attempts == 2
    # The dead worker, were it to come back, can no longer mark the job as its own.
    job_run(job=claimed, worker="dead")
    assert Job.objects.get(pk=job.pk).locked_by == "alive"


def test_a_failing_job_is_retried_later_then_marked_failed(db, failing, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = job_enqueue(kind="test.fail")
    assert job is not None
    assert job_work_once(worker="w") == 1
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job.run_at > timezone.now()  # backed off, not retried in a tight loop
    assert "502" in job.last_error
    [claimed] = job_claim(worker="w", now=job.run_at + timedelta(seconds=1))
    job_run(job=claimed, worker="w")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 2


def test_a_stopping_worker_hands_back_jobs_it_has_not_started(db, recorded):
    for _ in range(3):
        job_enqueue(kind="test.record")
    stop_after_first = iter([False, True, True])
    ran = job_work_once(worker="w", should_stop=lambda: next(stop_after_first))
    assert ran == 1
    assert Job.objects.filter(status=JobStatus.PENDING, locked_by="", attempts=0).count() == 2


def test_periodic_jobs_are_enqueued_once_per_interval_however_many_workers(db):
    now = timezone.now()
    first = job_enqueue_periodic(now=now)
    assert first >= 1
    assert job_enqueue_periodic(now=now) == 0
    assert Job.objects.filter(kind="housekeeping.clear_sessions").count() == 1


def test_the_same_dedupe_key_enqueues_one_job(db):
    assert job_enqueue(kind="test.record", dedupe_key="notify:case:1:event:9") is not None
    assert job_enqueue(kind="test.record", dedupe_key="notify:case:1:event:9") is None
    assert Job.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the subprocess needs a file database")
def test_the_worker_command_stops_cleanly_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}",
        "LINLI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "JOB_POLL_SECONDS": "0.2",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [*manage, "worker", "--name", "w1"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        assert "started" in worker.stdout.readline()
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 0
    assert "stopped" in out
