"""API: party organisations and party-member households, scoped by place."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from linli.api.pagination import PagePagination
from linli.party.models import PartyHousehold, PartyOrg

router = Router(tags=["party"])


class OrgOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    area_id: int


class PartyHouseholdOut(Schema):
    id: int
    household_id: int
    member_name: str
    looked_after: list[int]

    @staticmethod
    def resolve_member_name(obj: PartyHousehold) -> str:
        return obj.member.resident.name

    @staticmethod
    def resolve_looked_after(obj: PartyHousehold) -> list[int]:
        return [link.household_id for link in obj.links.all()]


@router.get("/party/orgs", response=list[OrgOut], summary="Party organisations in my places")
@paginate(PagePagination)
def org_list(request: HttpRequest) -> object:
    return PartyOrg.objects.visible_to(request.user).order_by("pk")


@router.get("/party/orgs/{org_id}", response=OrgOut, summary="One party organisation")
def org_detail(request: HttpRequest, org_id: int) -> PartyOrg:
    return get_object_or_404(PartyOrg.objects.visible_to(request.user), pk=org_id)


@router.get(
    "/party/households",
    response=list[PartyHouseholdOut],
    summary="Party-member households in my places",
)
@paginate(PagePagination)
def party_household_list(request: HttpRequest) -> object:
    return (
        PartyHousehold.objects.visible_to(request.user)
        .select_related("member__resident")
        .prefetch_related("links")
        .order_by("pk")
    )


@router.get(
    "/party/households/{party_household_id}",
    response=PartyHouseholdOut,
    summary="One party-member household",
)
def party_household_detail(request: HttpRequest, party_household_id: int) -> PartyHousehold:
    return get_object_or_404(
        PartyHousehold.objects.visible_to(request.user)
        .select_related("member__resident")
        .prefetch_related("links"),
        pk=party_household_id,
    )
