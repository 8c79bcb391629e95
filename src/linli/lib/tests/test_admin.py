import pytest

PAGES = [
    "/admin/",
    "/admin/places/area/",
    "/admin/places/household/",
    "/admin/places/resident/",
    "/admin/places/specialgroup/",
    "/admin/places/buildingmove/",
    "/admin/places/importrun/",
    "/admin/party/partyorg/",
    "/admin/party/partyhousehold/",
    "/admin/accounts/user/",
    "/admin/accounts/department/",
    "/admin/accounts/personaldataaccess/",
    "/admin/jobs/job/",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_administrator_opens_every_back_office_list(client, world, url):
    client.force_login(world.admin)
    assert client.get(url).status_code == 200


def test_the_special_group_list_is_editable_in_the_back_office(client, world):
    from linli.places.models import SpecialGroup

    client.force_login(world.admin)
    group = SpecialGroup.objects.get(code="elderly_alone")
    response = client.post(
        f"/admin/places/specialgroup/{group.pk}/change/",
        {"code": "elderly_alone", "name": "独居老人", "visit_every_days": 3, "position": 0},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.visit_every_days == 3
