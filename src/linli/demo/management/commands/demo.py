import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.demo.builder import DEMO_ACCOUNTS, DemoExists, build_demo


class Command(BaseCommand):
    help = "Load the fictional demo community (deterministic for a given seed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--households", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when places already exist."
        )

    def handle(
        self, *args: Any, households: int, seed: int, if_empty: bool, **options: Any
    ) -> None:
        if households < 4:
            raise CommandError(_("The demo needs at least 4 households (one per community)."))
        started = time.monotonic()
        try:
            counts = build_demo(households=households, seed=seed, progress=self.stdout.write)
        except DemoExists as exc:
            if if_empty:
                self.stdout.write(_("The database already has places; the demo was not loaded."))
                return
            raise CommandError(
                _(
                    "The database already has places. Run `./linli manage flush` first to start over."
                )
            ) from exc
        took = time.monotonic() - started
        summary = ", ".join(f"{k}={v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"demo loaded in {took:.1f}s: {summary}"))
        self.stdout.write("accounts: " + " ".join(u for u, _r, _p in DEMO_ACCOUNTS))
