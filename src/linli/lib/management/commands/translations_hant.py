from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Developer tool: rewrite the zh_Hant catalogue from zh_Hans with OpenCC (s2tw). "
        "Run after editing zh_Hans; review the diff (needs the dev extra opencc)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import opencc
        except ImportError as exc:
            raise CommandError(
                "pip install opencc-python-reimplemented (a dev dependency)"
            ) from exc
        convert = opencc.OpenCC("s2tw").convert
        locale = Path(settings.LOCALE_PATHS[0])
        source = polib.pofile(str(locale / "zh_Hans/LC_MESSAGES/django.po"))
        target_path = locale / "zh_Hant/LC_MESSAGES/django.po"
        target = polib.pofile(str(target_path))
        by_id = {(e.msgctxt, e.msgid): e for e in source}
        for entry in target:
            src = by_id.get((entry.msgctxt, entry.msgid))
            if src and src.msgid_plural:
                entry.msgstr_plural = {k: convert(v) for k, v in src.msgstr_plural.items()}
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
            elif src and src.msgstr:
                entry.msgstr = convert(src.msgstr)
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                entry.previous_msgid = None
        target.metadata.update(
            {
                "Language": "zh_Hant",
                "Plural-Forms": "nplurals=1; plural=0;",
                "Content-Type": "text/plain; charset=UTF-8",
            }
        )
        target.save(str(target_path))
        self.stdout.write(f"wrote {target_path}")
