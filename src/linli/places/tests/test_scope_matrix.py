"""Every demo role × every kind of place-bound object × list, detail, update, export,
through the pages and the API: 200 with exactly the in-scope rows, or 404 — never another
place's row.

The expected scope is computed here from the demo's structure, independently of the
scoping helpers under test: place roles see everything under the place their role is bound
to, a resident sees their own household, the administrator sees all, and the other roles
see no archive.
"""

import io

import pytest
from openpyxl import load_workbook

from linli.accounts.models import Role, RoleAssignment
from linli.party.models import PartyHousehold, PartyOrg
from linli.places.models import Area, AreaKind, Building, Household, Resident

ROLES = [
    "admin",
    "subdistrict",
    "community",
    "gridworker",
    "buildinghead",
    "resident",
    "mediator",
    "legal",
    "liaison",
    "property",
    "owners",
    "volunteer",
]
PLACE_ROLES = {Role.BUILDING_HEAD, Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF}
EDITORS = {Role.BUILDING_HEAD, Role.GRID_WORKER, Role.COMMUNITY_STAFF}


def scope_of(user):
    """(prefix or None for all or '' for nothing, own household id, may edit)."""
    if user.is_superuser:
        return None, None, True
    assignment = RoleAssignment.objects.select_related("area").get(user=user)
    if assignment.role in PLACE_ROLES:
        return assignment.area.path, None, assignment.role in EDITORS
    if assignment.role == Role.RESIDENT:
        return "", assignment.household_id, False
    return "", None, False


def expected_households(user) -> set[int]:
    prefix, own, _edit = scope_of(user)
    rows = Household.objects.all()
    if prefix is None:
        return set(rows.values_list("pk", flat=True))
    if prefix:
        return {
            pk for pk, path in rows.values_list("pk", "micro_grid__path") if path.startswith(prefix)
        }
    return {own} if own else set()


def api_ids(client, url):
    ids, page = [], 1
    while True:
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}&page_size=200")
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        ids += [row["id"] for row in body["items"]]
        if page * 200 >= body["count"]:
            return set(ids)
        page += 1


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))[1:]


@pytest.fixture
def outsider_objects(world):
    """One object of each kind that the grid worker (first grid) must never get."""
    grid = RoleAssignment.objects.get(user=world.gridworker).area
    household = Household.objects.exclude(micro_grid__path__startswith=grid.path).first()
    return {
        "household": household,
        "resident": household.residents.first(),
        "building": household.building,
        "area": Area.objects.filter(kind=AreaKind.GRID).exclude(pk=grid.pk).first(),
    }


@pytest.mark.parametrize("username", ROLES)
def test_lists_hold_exactly_the_rows_in_scope_through_the_api(client, world, username):
    user = world.users[username]
    client.force_login(user)
    households = expected_households(user)
    assert api_ids(client, "/api/v1/households") == households
    residents = set(Resident.objects.filter(household__in=households).values_list("pk", flat=True))
    assert api_ids(client, "/api/v1/residents") == residents
    buildings = set(Building.objects.filter(households__in=households).values_list("pk", flat=True))
    assert api_ids(client, "/api/v1/buildings") == buildings
    party = set(
        PartyHousehold.objects.filter(household__in=households).values_list("pk", flat=True)
    )
    assert api_ids(client, "/api/v1/party/households") == party
    prefix, _own, _edit = scope_of(user)
    areas = {
        pk
        for pk, path in Area.objects.values_list("pk", "path")
        if prefix is None or (prefix and path.startswith(prefix))
    }
    assert api_ids(client, "/api/v1/areas") == areas
    orgs = set(PartyOrg.objects.filter(area__in=areas).values_list("pk", flat=True))
    assert api_ids(client, "/api/v1/party/orgs") == orgs


