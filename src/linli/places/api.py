"""API: the place tree, archives, search, coverage, imports and exports.

Every list and fetch goes through the model's scoping helper; personal data is masked
unless revealed through the recorded reveal endpoint.
"""

from datetime import date
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.api.auth import api_user
from linli.api.pagination import PagePagination
from linli.lib.xlsx import xlsx_response
from linli.places import exports
from linli.places.models import (
    Area,
    AreaKind,
    Building,
    Household,
    ImportKind,
    ImportRun,
    Relation,
    Resident,
    Sex,
    SpecialGroup,
)
from linli.places.services import (
    building_move,
    coverage_audit,
    import_run_apply,
    import_run_create,
    resident_create,
    resident_find_by_id_number,
    resident_reveal,
    resident_search,
    resident_update,
)

router = Router(tags=["places"])


class AreaOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    boundary: dict | None = None


class BuildingOut(Schema):
    id: int
    number: str
    community_id: int
    compound_id: int | None
    compound_name: str | None = Field(None, alias="compound.name")
    micro_grid_id: int | None
    latitude: float | None
    longitude: float | None


class HouseholdOut(Schema):
    id: int
    address: str
    building_id: int
    unit: str
    room: str
    micro_grid_id: int | None


class ResidentOut(Schema):
    id: int
    household_id: int
    name: str
    sex: str
    birth_date: date | None
    relation: str
    phone_masked: str
    id_number_masked: str
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Resident) -> list[str]:
        return [t.code for t in obj.tags.all()]


class ResidentIn(Schema):
    household_id: int
    name: str = Field(..., min_length=1, max_length=50)
    sex: Sex
    relation: Relation
    birth_date: date | None = None
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)
    tags: list[str] = []


class ResidentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    sex: Sex | None = None
    relation: Relation | None = None
    birth_date: date | None = None
    phone: str | None = Field(None, max_length=20)
    id_number: str | None = Field(None, max_length=18)
    tags: list[str] | None = None


class RevealIn(Schema):
    field: Literal["phone", "id_number"]
    reason: str = Field(..., min_length=1, max_length=200)


class RevealOut(Schema):
    field: str
    value: str


class MoveIn(Schema):
    micro_grid_id: int
    note: str = Field("", max_length=200)


class ImportOut(Schema):
    id: int
    kind: str
    status: str
    original_name: str
    total_rows: int
    processed_rows: int
    error_count: int
    errors: list[list]
    summary: dict
    message: str


class ApplyIn(Schema):
    valid_only: bool = False


def _tags(codes: list[str]) -> list[SpecialGroup]:
    from django.utils.translation import gettext as _

    from linli.lib.errors import DomainError

    groups = list(SpecialGroup.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {g.code for g in groups})
    if unknown:
        message = _("Unknown special group: %(name)s.") % {"name": "、".join(unknown)}
        raise DomainError(message, fields={"tags": [message]})
    return groups


# The tree ---------------------------------------------------------------------------


@router.get("/areas", response=list[AreaOut], summary="Areas in my scope")
@paginate(PagePagination)
def area_list(
    request: HttpRequest, kind: AreaKind | None = None, parent: int | None = None
) -> object:
    areas = Area.objects.visible_to(request.user)
    if kind:
        areas = areas.filter(kind=kind)
    if parent:
        areas = areas.filter(parent_id=parent)
    return areas


@router.get(
    "/areas/locate", response={200: AreaOut, 404: None}, summary="The grid containing a point"
)
def area_locate(
    request: HttpRequest,
    latitude: float = Query(..., ge=-90, le=90),
    longitude: float = Query(..., ge=-180, le=180),
) -> object:
    from django.http import Http404

    from linli.places.services import area_locate_point

    grid = area_locate_point(latitude=latitude, longitude=longitude)
    if grid is None or not Area.objects.visible_to(request.user).filter(pk=grid.pk).exists():
        raise Http404
    return grid


@router.get("/areas/{area_id}", response=AreaOut, summary="One area")
def area_detail(request: HttpRequest, area_id: int) -> Area:
    return get_object_or_404(Area.objects.visible_to(request.user), pk=area_id)


@router.get("/buildings", response=list[BuildingOut], summary="Buildings in my scope")
@paginate(PagePagination)
def building_list(request: HttpRequest, micro_grid: int | None = None) -> object:
    buildings = Building.objects.visible_to(request.user).select_related("compound")
    if micro_grid:
        buildings = buildings.filter(micro_grid_id=micro_grid)
    return buildings.order_by("pk")


@router.get("/buildings/{building_id}", response=BuildingOut, summary="One building")
def building_detail(request: HttpRequest, building_id: int) -> Building:
    return get_object_or_404(
        Building.objects.visible_to(request.user).select_related("compound"), pk=building_id
    )


@router.post(
    "/buildings/{building_id}/move",
    response=BuildingOut,
    summary="Move a building to another micro-grid",
)
def building_move_api(request: HttpRequest, building_id: int, payload: MoveIn) -> Building:
    households = Household.objects.editable_by(request.user)
    building = get_object_or_404(
        Building.objects.visible_to(request.user).filter(households__in=households).distinct(),
        pk=building_id,
    )
    target = get_object_or_404(
        Area.objects.visible_to(request.user).filter(kind=AreaKind.MICROGRID),
        pk=payload.micro_grid_id,
    )
    building_move(building=building, to=target, by=api_user(request), note=payload.note)
    building.refresh_from_db()
    return building


