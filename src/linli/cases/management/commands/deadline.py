"""Print the deadline that a start and a number of working days give, by the cases' rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linli.cases.workcal import add_working_days, year_is_known


class Command(BaseCommand):
    help = "Deadline on the official working calendar: --start 2026-09-30T10:00 --working-days 3"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="ISO date-time, local time")
        parser.add_argument("--working-days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = datetime.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(f"not an ISO date-time: {options['start']}") from None
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        if options["working_days"] < 0:
            raise CommandError("--working-days must not be negative")
        deadline = add_working_days(start, options["working_days"])
        for year in range(start.year, deadline.year + 1):
            if not year_is_known(year):
                self.stderr.write(
                    f"warning: no official schedule for {year}; counted plain weekends"
                )
        self.stdout.write(timezone.localtime(deadline).isoformat(timespec="minutes"))
