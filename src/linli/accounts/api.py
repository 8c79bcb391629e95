"""API: who am I, and my API tokens."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from linli.accounts.models import ApiToken, Role, RoleAssignment
from linli.accounts.services import api_token_create, api_token_revoke

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
    token, raw = api_token_create(user=request.user, name=payload.name)  # type: ignore[arg-type]
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": raw})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=token_id)
    api_token_revoke(token=token)
    return Status(204, None)