# Households and residents -----------------------------------------------------------


@router.get("/households", response=list[HouseholdOut], summary="Households in my scope")
@paginate(PagePagination)
def household_list(request: HttpRequest, micro_grid: int | None = None) -> object:
    households = Household.objects.visible_to(request.user).select_related("building")
    if micro_grid:
        households = households.filter(micro_grid_id=micro_grid)
    return households.order_by("pk")


@router.get("/households/{household_id}", response=HouseholdOut, summary="One household")
def household_detail(request: HttpRequest, household_id: int) -> Household:
    return get_object_or_404(
        Household.objects.visible_to(request.user).select_related("building"), pk=household_id
    )


@router.get("/residents", response=list[ResidentOut], summary="Residents in my scope, or a search")
@paginate(PagePagination)
def resident_list(
    request: HttpRequest, q: str = Query("", max_length=50), household: int | None = None
) -> object:
    # A search keeps its own order (by the index it reads); a plain list goes by id.
    residents = (
        resident_search(user=request.user, query=q)
        if q
        else Resident.objects.visible_to(request.user).order_by("pk")
    )
    if household:
        residents = residents.filter(household_id=household)
    return residents.prefetch_related("tags")


@router.get("/residents/by-id-number", response=ResidentOut, summary="Exact lookup by ID number")
def resident_by_id_number(
    request: HttpRequest, id_number: str = Query(..., min_length=15, max_length=18)
) -> Resident:
    from django.http import Http404

    resident = resident_find_by_id_number(user=request.user, number=id_number)
    if resident is None:
        raise Http404
    return resident


@router.get("/residents/{resident_id}", response=ResidentOut, summary="One resident (masked)")
def resident_detail(request: HttpRequest, resident_id: int) -> Resident:
    return get_object_or_404(
        Resident.objects.visible_to(request.user).prefetch_related("tags"), pk=resident_id
    )


@router.post("/residents", response={201: ResidentOut}, summary="Add a resident to a household")
def resident_add(request: HttpRequest, payload: ResidentIn) -> object:
    from ninja.responses import Status

    household = get_object_or_404(
        Household.objects.editable_by(request.user), pk=payload.household_id
    )
    resident = resident_create(
        household=household,
        name=payload.name,
        sex=payload.sex,
        relation=payload.relation,
        birth_date=payload.birth_date,
        phone=payload.phone,
        id_number=payload.id_number,
        tags=_tags(payload.tags),
    )
    return Status(201, resident)


@router.patch("/residents/{resident_id}", response=ResidentOut, summary="Change a resident")
def resident_change(request: HttpRequest, resident_id: int, payload: ResidentPatch) -> Resident:
    resident = get_object_or_404(Resident.objects.editable_by(request.user), pk=resident_id)
    fields = payload.dict(exclude_unset=True, exclude={"tags", "id_number"})
    return resident_update(
        resident=resident,
        id_number=payload.id_number,
        tags=_tags(payload.tags) if payload.tags is not None else None,
        **fields,
    )


@router.post(
    "/residents/{resident_id}/reveal",
    response=RevealOut,
    summary="The full phone or ID number (recorded)",
)
def resident_reveal_api(request: HttpRequest, resident_id: int, payload: RevealIn) -> dict:

    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("household__micro_grid"),
        pk=resident_id,
    )
    value = resident_reveal(
        resident=resident, field=payload.field, reason=payload.reason, by=api_user(request)
    )
    return {"field": payload.field, "value": value}


# Coverage, imports, exports ---------------------------------------------------------


@router.get("/coverage", summary="Coverage gaps in my scope (不漏一户)")
def coverage(request: HttpRequest) -> dict:
    return coverage_audit(user=request.user)


@router.post("/imports", response={201: ImportOut}, summary="Upload a file to check (a dry run)")
def import_upload(request: HttpRequest, kind: Form[ImportKind], file: File[UploadedFile]) -> object:
    from ninja.responses import Status

    return Status(201, import_run_create(user=api_user(request), kind=kind, upload=file))


@router.get("/imports/{run_id}", response=ImportOut, summary="An import's progress and findings")
def import_detail(request: HttpRequest, run_id: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.visible_to(request.user), pk=run_id)


@router.post("/imports/{run_id}/apply", response=ImportOut, summary="Import a checked file")
def import_apply(request: HttpRequest, run_id: int, payload: ApplyIn) -> ImportRun:
    run = get_object_or_404(ImportRun.objects.visible_to(request.user), pk=run_id)
    return import_run_apply(run=run, valid_only=payload.valid_only, by=api_user(request))


@router.get("/exports/{kind}", summary="A scoped list as xlsx (personal data masked)")
def export(
    request: HttpRequest,
    kind: Literal["households", "residents", "buildings", "coverage", "roles", "data_access"],
) -> HttpResponse:
    title, headers, rows = exports.export_table(kind=kind, user=request.user)
    return xlsx_response(f"{title}.xlsx", [(title, headers, rows)])
