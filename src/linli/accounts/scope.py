"""What a user's roles let them see, computed once per request.

Every model's `visible_to(user)` builds on these two answers; views and API handlers
never filter by place themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q, QuerySet

from linli.accounts.models import Role, RoleAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

# Roles whose place binding opens everything below that place (households, residents,
# later cases and visits). Mediators, legal officers, liaisons, property companies,
# owners' committees and volunteers see the work given to them, not the place's archive.
PLACE_ROLES = frozenset(
    {Role.BUILDING_HEAD, Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF}
)

# Roles that may change a household's archive in their places. Subdistrict staff read.
EDIT_ROLES = frozenset({Role.BUILDING_HEAD, Role.GRID_WORKER, Role.COMMUNITY_STAFF})

# Who may see a full value, per field (PIPL: only roles that need it; every look is logged).
# A building head phones residents of their building; only grid and community workers,
# who handle registrations and subsidies, need ID numbers.
REVEAL_ROLES = {
    "phone": frozenset({Role.BUILDING_HEAD, Role.GRID_WORKER, Role.COMMUNITY_STAFF}),
    "id_number": frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF}),
}

_CACHE = "_linli_scope"


def _assignments(user: User | AnonymousUser) -> list[tuple[str, str | None, int | None]]:
    cached: Any = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    rows: list[tuple[str, str | None, int | None]] = []
    if user.is_authenticated and user.pk is not None:
        rows = [
            (a.role, a.area.path if a.area_id and a.area else None, a.household_id)
            for a in RoleAssignment.objects.filter(user=user).select_related("area")
        ]
    setattr(user, _CACHE, rows)
    return rows


def forget(user: User) -> None:
    """Drop the cached answer after the user's roles changed."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def role_codes(user: User | AnonymousUser) -> set[str]:
    codes = {role for role, _path, _household in _assignments(user)}
    if user.is_authenticated and user.is_superuser:
        codes.add(Role.ADMINISTRATOR)
    return codes


def is_unrestricted(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or Role.ADMINISTRATOR in role_codes(user))
    )


def area_paths(user: User | AnonymousUser, roles: frozenset[str] = PLACE_ROLES) -> list[str] | None:
    """Path prefixes of the places whose contents the user's `roles` cover; None means all.

    By default the roles that may see a place's archive; pass EDIT_ROLES or a REVEAL_ROLES
    entry to ask what the user may change or unmask.
    """
    if is_unrestricted(user):
        return None
    return sorted({path for role, path, _h in _assignments(user) if role in roles and path})


def covers(paths: list[str] | None, path: str | None) -> bool:
    """Whether a place (by its path) lies within the given scope."""
    if paths is None:
        return True
    return bool(path) and any(path.startswith(p) for p in paths)  # type: ignore[union-attr]


def own_household_ids(user: User | AnonymousUser) -> list[int]:
    return [h for role, _p, h in _assignments(user) if role == Role.RESIDENT and h]


_QS = TypeVar("_QS", bound=QuerySet[Any])


def scoped(
    queryset: _QS,
    user: User | AnonymousUser,
    where: Callable[[list[str]], Q],
    roles: frozenset[str] = PLACE_ROLES,
) -> _QS:
    """The one shape of every place-bound scoping helper.

    A visitor sees nothing, an administrator everything, and anyone else the rows that
    `where(paths)` selects for the paths of the places their `roles` cover.
    """
    if not user.is_authenticated:
        return queryset.none()
    paths = area_paths(user, roles)
    return queryset.all() if paths is None else queryset.filter(where(paths))
