"""Use cases of the case loop. Pages, API, admin actions, commands and jobs all call these.

Every change goes through `_step`, which checks the move against `TRANSITIONS`, applies it
with a conditional update on the case's version (so of fifty simultaneous "accept" clicks
exactly one wins, and a stale form is refused), writes the `CaseEvent` and, in the same
transaction, the inbox notifications and the outgoing deliveries the worker will send.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Department, PersonalDataAccess, Role, RoleAssignment
from linli.accounts.scope import (
    PLACE_ROLES,
    REVEAL_ROLES,
    area_paths,
    covers,
    is_unrestricted,
    own_household_ids,
)
from linli.cases.models import (
    LEVEL_AREA_KIND,
    OPEN_STATES,
    ROLE_LEVEL,
    TRANSITIONS,
    Case,
    CaseCoHandler,
    CaseEvent,
    CasePhoto,
    CaseRating,
    Channel,
    CloseReason,
    ExtensionRequest,
    IdempotencyKey,
    Level,
    Notification,
    Rating,
    Source,
    State,
    Supervision,
    Team,
    Timeframe,
)
from linli.cases.workcal import add_working_days
from linli.jobs.services import job_enqueue
from linli.lib import pii
from linli.lib.errors import Conflict, DomainError, Forbidden
from linli.places.models import Area, AreaKind, Building, Household

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.lib.types import AnyUser
    from linli.triage.models import SubCategory

log = logging.getLogger(__name__)
Action = CaseEvent.Action
LEVEL_ROLE: dict[int, str] = {int(level): role for role, level in ROLE_LEVEL.items()}


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, state: str, to: str) -> None:
        super().__init__(
            _("A case that is “%(state)s” cannot become “%(to)s”.")
            % {"state": State(state).label, "to": State(to).label}
        )


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(message, fields={field: [message]})


# Who may do what --------------------------------------------------------------------


def user_level(user: AnyUser, case: Case) -> int:
    """The highest ladder level at which the user handles this case's place (0: none)."""
    if is_unrestricted(user):
        return Level.SUBDISTRICT
    best = 0
    for role, level in ROLE_LEVEL.items():
        if level > best and covers(area_paths(user, frozenset({role})), case.area_path):
            best = level
    return best


def is_handler(user: AnyUser, case: Case) -> bool:
    """Handles the case at its current level or above (triage, dispatch, escalate, merge)."""
    return user_level(user, case) >= case.level


