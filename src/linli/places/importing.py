"""Importing buildings, households and residents from xlsx or csv.

A file is first *checked* (a dry run): every row is validated against the database and the
user's scope, and the result is what would be created or changed plus every bad row with
its row number, column and a reason in the user's language. Nothing is written unless the
whole file is valid, or the user chooses to import only the valid rows.

Writing is idempotent: a household is found by its address, a resident by ID number (or,
without one, by name and birth date within the household), so importing the same file twice
changes nothing the second time. Rows are written in chunks with the progress saved after
each, which is what the progress bar shows; a run that fails midway can simply be run again.

A large file uses both cores: a forked child checks the rows, this process looks each
chunk up in the database (and, when importing, makes the encrypted and search columns),
and a thread writes the chunks in order (see `_checked_in_child` and `ChunkWriter`).
"""

from __future__ import annotations

import csv
import io
import logging
import multiprocessing
import queue
import re
import threading
import traceback
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.scope import EDIT_ROLES, area_paths, covers
from linli.lib import pii
from linli.lib.bulk import (
    cyclic_gc_paused,
    fast_insert,
    fast_update,
    relax_durability_for_this_transaction,
    reserve_ids,
    select_where_in,
)
from linli.lib.text import pinyin_initials
from linli.places.models import (
    RESIDENT_COMPARED,
    RESIDENT_ROW_FIELDS,
    Area,
    AreaKind,
    Building,
    Compound,
    Household,
    ImportKind,
    Relation,
    Resident,
    Sex,
    SpecialGroup,
)

if TYPE_CHECKING:
    from linli.accounts.models import User

log = logging.getLogger(__name__)

CHUNK = 5000
# From this many rows a file's rows are checked in a second process (see _checked_in_child).
PARALLEL_FROM_ROWS = 2 * CHUNK
CHECKPOINT_CHUNKS = 10  # SQLite: how many chunks the import writer commits between checkpoints


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    required: bool = False
    help: str | Promise = ""


RESIDENT_COLUMNS = [
    Column("community", gettext_lazy("Community"), True),
    Column(
        "compound",
        gettext_lazy("Compound"),
        False,
        gettext_lazy("Leave empty for a building in no compound."),
    ),
    Column(
        "building",
        gettext_lazy("Building"),
        True,
        gettext_lazy("The building number, e.g. 5; the building must exist."),
    ),
    Column("unit", gettext_lazy("Unit"), True),
    Column("room", gettext_lazy("Room"), True),
    Column("name", gettext_lazy("Name"), True),
    Column(
        "sex",
        gettext_lazy("Sex"),
        False,
        gettext_lazy("男 or 女; taken from the ID number when empty."),
    ),
    Column(
        "birth_date",
        gettext_lazy("Birth date"),
        False,
        gettext_lazy("YYYY-MM-DD; taken from the ID number when empty."),
    ),
    Column(
        "id_number",
        gettext_lazy("ID number"),
        False,
        gettext_lazy("18 characters; stored encrypted."),
    ),
    Column("phone", gettext_lazy("Phone"), False),
    Column(
        "relation",
        gettext_lazy("Relation to household head"),
        False,
        gettext_lazy("户主, 配偶, 子女, 父母, 孙辈 or 其他."),
    ),
    Column(
        "tags",
        gettext_lazy("Special groups"),
        False,
        gettext_lazy("Separate several with 、 or a comma."),
    ),
]

BUILDING_COLUMNS = [
    Column("community", gettext_lazy("Community"), True),
    Column("compound", gettext_lazy("Compound"), False),
    Column(
        "building", gettext_lazy("Building"), True, gettext_lazy("The building number, e.g. 5.")
    ),
    Column(
        "grid", gettext_lazy("Grid"), True, gettext_lazy("The grid must exist in the community.")
    ),
    Column(
        "micro_grid",
        gettext_lazy("Micro-grid"),
        False,
        gettext_lazy("Created in the grid when new; default: compound and building."),
    ),
    Column("latitude", gettext_lazy("Latitude"), False),
    Column("longitude", gettext_lazy("Longitude"), False),
]

