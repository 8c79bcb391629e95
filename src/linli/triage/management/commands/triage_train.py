"""Retrain triage from the shipped corpus and the community's corrections."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from linli.triage.services import triage_train


class Command(BaseCommand):
    help = "Retrain the triage model; it is swapped in only if not worse on the evaluation set."

    def handle(self, *args: Any, **options: Any) -> None:
        before, after, swapped, corrections = triage_train()
        self.stdout.write(f"corrections used: {corrections}")
        for name, scores in (("before", before), ("after", after)):
            self.stdout.write(
                f"{name}: category {scores.category:.1%}  route {scores.route:.1%}  "
                f"time class {scores.timeframe:.1%}  risk recall {scores.risk_recall:.1%}  "
                f"false alarms {scores.false_alarms:.1%}"
            )
        self.stdout.write(
            "new model swapped in" if swapped else "kept the current model (the new one is worse)"
        )
