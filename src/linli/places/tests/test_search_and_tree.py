import pytest

from linli.accounts.models import RoleAssignment
from linli.places.models import Area, AreaKind, Building, BuildingMove, Household, Resident
from linli.places.services import area_locate_point, resident_create, resident_search


@pytest.fixture
def zhang(world):
    household = RoleAssignment.objects.get(user=world.buildinghead).area.households.first()
    return resident_create(
        household=household, name="张梅英", sex="f", relation="other", phone="13812345678"
    )


@pytest.mark.parametrize("query", ["zmy", "ZMY", "张梅英", "张梅", "5678"])
def test_a_grid_worker_finds_a_resident_by_name_initials_or_phone_digits(world, zhang, query):
    assert zhang in resident_search(user=world.gridworker, query=query)


def test_search_by_address_finds_the_whole_household(world, zhang):
    household = zhang.household
    found = set(resident_search(user=world.gridworker, query=household.address))
    assert found == set(household.residents.all())
    spaced = f"{household.building.number}栋{household.unit}单元{household.room}室"
    assert set(resident_search(user=world.gridworker, query=spaced)) == found


def test_search_never_leaves_the_users_scope(world, zhang):
    assert zhang not in resident_search(user=world.mediator, query="zmy")
    other = (
        Household.objects.exclude(micro_grid=zhang.household.micro_grid)
        .exclude(micro_grid__parent=zhang.household.micro_grid.parent)
        .first()
    )
    stranger = resident_create(household=other, name="张梅英", sex="f", relation="other")
    assert stranger not in resident_search(user=world.gridworker, query="zmy")
    assert stranger in resident_search(user=world.admin, query="zmy")


def test_a_surname_with_its_own_reading_is_found_by_it(world):
    household = RoleAssignment.objects.get(user=world.buildinghead).area.households.first()
    zeng = resident_create(household=household, name="曾国藩", sex="m", relation="other")
    assert zeng.name_initials == "zgf"
    assert zeng in resident_search(user=world.gridworker, query="zgf")


def test_the_search_page_shows_results_and_exports_them(client, world, zhang):
    client.force_login(world.gridworker)
    page = client.get("/places/search/?q=zmy")
    assert "张梅英" in page.content.decode() and "138****5678" in page.content.decode()
    export = client.get("/places/search/?q=zmy&format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get("/api/v1/residents?q=zmy").json()["count"] >= 1


def test_moving_a_building_moves_its_households_and_keeps_the_history(client, world):
    client.force_login(world.community)
    grid = RoleAssignment.objects.get(user=world.gridworker).area
    building = Building.objects.filter(micro_grid__parent=grid).first()
    old = building.micro_grid
    target = Area.objects.filter(kind=AreaKind.MICROGRID, parent=grid).exclude(pk=old.pk).first()
    response = client.post(
        f"/api/v1/buildings/{building.pk}/move",
        {"micro_grid_id": target.pk, "note": "楼栋长调整"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["micro_grid_id"] == target.pk
    assert set(building.households.values_list("micro_grid", flat=True)) == {target.pk}
    move = BuildingMove.objects.get(building=building)
    assert (move.from_micro_grid, move.to_micro_grid, move.moved_by, move.note) == (
        old,
        target,
        world.community,
        "楼栋长调整",
    )
    page = client.get(f"/places/buildings/{building.pk}/").content.decode()
    assert old.name in page and target.name in page


def test_a_resident_cannot_move_a_building(client, world):
    client.force_login(world.resident)
    building = Household.objects.get(
        pk=RoleAssignment.objects.get(user=world.resident).household_id
    ).building
    target = Area.objects.filter(kind=AreaKind.MICROGRID).exclude(pk=building.micro_grid_id).first()
    response = client.post(
        f"/api/v1/buildings/{building.pk}/move",
        {"micro_grid_id": target.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.post(f"/places/buildings/{building.pk}/", {"to": target.pk}).status_code == 403
    assert not BuildingMove.objects.exists()


def test_a_point_is_located_into_the_grid_that_contains_it(world):
    for building in Building.objects.select_related("micro_grid__parent")[:20]:
        grid = area_locate_point(latitude=building.latitude, longitude=building.longitude)
        assert grid == building.micro_grid.parent
    assert area_locate_point(latitude=39.9, longitude=116.4) is None  # Beijing: not in the demo


def test_the_api_locates_a_point_within_the_users_scope(client, world):
    building = Building.objects.filter(
        micro_grid__path__startswith=RoleAssignment.objects.get(user=world.gridworker).area.path
    ).first()
    client.force_login(world.gridworker)
    url = f"/api/v1/areas/locate?latitude={building.latitude}&longitude={building.longitude}"
    assert client.get(url).json()["id"] == building.micro_grid.parent_id
    client.force_login(world.mediator)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/areas/locate?latitude=abc&longitude=1").status_code == 422


def test_adding_a_member_with_a_bad_id_number_shows_the_reason_and_saves_nothing(client, world):
    household = RoleAssignment.objects.get(user=world.buildinghead).area.households.first()
    client.force_login(world.buildinghead)
    count = Resident.objects.count()
    response = client.post(
        f"/places/households/{household.pk}/residents/new/",
        {"name": "新成员", "sex": "f", "relation": "child", "id_number": "110101195603081227"},
    )
    assert response.status_code == 200
    assert "身份证号校验位错误" in response.content.decode()
    assert Resident.objects.count() == count
