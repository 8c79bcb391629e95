"""API: who am I, my API tokens, people and roles, the personal-data audit."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from linli.accounts.models import ApiToken, PersonalDataAccess, Role, RoleAssignment
from linli.accounts.services import api_token_create, api_token_revoke, role_assign, role_revoke
from linli.api.auth import api_user
from linli.api.pagination import PagePagination

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_label: str
    area_id: int | None
    area_name: str | None
    household_id: int | None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="The current user and their roles")
def me(request: HttpRequest) -> dict:
    user = request.user
    assignments = RoleAssignment.objects.filter(user=user).select_related("area")  # type: ignore[misc]
    roles = [
        {
            "role": a.role,
            "role_label": str(Role(a.role).label),
            "area_id": a.area_id,
            "area_name": a.area.name if a.area else None,
            "household_id": a.household_id,
        }
        for a in assignments
    ]
    if user.is_superuser and not any(r["role"] == Role.ADMINISTRATOR for r in roles):
        roles.append(
            {
                "role": Role.ADMINISTRATOR,
                "role_label": str(Role.ADMINISTRATOR.label),
                "area_id": None,
                "area_name": None,
                "household_id": None,
            }
        )
    return {"username": user.get_username(), "full_name": str(user), "roles": roles}


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)


class TokenCreatedOut(TokenOut):
    key: str = Field(..., description="Shown once; only its hash is stored.")


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.visible_to(request.user))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    token, raw = api_token_create(user=api_user(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": raw})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=token_id)
    api_token_revoke(token=token)
    return Status(204, None)


class AssignmentOut(Schema):
    id: int
    user_id: int
    username: str = Field(..., alias="user.username")
    full_name: str = Field(..., alias="user.full_name")
    role: str
    area_id: int | None
    household_id: int | None
    department_id: int | None
    compound_id: int | None


class AssignmentIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    role: Role
    area_id: int | None = None
    household_id: int | None = None
    department_id: int | None = None
    compound_id: int | None = None


class DataAccessOut(Schema):
    id: int
    at: datetime
    user_id: int
    resident_id: int | None
    subject: str
    field: str
    reason: str


@router.get("/roles", response=list[AssignmentOut], summary="Role assignments in my places")
@paginate(PagePagination)
def role_list(request: HttpRequest, role: Role | None = None) -> object:
    rows = RoleAssignment.objects.visible_to(request.user).select_related("user")
    return (rows.filter(role=role) if role else rows).order_by("pk")


@router.get("/roles/{assignment_id}", response=AssignmentOut, summary="One role assignment")
def role_detail(request: HttpRequest, assignment_id: int) -> RoleAssignment:
    return get_object_or_404(
        RoleAssignment.objects.visible_to(request.user).select_related("user"), pk=assignment_id
    )


@router.post(
    "/roles", response={201: AssignmentOut}, summary="Give an existing user a role in my places"
)
def role_create(request: HttpRequest, payload: AssignmentIn) -> Status:
    from linli.accounts.models import Department, User
    from linli.places.models import Area, Compound, Household

    user = get_object_or_404(User, username=payload.username)
    area = (
        get_object_or_404(Area.objects.visible_to(request.user), pk=payload.area_id)
        if payload.area_id
        else None
    )
    household = (
        get_object_or_404(Household.objects.visible_to(request.user), pk=payload.household_id)
        if payload.household_id
        else None
    )
    department = (
        get_object_or_404(Department, pk=payload.department_id) if payload.department_id else None
    )
    compound = (
        get_object_or_404(Compound.objects.visible_to(request.user), pk=payload.compound_id)
        if payload.compound_id
        else None
    )
    assignment = role_assign(
        user=user,
        role=payload.role,
        by=api_user(request),
        area=area,
        household=household,
        department=department,
        compound=compound,
    )
    return Status(201, assignment)


@router.delete("/roles/{assignment_id}", response={204: None}, summary="Take a role away")
def role_delete(request: HttpRequest, assignment_id: int) -> Status:
    assignment = get_object_or_404(
        RoleAssignment.objects.visible_to(request.user), pk=assignment_id
    )
    role_revoke(assignment=assignment, by=api_user(request))
    return Status(204, None)


@router.get(
    "/data-access", response=list[DataAccessOut], summary="Looks at full personal data (audit)"
)
@paginate(PagePagination)
def data_access_list(request: HttpRequest) -> object:
    return PersonalDataAccess.objects.visible_to(request.user)
