"""API: the place tree and households, always through the models' scoping helpers."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from linli.api.pagination import PagePagination
from linli.places.models import Area, AreaKind, Household

router = Router(tags=["places"])


class AreaOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None


class HouseholdOut(Schema):
    id: int
    address: str
    building_id: int
    unit: str
    room: str
    micro_grid_id: int | None


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


@router.get("/areas/{area_id}", response=AreaOut, summary="One area")
def area_detail(request: HttpRequest, area_id: int) -> Area:
    return get_object_or_404(Area.objects.visible_to(request.user), pk=area_id)


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
        Household.objects.visible_to(request.user).select_related("building"),
        pk=household_id,
    )
