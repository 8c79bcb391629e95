from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.models import Role, RoleAssignment
from linli.accounts.scope import EDIT_ROLES, own_household_ids, scoped
from linli.lib.errors import DomainError
from linli.lib.query import any_prefix_q
from linli.lib.types import AuthedRequest
from linli.lib.xlsx import xlsx_response
from linli.party.models import PartyHousehold, PartyOrg
from linli.places import exports
from linli.places.forms import BuildingMoveForm, ImportForm, ResidentForm, RevealForm, SearchForm
from linli.places.importing import COLUMNS
from linli.places.models import (
    Area,
    AreaKind,
    Building,
    Household,
    ImportKind,
    ImportRun,
    Resident,
)
from linli.places.services import (
    COVERAGE_ROLES,
    IMPORT_ROLES,
    building_can_move,
    building_move,
    coverage_audit,
    coverage_gap_labels,
    import_run_apply,
    import_run_create,
    require_role,
    resident_can_reveal,
    resident_create,
    resident_reveal,
    resident_search,
    resident_update,
)

# The tree ---------------------------------------------------------------------------


@login_required
def area_list(request: AuthedRequest) -> HttpResponse:
    """The top of the user's part of the tree: the places their roles are bound to."""
    visible = Area.objects.visible_to(request.user)
    roots = list(visible.filter(parent__isnull=True)) or list(
        visible.exclude(parent__in=visible).order_by("path")
    )
    if len(roots) == 1:
        return redirect("places:area_detail", area_id=roots[0].pk)
    return render(request, "places/area_list.html", {"areas": roots})


@login_required
def area_detail(request: AuthedRequest, area_id: int) -> HttpResponse:
    visible = Area.objects.visible_to(request.user)
    area = get_object_or_404(visible, pk=area_id)
    ancestors = area.ancestors()
    visible_ids = set(visible.filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    children = (
        visible.filter(parent=area).annotate(household_count=Count("households")).order_by("name")
        if area.kind == AreaKind.GRID
        else visible.filter(parent=area).order_by("name")
    )
    people = (
        RoleAssignment.objects.filter(
            area=area, role__in=[Role.GRID_WORKER, Role.BUILDING_HEAD, Role.COMMUNITY_STAFF]
        )
        .select_related("user")
        .order_by("role")
    )
    context = {
        "area": area,
        "breadcrumbs": [a for a in ancestors if a.pk in visible_ids],
        "children": children,
        "people": people,
        "party_orgs": PartyOrg.objects.filter(area=area),
        "households": None,
        "buildings": None,
    }
    if area.kind == AreaKind.MICROGRID:
        context["buildings"] = (
            Building.objects.visible_to(request.user)
            .filter(micro_grid=area)
            .select_related("compound")
        )
        context["households"] = Paginator(
            Household.objects.visible_to(request.user)
            .filter(micro_grid=area)
            .select_related("building__compound")
            .prefetch_related(
                Prefetch("residents", queryset=Resident.objects.filter(relation="head"))
            )
            .order_by("building__number", "unit", "room"),
            50,
        ).get_page(request.GET.get("page"))
    return render(request, "places/area_detail.html", context)


@login_required
def area_export(request: AuthedRequest, area_id: int) -> HttpResponse:
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=area_id)
    return _export(request, "households", area=area)


