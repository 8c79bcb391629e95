"""API for the whole case loop. Handlers: schema in → one service → schema out.

Create accepts an `Idempotency-Key` header: a retry with the same key returns the same
case (200) instead of a second one (201).
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from linli.accounts.models import Department, User
from linli.api.auth import api_user
from linli.api.pagination import PagePagination
from linli.cases.models import (
    Case,
    CaseCoHandler,
    CaseEvent,
    Category,
    IdempotencyKey,
    Notification,
    Rating,
    Route,
    Source,
    State,
    Team,
    Timeframe,
)
from linli.cases.services import (
    case_accept,
    case_actions,
    case_cohandler_add,
    case_cohandler_sign_off,
    case_decline,
    case_dispatch,
    case_escalate,
    case_extension_decide,
    case_extension_request,
    case_hotline_reply,
    case_merge,
    case_progress,
    case_rate,
    case_report,
    case_resolve,
    case_triage,
    cases_filtered,
    contact_masked,
)
from linli.lib.errors import DomainError
from linli.places.models import Area, Building, Household

router = Router(tags=["cases"])


class CaseIn(Schema):
    description: str = Field(..., min_length=1, max_length=4000)
    title: str = Field("", max_length=80)
    source: Source = Source.RESIDENT
    household_id: int | None = None
    building_id: int | None = None
    area_id: int | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    anonymous: bool = False
    hotline_ticket: str = Field("", max_length=40)
    hotline_reply_due: datetime | None = None


class CaseOut(Schema):
    id: int
    title: str
    description: str
    source: str
    state: str
    version: int
    category: str
    subcategory: str
    attributes: dict[str, Any]
    route: str
    timeframe: str
    risk: bool
    level: int
    community_id: int
    area_id: int
    building_id: int | None
    household_id: int | None
    address: str
    latitude: float | None
    longitude: float | None
    assignee: str
    deadline: datetime | None
    supervision: str
    solved_level: int | None
    close_reason: str
    merged_into_id: int | None
    hotline_ticket: str
    contact_phone_masked: str
    created_at: datetime
    allowed_actions: list[str]

    @staticmethod
    def resolve_subcategory(obj: Case) -> str:
        return obj.subcategory.code if obj.subcategory is not None else ""

    @staticmethod
    def resolve_assignee(obj: Case) -> str:
        return obj.assignee_label()

    @staticmethod
    def resolve_supervision(obj: Case) -> str:
        return obj.supervision_mark()

    @staticmethod
    def resolve_contact_phone_masked(obj: Case) -> str:
        return contact_masked(obj)

    @staticmethod
    def resolve_allowed_actions(obj: Case, context: dict) -> list[str]:
        return sorted(case_actions(case=obj, user=context["request"].user))


class CaseRow(Schema):
    id: int
    title: str
    state: str
    category: str
    route: str
    risk: bool
    level: int
    area_id: int
    deadline: datetime | None
    created_at: datetime


class EventOut(Schema):
    id: int
    action: str
    from_state: str
    to_state: str
    from_level: int | None
    to_level: int | None
    actor: str | None
    note: str
    data: dict
    at: datetime

    @staticmethod
    def resolve_actor(obj: CaseEvent) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class Versioned(Schema):
    version: int | None = Field(None, description="The case version the client saw; stale → 409")


class TriageIn(Versioned):
    category: Category
    route: Route
    timeframe: Timeframe
    risk: bool = False
    subcategory: str = Field("", max_length=40, description="A sub-category code, or empty")
    note: str = Field("", max_length=1000)


class AssigneeIn(Schema):
    user_id: int | None = None
    team_id: int | None = None
    department_id: int | None = None


class DispatchIn(Versioned, AssigneeIn):
    note: str = Field("", max_length=1000)


class ReasonIn(Versioned):
    reason: str = Field(..., min_length=1, max_length=1000)


class NoteIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000)


class ResolveIn(Versioned):
    result: str = Field(..., min_length=1, max_length=4000)


class RateIn(Versioned):
    rating: Rating
    comment: str = Field("", max_length=500)
    by_phone: bool = False


class MergeIn(Schema):
    into: int
    note: str = Field("", max_length=500)


class ExtensionIn(Schema):
    working_days: int = Field(..., ge=1, le=60)
    reason: str = Field(..., min_length=1, max_length=500)


class ExtensionOut(Schema):
    id: int
    working_days: int
    reason: str
    decision: str


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class CoHandlerIn(AssigneeIn):
    task: str = Field("", max_length=200)
    working_days: int = Field(..., ge=1, le=60)


class CoHandlerOut(Schema):
    id: int
    name: str
    task: str
    deadline: datetime
    signed_off_at: datetime | None

    @staticmethod
    def resolve_name(obj: CaseCoHandler) -> str:
        return str(obj)


class NotificationOut(Schema):
    id: int
    case_id: int
    action: str = Field(..., alias="event.action")
    urgent: bool
    at: datetime
    read_at: datetime | None


class CaseFilters(Schema):
    q: str = ""
    state: State | None = None
    category: Category | None = None
    route: Route | None = None
    source: Source | None = None
    area_id: int | None = None
    overdue: bool = False


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "area", "level_area", "assignee_user", "assignee_team", "assignee_department"
        ),
        pk=case_id,
    )


def _assignee(data: AssigneeIn) -> dict[str, object]:
    chosen = {
        k: v
        for k, v in (
            ("user", data.user_id),
            ("team", data.team_id),
            ("department", data.department_id),
        )
        if v
    }
    if len(chosen) != 1:
        message = _("Choose one person, team or department.")
        raise DomainError(message, fields={"user_id": [message]})
    kind, pk = next(iter(chosen.items()))
    model = {"user": User, "team": Team, "department": Department}[kind]
    return {kind: get_object_or_404(model, pk=pk)}


@router.post("/cases", response={200: CaseOut, 201: CaseOut}, summary="Report a case")
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    user = api_user(request)
    key = request.headers.get("Idempotency-Key") or None
    # The service decides whether the user may report for the place (403 if not).
    lookups = {
        "household": (
            Household.objects.select_related("micro_grid", "building"),
            payload.household_id,
        ),
        "building": (
            Building.objects.select_related("micro_grid", "community"),
            payload.building_id,
        ),
        "area": (Area.objects.all(), payload.area_id),
    }
    place = {
        name: get_object_or_404(qs, pk=pk) for name, (qs, pk) in lookups.items() if pk is not None
    }
    repeated = bool(key) and IdempotencyKey.objects.filter(user=user, key=key).exists()
    case = case_report(
        by=user,
        description=payload.description,
        title=payload.title,
        source=payload.source,
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        anonymous=payload.anonymous,
        hotline_ticket=payload.hotline_ticket,
        hotline_reply_due=payload.hotline_reply_due,
        idempotency_key=key,
        **place,  # type: ignore[arg-type]
    )
    return Status(200 if repeated else 201, case)


@router.get("/cases", response=list[CaseRow], summary="Cases in my scope")
@paginate(PagePagination)
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> object:
    area = None
    if filters.area_id:
        area = get_object_or_404(Area.objects.visible_to(request.user), pk=filters.area_id)
    return cases_filtered(
        user=request.user,
        q=filters.q,
        state=filters.state or "",
        category=filters.category or "",
        route=filters.route or "",
        source=filters.source or "",
        area=area,
        overdue=filters.overdue,
    )


@router.get("/cases/{case_id}", response=CaseOut, summary="One case")
def case_detail(request: HttpRequest, case_id: int) -> Case:
    return _case(request, case_id)


@router.get("/cases/{case_id}/events", response=list[EventOut], summary="A case's timeline")
def case_events(request: HttpRequest, case_id: int) -> object:
    return _case(request, case_id).events.select_related("actor")


@router.post("/cases/{case_id}/triage", response=CaseOut, summary="Triage (研判分流)")
def case_triage_api(request: HttpRequest, case_id: int, payload: TriageIn) -> Case:
    case = _case(request, case_id)
    case_triage(
        case=case,
        by=api_user(request),
        category=payload.category,
        route=payload.route,
        timeframe=payload.timeframe,
        risk=payload.risk,
        subcategory=payload.subcategory,
        note=payload.note,
        version=payload.version,
    )
    return case


@router.post("/cases/{case_id}/dispatch", response=CaseOut, summary="Dispatch (派单)")
def case_dispatch_api(request: HttpRequest, case_id: int, payload: DispatchIn) -> Case:
    case = _case(request, case_id)
    case_dispatch(
        case=case,
        by=api_user(request),
        note=payload.note,
        version=payload.version,
        **_assignee(payload),  # type: ignore[arg-type]
    )
    return case


@router.post("/cases/{case_id}/accept", response=CaseOut, summary="Accept (接单)")
def case_accept_api(request: HttpRequest, case_id: int, payload: Versioned | None = None) -> Case:
    case = _case(request, case_id)
    case_accept(case=case, by=api_user(request), version=payload.version if payload else None)
    return case


@router.post("/cases/{case_id}/decline", response=CaseOut, summary="Decline with a reason")
def case_decline_api(request: HttpRequest, case_id: int, payload: ReasonIn) -> Case:
    case = _case(request, case_id)
    case_decline(case=case, by=api_user(request), reason=payload.reason, version=payload.version)
    return case


@router.post("/cases/{case_id}/progress", response=CaseOut, summary="Add a progress note")
def case_progress_api(request: HttpRequest, case_id: int, payload: NoteIn) -> Case:
    case = _case(request, case_id)
    case_progress(case=case, by=api_user(request), note=payload.note)
    return case


@router.post("/cases/{case_id}/escalate", response=CaseOut, summary="Escalate one level")
def case_escalate_api(request: HttpRequest, case_id: int, payload: ReasonIn) -> Case:
    case = _case(request, case_id)
    case_escalate(case=case, by=api_user(request), reason=payload.reason, version=payload.version)
    return case


@router.post("/cases/{case_id}/resolve", response=CaseOut, summary="Resolve (办结)")
def case_resolve_api(request: HttpRequest, case_id: int, payload: ResolveIn) -> Case:
    case = _case(request, case_id)
    case_resolve(case=case, by=api_user(request), result=payload.result, version=payload.version)
    return case


@router.post("/cases/{case_id}/rate", response=CaseOut, summary="Rate the handling (回访)")
def case_rate_api(request: HttpRequest, case_id: int, payload: RateIn) -> Case:
    case = _case(request, case_id)
    case_rate(
        case=case,
        by=api_user(request),
        rating=payload.rating,
        comment=payload.comment,
        by_phone=payload.by_phone,
        version=payload.version,
    )
    return case


@router.post("/cases/{case_id}/merge", response=CaseOut, summary="Merge into another case")
def case_merge_api(request: HttpRequest, case_id: int, payload: MergeIn) -> Case:
    case = _case(request, case_id)
    into = _case(request, payload.into)
    case_merge(case=case, into=into, by=api_user(request), note=payload.note)
    return case


@router.post(
    "/cases/{case_id}/extensions", response={201: ExtensionOut}, summary="Ask for more time"
)
def case_extension_api(request: HttpRequest, case_id: int, payload: ExtensionIn) -> Status:
    case = _case(request, case_id)
    extension = case_extension_request(
        case=case, by=api_user(request), working_days=payload.working_days, reason=payload.reason
    )
    return Status(201, extension)


@router.post(
    "/cases/{case_id}/extensions/{extension_id}/decide",
    response=CaseOut,
    summary="Approve or refuse an extension (level above)",
)
def case_extension_decide_api(
    request: HttpRequest, case_id: int, extension_id: int, payload: DecideIn
) -> Case:
    case = _case(request, case_id)
    extension = get_object_or_404(case.extensions, pk=extension_id)
    case_extension_decide(
        extension=extension, by=api_user(request), approve=payload.approve, note=payload.note
    )
    return _case(request, case_id)


@router.post(
    "/cases/{case_id}/cohandlers",
    response={201: CoHandlerOut},
    summary="Add a co-handling unit to a joint case",
)
def case_cohandler_api(request: HttpRequest, case_id: int, payload: CoHandlerIn) -> Status:
    case = _case(request, case_id)
    unit = case_cohandler_add(
        case=case,
        by=api_user(request),
        task=payload.task,
        working_days=payload.working_days,
        **_assignee(payload),  # type: ignore[arg-type]
    )
    return Status(201, unit)


@router.post(
    "/cases/{case_id}/cohandlers/{unit_id}/sign-off",
    response=CaseOut,
    summary="Sign off as a co-handling unit",
)
def case_sign_off_api(request: HttpRequest, case_id: int, unit_id: int, payload: NoteIn) -> Case:
    case = _case(request, case_id)
    unit = get_object_or_404(case.cohandlers, pk=unit_id)
    case_cohandler_sign_off(unit=unit, by=api_user(request), note=payload.note)
    return _case(request, case_id)


@router.post("/cases/{case_id}/hotline-reply", response=CaseOut, summary="Record the 12345 reply")
def case_hotline_reply_api(request: HttpRequest, case_id: int, payload: NoteIn) -> Case:
    case = _case(request, case_id)
    case_hotline_reply(case=case, by=api_user(request), note=payload.note)
    return case


@router.get("/inbox", response=list[NotificationOut], summary="My notifications")
@paginate(PagePagination)
def inbox(request: HttpRequest, unread: bool = False) -> object:
    items = Notification.objects.filter(user=api_user(request)).select_related("event")
    return items.filter(read_at__isnull=True) if unread else items