COLUMNS: dict[str, list[Column]] = {
    ImportKind.RESIDENTS: RESIDENT_COLUMNS,
    ImportKind.BUILDINGS: BUILDING_COLUMNS,
}


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong type, wrong columns, empty)."""


# Reading -----------------------------------------------------------------------------


def _header_names(column: Column) -> set[str]:
    names = {column.key.lower()}
    for language in ("zh-hans", "zh-hant", "en"):
        with translation.override(language):
            names.add(str(column.label).strip().lower())
    return names


def read_rows(path: Path, original_name: str) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and an iterator over the data rows of an xlsx or csv file."""
    suffix = Path(original_name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise FileProblem(_("This is not an xlsx file Linli can read.")) from exc
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileProblem(_("The file is empty."))
        return [str(h or "").strip() for h in header], (list(r) for r in rows)
    if suffix == ".csv":
        raw = path.read_bytes()
        # Excel in China saves csv as GBK; everything else sends UTF-8 (with or without BOM).
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileProblem(_("The csv file's text encoding is not UTF-8 or GBK."))
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None:
            raise FileProblem(_("The file is empty."))
        return [h.strip() for h in header], iter(reader)
    raise FileProblem(_("Upload an .xlsx or .csv file."))


def map_columns(kind: str, header: list[str]) -> dict[str, int]:
    return map_column_list(COLUMNS[kind], header)


def map_column_list(columns: list[Column], header: list[str]) -> dict[str, int]:
    """Which position each known column has; a missing required column is a FileProblem.

    A column is recognised by its key or by its label in any of Linli's languages."""
    positions: dict[str, int] = {}
    for column in columns:
        names = _header_names(column)
        for index, title in enumerate(header):
            if title.strip().lower() in names:
                positions[column.key] = index
                break
    missing = [str(c.label) for c in columns if c.required and c.key not in positions]
    if missing:
        raise FileProblem(
            _("The file lacks these columns: %(columns)s. Download the template to see them all.")
            % {"columns": "、".join(missing)}
        )
    return positions


# Checking ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a pass over the file found."""

    total: int = 0
    errors: list[list[Any]] = field(default_factory=list)  # [row, column label, message]
    error_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    stopped_at: int | None = None  # the first row of a chunk not written (stop_on_error)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def cell_text(value: Any) -> str:
    """A cell as trimmed text; Excel's 3.0 for a typed 3 becomes "3"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_text = cell_text


def _blank(row: list[Any]) -> bool:
    try:
        return not "".join(row).strip()  # csv: all strings
    except TypeError:
        return not any(_text(c) for c in row)


# The date forms people type: 1950-03-07, 1950/3/7, 1950.03.07, 19500307, 1950年3月7日.
# One regular expression instead of trying strptime per form (strptime was a sixth of a
# 50,000-row import).
_DATE = re.compile(
    r"^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2})|年(\d{1,2})月(\d{1,2})日)$"
)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    return _date_from_text(text) if text else None


@lru_cache(maxsize=100_000)
def _date_from_text(text: str) -> date:
    """A file's birth dates repeat (a few tens of thousands of days in eighty years)."""
    match = _DATE.match(text)
    if match is None:
        raise ValueError(text)
    year, _sep, *parts = match.groups()
    month, day = [int(x) for x in parts if x is not None]
    return date(int(year), month, day)  # ValueError for 1950-02-30


_SEX: dict[str, str] = {
    "男": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "女": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}
_RELATION = {
    "户主": Relation.HEAD,
    "戶主": Relation.HEAD,
    "本人": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "妻": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "子女": Relation.CHILD,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "儿子": Relation.CHILD,
    "女儿": Relation.CHILD,
    "父母": Relation.PARENT,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙辈": Relation.GRANDCHILD,
    "孫輩": Relation.GRANDCHILD,
    "孙子": Relation.GRANDCHILD,
    "孙女": Relation.GRANDCHILD,
    "其他": Relation.OTHER,
    "租户": Relation.OTHER,
    "租戶": Relation.OTHER,
}


@lru_cache(maxsize=300_000)
def _id_facts(raw: str) -> tuple[str, str | None, date | None, str, str]:
    """(normalised number, problem, birth date, sex, blind index), computed once per number:
    a file is read twice (check, then write) and the same people recur across files."""
    number = pii.normalize_id_number(raw)
    problem, born = pii.id_number_check(number)
    if problem:
        return number, problem, None, "", ""
    return number, None, born, pii.id_number_sex(number), pii.blind_index(number)


_DIGITS = re.compile(r"\D")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_TAG_SPLIT = re.compile(r"[、,，;；\s]+")


# The database's side of resolve(): raw SQL with the many values as one parameter
# (lib.bulk.select_where_in). The digest lookup is not scoped: a person registered in
# another area must be found to be refused; the households looked in without ID numbers
# are in buildings the checker holds, so in the user's area.


def _residents_by_digest(digests: list[str]) -> list[tuple[Any, ...]]:
    """(digest, resident id, micro-grid path, *RESIDENT_COMPARED) for the residents with
    these ID digests; a birth date as YYYY-MM-DD text on either database."""
    columns = ", ".join(f"r.{name}" for name in RESIDENT_COMPARED)
    rows = select_where_in(
        f"SELECT r.id_number_digest, r.id, a.path, {columns} FROM places_resident r "  # noqa: S608 (constant names)
        "JOIN places_household h ON h.id = r.household_id "
        "LEFT JOIN places_area a ON a.id = h.micro_grid_id WHERE r.id_number_digest ",
        digests,
    )
    return _birth_dates_as_text(rows, 3)


def _residents_without_id_number(household_ids: list[int]) -> list[tuple[Any, ...]]:
    """(resident id, *RESIDENT_COMPARED) for the residents of these households who have no
    ID number (found by name within their household), oldest first; a
    birth date as YYYY-MM-DD text on either database."""
    columns = ", ".join(RESIDENT_COMPARED)
    rows = select_where_in(
        f"SELECT id, {columns} FROM places_resident "  # noqa: S608 (constant names)
        "WHERE id_number_digest = '' AND household_id ",
        household_ids,
    )
    return sorted(_birth_dates_as_text(rows, 1))


def _birth_dates_as_text(rows: list[tuple[Any, ...]], first: int) -> list[tuple[Any, ...]]:
    """The rows with their RESIDENT_COMPARED part (from column `first`) holding the birth
    date as text, as SQLite returns it and PostgreSQL does not."""
    born = first + RESIDENT_COMPARED.index("birth_date")
    return [
        (
            *row[:born],
            row[born].isoformat() if hasattr(row[born], "isoformat") else row[born],
            *row[born + 1 :],
        )
        for row in rows
    ]


def _resident_tag_pairs(resident_ids: list[int]) -> set[tuple[int, int]]:
    """(resident id, special group id) held by these residents."""
    return {
        (resident, group)
        for resident, group in select_where_in(
            "SELECT resident_id, specialgroup_id FROM places_resident_tags WHERE resident_id ",
            resident_ids,
        )
    }


class ResidentChecker:
    """Validates resident rows against the database and the user's scope, and writes them."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.labels = {c.key: str(c.label) for c in RESIDENT_COLUMNS}
        paths = area_paths(user, EDIT_ROLES)
        buildings = Building.objects.select_related("compound", "community", "micro_grid")
        self.buildings: dict[tuple[str, str, str], Building] = {}
        self.out_of_scope: set[tuple[str, str, str]] = set()
        for b in buildings.iterator(chunk_size=5000):
            key = (b.community.name, b.compound.name if b.compound else "", b.number)
            if covers(paths, b.micro_grid.path if b.micro_grid else None):
                self.buildings[key] = b
            else:
                self.out_of_scope.add(key)
        self.communities = set(
            Area.objects.filter(kind=AreaKind.COMMUNITY).values_list("name", flat=True)
        )
        self.tags = {}
        for group in SpecialGroup.objects.all():
            self.tags[group.name] = group
            self.tags[group.code] = group
        self.for_writing = False  # set by run_file: resolve() builds the rows to insert
        self.seen_ids: dict[str, int] = {}  # digest → first row
        # Without an ID number: (building, unit, room, name, birth date) → first row.
        self.seen_people: dict[tuple[Any, ...], int] = {}
        self.households: dict[tuple[int, str, str], int] = {}
        self.loaded_buildings: set[int] = set()
        self.claimed: set[int] = set()  # stored people without ID numbers matched so far
        self.new_households: set[tuple[int, str, str]] = set()  # created by this file

    def check(self, rowno: int, cells: dict[str, Any], outcome: Outcome) -> dict[str, Any] | None:
        """One row to a plan (or None, with its errors added to outcome)."""
        errors: list[tuple[str, str]] = []

        def err(key: str, message: str) -> None:
            errors.append((self.labels[key], message))

        values = {
            k: v.strip() if type(v) is str else _text(v)
            for k, v in cells.items()
            if k != "birth_date"
        }
        for key in ("community", "building", "unit", "room", "name"):
            if not values.get(key):
                err(key, _("This column must not be empty."))
        plan: dict[str, Any] = {"name": values.get("name", "")[:50]}
        if len(values.get("name", "")) > 50:
            err("name", _("A name has at most 50 characters."))
        where = (
            values.get("community", ""),
            values.get("compound", ""),
            values.get("building", ""),
        )
        building = self.buildings.get(where)
        if building is None and values.get("community"):
            if values["community"] not in self.communities:
                err("community", _("There is no community of that name."))
            elif where[2] and where in self.out_of_scope:
                err("building", _("This building is not in your area."))
            elif where[2]:
                err("building", _("Unknown building: import or add the building first."))
        plan["building_id"] = building.pk if building is not None else None
        plan["micro_grid_id"] = building.micro_grid_id if building is not None else None
        plan["unit"], plan["room"] = values.get("unit", "")[:10], values.get("room", "")[:10]

        number = values.get("id_number", "")
        facts = _id_facts(number) if number else None
        plan["id_number"] = facts[0] if facts else ""
        if facts:
            if facts[1]:
                from linli.places.services import id_number_message

                err("id_number", id_number_message(facts[1]))
            else:
                plan["digest"] = facts[4]
                first = self.seen_ids.setdefault(facts[4], rowno)
                if first != rowno:
                    err(
                        "id_number",
                        _("Duplicate person: the same ID number is on row %(row)s.")
                        % {"row": first},
                    )

        sex_text = values.get("sex", "").lower()
        sex: str | None = _SEX.get(sex_text)
        if sex_text and sex is None:
            err("sex", _("Write 男 or 女."))
        try:
            born = _date(cells.get("birth_date"))
        except ValueError:
            born = None
            err("birth_date", _("Write the date as YYYY-MM-DD."))
        if facts and "digest" in plan:
            id_born, id_sex = facts[2], facts[3]
            if born and born != id_born:
                err("birth_date", _("The birth date does not match the ID number."))
            if sex and sex != id_sex:
                err("sex", _("The sex does not match the ID number."))
            born, sex = born or id_born, sex or id_sex
        if sex is None and not any(k == self.labels["sex"] for k, _m in errors):
            err("sex", _("Give the sex, or an ID number."))
        plan["sex"], plan["birth_date"] = sex, born
        if not number and building is not None:
            # Namesakes in one flat are told apart by birth date (resolve()); the same name
            # and birth date twice is the same person entered twice.
            first = self.seen_people.setdefault(
                (building.pk, plan["unit"], plan["room"], plan["name"], born), rowno
            )
            if first != rowno:
                err(
                    "name",
                    _(
                        "Duplicate person: the same name and birth date in this flat are on row %(row)s."
                    )
                    % {"row": first},
                )

        phone = re.sub(r"[\s()]", "", values.get("phone", ""))
        if phone and not _PHONE.match(phone):
            err(
                "phone",
                _("A mobile number has 11 digits starting with 1; a landline starts with 0."),
            )
        plan["phone"] = phone
        relation_text = values.get("relation", "")
        relation = _RELATION.get(relation_text) or (
            relation_text if relation_text in Relation.values else None
        )
        if relation_text and relation is None:
            err("relation", _("Unknown relation: write 户主, 配偶, 子女, 父母, 孙辈 or 其他."))
        plan["relation"] = str(relation or Relation.OTHER)
        tag_ids = []
        for name in filter(None, _TAG_SPLIT.split(values.get("tags", ""))):
            group = self.tags.get(name)
            if group is None:
                err("tags", _("Unknown special group: %(name)s.") % {"name": name})
            else:
                tag_ids.append(group.pk)
        plan["tags"] = tag_ids
        if errors:
            outcome.error_rows += 1
            for column, message in errors:
                if len(outcome.errors) < 1000:
                    outcome.errors.append([rowno, column, message])
            return None
        return plan

    @staticmethod
    def row_values(plan: dict[str, Any]) -> tuple[Any, ...]:
        """A resident's column values after the household (RESIDENT_ROW_FIELDS[1:]).

        Built by resolve() when the file is being imported (for_writing), in this
        process beside the writer: made in the checking child, they made that child the
        slowest stage of the import (`./linli bench importing`).
        """
        number = plan["id_number"]
        return (
            plan["name"],
            plan["sex"],
            plan["birth_date"],
            plan["phone"],
            plan["relation"],
            pinyin_initials(plan["name"])[:20],
            _DIGITS.sub("", plan["phone"])[-4:] if plan["phone"] else "",
            pii.encrypt(number) if number else "",
            plan.get("digest", ""),
            pii.mask_id_number(number) if number else "",
        )

    def resolve(
        self, plans: list[tuple[int, dict[str, Any]]], outcome: Outcome
    ) -> list[tuple[int, dict[str, Any]]]:
        """Find what already exists for a chunk of valid plans (households, residents).

        A resident the file gives exactly as stored (household, name, sex, birth date,
        phone, relation, and special groups already held) is counted as unchanged and left
        out of what is written: importing this year's roster again writes only what moved.
        """
        # Each building's households are read once per file; new ones are added as written.
        building_ids = {p["building_id"] for _r, p in plans} - self.loaded_buildings
        self.loaded_buildings |= building_ids
        for hid, bid, unit, room in Household.objects.filter(
            building_id__in=building_ids
        ).values_list("pk", "building_id", "unit", "room"):
            self.households.setdefault((bid, unit, room), hid)
        digests = [p["digest"] for _r, p in plans if p.get("digest")]
        existing = {row[0]: row[1:] for row in _residents_by_digest(digests)}
        # People without an ID number are found by name within their household.
        unnumbered: dict[tuple[int, str], list[tuple[Any, ...]]] = {}
        # A household this file creates holds only this file's people, none twice (check()).
        homes = {
            self.households.get(key, 0)
            for _r, p in plans
            if not p.get("digest")
            and (key := (p["building_id"], p["unit"], p["room"])) not in self.new_households
        } - {0}
        for row in _residents_without_id_number(sorted(homes)):
            unnumbered.setdefault((row[1], row[2]), []).append(row)
        held = _resident_tag_pairs(
            [found[0] for found in existing.values()]
            + [row[0] for rows in unnumbered.values() for row in rows]
        )
        paths = area_paths(self.user, EDIT_ROLES)
        kept = []
        for rowno, plan in plans:
            if plan.get("digest"):
                found = existing.get(plan["digest"])
            else:
                found = self._unnumbered_match(plan, unnumbered)
            if found and plan.get("digest") and not covers(paths, found[1]):
                outcome.error_rows += 1
                outcome.errors.append(
                    [
                        rowno,
                        self.labels["id_number"],
                        _(
                            "This person is registered in another area; ask that community to move them."
                        ),
                    ]
                )
                continue
            plan["resident_id"] = found[0] if found else None
            hkey = (plan["building_id"], plan["unit"], plan["room"])
            if hkey not in self.households:
                self.households[hkey] = 0  # created in this file
                self.new_households.add(hkey)
                outcome.count("households_created")
            if found:
                born = plan["birth_date"]
                given = (
                    self.households[hkey],
                    plan["name"],
                    plan["sex"],
                    born.isoformat() if born else None,
                    plan["phone"],
                    plan["relation"],
                )
                if given == tuple(found[2:]) and all((found[0], t) in held for t in plan["tags"]):
                    outcome.count("residents_unchanged")
                    continue
            outcome.count("residents_updated" if found else "residents_created")
            if self.for_writing:
                plan["row"] = self.row_values(plan)
            kept.append((rowno, plan))
        return kept

    def _unnumbered_match(
        self, plan: dict[str, Any], unnumbered: dict[tuple[int, str], list[tuple[Any, ...]]]
    ) -> tuple[Any, ...] | None:
        """The stored resident without an ID number whom a row without one stands for, as
        (id, micro-grid path or None, *RESIDENT_COMPARED), or None for a new person.

        Same household and name; among namesakes (a grandmother and a granddaughter both
        王芳), the one with the row's birth date. Each stored person is matched once per
        file, so two rows are never written into one person.
        """
        key = (plan["building_id"], plan["unit"], plan["room"])
        hid = self.households.get(key)
        if not hid or key in self.new_households:
            return None
        candidates = unnumbered.get((hid, plan["name"]), [])
        born = plan["birth_date"].isoformat() if plan["birth_date"] else None
        born_at = 1 + RESIDENT_COMPARED.index("birth_date")
        free = [row for row in candidates if row[0] not in self.claimed]
        same_day = [row for row in free if row[born_at] == born]
        chosen = same_day[0] if same_day else free[0] if len(candidates) == 1 and free else None
        if chosen is None:
            return None
        self.claimed.add(chosen[0])
        # Within a household the checker already holds the building, so in the user's area.
        return (chosen[0], None, *chosen[1:])

    def write(self, plans: list[tuple[int, dict[str, Any]]]) -> None:
        """Write a chunk of resolved plans: households, then residents, then tags."""
        new_keys = {
            (p["building_id"], p["unit"], p["room"]): p["micro_grid_id"]
            for _r, p in plans
            if not self.households.get((p["building_id"], p["unit"], p["room"]))
        }
        with transaction.atomic():
            relax_durability_for_this_transaction()
            if new_keys:
                # The new households' ids are reserved first, so nothing is read back.
                ids = reserve_ids(Household, len(new_keys))
                fast_insert(
                    Household,
                    ("id", "building_id", "unit", "room", "micro_grid_id"),
                    [
                        (hid, bid, unit, room, micro_grid_id)
                        for hid, ((bid, unit, room), micro_grid_id) in zip(
                            ids, new_keys.items(), strict=True
                        )
                    ],
                )
                self.households.update(zip(new_keys, ids, strict=True))
            new_rows: list[tuple[Any, ...]] = []
            new_tags: list[list[int]] = []
            updates = []
            for _rowno, p in plans:
                household_id = self.households[(p["building_id"], p["unit"], p["room"])]
                values = (household_id, *p["row"])  # built by resolve() when writing
                # resolve() found who is already stored; in a household new in this file
                # nobody is, and the check let no person in twice.
                pk = p["resident_id"]
                if pk is None:
                    new_rows.append(values)
                    new_tags.append(p["tags"])
                else:
                    updates.append((pk, values, p["tags"]))
            # Newcomers through the fast path, with ids reserved first for their tags.
            ids = reserve_ids(Resident, len(new_rows))
            fast_insert(
                Resident,
                ("id", *RESIDENT_ROW_FIELDS),
                [(pk, *values) for pk, values in zip(ids, new_rows, strict=True)],
            )
            fast_insert(
                Resident.tags.through,
                ("resident_id", "specialgroup_id"),
                [(pk, tag) for pk, tags in zip(ids, new_tags, strict=True) for tag in tags],
            )
            fast_update(
                Resident,
                RESIDENT_ROW_FIELDS,
                [(*values, pk) for pk, values, _tags in updates],
            )
            Resident.tags.through.objects.bulk_create(
                [
                    Resident.tags.through(resident_id=pk, specialgroup_id=tag)
                    for pk, _values, tags in updates
                    for tag in tags
                ],
                ignore_conflicts=True,
                batch_size=5000,
            )


class BuildingChecker:
    """Validates building rows and writes them (moving a building keeps its history)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.labels = {c.key: str(c.label) for c in BUILDING_COLUMNS}
        self.paths = area_paths(user, EDIT_ROLES)
        self.communities = {a.name: a for a in Area.objects.filter(kind=AreaKind.COMMUNITY)}
        self.grids = {
            (a.parent.name, a.name): a
            for a in Area.objects.filter(kind=AreaKind.GRID).select_related("parent")
            if a.parent
        }
        self.seen: dict[tuple[str, str, str], int] = {}

    def check(self, rowno: int, cells: dict[str, Any], outcome: Outcome) -> dict[str, Any] | None:
        errors: list[tuple[str, str]] = []
        values = {k: _text(v) for k, v in cells.items()}

        def err(key: str, message: str) -> None:
            errors.append((self.labels[key], message))

        for key in ("community", "building", "grid"):
            if not values.get(key):
                err(key, _("This column must not be empty."))
        community = self.communities.get(values.get("community", ""))
        if values.get("community") and community is None:
            err("community", _("There is no community of that name."))
        grid = self.grids.get((values.get("community", ""), values.get("grid", "")))
        if community and values.get("grid") and grid is None:
            err("grid", _("There is no grid of that name in the community."))
        if grid and not covers(self.paths, grid.path):
            err("grid", _("This grid is not in your area."))
        where = (
            values.get("community", ""),
            values.get("compound", ""),
            values.get("building", ""),
        )
        first = self.seen.setdefault(where, rowno)
        if first != rowno:
            err("building", _("The same building is already on row %(row)s.") % {"row": first})
        coords: dict[str, float | None] = {}
        for axis, low, high in (("latitude", 3.0, 54.0), ("longitude", 73.0, 136.0)):
            text = values.get(axis, "")
            try:
                coords[axis] = float(text) if text else None
            except ValueError:
                coords[axis] = None
                err(axis, _("Write a number in degrees, e.g. 30.2741."))
                continue
            if coords[axis] is not None and not low <= coords[axis] <= high:  # type: ignore[operator]
                err(axis, _("This is outside China."))
        if errors:
            outcome.error_rows += 1
            for column, message in errors:
                if len(outcome.errors) < 1000:
                    outcome.errors.append([rowno, column, message])
            return None
        return {
            "community": community,
            "compound": values.get("compound", ""),
            "number": values["building"],
            "grid": grid,
            "micro_grid": values.get("micro_grid", ""),
            **coords,
        }

    def resolve(
        self, plans: list[tuple[int, dict[str, Any]]], outcome: Outcome
    ) -> list[tuple[int, dict[str, Any]]]:
        for _rowno, p in plans:
            exists = (
                Building.objects.filter(
                    community=p["community"],
                    compound__name=p["compound"] or None,
                    number=p["number"],
                ).exists()
                if p["compound"]
                else Building.objects.filter(
                    community=p["community"], compound__isnull=True, number=p["number"]
                ).exists()
            )
            outcome.count("buildings_updated" if exists else "buildings_created")
        return plans

    def write(self, plans: list[tuple[int, dict[str, Any]]]) -> None:
        from linli.places.services import area_create, building_move

        with transaction.atomic():
            for _rowno, p in plans:
                compound = None
                if p["compound"]:
                    compound, _c = Compound.objects.get_or_create(
                        community=p["community"], name=p["compound"]
                    )
                micro_name = p["micro_grid"] or _("%(compound)s building %(number)s") % {
                    "compound": p["compound"],
                    "number": p["number"],
                }
                micro = Area.objects.filter(
                    kind=AreaKind.MICROGRID, parent=p["grid"], name=micro_name
                ).first()
                if micro is None:
                    micro = area_create(kind=AreaKind.MICROGRID, name=micro_name, parent=p["grid"])
                building = Building.objects.filter(
                    community=p["community"], compound=compound, number=p["number"]
                ).first()
                if building is None:
                    Building.objects.create(
                        community=p["community"],
                        compound=compound,
                        number=p["number"],
                        micro_grid=micro,
                        latitude=p["latitude"],
                        longitude=p["longitude"],
                    )
                    continue
                if building.micro_grid_id != micro.pk:
                    building_move(building=building, to=micro, by=self.user, note=_("Import"))
                if p["latitude"] is not None:
                    Building.objects.filter(pk=building.pk).update(
                        latitude=p["latitude"], longitude=p["longitude"]
                    )


CHECKERS: dict[str, Callable[[User], Any]] = {
    ImportKind.RESIDENTS: ResidentChecker,
    ImportKind.BUILDINGS: BuildingChecker,
}


@cyclic_gc_paused()
def run_file(
    *,
    kind: str,
    path: Path,
    original_name: str,
    user: User,
    write: bool,
    progress: Callable[[int, int], None] = lambda done, total: None,
    stop_on_error: bool = False,
) -> Outcome:
    """Check (write=False) or import (write=True) a file, chunk by chunk.

    Steps:
    1. Read the header and map it to the known columns (a missing column stops here).
    2. For each chunk of rows: check each row, then resolve the valid ones against what
       the database already holds; when writing, write the chunk and report progress.

    Python's cycle collector is paused meanwhile (`cyclic_gc_paused`), here and in the
    forked checker.
    """
    header, rows = read_rows(path, original_name)
    positions = map_columns(kind, header)
    checker = CHECKERS[kind](user)
    checker.for_writing = write
    outcome = Outcome()
    # Row numbers as Excel counts them (the header is row 1); blank rows are skipped.
    numbered = [(n, row) for n, row in enumerate(rows, start=2) if not _blank(row)]
    total = len(numbered)
    progress(0, total)
    # Started only now: a file that fails while being read leaves no writer thread waiting.
    writer = ChunkWriter(checker, progress) if write else None
    errors_before = 0
    chunks = (
        _checked_in_child(checker, numbered, positions, outcome)
        if total >= PARALLEL_FROM_ROWS
        else _checked(checker, numbered, positions, outcome)
    )
    try:
        for chunk, done, rowno in chunks:
            kept = checker.resolve(chunk, outcome)
            if stop_on_error and outcome.error_rows > errors_before:
                outcome.stopped_at = chunk[0][0] if chunk else rowno
                break
            if writer is not None:
                writer.put(kept, done, total)
            else:
                progress(done, total)
            errors_before = outcome.error_rows
    finally:
        chunks.close()  # a child still checking is stopped
        if writer is not None:
            writer.finish()  # waits for the chunks already checked; raises what failed there
    progress(total, total)
    return outcome


def _checked(
    checker: Any, numbered: list[tuple[int, list[Any]]], positions: dict[str, int], outcome: Outcome
) -> Generator[tuple[list[tuple[int, dict[str, Any]]], int, int], None, None]:
    """Check the rows; yield each chunk's valid plans, the rows done and the last row number."""
    chunk: list[tuple[int, dict[str, Any]]] = []
    width = max(positions.values()) + 1
    total = len(numbered)
    for done, (rowno, row) in enumerate(numbered, start=1):
        outcome.total += 1
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        cells = {key: row[index] for key, index in positions.items()}
        plan = checker.check(rowno, cells, outcome)
        if plan is not None:
            chunk.append((rowno, plan))
        if len(chunk) >= CHUNK or done == total:
            yield chunk, done, rowno
            chunk = []


def _checked_in_child(
    checker: Any, numbered: list[tuple[int, list[Any]]], positions: dict[str, int], outcome: Outcome
) -> Generator[tuple[list[tuple[int, dict[str, Any]]], int, int], None, None]:
    """`_checked` in a forked process, so that checking goes on on another core while this
    process looks the chunks up in the database and writes them.

    The row checks need no database (what they compare with was read when the checker was
    made), so the child never touches the connections it inherits. Its chunks, errors and
    counts come back through a queue, in order; a failure there is raised here.
    """
    context = multiprocessing.get_context("fork")
    # A queue, not a bare pipe: the child's sends are buffered by a thread of its own, so
    # it goes on checking while this process is busy with the chunk before.
    messages = context.Queue()
    child = context.Process(
        target=_check_in_child, args=(checker, numbered, positions, messages), daemon=True
    )
    child.start()
    try:
        while True:
            try:
                message = messages.get(timeout=5)
            except queue.Empty:
                if child.is_alive():
                    continue
                raise RuntimeError("the row checker stopped unexpectedly") from None
            if message[0] == "end":
                return
            if message[0] == "error":
                raise RuntimeError(f"the row checker failed:\n{message[1]}")
            _kind, chunk, done, rowno, rows, error_rows, errors = message
            outcome.total += rows
            outcome.error_rows += error_rows
            outcome.errors.extend(errors[: max(0, 1000 - len(outcome.errors))])
            yield chunk, done, rowno
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        messages.close()
        messages.cancel_join_thread()


def _check_in_child(
    checker: Any, numbered: list[tuple[int, list[Any]]], positions: dict[str, int], messages: Any
) -> None:
    try:
        local = Outcome()
        for chunk, done, rowno in _checked(checker, numbered, positions, local):
            messages.put(("chunk", chunk, done, rowno, local.total, local.error_rows, local.errors))
            local.total, local.error_rows, local.errors = 0, 0, []
        messages.put(("end",))
    except BaseException:
        messages.put(("error", traceback.format_exc()))
    finally:
        messages.close()
        messages.join_thread()  # everything sent before the process ends


class ChunkWriter:
    """Writes the checked chunks in order, in a thread with its own database connection,
    so that checking the next chunk goes on while the database stores this one.

    Inside a transaction (a test, or a caller's atomic block) another connection would not
    see that transaction's rows, so the chunks are written in the caller's thread instead.
    A failed chunk stops the import: the chunks before it stay written, later ones are
    not written, and `finish()` raises the error in the caller's thread.
    """

    def __init__(self, checker: Any, progress: Callable[[int, int], None]) -> None:
        self.checker = checker
        self.progress = progress
        self.error: BaseException | None = None
        self.inline = connection.in_atomic_block
        self.language = translation.get_language()
        self.chunks: queue.Queue[tuple[list[tuple[int, dict[str, Any]]], int, int] | None]
        self.chunks = queue.Queue(maxsize=2)  # at most two chunks checked ahead
        self.thread: threading.Thread | None = None
        if not self.inline:
            self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
            self.thread.start()

    def put(self, plans: list[tuple[int, dict[str, Any]]], done: int, total: int) -> None:
        if self.inline:
            if plans:
                self.checker.write(plans)
            self.progress(done, total)
            return
        assert self.thread is not None
        while True:
            if self.error is not None or not self.thread.is_alive():
                self.finish()  # raises what stopped the writer
                raise RuntimeError("the import writer stopped unexpectedly")
            try:
                self.chunks.put((plans, done, total), timeout=1)
                return
            except queue.Full:
                continue  # the writer is busy; look again whether it is still there

    def _run(self) -> None:
        try:
            if connection.vendor == "sqlite":
                # Checkpoint every CHECKPOINT_CHUNKS chunks, not at every chunk's commit:
                # each checkpoint writes the same index pages again and waits for the disk
                # (a fifth of the import). Only this connection's setting; the WAL file
                # grows by at most that many chunks (about 60 MB for 50,000 residents).
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_autocheckpoint=0")
            written = 0
            with translation.override(self.language):
                while (item := self.chunks.get()) is not None:
                    plans, done, total = item
                    if self.error is not None:
                        continue  # drain what was queued after a failure
                    try:
                        if plans:
                            self.checker.write(plans)
                        self.progress(done, total)
                        written += 1
                        if connection.vendor == "sqlite" and written % CHECKPOINT_CHUNKS == 0:
                            with connection.cursor() as cursor:
                                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    except BaseException as error:  # re-raised in the caller's thread
                        self.error = error
        except BaseException as error:  # setting up or draining failed: stop the import too
            self.error = self.error or error
        finally:
            try:
                if connection.vendor == "sqlite" and connection.connection is not None:
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except DatabaseError:
                log.warning("import writer: the closing WAL checkpoint failed", exc_info=True)
            connection.close()  # this thread's own connection

    def finish(self) -> None:
        if self.thread is not None:
            # Tell the writer to stop, but never wait on a full queue for a writer that is
            # ending: one that failed to start records its error and is still closing its
            # connection when put() sees the error, and nothing will ever take from the
            # queue again (a blocking put here hung the import).
            while self.thread.is_alive():
                try:
                    self.chunks.put(None, timeout=0.1)
                    break
                except queue.Full:
                    continue
            self.thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