def is_assignee(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if case.assignee_user_id == user.pk:
        return True
    if case.assignee_team_id and case.assignee_team.members.filter(pk=user.pk).exists():  # type: ignore[union-attr]
        return True
    if case.assignee_department_id:
        return _liaison_of(user, case.assignee_department_id, case)
    return False


def _liaison_of(user: AnyUser, department_id: int, case: Case) -> bool:
    if user.pk is None:
        return False
    rows = RoleAssignment.objects.filter(
        user_id=user.pk, role=Role.LIAISON, department_id=department_id
    ).select_related("area")
    return any(covers([a.area.path] if a.area else [], case.area_path) for a in rows)


def is_reporter(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return case.reporter_id == user.pk or case.merged_cases.filter(reporter_id=user.pk).exists()


def cohandler_units_of(user: AnyUser, case: Case) -> list[CaseCoHandler]:
    """The co-handling units of this case that the user signs for."""
    units = []
    for unit in case.cohandlers.filter(signed_off_at__isnull=True):
        if (
            unit.user_id == user.pk
            or (unit.team_id and unit.team.members.filter(pk=user.pk or 0).exists())  # type: ignore[union-attr]
            or (unit.department_id and _liaison_of(user, unit.department_id, case))
        ):
            units.append(unit)
    return units


def case_actions(*, case: Case, user: AnyUser) -> set[str]:
    """What the user may do to the case now: the pages show exactly these actions."""
    if not user.is_authenticated:
        return set()
    acts: set[str] = set()
    handler = is_handler(user, case)
    assignee = is_assignee(user, case)
    state = case.state
    if handler and state in (State.REPORTED, State.TRIAGED):
        acts.add("triage")
    if handler and state == State.TRIAGED:
        acts.add("dispatch")
    if assignee and state == State.DISPATCHED:
        acts |= {"accept", "decline"}
    if (assignee or handler) and state == State.IN_PROGRESS:
        acts |= {"progress", "resolve"}
    if (assignee or handler) and state in OPEN_STATES and case.level < Level.SUBDISTRICT:
        acts.add("escalate")
    if handler and state in OPEN_STATES:
        acts.add("merge")
    if (
        handler
        and case.route == "joint"
        and state in (State.TRIAGED, State.DISPATCHED, State.IN_PROGRESS)
    ):
        acts.add("add_cohandler")
    if state == State.IN_PROGRESS and cohandler_units_of(user, case):
        acts.add("sign_off")
    # An extension is pending only while the work is dispatched or in progress: `_step`
    # withdraws it whenever the case leaves those states, so elsewhere there is none to ask for.
    pending = (
        case.extensions.filter(decision=ExtensionRequest.Decision.PENDING).first()
        if state in (State.DISPATCHED, State.IN_PROGRESS)
        else None
    )
    if (
        assignee
        and state in (State.DISPATCHED, State.IN_PROGRESS)
        and not pending
        and case.deadline
    ):
        acts.add("request_extension")
    if pending and state in OPEN_STATES and user_level(user, case) > case.level:
        acts.add("decide_extension")
    if state == State.RESOLVED and is_reporter(user, case):
        acts.add("rate")
    if state == State.RESOLVED and handler:
        acts.add("record_rating")
    if case.hotline_ticket and not case.hotline_replied_at and handler:
        acts.add("hotline_reply")
    return acts


# In which states each action can be taken at all (by someone): outside these the answer is
# "not now", inside them it is "not you".
ACTION_STATES: dict[str, frozenset[str]] = {
    "triage": frozenset({State.REPORTED, State.TRIAGED}),
    "dispatch": frozenset({State.TRIAGED}),
    "accept": frozenset({State.DISPATCHED}),
    "decline": frozenset({State.DISPATCHED}),
    "progress": frozenset({State.IN_PROGRESS}),
    "resolve": frozenset({State.IN_PROGRESS}),
    "escalate": OPEN_STATES,
    "merge": OPEN_STATES,
    "add_cohandler": frozenset({State.TRIAGED, State.DISPATCHED, State.IN_PROGRESS}),
    "sign_off": frozenset({State.IN_PROGRESS}),
    "request_extension": frozenset({State.DISPATCHED, State.IN_PROGRESS}),
    "decide_extension": OPEN_STATES,
    "rate": frozenset({State.RESOLVED}),
    "record_rating": frozenset({State.RESOLVED}),
    "hotline_reply": frozenset(State.values),
}


def _require(case: Case, user: AnyUser, action: str) -> None:
    if action not in case_actions(case=case, user=user):
        if case.state not in ACTION_STATES.get(action, frozenset()):
            raise Conflict(
                _("This case is “%(state)s”; that cannot be done now.")
                % {"state": State(case.state).label},
                code="invalid_transition",
            )
        raise Forbidden(_("Your role does not allow this for this case."))


def case_can_reveal_contact(*, case: Case, user: AnyUser) -> bool:
    if not case.contact_phone:
        return False
    return covers(area_paths(user, REVEAL_ROLES["phone"]), case.area_path)


def case_reveal_contact(*, case: Case, by: User, reason: str) -> str:
    """The reporter's full phone number, for a role that may call back; every look recorded."""
    reason = reason.strip()
    if not reason:
        raise _invalid("reason", _("Say why you need to see the full value."))
    if not case_can_reveal_contact(case=case, user=by):
        raise Forbidden(_("Your role does not allow this."))
    PersonalDataAccess.objects.create(
        user=by,
        subject=_("Reporter of case #%(id)s") % {"id": case.pk},
        field="phone",
        reason=reason[:200],
    )
    return case.contact_phone


def contact_masked(case: Case) -> str:
    return pii.mask_phone(case.contact_phone) if case.contact_phone else ""


# Places -----------------------------------------------------------------------------


def _area_at_level(area: Area, level: int) -> Area:
    kind = LEVEL_AREA_KIND[level]
    if area.kind == kind:
        return area
    for ancestor in area.ancestors():
        if ancestor.kind == kind:
            return ancestor
    raise _invalid("place", _("This place is not inside a community."))


def _level_of(area: Area) -> int:
    return {
        AreaKind.MICROGRID: Level.BUILDING,
        AreaKind.GRID: Level.GRID,
        AreaKind.COMMUNITY: Level.COMMUNITY,
        AreaKind.SUBDISTRICT: Level.SUBDISTRICT,
    }.get(area.kind, 0)  # type: ignore[call-overload]


def _place(
    *,
    household: Household | None,
    building: Building | None,
    area: Area | None,
    latitude: float | None,
    longitude: float | None,
) -> tuple[Area, Building | None, Household | None]:
    """The deepest known area of a report, with its building and household."""
    from linli.places.services import area_locate_point

    if household is not None:
        building = household.building
        if household.micro_grid_id:
            return household.micro_grid, building, household  # type: ignore[return-value]
    if building is not None:
        if building.micro_grid_id:
            return building.micro_grid, building, household  # type: ignore[return-value]
        return building.community, building, household
    if latitude is not None and longitude is not None:
        grid = area_locate_point(latitude=latitude, longitude=longitude)
        if grid is not None and (area is None or grid.path.startswith(area.path)):
            return grid, None, None
    if area is not None and _level_of(area):
        return area, None, None
    raise _invalid("place", _("Say where: choose at least the community."))


def deadline_for(*, timeframe: str, start: datetime) -> datetime:
    days = settings.CASE_WORKING_DAYS.get(timeframe or Timeframe.DEADLINE, 5)
    return add_working_days(start, days)


# Photos -----------------------------------------------------------------------------

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
PHOTO_MAX_SIDE = 2560


def photo_clean(upload: Any) -> bytes:
    """A checked photo as JPEG bytes, without EXIF (no location, no camera data).

    Steps:
    1. Refuse files over CASE_PHOTO_MAX_BYTES and anything Pillow does not read as a photo.
    2. Turn the pixels upright by the EXIF orientation, then drop all EXIF.
    3. Shrink to at most 2560 px on the long side and save as JPEG.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = getattr(upload, "name", "") or _("photo")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.CASE_PHOTO_MAX_BYTES:
        raise _invalid(
            "photos",
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": name, "mb": settings.CASE_PHOTO_MAX_BYTES // (1024 * 1024)},
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise UnidentifiedImageError
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _invalid(
            "photos",
            _("“%(name)s” is not a photo Linli can read (JPEG, PNG, WebP or GIF).")
            % {"name": name},
        ) from None
    image = ImageOps.exif_transpose(image) or image  # type: ignore[assignment]
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def _save_photos(case: Case, event: CaseEvent, photos: Sequence[bytes], by: User | None) -> None:
    for data in photos:
        photo = CasePhoto(case=case, event=event, uploaded_by=by)
        photo.image.save("photo.jpg", ContentFile(data), save=True)


# Notifications ----------------------------------------------------------------------


def _handlers_at(case: Case, level: int | None = None) -> list[int]:
    """The people who handle the case at a level: the level's role bound to its area."""
    level = level or case.level
    area = case.level_area if level == case.level else _area_at_level(case.area, level)
    return list(
        RoleAssignment.objects.filter(role=LEVEL_ROLE[level], area=area).values_list(
            "user_id", flat=True
        )
    )


def _assignee_people(case: Case) -> list[int]:
    ids: list[int] = []
    if case.assignee_user_id:
        ids.append(case.assignee_user_id)
    if case.assignee_team_id:
        ids += list(case.assignee_team.members.values_list("pk", flat=True))  # type: ignore[union-attr]
    if case.assignee_department_id:
        ids += _liaisons(case.assignee_department_id, case)
    return ids


def _liaisons(department_id: int, case: Case) -> list[int]:
    return [
        a.user_id
        for a in RoleAssignment.objects.filter(
            role=Role.LIAISON, department_id=department_id
        ).select_related("area")
        if a.area is None or case.area_path.startswith(a.area.path)
    ]


def _reporters(case: Case) -> list[int]:
    ids = [case.reporter_id] if case.reporter_id else []
    ids += [r for r in case.merged_cases.values_list("reporter_id", flat=True) if r is not None]
    return ids


def _community_staff(case: Case) -> list[int]:
    return list(
        RoleAssignment.objects.filter(
            role=Role.COMMUNITY_STAFF, area=case.community_id
        ).values_list("user_id", flat=True)
    )


def _notify(event: CaseEvent, user_ids: Iterable[int | None], *, urgent: bool = False) -> None:
    """Inbox rows now; e-mail, webhook and WeCom deliveries as jobs the worker sends once."""
    recipients = {u for u in user_ids if u and u != event.actor_id}
    Notification.objects.bulk_create(
        [Notification(user_id=u, case=event.case, event=event, urgent=urgent) for u in recipients]
    )
    case = event.case
    for channel in active_channels():
        if channel.community_id not in (None, case.community_id):
            continue
        if channel.urgent_only and not urgent:
            continue
        job_enqueue(
            kind="cases.deliver",
            payload={"channel": channel.pk, "event": event.pk},
            dedupe_key=f"deliver:{channel.pk}:{event.pk}",
        )


_channels: dict[str, Any] = {}
CHANNEL_CACHE_SECONDS = 30


def active_channels() -> list[Channel]:
    """The active channels, read at most every 30 s per process: every event consults
    them, and they change a few times a year (a new one reaches other processes within
    30 s; this process forgets at once when one is saved)."""
    import time

    now = time.monotonic()
    if _channels.get("until", 0) < now:
        _channels.update(
            rows=list(Channel.objects.filter(active=True)), until=now + CHANNEL_CACHE_SECONDS
        )
    return _channels["rows"]


def channels_changed() -> None:
    _channels.clear()


# The one way a case changes ---------------------------------------------------------


def _step(
    case: Case,
    *,
    by: User | None,
    action: str,
    to: str | None = None,
    note: str = "",
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Apply one step: check the move, update if nobody changed the case meanwhile, record it.

    Must run inside a transaction (the services open one) so that the event, the
    notifications and the change land together or not at all.
    """
    to = to or case.state
    if to != case.state and to not in TRANSITIONS[case.state]:
        raise InvalidTransition(case.state, to)
    changes = dict(changes or {})
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        state=to, version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this case a moment ago. Here is its current state."),
            code="stale",
        )
    from_state, from_level = case.state, case.level
    for field, value in changes.items():
        setattr(case, field, value)
    case.state, case.version = to, case.version + 1
    if to not in (State.DISPATCHED, State.IN_PROGRESS) or case.level != from_level:
        # An extension asked for the work at hand lapses when that work ends or moves up.
        ExtensionRequest.objects.filter(
            case=case, decision=ExtensionRequest.Decision.PENDING
        ).update(decision=ExtensionRequest.Decision.WITHDRAWN, decided_at=now)
    return CaseEvent.objects.create(
        case=case,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=to,
        from_level=from_level,
        to_level=case.level,
        note=note,
        data=data or {},
        at=now,
    )


def _check_version(case: Case, version: int | None) -> None:
    """A form carries the version it was drawn from; an older one was overtaken."""
    if version is not None and version != case.version:
        raise Conflict(
            _("Someone else changed this case a moment ago. Here is its current state."),
            code="stale",
        )


# Intake -----------------------------------------------------------------------------


def case_report(
    *,
    by: User | None,
    description: str,
    source: str = Source.RESIDENT,
    title: str = "",
    household: Household | None = None,
    building: Building | None = None,
    area: Area | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    hotline_ticket: str = "",
    hotline_reply_due: datetime | None = None,
    photos: Sequence[bytes] = (),
    idempotency_key: str | None = None,
    at: datetime | None = None,
    chosen_category: str = "",
    chosen_subcategory: SubCategory | None = None,
    attributes: dict[str, Any] | None = None,
) -> Case:
    """Take in a report from any channel.

    A channel where the reporter picks the kind of problem (an Open311 client's service)
    passes it as chosen_category / chosen_subcategory: the triage proposal starts from that
    choice, and the answers to the sub-category's questions come as attributes.

    Steps:
    1. A retry with the same Idempotency-Key returns the first case.
    2. Check the text and the place; a point is located into its grid.
    3. Staff may enter reports only for places they cover; a resident for their own
       community; a visitor (anonymous web report) must leave a phone number.
    4. The case starts at the level of its deepest place (micro-grid → building level),
       with a deadline from the default time class, and a "reported" event.
    """
    if idempotency_key and by is not None:
        earlier = IdempotencyKey.objects.filter(user=by, key=idempotency_key).first()
        if earlier is not None:
            return earlier.case
    description = description.strip()
    if not description:
        raise _invalid("description", _("Say what the problem is."))
    if source not in Source.values:
        raise _invalid("source", _("Choose where the report came from."))
    if latitude is not None and not (-90 <= latitude <= 90):
        raise _invalid("latitude", _("This value is out of range."))
    if longitude is not None and not (-180 <= longitude <= 180):
        raise _invalid("longitude", _("This value is out of range."))
    place, building, household = _place(
        household=household,
        building=building,
        area=area,
        latitude=latitude,
        longitude=longitude,
    )
    # district/subdistrict/community/…: the community is the third step of the path.
    parts = place.path.strip("/").split("/")
    if len(parts) < 3:
        raise _invalid("place", _("This place is not inside a community."))
    community_id = int(parts[2])
    if by is None and source != Source.OPEN311:
        if not contact_phone.strip():
            raise _invalid("contact_phone", _("Leave a phone number so we can reach you."))
        anonymous = True
    elif by is None:
        anonymous = True  # an Open311 client's reporter: handlers see only the contact
    elif not _may_report_at(by, place, household):
        raise Forbidden(_("You can only report for places in your area."))
    if source == Source.HOTLINE and not hotline_ticket.strip():
        raise _invalid("hotline_ticket", _("Enter the 12345 ticket number."))
    now = at or timezone.now()
    level = _level_of(place)
    if hotline_ticket and hotline_reply_due is None:
        hotline_reply_due = add_working_days(now, settings.HOTLINE_REPLY_DAYS)
    title = (title.strip() or description.splitlines()[0])[:80]
    from linli.triage.services import triage_proposal_for

    proposal = triage_proposal_for(description)
    if chosen_subcategory is not None:
        chosen_category = chosen_subcategory.category.code
    if chosen_category and proposal:
        from linli.triage.services import taxonomy_current

        usual = taxonomy_current().usual_route.get(chosen_category, proposal["route"])
        proposal.update(
            category=chosen_category,
            subcategory=chosen_subcategory.code if chosen_subcategory else "",
            route=(chosen_subcategory.usual_route if chosen_subcategory else "") or usual,
            reason=f"chosen:{chosen_subcategory.code if chosen_subcategory else chosen_category}; "
            + proposal["reason"],
        )
    # A risk cannot wait for a person to triage: the case is urgent from the first minute.
    risk = bool(proposal.get("risk"))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                title=title,
                description=description[:4000],
                source=source,
                # An anonymous resident still follows their own case; handlers don't see who.
                reporter=by if source == Source.RESIDENT else None,
                anonymous=anonymous,
                contact_name=contact_name.strip()[:50],
                contact_phone=contact_phone.strip()[:20],
                created_by=by,
                community_id=community_id,
                area=place,
                area_path=place.path,
                building=building,
                household=household,
                address=address.strip()[:200],
                latitude=latitude,
                longitude=longitude,
                level=level,
                level_area=place,
                deadline=deadline_for(timeframe="immediate" if risk else "", start=now),
                proposal=proposal,
                risk=risk,
                subcategory=chosen_subcategory,
                attributes=attributes or {},
                hotline_ticket=hotline_ticket.strip()[:40],
                hotline_reply_due=hotline_reply_due,
                created_at=now,
            )
            event = CaseEvent.objects.create(
                case=case,
                actor=by,
                action=Action.REPORT,
                to_state=State.REPORTED,
                to_level=level,
                data={"source": source},
                at=now,
            )
            _save_photos(case, event, photos, by)
            if idempotency_key and by is not None:
                IdempotencyKey.objects.create(user=by, key=idempotency_key[:100], case=case)
            if risk:
                _notify(event, [*_handlers_at(case), *_community_staff(case)], urgent=True)
            else:
                _notify(event, _handlers_at(case))
    except IntegrityError:
        if idempotency_key and by is not None:
            # Two retries raced; the other one created the case.
            earlier = IdempotencyKey.objects.filter(user=by, key=idempotency_key).first()
            if earlier is not None:
                return earlier.case
        if hotline_ticket:
            raise _invalid(
                "hotline_ticket", _("A case with this 12345 ticket number already exists.")
            ) from None
        raise
    return case


def _may_report_at(user: User, place: Area, household: Household | None) -> bool:
    """Staff report for the places they cover; a resident for anywhere in their community
    (a street light, a neighbour's leak), not only their own flat."""
    if covers(area_paths(user, PLACE_ROLES), place.path):
        return True
    own = own_household_ids(user)
    if household is not None and household.pk in own:
        return True
    grids = Household.objects.filter(pk__in=own, micro_grid__isnull=False).values_list(
        "micro_grid__path", flat=True
    )
    # district/subdistrict/community/…: a community's path is the first three steps.
    communities = {"/".join(path.strip("/").split("/")[:3]) + "/" for path in grids}
    return any(place.path.startswith(prefix) for prefix in communities)


# Triage and dispatch ----------------------------------------------------------------


def case_triage(
    *,
    case: Case,
    by: User,
    category: str,
    route: str,
    timeframe: str,
    risk: bool,
    subcategory: str = "",
    note: str = "",
    version: int | None = None,
) -> CaseEvent:
    """研判分流: a person confirms or corrects category, sub-category, route, time class and
    risk."""
    from linli.cases.models import Category, Route
    from linli.triage.models import SubCategory

    _check_version(case, version)
    _require(case, by, "triage")
    fields: dict[str, list[str]] = {}
    if category not in Category.values:
        fields["category"] = [_("Choose a category.")]
    if route not in Route.values:
        fields["route"] = [_("Choose a route.")]
    if timeframe not in Timeframe.values:
        fields["timeframe"] = [_("Choose a time class.")]
    sub = SubCategory.objects.filter(code=subcategory, active=True).first() if subcategory else None
    if subcategory and (sub is None or sub.category.code != category):
        fields["subcategory"] = [_("Choose a sub-category of the chosen category.")]
    if fields:
        raise DomainError(_("Some fields are not valid."), fields=fields)
    if risk:
        timeframe = Timeframe.IMMEDIATE
    before = {
        "category": case.category,
        "route": case.route,
        "timeframe": case.timeframe,
        "risk": case.risk,
    }
    changes: dict[str, Any] = {
        "category": category,
        "route": route,
        "timeframe": timeframe,
        "risk": risk,
        "subcategory": sub,
    }
    if timeframe != case.timeframe:
        changes["deadline"] = deadline_for(timeframe=timeframe, start=_level_since(case))
        changes["supervision"] = Supervision.NONE
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.TRIAGE,
            to=State.TRIAGED,
            note=note,
            changes=changes,
            data={"before": before},
        )
        if risk and not before["risk"]:
            _notify(event, [*_community_staff(case), *_handlers_at(case)], urgent=True)
        from linli.triage.services import triage_correction_record

        triage_correction_record(case=case, proposed=case.proposal, chosen=changes, by=by)
    return event


def _level_since(case: Case) -> datetime:
    """When the current level took the case: the deadline counts from there."""
    last = (
        case.events.filter(action__in=[Action.ESCALATE, Action.REOPEN, Action.DEADLINE_PASSED])
        .exclude(from_level=F("to_level"))
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return last or case.created_at


def case_dispatch(
    *,
    case: Case,
    by: User,
    user: User | None = None,
    team: Team | None = None,
    department: Department | None = None,
    note: str = "",
    version: int | None = None,
) -> CaseEvent:
    """派单: give the case to one person, team or department."""
    _check_version(case, version)
    _require(case, by, "dispatch")
    targets = [t for t in (user, team, department) if t is not None]
    if len(targets) != 1:
        raise _invalid("assignee", _("Choose one person, team or department."))
    if user is not None and not dispatch_people(case=case).filter(pk=user.pk).exists():
        raise _invalid("assignee", _("This person does not work in the case's area."))
    if team is not None and team.community_id != case.community_id:
        raise _invalid("assignee", _("This team belongs to another community."))
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.DISPATCH,
            to=State.DISPATCHED,
            note=note,
            changes={
                "assignee_user": user,
                "assignee_team": team,
                "assignee_department": department,
                "accepted_by": None,
            },
            data={"assignee": case_assignee_name(user, team, department)},
        )
        _notify(event, _assignee_people(case))
    return event


def case_assignee_name(user: Any, team: Any, department: Any) -> str:
    return str(user or team or department or "")


def dispatch_people(*, case: Case) -> Any:
    """People a case may be given to in person: anyone holding a role in its community."""
    from linli.accounts.models import User

    community_path = _area_at_level(case.area, Level.COMMUNITY).path
    return (
        User.objects.filter(
            role_assignments__area__path__startswith=community_path,
            role_assignments__role__in=[
                Role.BUILDING_HEAD,
                Role.GRID_WORKER,
                Role.COMMUNITY_STAFF,
                Role.MEDIATOR,
                Role.LEGAL_OFFICER,
                Role.VOLUNTEER,
                Role.PROPERTY_COMPANY,
                Role.OWNERS_COMMITTEE,
            ],
        )
        .distinct()
        .order_by("full_name")
    )


def case_accept(*, case: Case, by: User, version: int | None = None) -> CaseEvent:
    """接单. Of many simultaneous accepts exactly one wins; the rest are told who was first."""
    if case.state != State.DISPATCHED and case.accepted_by_id:
        raise Conflict(
            _("%(who)s accepted this case first.") % {"who": case.accepted_by}, code="stale"
        )
    _require(case, by, "accept")
    _check_version(case, version)
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.ACCEPT,
            to=State.IN_PROGRESS,
            changes={"accepted_by": by},
        )
        _notify(event, _reporters(case))
    return event


def case_decline(*, case: Case, by: User, reason: str, version: int | None = None) -> CaseEvent:
    _check_version(case, version)
    _require(case, by, "decline")
    if not reason.strip():
        raise _invalid("reason", _("Say why you decline."))
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.DECLINE,
            to=State.TRIAGED,
            note=reason.strip(),
            changes=UNASSIGNED,
        )
        _notify(event, _handlers_at(case))
    return event


def case_progress(*, case: Case, by: User, note: str, photos: Sequence[bytes] = ()) -> CaseEvent:
    _require(case, by, "progress")
    if not note.strip() and not photos:
        raise _invalid("note", _("Write what was done."))
    with transaction.atomic():
        event = _step(case, by=by, action=Action.PROGRESS, note=note.strip())
        _save_photos(case, event, photos, by)
        _notify(event, _reporters(case))
    return event


# Escalation and deadlines -----------------------------------------------------------


UNASSIGNED: dict[str, Any] = {
    "assignee_user": None,
    "assignee_team": None,
    "assignee_department": None,
}


def _handed_to_level(case: Case, level: int, now: datetime) -> dict[str, Any]:
    """The changes of a case that goes (up) to `level`: that level's area takes it over,
    unassigned, with a fresh deadline for its time class."""
    return {
        **UNASSIGNED,
        "level": level,
        "level_area": _area_at_level(case.area, level),
        "accepted_by": None,
        "deadline": deadline_for(timeframe=case.timeframe, start=now),
        "supervision": Supervision.NONE,
    }


def case_escalate(
    *,
    case: Case,
    by: User | None,
    reason: str,
    version: int | None = None,
) -> CaseEvent:
    """Up one level: building → grid → community → subdistrict. `by=None`: the deadline did it."""
    _check_version(case, version)
    if by is not None:
        _require(case, by, "escalate")
        if not reason.strip():
            raise _invalid("reason", _("Say why the next level is needed."))
    if case.level >= Level.SUBDISTRICT:
        raise Conflict(_("The case is already at the subdistrict, the top of the ladder."))
    now = timezone.now()
    level = case.level + 1
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.ESCALATE if by is not None else Action.DEADLINE_PASSED,
            to=State.TRIAGED,
            note=reason.strip(),
            changes=_handed_to_level(case, level, now),
            data={"automatic": by is None},
        )
        _notify(event, _handlers_at(case), urgent=by is None or case.risk)
    return event


def case_extension_request(
    *, case: Case, by: User, working_days: int, reason: str
) -> ExtensionRequest:
    """延期申请: while pending, the deadline does not escalate the case."""
    _require(case, by, "request_extension")
    if not 1 <= working_days <= 60:
        raise _invalid("working_days", _("Ask for between 1 and 60 working days."))
    if not reason.strip():
        raise _invalid("reason", _("Say why more time is needed."))
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                case=case, requested_by=by, working_days=working_days, reason=reason.strip()
            )
            event = _step(
                case,
                by=by,
                action=Action.EXTENSION_REQUEST,
                note=reason.strip(),
                data={"working_days": working_days, "extension": extension.pk},
            )
            if case.level < Level.SUBDISTRICT:
                _notify(event, _handlers_at(case, case.level + 1))
    except IntegrityError:
        raise Conflict(_("An extension request for this case is already waiting.")) from None
    return extension


