"""Read report texts from standard input, one per line; write one JSON proposal per line."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from linli.triage.classifier import current_model


class Command(BaseCommand):
    help = "Propose category, route, time class and risk for each line of standard input."

    def handle(self, *args: Any, **options: Any) -> None:
        model = current_model()
        out = sys.stdout
        for number, line in enumerate(sys.stdin, start=1):
            text = line.strip()
            if not text:
                answer: dict[str, Any] = {"line": number, "error": "empty line"}
            else:
                answer = model.propose(text).as_dict()
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()
