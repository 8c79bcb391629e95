"""The household archive, the coverage page and an import, as their users go through them."""

import csv
import threading

import pytest
from django.db import connection

from linli.accounts.models import PersonalDataAccess, RoleAssignment
from linli.jobs.services import job_work_once
from linli.places.models import Building, Resident
from tests.browser.conftest import login, shot


@pytest.fixture
def worker(browser_world):
    """The background worker, as `./linli serve` runs it, in a thread."""
    stop = threading.Event()

    def loop():
        try:
            while not stop.is_set():
                if not job_work_once(worker="browser-test"):
                    stop.wait(0.2)
        finally:
            connection.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


def test_a_grid_worker_opens_a_household_archive_and_reveals_an_id_number_with_a_reason(
    page, browser_world
):
    login(page, "gridworker")
    page.get_by_test_id("nav").get_by_role("link", name="网格区域").click()
    page.get_by_test_id("children").locator("a").first.click()
    page.get_by_test_id("households").locator("a").first.click()
    members = page.get_by_test_id("members")
    first = members.locator("tbody tr").first
    masked = first.locator("[data-field=id_number]").inner_text()
    assert "**********" in masked
    first.locator("td[data-label=身份证号] summary").click()
    first.locator("td[data-label=身份证号]").get_by_label("为什么需要查看完整信息？").fill(
        "核实高龄补贴申请"
    )
    first.locator("td[data-label=身份证号]").get_by_role("button", name="显示并记录").click()
    revealed = first.locator("[data-field=id_number].revealed")
    revealed.wait_for()
    full = revealed.inner_text()
    assert len(full) == 18 and full[:4] == masked[:4] and full[-4:] == masked[-4:]
    assert "本次查看已记录" in first.inner_text()
    shot(page, "household-archive")
    look = PersonalDataAccess.objects.get()
    assert look.reason == "核实高龄补贴申请" and look.field == "id_number"


def test_a_building_head_cannot_reveal_an_id_number_but_can_a_phone(page, browser_world):
    login(page, "buildinghead")
    household = RoleAssignment.objects.get(user__username="buildinghead").area.households.first()
    page.goto(f"{page.base}/places/households/{household.pk}/")
    first = page.get_by_test_id("members").locator("tbody tr").first
    assert first.locator("td[data-label=身份证号] summary").count() == 0
    assert first.locator("td[data-label=手机号] summary").count() == 1


def test_community_staff_see_no_gaps_then_the_gap_a_missing_leader_leaves(page, browser_world):
    login(page, "community")
    page.get_by_test_id("nav").get_by_role("link", name="覆盖核查").click()
    assert page.get_by_test_id("no-gaps").is_visible()
    leader = RoleAssignment.objects.select_related("area").get(user__username="buildinghead")
    micro = leader.area
    leader.delete()
    page.reload()
    gap = page.get_by_test_id("gap-micro_grids_without_leader")
    assert "1" in gap.locator(".badge").inner_text()
    assert micro.name in gap.inner_text()
    shot(page, "coverage-gap")
    gap.get_by_role("link", name=micro.name).click()
    assert micro.name in page.locator("h1").inner_text()


def test_an_import_is_checked_shows_its_bad_rows_and_imports_the_valid_ones(
    page, browser_world, worker, tmp_path
):
    building = (
        Building.objects.select_related("compound", "community")
        .filter(
            micro_grid__path__startswith=RoleAssignment.objects.get(
                user__username="community"
            ).area.path
        )
        .first()
    )
    where = [building.community.name, building.compound.name, building.number]
    path = tmp_path / "居民名单.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "社区",
                "小区",
                "楼栋",
                "单元",
                "房号",
                "姓名",
                "性别",
                "出生日期",
                "身份证号",
                "手机号",
                "与户主关系",
                "特殊人群",
            ]
        )
        for i in range(2000):
            writer.writerow(
                [
                    *where,
                    "20",
                    str(1000 + i),
                    f"导入测试{i}",
                    "女",
                    "1970-05-01",
                    "",
                    "",
                    "户主",
                    "",
                ]
            )
        writer.writerow([*where, "20", "9999", "坏行", "女", "", "110101195603081227", "", "", ""])
    login(page, "community")
    page.get_by_test_id("nav").get_by_role("link", name="数据导入").click()
    page.get_by_label("住户和居民").check()
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()
    status = page.get_by_test_id("import-status")
    page.wait_for_selector("[data-testid=import-status][data-status=invalid]", timeout=60_000)
    errors = page.get_by_test_id("errors").inner_text()
    assert "2002" in errors and "身份证号校验位错误" in errors
    assert "2001" in status.get_by_test_id("summary").inner_text()  # rows
    shot(page, "import-checked")
    assert Resident.objects.filter(name__startswith="导入测试").count() == 0
    page.get_by_role("button", name="只导入有效行").click()
    page.wait_for_selector("[data-testid=import-status][data-status=done]", timeout=60_000)
    assert page.get_by_test_id("done").is_visible()
    shot(page, "import-done")
    assert Resident.objects.filter(name__startswith="导入测试").count() == 2000
    assert not Resident.objects.filter(name="坏行").exists()
