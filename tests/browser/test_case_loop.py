"""One case around the whole loop, in the browser, with the demo accounts."""

import re
from datetime import timedelta

from django.utils import timezone

from linli.cases.models import Case, Team
from linli.cases.services import case_sweep
from tests.browser.conftest import login, shot


def as_user(page, username):
    page.context.clear_cookies()
    login(page, username)


def field(form, label):
    # A required field's label ends with a star: match the label's start.
    return form.get_by_label(re.compile(rf"^\s*{re.escape(label)}"))


def act(page, name, fields=None, select=None, check=None):
    """Open the action's panel on the case page, fill it in and send it."""
    form = page.get_by_test_id(f"form-{name}")
    if not form.is_visible():
        page.locator(f"details:has([data-testid=form-{name}]) > summary").click()
    for label, value in (fields or {}).items():
        field(form, label).fill(value)
    for label, value in (select or {}).items():
        field(form, label).select_option(value)
    for label in check or []:
        field(form, label).check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def state(page):
    return page.get_by_test_id("case-state").inner_text()


def test_one_case_goes_around_the_whole_loop(phone, page, browser_world):
    # A resident reports from a phone: what, where (own home preselected), no photo.
    login(phone, "resident")
    phone.get_by_test_id("nav").get_by_role("link", name="我要反映").click()
    phone.get_by_label("是什么问题?").fill("厨房天花板渗水,像是楼上暖气管漏了")
    assert phone.get_by_role("radio").first.is_checked()
    phone.get_by_role("button", name="提交反映").click()
    phone.wait_for_url("**/cases/*/")
    case = Case.objects.get(description__startswith="厨房天花板渗水")
    assert "待研判" in state(phone)
    shot(phone, "case-reported-phone")

    # The grid worker triages and gives it to the community's mediation team.
    url = f"{page.base}/cases/{case.pk}/"
    as_user(page, "gridworker")
    page.get_by_test_id("nav").get_by_role("link", name="我的待办").click()
    page.get_by_test_id("cases").get_by_role("link", name=f"#{case.pk}").click()
    act(page, "triage", select={"类别": "dispute", "分流方式": "assist", "时限类别": "deadline"})
    assert "待派单" in state(page)
    team = Team.objects.get(community=case.community, members__username="mediator")
    act(page, "dispatch", select={"交给": f"team:{team.pk}"})
    assert "待接单" in state(page)

    # The mediator accepts.
    as_user(page, "mediator")
    page.goto(url)
    page.get_by_role("button", name="接单").click()
    assert "办理中" in state(page)

    # The deadline passes (time moved): the worker's round escalates it to the grid.
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert case_sweep()["escalated"] >= 1
    as_user(page, "gridworker")
    page.goto(url)
    assert "待派单" in state(page) and "网格" in state(page)
    gridworker_id = (
        Case.objects.get(pk=case.pk).level_area.role_assignments.get(role="grid_worker").user_id
    )
    act(page, "dispatch", select={"交给": f"user:{gridworker_id}"})
    page.get_by_role("button", name="接单").click()
    act(page, "resolve", fields={"是如何解决的?": "已联系楼上住户,更换了下水管"})
    assert "待回访" in state(page)

    # The resident is not satisfied: the case reopens one level up, at the community.
    phone.goto(url)
    act(phone, "rate", fields={"意见": "还在漏"}, check=["不满意"])
    assert "待派单" in state(phone)
    reopened = Case.objects.get(pk=case.pk)
    assert reopened.level == 3 and reopened.reopen_count == 1

    # The community sends the grid worker again; this time it holds.
    as_user(page, "community")
    page.goto(url)
    act(page, "dispatch", select={"交给": f"user:{gridworker_id}"})
    as_user(page, "gridworker")
    page.goto(url)
    page.get_by_role("button", name="接单").click()
    act(page, "resolve", fields={"是如何解决的?": "请物业重做楼上防水层,三天后复查不再渗漏"})

    phone.goto(url)
    act(phone, "rate", check=["满意"])
    assert "已关闭" in state(phone)
    timeline = phone.get_by_test_id("timeline").inner_text()
    for step in [
        "已反映", "已研判", "已派单", "已接单", "超期自动上报", "已办结", "已评价",
        "重新办理", "已关闭",
    ]:  # fmt: skip
        assert step in timeline, step
    assert phone.locator("[data-testid=timeline] li.event-resolve").count() == 2
    assert "不满意" in timeline and "满意" in timeline
    shot(phone, "case-closed-timeline-phone")
    closed = Case.objects.get(pk=case.pk)
    assert (closed.state, closed.solved_level, closed.close_reason) == ("closed", 3, "satisfied")


def test_the_triage_form_offers_only_the_chosen_categorys_sub_categories(page, browser_world):
    from linli.accounts.models import Role, RoleAssignment, User
    from linli.cases.services import case_report

    resident = User.objects.get(username="resident")
    home = RoleAssignment.objects.get(user=resident, role=Role.RESIDENT).household
    case = case_report(by=resident, description="楼上卫生间渗水，我家天花板在滴水", household=home)
    # Whatever the model says today: the form starts from a proposal of 设施维修 · 室内漏水.
    proposal = {**case.proposal, "category": "facility", "subcategory": "indoor_leak"}
    Case.objects.filter(pk=case.pk).update(proposal=proposal)
    as_user(page, "gridworker")
    page.goto(f"{page.base}/cases/{case.pk}/")
    form = page.get_by_test_id("form-triage")
    sub = field(form, "子类")
    assert sub.input_value() == "indoor_leak"
    # The grid worker sees a neighbours' dispute and changes the category.
    field(form, "类别").select_option("dispute")
    assert sub.input_value() == ""
    assert sub.locator("option[value=indoor_leak]").is_disabled()
    assert not sub.locator("option[value=noise]").is_disabled()
    act(page, "triage", select={"类别": "dispute", "分流方式": "assist", "时限类别": "deadline"})
    assert "待派单" in state(page)
