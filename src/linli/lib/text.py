"""Text helpers for Chinese search keys."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

_SURNAMES: dict[str, str] = {
    k: v
    for k, v in json.loads(
        (Path(__file__).parent / "data_surnames.json").read_text("utf-8")
    ).items()
    if not k.startswith("_")
}


@lru_cache(maxsize=65536)
def pinyin_initials(name: str) -> str:
    """张梅英 → "zmy"; a surname read unusually (单 shan, 曾 zeng) gets its surname reading."""
    name = "".join(name.split())
    if not name:
        return ""
    for length in (2, 1):
        head = name[:length]
        if head in _SURNAMES:
            rest = lazy_pinyin(name[length:], style=Style.FIRST_LETTER, errors="ignore")
            return (_SURNAMES[head] + "".join(rest)).lower()
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
