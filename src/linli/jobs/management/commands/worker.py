import os
import signal
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from linli.jobs.services import job_enqueue_periodic, job_work_once


class Command(BaseCommand):
    help = "Run background jobs from the database until stopped (SIGTERM finishes the job at hand)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--name", default=f"{socket.gethostname()}:{os.getpid()}")

    def handle(self, *args: Any, once: bool = False, name: str = "", **options: Any) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: Any) -> None:
            self.stdout.write(f"worker {name}: stopping after the current job")
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"worker {name}: started")
        while not stop.is_set():
            close_old_connections()
            job_enqueue_periodic()
            ran = job_work_once(worker=name, should_stop=stop.is_set)
            if once and ran == 0:
                break
            if ran == 0:
                stop.wait(settings.JOB_POLL_SECONDS)
        self.stdout.write(f"worker {name}: stopped")
