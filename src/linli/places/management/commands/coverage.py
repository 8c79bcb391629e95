import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.places.services import coverage_audit, coverage_gap_labels


class Command(BaseCommand):
    help = "List every coverage gap (不漏一户): households, micro-grids, grids, party households."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            help="One JSON object: a list per gap kind and the totals.",
        )
        parser.add_argument(
            "--as-user", help="Audit only what this user may see (default: everything)."
        )

    def handle(
        self, *args: Any, json: bool = False, as_user: str | None = None, **options: Any
    ) -> None:
        user: Any = User(is_superuser=True, is_active=True)  # the whole tree
        if as_user:
            user = User.objects.get(username=as_user)
        audit = coverage_audit(user=user)
        if json:
            self.stdout.write(_dumps(audit))
            return
        labels = coverage_gap_labels()
        for kind, rows in audit["gaps"].items():
            self.stdout.write(f"{labels[kind]}: {audit['totals'][kind]}")
            for row in rows:
                self.stdout.write(f"  #{row['id']} {row['label']}")
        if audit["total"] == 0:
            self.stdout.write(self.style.SUCCESS(_("No gaps: every household is covered.")))


def _dumps(data: dict) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, indent=2)
