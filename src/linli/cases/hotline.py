"""A batch of 12345 hotline tickets from xlsx or csv, checked first, then entered as cases.

Steps:
1. Read the file (xlsx, or csv in UTF-8 or GBK) and find the columns by their name in any
   of Linli's languages; a file without the required columns is refused as a whole.
2. Check every row: a ticket number (not already in Linli, not twice in the file), the
   request text, a readable reply deadline and phone. Each problem is reported with its
   row, column and a reason in the user's language.
3. Find the place from the address within the chosen community: compound name, building
   number, and unit/room when given ("5-2-301", "5栋2单元301"). An address that matches
   nothing keeps its text and the case goes to the community.
4. Nothing is written unless every row is valid, or the user chooses the valid rows only.
   Entering is one transaction; tickets already entered are skipped, so a repeated import
   adds nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.cases.models import Case, Source
from linli.cases.services import case_report
from linli.lib.errors import DomainError
from linli.places.importing import Column, FileProblem, map_column_list, read_rows
from linli.places.importing import cell_text as _text
from linli.places.models import Area, Building, Household

if TYPE_CHECKING:
    from linli.accounts.models import User

COLUMNS = [
    Column("ticket", gettext_lazy("12345 ticket number"), True),
    Column("content", gettext_lazy("Request"), True),
    Column("address", gettext_lazy("Address"), False),
    Column("contact_name", gettext_lazy("Contact name"), False),
    Column("contact_phone", gettext_lazy("Contact phone"), False),
    Column("reply_due", gettext_lazy("Hotline reply due"), False),
]
# Other titles the hotline's own exports use for our columns.
ALIASES: dict[str, list[str]] = {
    key: titles
    for key, titles in json.loads(
        (Path(__file__).parent / "data" / "hotline_columns.json").read_text("utf-8")
    ).items()
    if not key.startswith("_")
}
MAX_ROWS = 5000
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# "5-2-301", "5栋2单元301室", "5号楼2单元301", "5幢"
ADDRESS = re.compile(
    r"(?P<building>\d+)\s*(?:号楼|号|栋|幢|座|-|－)\s*"
    r"(?:(?P<unit>\d+)\s*(?:单元|-|－)\s*(?P<room>\d+)\s*室?)?"
)


@dataclass
class Checked:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[list[Any]] = field(default_factory=list)  # [row, column, reason]
    total: int = 0


def _due(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    text = _text(value)
    if not text:
        return None
    for pattern in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
        "%Y/%m/%d %H:%M",
        "%Y/%m/%d",
    ):
        try:
            return timezone.make_aware(datetime.strptime(text, pattern))
        except ValueError:
            continue
    raise ValueError(text)


def buildings_by_community(communities: Iterable[Area]) -> dict[int, list[Building]]:
    """Each community's buildings with their compounds, in one query: what `hotline_place`
    matches an address against, read once by a caller that places many addresses."""
    found: dict[int, list[Building]] = {c.pk: [] for c in communities}
    for building in Building.objects.filter(community_id__in=found).select_related("compound"):
        found[building.community_id].append(building)
    return found


def hotline_place(
    community: Area, address: str, buildings: list[Building] | None = None
) -> dict[str, Any]:
    """The household or building an address names inside the community, if any.

    `buildings`: the community's, from `buildings_by_community`, when the caller places
    many addresses (read once instead of once per address)."""
    if buildings is None:
        buildings = buildings_by_community([community])[community.pk]
    named = [b for b in buildings if b.compound_id and b.compound.name in address]  # type: ignore[union-attr]
    match = ADDRESS.search(address)
    if match is None:
        return {}
    candidates = [b for b in (named or buildings) if b.number == match["building"]]
    if len(candidates) != 1:
        return {}
    building = candidates[0]
    if match["unit"] and match["room"]:
        household = Household.objects.filter(
            building=building, unit=match["unit"], room=match["room"]
        ).first()
        if household is not None:
            return {"household": household}
    return {"building": building}


def hotline_check(*, path: Path, original_name: str, community: Area) -> Checked:
    header, rows = read_rows(path, original_name)
    known = {title: key for key, titles in ALIASES.items() for title in titles}
    positions = map_column_list(COLUMNS, [known.get(h.strip(), h) for h in header])
    labels = {c.key: str(c.label) for c in COLUMNS}
    filled: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        cells = {key: row[i] if i < len(row) else None for key, i in positions.items()}
        if any(_text(v) for v in cells.values()):
            filled.append((number, cells))
            if len(filled) > MAX_ROWS:
                raise FileProblem(_("At most %(n)s tickets per file.") % {"n": MAX_ROWS})
    # Only this file's tickets are looked up, not every ticket Linli has ever taken in.
    existing = set(
        Case.objects.filter(
            hotline_ticket__in=sorted({_text(c.get("ticket")) for _n, c in filled} - {""})
        ).values_list("hotline_ticket", flat=True)
    )
    seen: set[str] = set()
    checked = Checked()
    for number, cells in filled:
        checked.total += 1
        problems: list[tuple[str, str]] = []
        ticket = _text(cells.get("ticket"))
        if not ticket:
            problems.append(("ticket", _("This field is required.")))
        elif ticket in seen:
            problems.append(("ticket", _("This ticket appears twice in the file.")))
        elif ticket in existing:
            problems.append(("ticket", _("A case with this 12345 ticket number already exists.")))
        seen.add(ticket)
        content = _text(cells.get("content"))
        if not content:
            problems.append(("content", _("This field is required.")))
        phone = _text(cells.get("contact_phone")).replace(" ", "")
        if phone and not PHONE.match(phone):
            problems.append(
                (
                    "contact_phone",
                    _("A mobile number has 11 digits starting with 1; a landline starts with 0."),
                )
            )
        try:
            due = _due(cells.get("reply_due"))
        except ValueError:
            problems.append(("reply_due", _("Write the date as 2026-10-08 or 2026-10-08 17:00.")))
            due = None
        if problems:
            checked.errors += [[number, labels[key], reason] for key, reason in problems]
            continue
        checked.rows.append(
            {
                "row": number,
                "ticket": ticket,
                "content": content,
                "address": _text(cells.get("address")),
                "contact_name": _text(cells.get("contact_name")),
                "contact_phone": phone,
                "reply_due": due.isoformat() if due else None,
            }
        )
    if not checked.total:
        raise FileProblem(_("The file is empty."))
    return checked


def hotline_enter(*, rows: list[dict[str, Any]], community: Area, by: User) -> list[Case]:
    """Enter checked rows as hotline cases, all or none; tickets already in Linli are skipped."""
    cases = []
    with transaction.atomic():
        existing = set(
            Case.objects.filter(hotline_ticket__in=[r["ticket"] for r in rows]).values_list(
                "hotline_ticket", flat=True
            )
        )
        buildings = buildings_by_community([community])[community.pk]
        for row in rows:
            if row["ticket"] in existing:
                continue
            place = hotline_place(community, row["address"], buildings) or {"area": community}
            try:
                cases.append(
                    case_report(
                        by=by,
                        description=row["content"],
                        source=Source.HOTLINE,
                        address=row["address"],
                        contact_name=row["contact_name"],
                        contact_phone=row["contact_phone"],
                        hotline_ticket=row["ticket"],
                        hotline_reply_due=datetime.fromisoformat(row["reply_due"])
                        if row["reply_due"]
                        else None,
                        **place,
                    )
                )
            except DomainError as exc:
                raise DomainError(
                    _("Row %(row)s: %(reason)s") % {"row": row["row"], "reason": exc.message}
                ) from exc
    return cases