def case_extension_decide(
    *, extension: ExtensionRequest, by: User, approve: bool, note: str = ""
) -> CaseEvent:
    """The level above approves (the deadline moves by the working days asked) or refuses."""
    case = extension.case
    _require(case, by, "decide_extension")
    now = timezone.now()
    decision = ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
    with transaction.atomic():
        if (
            ExtensionRequest.objects.filter(
                pk=extension.pk, decision=ExtensionRequest.Decision.PENDING
            ).update(decision=decision, decided_by=by, decided_at=now)
            != 1
        ):
            raise Conflict(_("This extension request was already decided."))
        changes: dict[str, Any] = {}
        if approve:
            base = max(case.deadline or now, now)
            changes = {
                "deadline": add_working_days(base, extension.working_days),
                "supervision": Supervision.NONE,
            }
        event = _step(
            case,
            by=by,
            action=Action.EXTENSION_APPROVE if approve else Action.EXTENSION_REFUSE,
            note=note.strip(),
            changes=changes,
            data={"working_days": extension.working_days},
        )
        _notify(event, [extension.requested_by_id])
    return event


def case_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The worker's deadline round (every minute; safe to run twice at once).

    Steps:
    1. Open cases past their deadline with no extension waiting go up one level
       automatically, which notifies the level above; at the subdistrict the case is
       marked red and the subdistrict told once.
    2. Open cases due within a day are marked yellow and their handlers told once.
    3. Resolved cases whose follow-up window passed close as "no response".
    Each case is changed through `_step`, so a case changed meanwhile is skipped.
    """
    now = now or timezone.now()
    done = {"escalated": 0, "overdue": 0, "due_soon": 0, "closed": 0}
    pending = ExtensionRequest.objects.filter(decision=ExtensionRequest.Decision.PENDING)
    overdue = (
        Case.objects.open()
        .filter(deadline__lte=now)
        .exclude(pk__in=pending.values("case_id"))
        .exclude(level=Level.SUBDISTRICT, supervision=Supervision.RED)
        .select_related("area", "level_area")
    )
    for case in overdue.iterator(chunk_size=200):
        try:
            if case.level < Level.SUBDISTRICT:
                case_escalate(
                    case=case,
                    by=None,
                    reason=_("Deadline passed without an extension request."),
                )
                done["escalated"] += 1
            else:
                with transaction.atomic():
                    event = _step(
                        case,
                        by=None,
                        action=Action.DEADLINE_PASSED,
                        changes={"supervision": Supervision.RED},
                    )
                    _notify(event, _handlers_at(case), urgent=True)
                done["overdue"] += 1
        except (Conflict, DomainError):
            continue
    soon = (
        Case.objects.open()
        .filter(deadline__gt=now, deadline__lte=now + timedelta(days=1))
        .filter(supervision=Supervision.NONE)
        .select_related("level_area")
    )
    for case in soon.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                event = _step(
                    case,
                    by=None,
                    action=Action.DUE_SOON,
                    changes={"supervision": Supervision.YELLOW},
                )
                _notify(event, [*_handlers_at(case), *_assignee_people(case)])
            done["due_soon"] += 1
        except Conflict:
            continue
    expired = Case.objects.filter(state=State.RESOLVED, followup_due__lte=now)
    for case in expired.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                event = _step(
                    case,
                    by=None,
                    action=Action.CLOSE,
                    to=State.CLOSED,
                    changes={"closed_at": now, "close_reason": CloseReason.NO_RESPONSE},
                )
                _notify(event, _reporters(case))
            done["closed"] += 1
        except Conflict:
            continue
    return done


# Joint cases ------------------------------------------------------------------------


def case_cohandler_add(
    *,
    case: Case,
    by: User,
    working_days: int,
    user: User | None = None,
    team: Team | None = None,
    department: Department | None = None,
    task: str = "",
) -> CaseCoHandler:
    """A co-handling unit of a joint (联办) case, with its own sub-deadline."""
    _require(case, by, "add_cohandler")
    if len([t for t in (user, team, department) if t is not None]) != 1:
        raise _invalid("assignee", _("Choose one person, team or department."))
    if not 1 <= working_days <= 60:
        raise _invalid("working_days", _("Give between 1 and 60 working days."))
    with transaction.atomic():
        unit = CaseCoHandler.objects.create(
            case=case,
            user=user,
            team=team,
            department=department,
            task=task.strip()[:200],
            deadline=add_working_days(timezone.now(), working_days),
        )
        event = _step(
            case,
            by=by,
            action=Action.COHANDLER_ADD,
            note=task.strip(),
            data={"unit": str(unit), "cohandler": unit.pk},
        )
        people = [user.pk] if user else []
        if team:
            people += list(team.members.values_list("pk", flat=True))
        if department:
            people += _liaisons(department.pk, case)
        _notify(event, people)
    return unit


def case_cohandler_sign_off(*, unit: CaseCoHandler, by: User, note: str = "") -> CaseEvent:
    case = unit.case
    if unit not in cohandler_units_of(by, case) or case.state != State.IN_PROGRESS:
        raise Forbidden(_("Your role does not allow this for this case."))
    with transaction.atomic():
        if (
            CaseCoHandler.objects.filter(pk=unit.pk, signed_off_at__isnull=True).update(
                signed_off_at=timezone.now(), signed_off_by=by, sign_off_note=note.strip()[:500]
            )
            != 1
        ):
            raise Conflict(_("This unit has already signed off."))
        event = _step(
            case, by=by, action=Action.SIGN_OFF, note=note.strip(), data={"unit": str(unit)}
        )
        _notify(event, [case.accepted_by_id, *_handlers_at(case)])
    return event


# Resolution and follow-up -----------------------------------------------------------


def case_resolve(
    *,
    case: Case,
    by: User,
    result: str,
    photos: Sequence[bytes] = (),
    version: int | None = None,
) -> CaseEvent:
    """办结 with a result and evidence; the level it was solved at is recorded."""
    _check_version(case, version)
    _require(case, by, "resolve")
    if not result.strip():
        raise _invalid("result", _("Write how it was solved."))
    waiting = case.cohandlers.filter(signed_off_at__isnull=True).count()
    if waiting:
        raise Conflict(
            _("%(count)s co-handling unit(s) have not signed off yet.") % {"count": waiting},
            code="cohandlers_pending",
        )
    now = timezone.now()
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.RESOLVE,
            to=State.RESOLVED,
            note=result.strip(),
            changes={
                "result": result.strip(),
                "solved_level": case.level,
                "resolved_at": now,
                "followup_due": now + timedelta(days=settings.CASE_FOLLOWUP_DAYS),
                "supervision": Supervision.NONE,
            },
        )
        _save_photos(case, event, photos, by)
        _notify(event, _reporters(case))
    return event


def case_rate(
    *,
    case: Case,
    by: User,
    rating: str,
    comment: str = "",
    by_phone: bool = False,
    version: int | None = None,
) -> CaseEvent:
    """回访. Satisfied or basically satisfied closes the case; dissatisfied reopens it one
    level up (at the subdistrict it stays there) with a fresh deadline."""
    _check_version(case, version)
    _require(case, by, "record_rating" if by_phone else "rate")
    if rating not in Rating.values:
        raise _invalid("rating", _("Choose how satisfied the reporter is."))
    now = timezone.now()
    with transaction.atomic():
        CaseRating.objects.create(
            case=case,
            rating=rating,
            comment=comment.strip()[:500],
            rater=None if by_phone else by,
            recorded_by=by if by_phone else None,
            round=case.reopen_count,
            at=now,
        )
        _step(
            case,
            by=by,
            action=Action.RATE,
            note=comment.strip(),
            data={"rating": rating, "by_phone": by_phone},
        )
        if rating == Rating.DISSATISFIED:
            level = min(case.level + 1, Level.SUBDISTRICT)
            event = _step(
                case,
                by=by,
                action=Action.REOPEN,
                to=State.TRIAGED,
                note=comment.strip(),
                changes={
                    **_handed_to_level(case, level, now),
                    "solved_level": None,
                    "resolved_at": None,
                    "followup_due": None,
                    "reopen_count": case.reopen_count + 1,
                },
            )
            _notify(event, [*_handlers_at(case), *_reporters(case)], urgent=case.risk)
            return event
        event = _step(
            case,
            by=by,
            action=Action.CLOSE,
            to=State.CLOSED,
            changes={"closed_at": now, "close_reason": rating},
        )
        _notify(event, [*_reporters(case), case.accepted_by_id])
    return event


# Merging and the hotline ------------------------------------------------------------


def case_merge(*, case: Case, into: Case, by: User, note: str = "") -> CaseEvent:
    """A duplicate joins the case it repeats. Its reporters follow the target from now on,
    and its own hotline ticket keeps its reply duty."""
    _require(case, by, "merge")
    if into.pk == case.pk:
        raise _invalid("into", _("A case cannot be merged into itself."))
    if into.state not in OPEN_STATES:
        raise _invalid("into", _("Merge only into a case that is still open."))
    if not Case.objects.visible_to(by).filter(pk=into.pk).exists():
        raise _invalid("into", _("Not found, or not in your area."))
    with transaction.atomic():
        event = _step(
            case,
            by=by,
            action=Action.MERGE,
            to=State.MERGED,
            note=note.strip(),
            changes={"merged_into": into},
            data={"into": into.pk},
        )
        other = _step(
            into, by=by, action=Action.MERGED_IN, note=note.strip(), data={"case": case.pk}
        )
        _notify(event, _reporters(case))
        _notify(other, _handlers_at(into))
    return event


def case_hotline_reply(*, case: Case, by: User, note: str) -> CaseEvent:
    """Record the reply owed to the 12345 hotline for this case's ticket."""
    _require(case, by, "hotline_reply")
    if not note.strip():
        raise _invalid("note", _("Write what was replied to the hotline."))
    with transaction.atomic():
        return _step(
            case,
            by=by,
            action=Action.HOTLINE_REPLY,
            note=note.strip(),
            changes={"hotline_replied_at": timezone.now()},
        )


