from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile the .po translation catalogues to .mo (pure Python: no GNU gettext needed). "
        "Only catalogues newer than their .mo are compiled."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if (
                    not force
                    and mo_path.exists()
                    and mo_path.stat().st_mtime >= po_path.stat().st_mtime
                ):
                    continue
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(mo_path))
                if options["verbosity"] > 1:
                    self.stdout.write(f"compiled {po_path}")
