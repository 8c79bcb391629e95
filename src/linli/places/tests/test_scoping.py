"""Data follows the place: each persona sees its own part of the tree and nothing else."""

import pytest

from linli.accounts.models import RoleAssignment
from linli.places.models import Area, AreaKind, Household


def bound_area(user):
    return RoleAssignment.objects.get(user=user).area


def api_household_ids(client, user):
    client.force_login(user)
    ids, page = [], 1
    while True:
        body = client.get(f"/api/v1/households?page={page}&page_size=200").json()
        ids += [h["id"] for h in body["items"]]
        if page * 200 >= body["count"]:
            return set(ids)
        page += 1


@pytest.mark.parametrize("username", ["gridworker", "buildinghead", "community", "subdistrict"])
def test_a_place_role_sees_exactly_the_households_under_its_place(client, world, username):
    user = world.users[username]
    area = bound_area(user)
    expected = set(
        Household.objects.filter(micro_grid__path__startswith=area.path).values_list(
            "pk", flat=True
        )
    )
    assert expected and len(expected) < Household.objects.count()
    assert api_household_ids(client, user) == expected


def test_a_resident_sees_only_their_own_household(client, world):
    own = RoleAssignment.objects.get(user=world.resident).household_id
    assert api_household_ids(client, world.resident) == {own}


@pytest.mark.parametrize(
    "username", ["mediator", "legal", "liaison", "property", "owners", "volunteer"]
)
def test_roles_without_a_place_archive_see_no_households(client, world, username):
    assert api_household_ids(client, world.users[username]) == set()


def test_the_administrator_sees_every_household(client, world):
    assert len(api_household_ids(client, world.admin)) == Household.objects.count()


def test_a_grid_worker_gets_404_for_another_grids_household_on_page_and_api(client, world):
    area = bound_area(world.gridworker)
    other = Household.objects.exclude(micro_grid__path__startswith=area.path).first()
    client.force_login(world.gridworker)
    assert client.get(f"/places/households/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/households/{other.pk}").status_code == 404
    other_grid = Area.objects.filter(kind=AreaKind.GRID).exclude(pk=area.pk).first()
    assert client.get(f"/places/areas/{other_grid.pk}/").status_code == 404
    assert client.get(f"/api/v1/areas/{other_grid.pk}").status_code == 404


def test_a_grid_worker_browses_from_their_grid_to_a_household(client, world):
    client.force_login(world.gridworker)
    grid = bound_area(world.gridworker)
    response = client.get("/places/", follow=True)
    assert response.context["area"] == grid
    micro = response.context["children"][0]
    page = client.get(f"/places/areas/{micro.pk}/")
    household = page.context["households"][0]
    detail = client.get(f"/places/households/{household.pk}/").content.decode()
    assert household.residents.first().name in detail


def test_a_resident_opens_their_home_with_its_members(client, world):
    client.force_login(world.resident)
    household = RoleAssignment.objects.get(user=world.resident).household
    page = client.get("/places/my-home/").content.decode()
    for resident in household.residents.all():
        assert resident.name in page
