from linli.accounts.models import Role, RoleAssignment, User
from linli.places.models import Area, AreaKind


def test_community_staff_create_a_grid_worker_account_in_their_community(client, world):
    grid = Area.objects.filter(
        kind=AreaKind.GRID, parent=RoleAssignment.objects.get(user=world.community).area
    ).last()
    client.force_login(world.community)
    response = client.post(
        "/account/people/",
        {
            "username": "wangxl",
            "full_name": "王晓丽",
            "phone": "13900000000",
            "role": Role.GRID_WORKER,
            "area": grid.pk,
        },
    )
    assert response.status_code == 200
    password = response.context["created_password"]
    user = User.objects.get(username="wangxl")
    assert user.check_password(password) and user.full_name == "王晓丽"
    assert RoleAssignment.objects.filter(user=user, role=Role.GRID_WORKER, area=grid).exists()
    client.logout()
    assert client.post("/login/", {"username": "wangxl", "password": password}).status_code == 302


def test_a_role_must_be_bound_to_the_right_kind_of_place(client, world):
    community = RoleAssignment.objects.get(user=world.community).area
    client.force_login(world.community)
    response = client.post(
        "/account/people/",
        {"username": "lisi", "full_name": "李四", "role": Role.GRID_WORKER, "area": community.pk},
    )
    assert "该角色须绑定到网格" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()


def test_community_staff_cannot_give_roles_in_another_community(client, world):
    own = RoleAssignment.objects.get(user=world.community).area
    other_grid = Area.objects.filter(kind=AreaKind.GRID).exclude(parent=own).first()
    client.force_login(world.community)
    response = client.post(
        "/account/people/",
        {
            "username": "zhaowu",
            "full_name": "赵五",
            "role": Role.GRID_WORKER,
            "area": other_grid.pk,
        },
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user__username="zhaowu").exists()
    api = client.post(
        "/api/v1/roles",
        {"username": "gridworker", "role": Role.GRID_WORKER, "area_id": other_grid.pk},
        content_type="application/json",
    )
    assert api.status_code == 404  # not in their places at all


def test_a_liaison_needs_a_department(client, world):
    community = RoleAssignment.objects.get(user=world.community).area
    client.force_login(world.community)
    response = client.post(
        "/api/v1/roles",
        {"username": "volunteer", "role": Role.LIAISON, "area_id": community.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"department": ["请选择部门。"]}


def test_roles_are_taken_away_only_within_the_managers_places(client, world):
    client.force_login(world.community)
    assignment = RoleAssignment.objects.get(user=world.buildinghead)
    assert client.post(f"/account/people/roles/{assignment.pk}/remove/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    client.force_login(world.gridworker)
    own = RoleAssignment.objects.get(user=world.volunteer)
    assert client.post(f"/account/people/roles/{own.pk}/remove/").status_code == 404


def test_people_without_a_managing_role_cannot_open_the_page(client, world):
    for persona in (world.gridworker, world.resident, world.mediator):
        client.force_login(persona)
        assert client.get("/account/people/").status_code == 403
