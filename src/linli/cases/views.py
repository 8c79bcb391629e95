from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.models import Department, User
from linli.accounts.scope import PLACE_ROLES, own_household_ids, role_codes
from linli.cases import forms as f
from linli.cases.models import (
    Case,
    CaseCoHandler,
    CaseEvent,
    CasePhoto,
    ExtensionRequest,
    Notification,
    Source,
    Team,
)
from linli.cases.services import (
    case_accept,
    case_actions,
    case_can_reveal_contact,
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
    case_queue,
    case_rate,
    case_report,
    case_resolve,
    case_reveal_contact,
    case_triage,
    cases_filtered,
    cohandler_units_of,
    contact_masked,
    dispatch_people,
    is_handler,
    photo_clean,
)
from linli.cases.workcal import PACKAGE_YEARS, entered_years, month_days
from linli.lib.errors import Conflict, DomainError
from linli.lib.types import AuthedRequest
from linli.lib.xlsx import xlsx_response
from linli.places.models import Area, AreaKind, Building, Household
from linli.triage.services import triage_reason_text


def _case_or_404(user: Any, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "area",
            "level_area",
            "community",
            "building__compound",
            "household__building",
            "assignee_user",
            "assignee_team",
            "assignee_department",
            "reporter",
            "merged_into",
        ),
        pk=case_id,
    )


def _photos(request: HttpRequest, field: str = "photos") -> list[bytes]:
    return [photo_clean(upload) for upload in request.FILES.getlist(field)[:5]]


def _show_error(request: HttpRequest, form: Any, exc: DomainError) -> None:
    placed = False
    for name, errors in exc.fields.items():
        if form is not None and name in form.fields:
            for error in errors:
                form.add_error(name, error)
            placed = True
    if not placed:
        messages.error(request, exc.message)


# Reporting --------------------------------------------------------------------------


def _report_places(user: User) -> list[tuple[str, str]]:
    homes = Household.objects.filter(pk__in=own_household_ids(user)).select_related(
        "building__compound"
    )
    places: list[tuple[str, str]] = []
    for home in homes:
        places.append((f"household:{home.pk}", _("My home: %(address)s") % {"address": home}))
        places.append(
            (
                f"building:{home.building_id}",
                _("Elsewhere in my building (%(building)s)") % {"building": home.building},
            )
        )
        if home.micro_grid_id:
            community = home.micro_grid.path.strip("/").split("/")[2]  # type: ignore[union-attr]
            places.append((f"area:{community}", _("Somewhere else in my community")))
    return places


def report(request: HttpRequest) -> HttpResponse:
    """A resident's report in three steps; a visitor without an account may report too."""
    if not request.user.is_authenticated:
        return _visitor_report(request)
    user: User = request.user
    places = _report_places(user)
    if not places:
        if role_codes(user) & PLACE_ROLES:
            return redirect("cases:new")
        return _visitor_report(request)
    form = f.ReportForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        kind, _sep, pk = form.cleaned_data["where"].partition(":")
        place: dict[str, Any] = {}
        if kind == "household":
            place["household"] = get_object_or_404(Household, pk=pk)
        elif kind == "building":
            place["building"] = get_object_or_404(Building, pk=pk)
        else:
            place["area"] = get_object_or_404(Area, pk=pk)
        try:
            case = case_report(
                by=user,
                description=form.cleaned_data["description"],
                address=form.cleaned_data["address"],
                anonymous=form.cleaned_data["anonymous"],
                contact_phone=user.phone,
                contact_name=user.full_name,
                photos=_photos(request),
                idempotency_key=request.POST.get("once") or None,
                **place,
            )
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your report #%(id)s is in; you can follow it here.")
                % {"id": case.pk},
            )
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/report.html", {"form": form, "once": _once()})


def _once() -> str:
    """A token per form: a double submit (or a retry after a dropped connection) of the
    same form returns the first case instead of a second."""
    import secrets

    return secrets.token_urlsafe(16)


