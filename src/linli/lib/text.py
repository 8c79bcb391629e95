"""Text helpers for Chinese search keys."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

from pypinyin.pinyin_dict import pinyin_dict

_SURNAMES: dict[str, str] = {
    k: v
    for k, v in json.loads(
        (Path(__file__).parent / "data_surnames.json").read_text("utf-8")
    ).items()
    if not k.startswith("_")
}


@cache
def _initial(char: str) -> str:
    """The first letter of a character's most common reading (pypinyin's dictionary)."""
    readings = pinyin_dict.get(ord(char))
    if readings:
        # "zhāng" → "z"; "ā,ē" → "a" (the tone mark comes off in NFD).
        return unicodedata.normalize("NFD", readings.split(",", 1)[0])[0].lower()
    return char.lower() if char.isascii() and char.isalnum() else ""


@lru_cache(maxsize=65536)
def pinyin_initials(name: str) -> str:
    """张梅英 → "zmy"; a surname read unusually (单 shan, 曾 zeng) gets its surname reading.

    Names are read character by character: a name has no phrase context for the
    segmenter to use, and this is a hundred times faster, which an import of a million
    residents needs.
    """
    name = "".join(name.split())
    for length in (2, 1):
        head = name[:length]
        if head in _SURNAMES:
            return _SURNAMES[head] + "".join(_initial(c) for c in name[length:])
    return "".join(_initial(c) for c in name)


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """Simplified → Traditional (Taiwan standard) for data kept only in Simplified Chinese,
    such as names an administrator typed; the interface itself is translated by gettext."""
    return _converter()(text)


@cache
def _converter(config: str = "s2tw") -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC(config).convert


@lru_cache(maxsize=256)
def to_simplified(text: str) -> str:
    """Traditional → Simplified, for text to be read by what is written in Simplified (the
    triage rules and model): "好幾天沒見了" → "好几天没见了". Simplified text comes back as
    it was."""
    return _converter("t2s")(text)
