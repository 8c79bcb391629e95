"""Place and people use cases: the tree, archives, personal data, search."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.models import PersonalDataAccess, Role
from linli.accounts.scope import EDIT_ROLES, REVEAL_ROLES, area_paths, covers, role_codes
from linli.lib import pii
from linli.lib.errors import DomainError, Forbidden
from linli.lib.query import database_optimize, prefix_q
from linli.lib.text import pinyin_initials
from linli.places.models import (
    PARENT_KIND,
    Area,
    AreaKind,
    Building,
    BuildingMove,
    Household,
    Resident,
    SpecialGroup,
)

log = logging.getLogger(__name__)

# Who may run the coverage audit and who may import files: the rules the pages, the API
# and the navigation all follow.
COVERAGE_ROLES = frozenset(
    {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF, Role.ADMINISTRATOR}
)
IMPORT_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.ADMINISTRATOR})


def require_role(user: AnyUser, roles: frozenset[str]) -> None:
    if not role_codes(user) & roles:
        raise PermissionDenied


if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.lib.types import AnyUser


# The tree ---------------------------------------------------------------------------


def area_path(*, area: Area, parent: Area | None) -> str:
    return f"{parent.path if parent else ''}{area.pk}/"


def area_create(*, kind: str, name: str, parent: Area | None = None, **fields: Any) -> Area:
    """Create an area where the tree allows it (a grid under a community, and so on)."""
    expected = PARENT_KIND[kind]
    if (parent.kind if parent else None) != expected:
        raise DomainError(_("This kind of place cannot go there in the tree."), code="bad_parent")
    with transaction.atomic():
        # The path needs the row's own id, so the row is written, then given its path.
        area = Area.objects.create(
            kind=kind, name=name, parent=parent, path=f"new-{uuid.uuid4().hex}", **fields
        )
        area.path = area_path(area=area, parent=parent)
        area.save(update_fields=["path"])
    return area


def building_can_move(*, user: AnyUser, building: Building, to: Area | None = None) -> bool:
    """Whether the user may move this building (and, if given, into that micro-grid):
    both must lie in the places where the user may change archives."""
    paths = area_paths(user, EDIT_ROLES)
    current = building.micro_grid.path if building.micro_grid else None
    return (
        user.is_authenticated and covers(paths, current) and (to is None or covers(paths, to.path))
    )


def building_move(*, building: Building, to: Area, by: User, note: str = "") -> BuildingMove:
    """Move a building, and the households that were in its micro-grid, to another micro-grid.

    The move is kept as a row, so where a building was on any day can be told later.
    """
    if not building_can_move(user=by, building=building, to=to):
        raise Forbidden(_("You can only move buildings within your own area."))
    if to.kind != AreaKind.MICROGRID:
        raise DomainError(_("A building can only be moved to a micro-grid."), code="bad_target")
    if building.micro_grid_id == to.pk:
        raise DomainError(_("The building is already in that micro-grid."), code="no_change")
    with transaction.atomic():
        old = building.micro_grid
        Household.objects.filter(building=building, micro_grid=old).update(micro_grid=to)
        building.micro_grid = to
        building.save(update_fields=["micro_grid"])
        return BuildingMove.objects.create(
            building=building, from_micro_grid=old, to_micro_grid=to, moved_by=by, note=note
        )


_locator_cache: dict[str, Any] = {}


def area_locate_point(*, latitude: float, longitude: float) -> Area | None:
    """The grid whose boundary contains the point, or None.

    Steps:
    1. Build (once per change of the grids) an STR-tree of every grid boundary.
    2. Query the tree with the point and test the few candidates exactly.
    """
    from shapely import STRtree
    from shapely.geometry import Point, shape

    grids = Area.objects.filter(kind=AreaKind.GRID, boundary__isnull=False)
    # One query tells whether any grid changed: how many there are and the latest edit.
    seen = grids.aggregate(n=Count("pk"), latest=Max("updated_at"))
    version = f"{seen['n']}:{seen['latest']}"
    if _locator_cache.get("version") != version:
        rows = list(grids.values_list("pk", "boundary"))
        shapes = [shape(boundary) for _pk, boundary in rows]
        _locator_cache.update(
            version=version, ids=[pk for pk, _b in rows], shapes=shapes, tree=STRtree(shapes)
        )
    point = Point(longitude, latitude)  # GeoJSON order: x = longitude, y = latitude
    for index in _locator_cache["tree"].query(point):
        if _locator_cache["shapes"][index].covers(point):
            return Area.objects.get(pk=_locator_cache["ids"][index])
    return None


# Residents --------------------------------------------------------------------------


def resident_search_keys(resident: Resident) -> None:
    """Refresh the columns search uses; call before saving a changed name or phone."""
    resident.name_initials = pinyin_initials(resident.name)[:20]
    digits = re.sub(r"\D", "", resident.phone or "")
    resident.phone_last4 = digits[-4:] if len(digits) >= 4 else ""


def resident_set_id_number(resident: Resident, number: str) -> None:
    """Store an ID number encrypted, with its blind index and masked form (not saved here)."""
    number = pii.normalize_id_number(number)
    if not number:
        resident.id_number_encrypted = resident.id_number_digest = resident.id_number_masked = ""
        return
    problem = pii.id_number_problem(number)
    if problem:
        raise DomainError(
            id_number_message(problem),
            code="bad_id_number",
            fields={"id_number": [id_number_message(problem)]},
        )
    resident.id_number_encrypted = pii.encrypt(number)
    resident.id_number_digest = pii.blind_index(number)
    resident.id_number_masked = pii.mask_id_number(number)


def id_number_message(problem: str) -> str:
    return {
        "format": _("An ID number has 17 digits and then a digit or X."),
        "birth_date": _("The birth date inside the ID number is not a real date."),
        "checksum": _("The ID number's check digit is wrong: please check it for a typo."),
    }[problem]


def resident_create(
    *,
    household: Household,
    name: str,
    sex: str,
    relation: str,
    birth_date: date | None = None,
    phone: str = "",
    id_number: str = "",
    tags: list[SpecialGroup] | None = None,
) -> Resident:
    resident = Resident(
        household=household,
        name=name.strip(),
        sex=sex,
        relation=relation,
        birth_date=birth_date,
        phone=phone.strip(),
    )
    resident_set_id_number(resident, id_number)
    if id_number and Resident.objects.filter(id_number_digest=resident.id_number_digest).exists():
        raise DomainError(
            _("A resident with this ID number is already registered."),
            code="duplicate_person",
            fields={"id_number": [_("A resident with this ID number is already registered.")]},
        )
    resident_search_keys(resident)
    with transaction.atomic():
        resident.save()
        if tags:
            resident.tags.set(tags)
    return resident


def resident_update(
    *,
    resident: Resident,
    tags: list[SpecialGroup] | None = None,
    id_number: str | None = None,
    **fields: Any,
) -> Resident:
    allowed = {"name", "sex", "birth_date", "phone", "relation"}
    required = {"name", "sex", "relation"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        value = value.strip() if isinstance(value, str) else value
        if name in required and not value:
            raise DomainError(
                _("Some fields are not valid."), fields={name: [_("This field is required.")]}
            )
        setattr(resident, name, "" if value is None and name == "phone" else value)
    if id_number is not None and id_number.strip():
        resident_set_id_number(resident, id_number)
        if (
            Resident.objects.filter(id_number_digest=resident.id_number_digest)
            .exclude(pk=resident.pk)
            .exists()
        ):
            raise DomainError(
                _("A resident with this ID number is already registered."),
                code="duplicate_person",
                fields={"id_number": [_("A resident with this ID number is already registered.")]},
            )
    resident_search_keys(resident)
    with transaction.atomic():
        resident.save()
        if tags is not None:
            resident.tags.set(tags)
    return resident


def resident_find_by_id_number(*, user: AnyUser, number: str) -> Resident | None:
    """Exact lookup by ID number, one indexed query on the blind index, within scope."""
    digest = pii.blind_index(pii.normalize_id_number(number))
    return Resident.objects.visible_to(user).filter(id_number_digest=digest).first()


def resident_can_reveal(*, user: AnyUser, resident: Resident, field: str) -> bool:
    roles = REVEAL_ROLES.get(field)
    if roles is None:
        return False
    paths = area_paths(user, roles)
    micro = resident.household.micro_grid
    return covers(paths, micro.path if micro else None)


def resident_reveal(*, resident: Resident, field: str, reason: str, by: User) -> str:
    """The full ID number or phone, for a role that needs it, recorded as a look."""
    reason = reason.strip()
    if not reason:
        raise DomainError(
            _("Say why you need to see the full value."),
            code="reason_required",
            fields={"reason": [_("Say why you need to see the full value.")]},
        )
    if not resident_can_reveal(user=by, resident=resident, field=field):
        raise Forbidden(_("Your role does not allow this."))
    if field == "id_number":
        value = pii.decrypt(resident.id_number_encrypted) if resident.id_number_encrypted else ""
    else:
        value = resident.phone
    PersonalDataAccess.objects.create(
        user=by,
        resident=resident,
        subject=f"{resident.name} ({resident.household.address})",
        field=field,
        reason=reason[:200],
    )
    return value


_ADDRESS = re.compile(r"^\s*(\w+?)\s*[-－—#栋号幢]\s*(\w+?)\s*[-－—单元]+\s*(\w+?)\s*室?\s*$")


def resident_search(*, user: AnyUser, query: str) -> QuerySet[Resident]:
    """Residents in scope matching the query, by the form of the query:

    1. four digits: the last four digits of the phone (`5678`);
    2. an address `5-2-301` (building-unit-room): everyone in that household;
    3. latin letters: pinyin initials (`zmy` finds 张梅英), exact, then as a prefix;
    4. anything else: the name, as a prefix (张梅 finds 张梅英).
    Every branch uses an index; scoping is applied by the model's helper.
    """
    q = query.strip()
    residents = Resident.objects.visible_to(user)
    if not q:
        return residents.none()
    # Each branch is ordered by the index it filters on (SQLite indexes end with the row
    # id), so the first page is read straight off the index instead of sorting every match.
    if re.fullmatch(r"\d{4}", q):
        return residents.filter(phone_last4=q).order_by("phone_last4", "pk")
    address = _ADDRESS.match(q)
    if address:
        number, unit, room = address.groups()
        return residents.filter(
            household__building__number=number, household__unit=unit, household__room=room
        ).order_by("household_id", "pk")
    if re.fullmatch(r"[A-Za-z]+", q):
        return residents.filter(prefix_q("name_initials", q.lower())).order_by(
            "name_initials", "pk"
        )
    return residents.filter(prefix_q("name", q)).order_by("name", "pk")


# Coverage (不漏一户) ------------------------------------------------------------------

GAP_KINDS = (
    "households_without_micro_grid",
    "micro_grids_without_leader",
    "grids_without_worker",
    "households_without_party_household",
    "party_households_over_limit",
)


def coverage_gap_labels() -> dict[str, str]:
    return {
        "households_without_micro_grid": _("Households in no micro-grid"),
        "micro_grids_without_leader": _("Micro-grids without a leader"),
        "grids_without_worker": _("Grids without a grid worker"),
        "households_without_party_household": _("Households no party-member household looks after"),
        "party_households_over_limit": _(
            "Party-member households looking after too many households"
        ),
    }


def coverage_audit(*, user: AnyUser, limit: int | None = None) -> dict[str, Any]:
    """Every gap in the user's part of the tree, by kind, with totals.

    Steps:
    1. Scope each kind of place through its model's helper.
    2. Per gap kind, one query: places with no matching row (NOT EXISTS via exclude).
    3. Return up to `limit` rows per kind (all when None) and the full count.
    """
    from django.conf import settings
    from django.db.models import Count

    from linli.accounts.models import RoleAssignment
    from linli.party.models import PartyHousehold

    require_role(user, COVERAGE_ROLES)
    areas = Area.objects.visible_to(user)
    households = Household.objects.visible_to(user)
    leaders = RoleAssignment.objects.filter(role=Role.BUILDING_HEAD).values("area_id")
    workers = RoleAssignment.objects.filter(role=Role.GRID_WORKER).values("area_id")
    queries: dict[str, QuerySet[Any]] = {
        "households_without_micro_grid": households.filter(micro_grid__isnull=True),
        "micro_grids_without_leader": areas.filter(kind=AreaKind.MICROGRID).exclude(pk__in=leaders),
        "grids_without_worker": areas.filter(kind=AreaKind.GRID).exclude(pk__in=workers),
        "households_without_party_household": households.filter(
            party_household__isnull=True, party_link__isnull=True
        ),
        "party_households_over_limit": PartyHousehold.objects.visible_to(user)
        .annotate(looked_after=Count("links"))
        .filter(looked_after__gt=settings.PARTY_HOUSEHOLD_LIMIT),
    }
    result: dict[str, Any] = {"gaps": {}, "totals": {}}
    for kind, query in queries.items():
        rows = query.order_by("pk")
        listed = rows if limit is None else rows[:limit]
        result["gaps"][kind] = [_gap_row(kind, obj) for obj in _with_labels(kind, listed)]
        result["totals"][kind] = rows.count() if limit is not None else len(result["gaps"][kind])
    result["total"] = sum(result["totals"].values())
    return result


def _with_labels(kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    if kind.startswith("households"):
        return rows.select_related("building__compound", "building__community")
    if kind == "party_households_over_limit":
        return rows.select_related("household__building__compound")
    return rows.select_related("parent")


def _gap_row(kind: str, obj: Any) -> dict[str, Any]:
    if isinstance(obj, Household):
        return {"id": obj.pk, "label": str(obj), "household_id": obj.pk}
    if isinstance(obj, Area):
        return {
            "id": obj.pk,
            "label": f"{obj.parent.name if obj.parent else ''} {obj.name}".strip(),
            "area_id": obj.pk,
        }
    return {
        "id": obj.pk,
        "label": str(obj.household),
        "household_id": obj.household_id,
        "looked_after": obj.looked_after,
    }


# Imports -----------------------------------------------------------------------------

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def import_run_create(*, user: User, kind: str, upload: Any) -> Any:
    """Keep an uploaded file and queue its check (a dry run)."""
    from pathlib import Path

    from linli.jobs.services import job_enqueue
    from linli.places.models import ImportKind, ImportRun

    require_role(user, IMPORT_ROLES)
    if kind not in ImportKind.values:
        raise DomainError(
            _("Choose what the file contains."),
            code="invalid",
            fields={"kind": [_("Choose what the file contains.")]},
        )
    suffix = Path(upload.name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise DomainError(
            _("Upload an .xlsx or .csv file."),
            code="invalid",
            fields={"file": [_("Upload an .xlsx or .csv file.")]},
        )
    if upload.size > MAX_IMPORT_BYTES:
        raise DomainError(
            _("The file is larger than 50 MB; split it into several files."),
            code="invalid",
            fields={"file": [_("The file is larger than 50 MB; split it into several files.")]},
        )
    run = ImportRun.objects.create(
        kind=kind, created_by=user, file=upload, original_name=Path(upload.name).name[:200]
    )
    job_enqueue(
        kind="places.import",
        payload={"run": run.pk, "write": False},
        dedupe_key=f"import:{run.pk}:check",
    )
    return run


def import_run_apply(*, run: Any, valid_only: bool, by: User) -> Any:
    """Queue the import of a checked file: the whole file, or only its valid rows."""
    from linli.jobs.services import job_enqueue
    from linli.places.models import ImportRun, ImportStatus

    allowed = {ImportStatus.VALID} | ({ImportStatus.INVALID} if valid_only else set())
    # A conditional update, so a double click queues the import once.
    moved = ImportRun.objects.filter(pk=run.pk, status__in=allowed).update(
        status=ImportStatus.IMPORTING, valid_only=valid_only, processed_rows=0
    )
    if moved != 1:
        raise DomainError(_("This file cannot be imported now: check its status."), code="conflict")
    job_enqueue(
        kind="places.import",
        payload={"run": run.pk, "write": True},
        dedupe_key=f"import:{run.pk}:write",
    )
    run.refresh_from_db()
    return run


def import_run_process(*, run_id: int, write: bool) -> None:
    """The worker's part: check a file, or import it (checking it again first).

    Steps:
    1. A check reads every row and records what would change and every bad row.
    2. An import reads the file again, checking and writing chunk by chunk (bad rows are
       skipped when only the valid rows were asked for).
    """
    from pathlib import Path

    from django.utils import timezone

    from linli.places.importing import FileProblem, run_file
    from linli.places.models import ImportRun, ImportStatus

    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    runs = ImportRun.objects.filter(pk=run_id)

    def progress(done: int, total: int) -> None:
        runs.update(processed_rows=done, total_rows=total)

    if not write:
        runs.update(status=ImportStatus.VALIDATING)
    path = Path(run.file.path)
    try:
        # One pass: each chunk is checked against the database as it is now, then written.
        # Importing the whole file stops before the first chunk with a bad row, which can
        # only happen if the data changed since the check (someone else imported the same
        # people meanwhile); what was written stays, and importing again does not duplicate.
        outcome = run_file(
            kind=run.kind,
            path=path,
            original_name=run.original_name,
            user=run.created_by,
            write=write,
            progress=progress,
            stop_on_error=write and not run.valid_only,
        )
        if not write:
            status = ImportStatus.VALID if outcome.error_rows == 0 else ImportStatus.INVALID
        elif outcome.stopped_at:
            status = ImportStatus.INVALID
            runs.update(
                message=_(
                    "The data changed since the check. Rows before row %(row)s were imported; correct the rows listed and import the file again (rows already imported are not duplicated)."
                )
                % {"row": outcome.stopped_at}
            )
        else:
            status = ImportStatus.DONE
            if outcome.total >= 10_000:
                database_optimize()  # a large import changes what the planner should do
    except FileProblem as problem:
        runs.update(status=ImportStatus.INVALID, message=str(problem), finished_at=timezone.now())
        return
    except Exception:
        log.exception("import %s failed", run_id)
        runs.update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            message=_(
                "The import stopped on an unexpected error. Rows already imported are kept; importing the same file again completes it without duplicates."
            ),
        )
        return
    runs.update(
        status=status,
        errors=outcome.errors,
        error_count=outcome.error_rows,
        total_rows=outcome.total,
        summary=outcome.counts,
        finished_at=timezone.now() if status == ImportStatus.DONE else None,
    )
