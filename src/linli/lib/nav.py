"""The navigation, as data: each entry names the roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Role
from linli.accounts.scope import PLACE_ROLES, role_codes
from linli.places.services import COVERAGE_ROLES, IMPORT_ROLES

EVERYONE = None


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None  # None: every logged-in user


STAFF = frozenset({Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF, Role.ADMINISTRATOR})

# Everyone who may be given a case to handle.
CASE_WORKERS = PLACE_ROLES | {
    Role.MEDIATOR,
    Role.LEGAL_OFFICER,
    Role.LIAISON,
    Role.PROPERTY_COMPANY,
    Role.OWNERS_COMMITTEE,
    Role.VOLUNTEER,
    Role.ADMINISTRATOR,
}

NAV: list[NavItem] = [
    NavItem(_("Home"), "home", EVERYONE),
    NavItem(_("Report a problem"), "cases:report", frozenset({Role.RESIDENT})),
    NavItem(_("My reports"), "cases:mine", frozenset({Role.RESIDENT})),
    NavItem(_("My home"), "places:my_household", frozenset({Role.RESIDENT})),
    NavItem(_("My queue"), "cases:queue", CASE_WORKERS),
    NavItem(_("Cases"), "cases:list", PLACE_ROLES | {Role.ADMINISTRATOR}),
    NavItem(_("Inbox"), "cases:inbox", EVERYONE),
    NavItem(_("Places"), "places:area_list", PLACE_ROLES | {Role.ADMINISTRATOR}),
    NavItem(_("Find a resident"), "places:search", PLACE_ROLES | {Role.ADMINISTRATOR}),
    NavItem(_("Coverage"), "places:coverage", COVERAGE_ROLES),
    NavItem(_("People and roles"), "accounts:people", STAFF),
    NavItem(_("Import"), "places:import_list", IMPORT_ROLES),
    NavItem(_("Data looks"), "accounts:audit", STAFF),
    NavItem(_("API tokens"), "accounts:tokens", EVERYONE),
    NavItem(_("API docs"), "api:openapi-view", STAFF),
    NavItem(_("Back office"), "admin:index", frozenset({Role.ADMINISTRATOR})),
]


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    codes = role_codes(user)
    items: list[dict[str, Any]] = []
    for item in NAV:
        if item.roles is not None and not (codes & item.roles):
            continue
        items.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # The entry whose address is the longest prefix of this page is the one you are in.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context processor."""
    return {"nav_items": nav_for(request)}
