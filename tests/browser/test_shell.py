import pytest

from linli.lib.tests.test_navigation import EXPECTED as NAV
from tests.browser.conftest import login, shot

ROLE_LABEL = {
    "admin": "管理员",
    "subdistrict": "街道工作人员",
    "community": "社区工作人员",
    "gridworker": "网格员",
    "buildinghead": "楼栋长",
    "resident": "居民",
    "mediator": "调解员",
    "legal": "法律工作者",
    "liaison": "部门联络员",
    "property": "物业",
    "owners": "业委会",
    "volunteer": "志愿者",
}


def nav_labels(page):
    return [t.strip() for t in page.get_by_test_id("nav").locator("a").all_inner_texts()]


def test_every_demo_role_logs_in_and_takes_its_navigation(page, browser_world):
    for username, expected in NAV.items():
        login(page, username)
        assert nav_labels(page) == expected, username
        assert ROLE_LABEL[username] in page.locator("main").inner_text()
        # Take every entry of the navigation: each opens a page without an error.
        for label in expected:
            page.goto(page.base + "/")
            page.get_by_test_id("nav").get_by_role("link", name=label).click()
            page.wait_for_load_state()
            assert "Server Error" not in page.content()
            assert page.locator("body").is_visible()
        page.goto(page.base + "/")
        shot(page, f"nav-{username}")
        page.get_by_role("button", name="退出").click()
        page.wait_for_url("**/login/")


@pytest.mark.parametrize(
    ("button", "home", "places", "logout"),
    [("English", "Home", "Places", "Log out"), ("繁體中文", "首頁", "網格區域", "退出")],
)
def test_switching_language_keeps_the_page_and_changes_its_words(
    page, browser_world, button, home, places, logout
):
    login(page, "gridworker")
    page.get_by_test_id("nav").get_by_role("link", name="网格区域").click()
    page.wait_for_load_state()
    where = page.url
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.url == where
    labels = nav_labels(page)
    assert labels[0] == home and places in labels
    assert page.get_by_role("button", name=logout).is_visible()
    page.goto(page.base + "/")  # the choice stays for the next page
    assert nav_labels(page)[0] == home
    shot(page, f"language-{button}")


def test_the_layout_fits_a_360px_phone_with_large_targets(phone, browser_world):
    login(phone, "buildinghead")
    phone.get_by_test_id("nav").get_by_role("link", name="网格区域").click()
    phone.wait_for_load_state()
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360
    font = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 16
    heights = phone.eval_on_selector_all(
        "nav a, button, main a.tile, .tiles a",
        "els => els.map(e => e.getBoundingClientRect().height)",
    )
    assert heights and min(heights) >= 44
    shot(phone, "phone-buildinghead")


def test_a_token_made_on_the_token_page_works_for_the_api(page, browser_world):
    login(page, "community")
    page.get_by_test_id("nav").get_by_role("link", name="API 令牌").click()
    page.get_by_label("这个令牌用来做什么？").fill("统计大屏")
    page.get_by_role("button", name="创建令牌").click()
    key = page.get_by_test_id("new-token").locator("input").input_value()
    assert key.startswith("linli_")
    api = page.context.request
    page.context.clear_cookies()
    ok = api.get(page.base + "/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert ok.status == 200 and ok.json()["username"] == "community"
    bad = api.get(page.base + "/api/v1/me", headers={"Authorization": "Bearer linli_wrong"})
    assert bad.status == 401 and set(bad.json()) == {"code", "message", "fields"}
    shot(page, "tokens")