@login_required
def building_detail(request: AuthedRequest, building_id: int) -> HttpResponse:
    building = get_object_or_404(
        Building.objects.visible_to(request.user).select_related(
            "compound", "micro_grid", "community"
        ),
        pk=building_id,
    )
    can_move = building_can_move(user=request.user, building=building)
    # Micro-grids the building could go to: in the user's editing area, not its own.
    targets = scoped(
        Area.objects.filter(kind=AreaKind.MICROGRID),
        request.user,
        lambda paths: any_prefix_q("path", paths),
        EDIT_ROLES,
    ).exclude(pk=building.micro_grid_id or 0)
    can_move = can_move and targets.exists()
    form = BuildingMoveForm(request.POST or None, choices=targets)
    if request.method == "POST":
        if not can_move:
            raise PermissionDenied
        if form.is_valid():
            try:
                building_move(
                    building=building,
                    to=form.cleaned_data["to"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error("to", exc.message)
            else:
                messages.success(request, _("The building was moved. Its history keeps the move."))
                return redirect("places:building_detail", building_id=building.pk)
    context = {
        "building": building,
        "moves": building.moves.select_related("from_micro_grid", "to_micro_grid", "moved_by"),
        "form": form if can_move else None,
        "household_count": building.households.count(),
    }
    return render(request, "places/building_detail.html", context)


# Household archive ------------------------------------------------------------------


@login_required
def household_detail(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related(
            "building__compound", "micro_grid__parent"
        ),
        pk=household_id,
    )
    members = [
        {
            "r": r,
            "can_reveal_phone": resident_can_reveal(user=request.user, resident=r, field="phone"),
            "can_reveal_id": resident_can_reveal(user=request.user, resident=r, field="id_number"),
        }
        for r in household.residents.prefetch_related("tags")
    ]
    central = (
        PartyHousehold.objects.filter(household=household)
        .select_related("member__resident")
        .first()
    )
    looked_after_by = None
    if central is None:
        link = getattr(household, "party_link", None)
        looked_after_by = link.party_household if link else None
    context = {
        "household": household,
        "members": members,
        "can_edit": Household.objects.editable_by(request.user).filter(pk=household.pk).exists(),
        "central": central,
        "looked_after": central.links.select_related("household__building__compound")
        if central
        else [],
        "looked_after_by": looked_after_by,
    }
    return render(request, "places/household_detail.html", context)


@login_required
def my_household(request: AuthedRequest) -> HttpResponse:
    ids = own_household_ids(request.user)
    if not ids:
        raise Http404
    return household_detail(request, ids[0])


@login_required
def resident_add(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.editable_by(request.user), pk=household_id)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resident_create(
                household=household,
                name=data["name"],
                sex=data["sex"],
                relation=data["relation"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                id_number=data["id_number"],
                tags=list(data["tags"]),
            )
        except DomainError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(
                request, _("%(name)s was added to the household.") % {"name": data["name"]}
            )
            return redirect("places:household_detail", household_id=household.pk)
    return render(request, "places/resident_form.html", {"form": form, "household": household})


@login_required
def resident_edit(request: AuthedRequest, resident_id: int) -> HttpResponse:
    resident = get_object_or_404(
        Resident.objects.editable_by(request.user).select_related("household__building__compound"),
        pk=resident_id,
    )
    initial = {
        "name": resident.name,
        "sex": resident.sex,
        "birth_date": resident.birth_date,
        "relation": resident.relation,
        "phone": resident.phone_masked,
        "tags": resident.tags.all(),
    }
    form = ResidentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        # The phone field shows the masked value; sending it back unchanged keeps the phone.
        data = request.POST.copy()
        if data.get("phone") == resident.phone_masked:
            data["phone"] = resident.phone
        form = ResidentForm(data, initial=initial, editing=True)
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                resident_update(
                    resident=resident,
                    name=cleaned["name"],
                    sex=cleaned["sex"],
                    birth_date=cleaned["birth_date"],
                    relation=cleaned["relation"],
                    phone=cleaned["phone"],
                    id_number=cleaned["id_number"] or None,
                    tags=list(cleaned["tags"]),
                )
            except DomainError as exc:
                for name, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("places:household_detail", household_id=resident.household_id)
    return render(
        request,
        "places/resident_form.html",
        {"form": form, "household": resident.household, "resident": resident},
    )


@login_required
@require_POST
def resident_reveal_view(request: AuthedRequest, resident_id: int) -> HttpResponse:
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("household__micro_grid"),
        pk=resident_id,
    )
    form = RevealForm(request.POST)
    template = (
        "places/_reveal.html" if request.headers.get("HX-Request") else "places/reveal_page.html"
    )
    if not form.is_valid():
        return render(
            request,
            template,
            {
                "resident": resident,
                "error": _("Say why you need to see the full value."),
                "field": request.POST.get("field", ""),
            },
            status=400,
        )
    try:
        value = resident_reveal(
            resident=resident,
            field=form.cleaned_data["field"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    return render(
        request,
        template,
        {"resident": resident, "value": value, "field": form.cleaned_data["field"]},
    )


# Search -----------------------------------------------------------------------------


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = (
        resident_search(user=request.user, query=query).select_related(
            "household__building__compound"
        )[:100]
        if query
        else []
    )
    if request.GET.get("format") == "xlsx":
        return _export(request, "residents", query=query)
    template = (
        "places/_search_results.html" if request.headers.get("HX-Request") else "places/search.html"
    )
    return render(request, template, {"form": form, "query": query, "results": results})


# Coverage ---------------------------------------------------------------------------


@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, COVERAGE_ROLES)
    if request.GET.get("format") == "xlsx":
        return _export(request, "coverage")
    audit = coverage_audit(user=request.user, limit=200)
    labels = coverage_gap_labels()
    gaps = [
        {"kind": kind, "label": labels[kind], "rows": rows, "total": audit["totals"][kind]}
        for kind, rows in audit["gaps"].items()
    ]
    return render(request, "places/coverage.html", {"gaps": gaps, "total": audit["total"]})


# Imports ----------------------------------------------------------------------------


@login_required
def import_list(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, IMPORT_ROLES)  # before showing the form
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_run_create(
                user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("places:import_detail", run_id=run.pk)
    runs = ImportRun.objects.visible_to(request.user)[:20]
    return render(
        request,
        "places/import_list.html",
        {"form": form, "runs": runs, "kinds": ImportKind.choices},
    )


@login_required
def import_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.visible_to(request.user), pk=run_id)
    template = (
        "places/_import_status.html"
        if request.headers.get("HX-Request")
        else "places/import_detail.html"
    )
    return render(request, template, {"run": run})


@login_required
@require_POST
def import_apply(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.visible_to(request.user), pk=run_id)
    try:
        import_run_apply(run=run, valid_only=request.POST.get("valid_only") == "1", by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("places:import_detail", run_id=run.pk)


@login_required
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    columns = COLUMNS[kind]
    example = exports.template_example(kind)
    guide = [
        [str(c.label), _("required") if c.required else _("optional"), str(c.help)] for c in columns
    ]
    return xlsx_response(
        f"{ImportKind(kind).label}-{_('template')}.xlsx",
        [
            (str(ImportKind(kind).label), [str(c.label) for c in columns], [example]),
            (_("How to fill it in"), [_("Column"), _("Required"), _("Notes")], guide),
        ],
    )


# Exports ----------------------------------------------------------------------------


def _export(request: AuthedRequest, kind: str, **filters: object) -> HttpResponse:
    title, headers, rows = exports.export_table(kind=kind, user=request.user, **filters)
    return xlsx_response(f"{title}.xlsx", [(title, headers, rows)])


@login_required
def export(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in exports.KINDS:
        raise Http404
    return _export(request, kind)