def _visitor_report(request: HttpRequest) -> HttpResponse:
    form = f.VisitorReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_report(
                by=None,
                description=data["description"],
                area=data["community"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                photos=_photos(request),
            )
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            return render(request, "cases/report_thanks.html", {"case": case})
    return render(request, "cases/report_visitor.html", {"form": form})


@login_required
def new(request: AuthedRequest) -> HttpResponse:
    """Staff enter a report on behalf of others: hotline, patrol, visit, meeting, WeChat."""
    user = request.user
    if not role_codes(user) & (PLACE_ROLES | {"admin"}):
        raise Http404
    buildings = (
        Building.objects.visible_to(user)
        .select_related("compound")
        .order_by("compound__name", "number")
    )
    areas = Area.objects.visible_to(user).filter(
        kind__in=[AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.MICROGRID]
    )
    form = f.StaffReportForm(
        request.POST or None, request.FILES or None, buildings=buildings, areas=areas
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = None
        if data["building"] and data["unit"] and data["room"]:
            household = Household.objects.filter(
                building=data["building"], unit=data["unit"].strip(), room=data["room"].strip()
            ).first()
            if household is None:
                form.add_error("room", _("No household at this address in the archive."))
        if form.is_valid():
            due = data["hotline_reply_due"]
            try:
                case = case_report(
                    by=user,
                    description=data["description"],
                    source=data["source"],
                    household=household,
                    building=data["building"],
                    area=data["area"],
                    address=data["address"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    hotline_ticket=data["hotline_ticket"]
                    if data["source"] == Source.HOTLINE
                    else "",
                    hotline_reply_due=due,
                    photos=_photos(request),
                    idempotency_key=request.POST.get("once") or None,
                )
            except DomainError as exc:
                _show_error(request, form, exc)
            else:
                messages.success(request, _("Case #%(id)s entered.") % {"id": case.pk})
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/new.html", {"form": form, "once": _once()})


# Lists ------------------------------------------------------------------------------


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    cases = Case.objects.filter(reporter=request.user).select_related("area")
    return render(request, "cases/mine.html", {"cases": cases})


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(c, c.supervision_mark(now)) for c in case_queue(user=request.user)]
    return render(request, "cases/queue.html", {"rows": rows})


def _filters(request: AuthedRequest) -> f.CaseFilterForm:
    areas = Area.objects.visible_to(request.user).filter(
        kind__in=[AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.MICROGRID, AreaKind.SUBDISTRICT]
    )
    form = f.CaseFilterForm(request.GET or None, areas=areas)
    form.is_valid()
    return form


def _filtered(request: AuthedRequest, form: f.CaseFilterForm) -> Any:
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    return cases_filtered(
        user=request.user,
        **{k: v for k, v in data.items() if v not in (None, "", False)},
    )


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    form = _filters(request)
    page = Paginator(_filtered(request, form), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(c, c.supervision_mark(now)) for c in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


CASE_COLUMNS = [
    ("id", "#"),
    ("title", "title"),
    ("state", "state"),
    ("source", "source"),
    ("category", "category"),
    ("route", "route"),
    ("timeframe", "time class"),
    ("risk", "risk"),
    ("level", "level"),
    ("area", "place"),
    ("assignee", "assignee"),
    ("created_at", "reported at"),
    ("deadline", "deadline"),
    ("solved_level", "solved at level"),
    ("close_reason", "closed because"),
    ("hotline_ticket", "hotline ticket number"),
]


@login_required
def case_export(request: AuthedRequest) -> HttpResponse:
    """The filtered list as xlsx; contacts are left out (PIPL)."""
    form = _filters(request)
    cases = _filtered(request, form)
    labels = {
        "id": "#",
        "title": _("Title"),
        "state": _("State"),
        "source": _("Source"),
        "category": _("Category"),
        "route": _("Route"),
        "timeframe": _("Time class"),
        "risk": _("Risk"),
        "level": _("Level"),
        "area": _("Place"),
        "assignee": _("Assignee"),
        "created_at": _("Reported at"),
        "deadline": _("Deadline"),
        "solved_level": _("Solved at level"),
        "close_reason": _("Closed because"),
        "hotline_ticket": _("12345 ticket number"),
    }

    def rows() -> Any:
        for c in cases.iterator(chunk_size=1000):
            yield [
                c.pk,
                c.title,
                c.get_state_display(),
                c.get_source_display(),
                c.get_category_display() if c.category else "",
                c.get_route_display() if c.route else "",
                c.get_timeframe_display() if c.timeframe else "",
                _("Yes") if c.risk else "",
                c.get_level_display(),
                str(c.area),
                c.assignee_label(),
                timezone.localtime(c.created_at).replace(tzinfo=None),
                timezone.localtime(c.deadline).replace(tzinfo=None) if c.deadline else None,
                c.get_solved_level_display() if c.solved_level else "",
                c.get_close_reason_display() if c.close_reason else "",
                c.hotline_ticket,
            ]

    headers = [str(labels[k]) for k, _l in CASE_COLUMNS]
    return xlsx_response(f"cases-{date.today():%Y%m%d}.xlsx", [(str(_("Cases")), headers, rows())])


# The case page ----------------------------------------------------------------------


def _dispatch_form_args(case: Case) -> dict[str, Any]:
    return {
        "people": dispatch_people(case=case)[:300],
        "teams": Team.objects.filter(community=case.community),
    }


# The form behind each action on the case page, in the order the page offers them.
FORM_OF: dict[str, Any] = {
    "triage": f.TriageForm,
    "dispatch": f.DispatchForm,
    "decline": f.ReasonForm,
    "progress": f.ProgressForm,
    "escalate": f.ReasonForm,
    "resolve": f.ResolveForm,
    "rate": f.RateForm,
    "record_rating": f.RateForm,
    "merge": f.MergeForm,
    "request_extension": f.ExtensionForm,
    "decide_extension": f.DecideForm,
    "add_cohandler": f.CoHandlerForm,
    "hotline_reply": f.NoteForm,
}


def _action_form(case: Case, action: str, request: HttpRequest | None = None) -> Any:
    """The action's form: bound to the request's data when given, else blank (triage starts
    from what is on record)."""
    form_class = FORM_OF.get(action)
    if form_class is None:
        return None
    args: list[Any] = [request.POST, request.FILES] if request is not None else []
    if form_class in (f.DispatchForm, f.CoHandlerForm):
        return form_class(*args[:1], **_dispatch_form_args(case))
    if form_class is f.TriageForm and request is None:
        # Before anyone triaged, the form starts from triage intelligence's proposal.
        fields = ("category", "route", "timeframe", "risk")
        source = case.proposal if not case.category and case.proposal else None
        initial = {n: source.get(n) if source else getattr(case, n) for n in fields}
        initial["subcategory"] = (
            source.get("subcategory", "")
            if source
            else (case.subcategory.code if case.subcategory else "")
        )
        return form_class(initial=initial)
    return form_class(*args)


def _action_forms(
    case: Case, acts: set[str], bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    return {a: bound.get(a) or _action_form(case, a) for a in FORM_OF if a in acts}


def _detail_context(
    request: AuthedRequest, case: Case, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = request.user
    acts = case_actions(case=case, user=user)
    events = case.events.select_related("actor").prefetch_related(
        Prefetch("photos", queryset=CasePhoto.objects.order_by("id"))
    )
    handler = is_handler(user, case)
    staff_view = handler or case.assignee_user_id == user.pk or bool(acts - {"rate"})
    return {
        "case": case,
        "acts": acts,
        "forms": _action_forms(case, acts, bound),
        "events": events,
        "mark": case.supervision_mark(),
        "staff_view": staff_view,
        "show_reporter": staff_view and not case.anonymous,
        "contact": contact_masked(case),
        "can_reveal": case_can_reveal_contact(case=case, user=user),
        "cohandlers": case.cohandlers.select_related("user", "team", "department", "signed_off_by"),
        "my_units": cohandler_units_of(user, case) if "sign_off" in acts else [],
        "pending_extension": case.extensions.filter(
            decision=ExtensionRequest.Decision.PENDING
        ).first(),
        "merged_cases": case.merged_cases.all(),
        "report_photos": CasePhoto.objects.filter(case=case, event__action=CaseEvent.Action.REPORT),
        "similar": _similar(case, user) if "merge" in acts else [],
        "proposal_reason": triage_reason_text(case.proposal.get("reason", ""))
        if "triage" in acts and case.proposal and not case.category
        else "",
    }


def _similar(case: Case, user: Any) -> list[tuple[Case, float]]:
    from linli.triage.services import similar_cases

    visible = set(Case.objects.visible_to(user).open().values_list("pk", flat=True)[:5000])
    return [(c, s) for c, s in similar_cases(case=case) if c.pk in visible]


@login_required
def detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request.user, case_id)
    Notification.objects.filter(user=request.user, case=case, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return render(request, "cases/detail.html", _detail_context(request, case))


DONE = {
    "triage": _("Triage saved."),
    "dispatch": _("Dispatched."),
    "accept": _("You accepted the case."),
    "decline": _("You declined the case; it is back for dispatch."),
    "progress": _("Progress note added."),
    "escalate": _("Escalated to the next level."),
    "resolve": _("Resolved. The reporter will be asked to rate the handling."),
    "rate": _("Thank you for your rating."),
    "record_rating": _("Rating recorded."),
    "merge": _("Merged."),
    "request_extension": _("Extension requested from the level above."),
    "decide_extension": _("Decision recorded."),
    "add_cohandler": _("Co-handling unit added."),
    "sign_off": _("Signed off."),
    "hotline_reply": _("Hotline reply recorded."),
}


def _target(value: str) -> dict[str, Any]:
    kind, _sep, pk = value.partition(":")
    model = {"user": User, "team": Team, "department": Department}.get(kind)
    if model is None:
        raise DomainError(
            _("Choose one person, team or department."),
            fields={"assignee": [_("Choose one person, team or department.")]},
        )
    return {kind: get_object_or_404(model, pk=pk)}


def _run(request: AuthedRequest, case: Case, action: str, form: Any) -> None:
    """Call the one service behind an action with the form's data."""
    user = request.user
    data = form.cleaned_data if form is not None else {}
    version = int(request.POST.get("version") or 0) or None
    if action == "triage":
        case_triage(case=case, by=user, version=version, **data)
    elif action == "dispatch":
        case_dispatch(
            case=case, by=user, note=data["note"], version=version, **_target(data["assignee"])
        )
    elif action == "accept":
        case_accept(case=case, by=user, version=version)
    elif action == "decline":
        case_decline(case=case, by=user, reason=data["reason"], version=version)
    elif action == "progress":
        case_progress(case=case, by=user, note=data["note"], photos=_photos(request))
    elif action == "escalate":
        case_escalate(case=case, by=user, reason=data["reason"], version=version)
    elif action == "resolve":
        case_resolve(
            case=case, by=user, result=data["result"], photos=_photos(request), version=version
        )
    elif action in ("rate", "record_rating"):
        case_rate(case=case, by=user, by_phone=action == "record_rating", version=version, **data)
    elif action == "merge":
        into = Case.objects.visible_to(user).filter(pk=data["into"]).first()
        if into is None:
            raise DomainError(
                _("Not found, or not in your area."),
                fields={"into": [_("Not found, or not in your area.")]},
            )
        case_merge(case=case, into=into, by=user, note=data["note"])
    elif action == "request_extension":
        case_extension_request(case=case, by=user, **data)
    elif action == "decide_extension":
        extension = case.extensions.filter(decision=ExtensionRequest.Decision.PENDING).first()
        if extension is None:
            raise Conflict(_("This extension request was already decided."))
        case_extension_decide(
            extension=extension, by=user, approve=data["approve"], note=data["note"]
        )
    elif action == "add_cohandler":
        case_cohandler_add(
            case=case,
            by=user,
            task=data["task"],
            working_days=data["working_days"],
            **_target(data["assignee"]),
        )
    elif action == "sign_off":
        unit = get_object_or_404(CaseCoHandler, pk=request.POST.get("unit"), case=case)
        case_cohandler_sign_off(unit=unit, by=user, note=request.POST.get("note", ""))
    elif action == "hotline_reply":
        case_hotline_reply(case=case, by=user, note=data["note"])
    else:
        raise Http404


@login_required
@require_POST
def act(request: AuthedRequest, case_id: int, action: str) -> HttpResponse:
    """One action on the case page: form → the action's service → back to the case.

    A refused or stale action comes back with its message and the form as it was typed.
    """
    case = _case_or_404(request.user, case_id)
    if action not in DONE:
        raise Http404
    form = _action_form(case, action, request)
    if form is not None and not form.is_valid():
        return render(
            request, "cases/detail.html", _detail_context(request, case, {action: form}), status=400
        )
    try:
        _run(request, case, action, form)
    except Conflict as exc:
        last = case.events.order_by("-at", "-id").first()
        if (
            exc.code == "stale"
            and last
            and last.actor_id == request.user.pk
            and last.action == action
        ):
            # The same person's second click of the same button: the first one counted.
            return redirect("cases:detail", case_id=case.pk)
        messages.error(request, exc.message)
        return redirect("cases:detail", case_id=case.pk)
    except DomainError as exc:
        _show_error(request, form, exc)
        if form is not None and form.errors:
            fresh = _case_or_404(request.user, case_id)
            return render(
                request,
                "cases/detail.html",
                _detail_context(request, fresh, {action: form}),
                status=400,
            )
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, DONE[action])
    if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("cases:queue")
    return redirect("cases:detail", case_id=case.pk)


@login_required
def reveal_contact(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request.user, case_id)
    form = f.RevealForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = case_reveal_contact(
                case=case, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _show_error(request, form, exc)
    return render(request, "cases/reveal.html", {"case": case, "form": form, "value": value})


@login_required
def photo(request: AuthedRequest, photo_id: int) -> FileResponse:
    """Photos are personal data: served only to those who may see the case."""
    item = get_object_or_404(CasePhoto, pk=photo_id)
    _case_or_404(request.user, item.case_id)
    return FileResponse(item.image.open("rb"), content_type="image/jpeg")


# Map, inbox, calendar ---------------------------------------------------------------


@login_required
def case_map(request: AuthedRequest) -> HttpResponse:
    return render(request, "cases/map.html")


@login_required
def map_data(request: AuthedRequest) -> JsonResponse:
    """Grid polygons and open-case pins as GeoJSON; the map needs no tile server."""
    grids = Area.objects.visible_to(request.user).filter(kind=AreaKind.GRID, boundary__isnull=False)
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": g.boundary, "properties": {"kind": "grid", "name": g.name}}
        for g in grids
    ]
    now = timezone.now()
    for case in Case.objects.visible_to(request.user).open().select_related("building")[:2000]:
        lat = (
            case.latitude if case.latitude is not None else getattr(case.building, "latitude", None)
        )
        lng = (
            case.longitude
            if case.longitude is not None
            else getattr(case.building, "longitude", None)
        )
        if lat is None or lng is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "kind": "case",
                    "id": case.pk,
                    "title": case.title,
                    "state": case.get_state_display(),
                    "risk": case.risk,
                    "mark": case.supervision_mark(now),
                    "url": f"/cases/{case.pk}/",
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    items = Paginator(
        Notification.objects.filter(user=request.user).select_related("case", "event__actor"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "cases/inbox.html", {"page": items})


@login_required
@require_POST
def inbox_read(request: AuthedRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("cases:inbox")


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    known = year in PACKAGE_YEARS or year in entered_years()
    days = month_days(year, month)
    lead = date(year, month, 1).weekday()
    prev = (year - 1, 12) if month == 1 else (year, month - 1)
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(
        request,
        "cases/calendar.html",
        {
            "year": year,
            "month": month,
            "days": days,
            "lead": range(lead),
            "known": known,
            "prev": prev,
            "next": nxt,
        },
    )


# 12345 batch import -----------------------------------------------------------------


@login_required
def hotline_import(request: AuthedRequest) -> HttpResponse:
    """Upload a batch of 12345 tickets, see the dry run, then enter all or the valid rows."""
    import tempfile
    from pathlib import Path

    from linli.cases.hotline import COLUMNS, hotline_check, hotline_enter
    from linli.places.importing import FileProblem
    from linli.places.services import IMPORT_ROLES, require_role

    require_role(request.user, IMPORT_ROLES)
    communities = Area.objects.visible_to(request.user).filter(kind=AreaKind.COMMUNITY)
    form = f.HotlineImportForm(request.POST or None, request.FILES or None, communities=communities)
    stored = request.session.get("hotline_import")
    context: dict[str, Any] = {"form": form, "columns": COLUMNS, "checked": None}
    if request.method == "POST" and request.POST.get("step") == "enter" and stored:
        community = get_object_or_404(communities, pk=stored["community"])
        if stored["errors"] and request.POST.get("mode") != "valid":
            messages.error(
                request,
                _("The file has bad rows: import only the valid rows, or correct the file."),
            )
        else:
            try:
                cases = hotline_enter(rows=stored["rows"], community=community, by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                del request.session["hotline_import"]
                messages.success(request, _("%(n)s hotline cases entered.") % {"n": len(cases)})
                return redirect(f"{reverse('cases:list')}?source=hotline")
        context["checked"] = stored
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                checked = hotline_check(
                    path=Path(tmp.name),
                    original_name=upload.name,
                    community=form.cleaned_data["community"],
                )
            except FileProblem as exc:
                form.add_error("file", str(exc))
            else:
                stored = {
                    "community": form.cleaned_data["community"].pk,
                    "name": upload.name,
                    "rows": checked.rows,
                    "errors": checked.errors,
                    "total": checked.total,
                }
                request.session["hotline_import"] = stored
                context["checked"] = stored
    return render(request, "cases/hotline_import.html", context)


@login_required
def hotline_template(request: AuthedRequest) -> HttpResponse:
    from linli.cases.hotline import COLUMNS

    example = [
        [
            "12345-20261008-0001",
            "小区东门路灯不亮",
            "翠苑小区5-2-301",
            "王女士",
            "13800138000",
            "2026-10-12 17:00",
        ]
    ]
    return xlsx_response(
        "12345-template.xlsx", [(str(_("12345 tickets")), [str(c.label) for c in COLUMNS], example)]
    )
