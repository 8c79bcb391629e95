"""Run the deadline round once (the worker runs it every minute)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from linli.cases.services import case_sweep


class Command(BaseCommand):
    help = "Escalate overdue cases, mark those due soon, close unanswered follow-ups."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(case_sweep()))
