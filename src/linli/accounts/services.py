"""Account use cases: API tokens, people and their roles."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import ApiToken, Department, Role, RoleAssignment, User, token_digest
from linli.accounts.scope import area_paths, covers, forget, is_unrestricted, role_codes
from linli.lib.errors import DomainError, Forbidden
from linli.places.models import Area, AreaKind, Compound, Household


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with the raw key, which is never stored or shown again."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), hint=raw[:10], digest=token_digest(raw)
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    # Conditional update: a double click revokes once and keeps the first time.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user behind a raw key, or None. Records when the key was last used."""
    if not raw:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=token_digest(raw.strip()), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token so a busy client does not turn reads into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# People and roles --------------------------------------------------------------------

# Which kind of place each role is bound to (workflow as data). Liaisons may serve a
# community or a grid; a resident is bound to a household.
ROLE_PLACE: dict[str, frozenset[str]] = {
    Role.RESIDENT: frozenset({"household"}),
    Role.BUILDING_HEAD: frozenset({AreaKind.MICROGRID}),
    Role.GRID_WORKER: frozenset({AreaKind.GRID}),
    Role.MEDIATOR: frozenset({AreaKind.COMMUNITY}),
    Role.LEGAL_OFFICER: frozenset({AreaKind.COMMUNITY}),
    Role.LIAISON: frozenset({AreaKind.COMMUNITY, AreaKind.GRID}),
    Role.PROPERTY_COMPANY: frozenset({AreaKind.COMMUNITY}),
    Role.OWNERS_COMMITTEE: frozenset({AreaKind.COMMUNITY}),
    Role.VOLUNTEER: frozenset({AreaKind.COMMUNITY}),
    Role.COMMUNITY_STAFF: frozenset({AreaKind.COMMUNITY}),
    Role.SUBDISTRICT_STAFF: frozenset({AreaKind.SUBDISTRICT}),
    Role.ADMINISTRATOR: frozenset(),
}

# Who may give and take roles, within their own places.
MANAGER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF})


def can_manage_roles(user: User) -> bool:
    return is_unrestricted(user) or bool(role_codes(user) & MANAGER_ROLES)


def role_assign(
    *,
    user: User,
    role: str,
    by: User,
    area: Area | None = None,
    household: Household | None = None,
    department: Department | None = None,
    compound: Compound | None = None,
) -> RoleAssignment:
    """Give a user a role bound to a place in the manager's area."""
    places = ROLE_PLACE[role]
    if role == Role.ADMINISTRATOR and not is_unrestricted(by):
        raise Forbidden(_("Only an administrator can make administrators."))
    if role == Role.RESIDENT:
        if household is None:
            raise DomainError(
                _("Choose the household."),
                code="invalid",
                fields={"household": [_("Choose the household.")]},
            )
        area = household.micro_grid
    elif places and (area is None or area.kind not in places):
        message = _("This role is bound to a %(kinds)s.") % {
            "kinds": "/".join(str(AreaKind(k).label) for k in places)
        }
        raise DomainError(message, code="invalid", fields={"area": [message]})
    if role == Role.LIAISON and department is None:
        raise DomainError(
            _("Choose the department."),
            code="invalid",
            fields={"department": [_("Choose the department.")]},
        )
    if role in (Role.PROPERTY_COMPANY, Role.OWNERS_COMMITTEE) and compound is None:
        raise DomainError(
            _("Choose the compound."),
            code="invalid",
            fields={"compound": [_("Choose the compound.")]},
        )
    manageable = area_paths(by, MANAGER_ROLES)
    if not can_manage_roles(by) or (area is not None and not covers(manageable, area.path)):
        raise Forbidden(_("You can only give roles in your own area."))
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        area=area,
        household=household,
        department=department,
        compound=compound,
    )
    forget(user)
    return assignment


def role_revoke(*, assignment: RoleAssignment, by: User) -> None:
    manageable = area_paths(by, MANAGER_ROLES)
    if not can_manage_roles(by) or not covers(
        manageable, assignment.area.path if assignment.area else None
    ):
        raise Forbidden(_("You can only take away roles in your own area."))
    assignment.delete()


def person_create(*, username: str, full_name: str, phone: str = "") -> tuple[User, str]:
    """A new account with a one-time password, shown once to the person creating it."""
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("That user name is taken."),
            code="invalid",
            fields={"username": [_("That user name is taken.")]},
        )
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(
        username=username, password=password, full_name=full_name, phone=phone
    )
    return user, password


def person_give_role(
    *,
    username: str,
    full_name: str,
    phone: str,
    role: str,
    by: User,
    area: Area | None = None,
    department: Department | None = None,
    compound: Compound | None = None,
) -> tuple[User, str | None]:
    """Give a role to the account with this user name, creating the account if it is new.

    All or nothing: a refused role does not leave a new account behind. Returns the
    account and, for a new one, its one-time first password.
    """
    with transaction.atomic():
        user = User.objects.filter(username__iexact=username).first()
        password = None
        if user is None:
            if not full_name.strip():
                message = _("Give the full name for a new account.")
                raise DomainError(message, fields={"full_name": [message]})
            user, password = person_create(username=username, full_name=full_name, phone=phone)
        role_assign(
            user=user, role=role, by=by, area=area, department=department, compound=compound
        )
    return user, password
