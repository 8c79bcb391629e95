import pytest
from django.urls import reverse

from linli.lib.nav import nav_for

EXPECTED = {
    "admin": [
        "首页",
        "我的待办",
        "事件",
        "消息",
        "网格区域",
        "居民查询",
        "覆盖核查",
        "人员角色",
        "数据导入",
        "查看记录",
        "API 令牌",
        "接口文档",
        "后台管理",
    ],
    "subdistrict": [
        "首页",
        "我的待办",
        "事件",
        "消息",
        "网格区域",
        "居民查询",
        "覆盖核查",
        "人员角色",
        "查看记录",
        "API 令牌",
        "接口文档",
    ],
    "community": [
        "首页",
        "我的待办",
        "事件",
        "消息",
        "网格区域",
        "居民查询",
        "覆盖核查",
        "人员角色",
        "数据导入",
        "查看记录",
        "API 令牌",
        "接口文档",
    ],
    "gridworker": [
        "首页",
        "我的待办",
        "事件",
        "消息",
        "网格区域",
        "居民查询",
        "覆盖核查",
        "数据导入",
        "API 令牌",
    ],
    "buildinghead": ["首页", "我的待办", "事件", "消息", "网格区域", "居民查询", "API 令牌"],
    "resident": ["首页", "我要反映", "我的反映", "我的家", "消息", "API 令牌"],
    "mediator": ["首页", "我的待办", "消息", "API 令牌"],
    "legal": ["首页", "我的待办", "消息", "API 令牌"],
    "liaison": ["首页", "我的待办", "消息", "API 令牌"],
    "property": ["首页", "我的待办", "消息", "API 令牌"],
    "owners": ["首页", "我的待办", "消息", "API 令牌"],
    "volunteer": ["首页", "我的待办", "消息", "API 令牌"],
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_the_navigation_that_fits_it(client, world, username):
    client.force_login(world.users[username])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    labels = [str(item["label"]) for item in response.context["nav_items"]]
    assert labels == EXPECTED[username]


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_every_link_in_a_roles_navigation_opens(client, world, username):
    client.force_login(world.users[username])
    for item in client.get(reverse("home")).context["nav_items"]:
        response = client.get(item["url"], follow=True)
        assert response.status_code == 200, (username, item["url"])


def test_nobody_is_shown_a_navigation_before_logging_in(rf, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert nav_for(request) == []


def test_pages_require_login(client, db):
    response = client.get(reverse("places:area_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_password_gets_a_clear_message_in_chinese(client, world):
    response = client.post(reverse("login"), {"username": "gridworker", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误，请重试。" in response.content.decode()


def test_a_resident_cannot_open_the_back_office(client, world):
    client.force_login(world.resident)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
