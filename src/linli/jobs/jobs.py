"""Housekeeping jobs every deployment needs."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from linli.jobs.models import Job, JobStatus
from linli.jobs.services import job_handler
from linli.lib.query import database_optimize


@job_handler("housekeeping.clear_sessions", every=24 * 3600)
def clear_sessions(job: Job) -> None:
    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@job_handler("housekeeping.prune_jobs", every=24 * 3600)
def prune_jobs(job: Job) -> None:
    """Finished jobs are kept 30 days for inspection in the admin, then removed."""
    cutoff = timezone.now() - timedelta(days=30)
    Job.objects.filter(status=JobStatus.DONE, finished_at__lt=cutoff).delete()


@job_handler("housekeeping.optimize_database", every=24 * 3600)
def optimize_database(job: Job) -> None:
    database_optimize()