# Reading ----------------------------------------------------------------------------


def cases_filtered(
    *,
    user: AnyUser,
    q: str = "",
    state: str = "",
    category: str = "",
    route: str = "",
    source: str = "",
    area: Area | None = None,
    overdue: bool = False,
    now: datetime | None = None,
) -> Any:
    """The community's case list: scoped, then filtered; risk and overdue first."""
    cases = Case.objects.visible_to(user)
    if q:
        cases = cases.filter(
            Q(title__contains=q) | Q(description__contains=q) | Q(hotline_ticket=q)
        )
    if state:
        cases = cases.filter(state=state)
    if category:
        cases = cases.filter(category=category)
    if route:
        cases = cases.filter(route=route)
    if source:
        cases = cases.filter(source=source)
    if area is not None:
        cases = cases.filter(area_path__startswith=area.path)
    if overdue:
        cases = cases.open().filter(deadline__lte=now or timezone.now())
    return cases.select_related(
        "area", "level_area", "assignee_user", "assignee_team", "assignee_department"
    )


def case_queue(*, user: AnyUser) -> list[Case]:
    """A worker's queue: open cases they can act on now, risk first, then overdue, then by
    deadline."""
    from django.db.models import Case as When_
    from django.db.models import Value, When

    candidates = (
        Case.objects.visible_to(user)
        .open()
        .select_related(
            "area", "level_area", "assignee_user", "assignee_team", "assignee_department"
        )
        .annotate(
            overdue=When_(When(deadline__lte=timezone.now(), then=Value(1)), default=Value(0))
        )
        .order_by("-risk", "-overdue", "deadline", "id")
    )
    queue = []
    for case in candidates[:500]:
        acts = case_actions(case=case, user=user)
        if acts - {"merge", "escalate", "hotline_reply"}:
            queue.append(case)
    return queue