@pytest.mark.parametrize("username", ROLES)
def test_exports_hold_exactly_the_rows_in_scope_on_page_and_api(client, world, username):
    user = world.users[username]
    client.force_login(user)
    households = expected_households(user)
    residents = Resident.objects.filter(household__in=households).count()
    buildings = Building.objects.filter(households__in=households).distinct().count()
    for url in ("/places/export/residents.xlsx", "/api/v1/exports/residents"):
        rows = xlsx_rows(client.get(url))
        assert len(rows) == residents
        # The ID number column (4th) is masked in every row.
        assert all(row[3] is None or "*" in row[3] for row in rows)
    for url in ("/places/export/households.xlsx", "/api/v1/exports/households"):
        assert len(xlsx_rows(client.get(url))) == len(households)
    for url in ("/places/export/buildings.xlsx", "/api/v1/exports/buildings"):
        assert len(xlsx_rows(client.get(url))) == buildings


@pytest.mark.parametrize("username", ROLES)
def test_details_open_in_scope_and_404_outside_on_page_and_api(
    client, world, username, outsider_objects
):
    user = world.users[username]
    client.force_login(user)
    households = expected_households(user)
    if households:
        inside = Household.objects.filter(pk__in=households).first()
        resident = inside.residents.first()
        assert client.get(f"/places/households/{inside.pk}/").status_code == 200
        assert client.get(f"/api/v1/households/{inside.pk}").status_code == 200
        assert client.get(f"/api/v1/residents/{resident.pk}").status_code == 200
        assert client.get(f"/places/buildings/{inside.building_id}/").status_code == 200
        assert client.get(f"/api/v1/buildings/{inside.building_id}").status_code == 200
    if username in ("admin", "subdistrict"):
        return  # their scope covers the outsider objects too
    other = outsider_objects
    if username == "community" and other["household"].micro_grid.path.startswith(scope_of(user)[0]):
        return
    assert client.get(f"/places/households/{other['household'].pk}/").status_code == 404
    assert client.get(f"/api/v1/households/{other['household'].pk}").status_code == 404
    assert client.get(f"/api/v1/residents/{other['resident'].pk}").status_code == 404
    assert client.get(f"/places/buildings/{other['building'].pk}/").status_code == 404
    assert client.get(f"/api/v1/buildings/{other['building'].pk}").status_code == 404
    if not (username == "community" and other["area"].path.startswith(scope_of(user)[0])):
        assert client.get(f"/places/areas/{other['area'].pk}/").status_code == 404
        assert client.get(f"/api/v1/areas/{other['area'].pk}").status_code == 404


@pytest.mark.parametrize("username", ROLES)
def test_updates_work_for_editors_in_scope_only_on_page_and_api(
    client, world, username, outsider_objects
):
    user = world.users[username]
    client.force_login(user)
    _prefix, _own, may_edit = scope_of(user)
    households = expected_households(user)
    target = (
        Resident.objects.filter(household__in=households).first()
        if households
        else outsider_objects["resident"]
    )
    page = client.get(f"/places/residents/{target.pk}/edit/")
    api = client.patch(
        f"/api/v1/residents/{target.pk}", {"relation": "other"}, content_type="application/json"
    )
    if may_edit and households:
        assert page.status_code == 200
        assert api.status_code == 200
        target.refresh_from_db()
        assert target.relation == "other"
    else:
        assert page.status_code == 404
        assert api.status_code == 404
        assert Resident.objects.get(pk=target.pk).relation == target.relation
    if username not in ("admin", "subdistrict", "community"):
        other = outsider_objects["resident"]
        before = other.relation
        assert client.get(f"/places/residents/{other.pk}/edit/").status_code == 404
        response = client.patch(
            f"/api/v1/residents/{other.pk}", {"relation": "other"}, content_type="application/json"
        )
        assert response.status_code == 404
        assert Resident.objects.get(pk=other.pk).relation == before


@pytest.mark.parametrize("username", ROLES)
def test_role_lists_and_audit_show_only_the_users_places(client, world, username):
    user = world.users[username]
    client.force_login(user)
    prefix, _own, _edit = scope_of(user)
    expected = {
        a.pk
        for a in RoleAssignment.objects.select_related("area")
        if prefix is None
        or a.user_id == user.pk
        or (prefix and a.area and a.area.path.startswith(prefix))
    }
    assert api_ids(client, "/api/v1/roles") == expected
    assert len(xlsx_rows(client.get("/api/v1/exports/roles"))) == len(expected)
    audit_page = client.get("/account/audit/")
    assert audit_page.status_code == (
        200 if username in ("admin", "subdistrict", "community") else 403
    )
