"""The case pages and the API, as each persona uses them."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from PIL import Image

from linli.accounts.models import Role, RoleAssignment
from linli.cases.models import Case, CaseEvent, CasePhoto, State
from linli.places.models import Household


def home_of(user):
    return RoleAssignment.objects.get(user=user, role=Role.RESIDENT).household


def photo_with_gps() -> io.BytesIO:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS latitude
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif)
    data.name = "leak.jpg"
    data.seek(0)
    return data


def test_deadline_command_skips_national_day_and_counts_the_saturday_make_up_day(capsys, db):
    call_command("deadline", "--start", "2026-09-30T10:00", "--working-days", "3")
    assert capsys.readouterr().out.strip() == "2026-10-10T10:00+08:00"


def test_deadline_command_warns_and_counts_weekends_for_a_year_without_a_schedule(capsys, db):
    call_command("deadline", "--start", "2031-01-03T09:00", "--working-days", "1")
    out = capsys.readouterr()
    assert out.out.strip() == "2031-01-06T09:00+08:00"  # Friday → Monday
    assert "2031" in out.err


def test_an_entered_schedule_wins_over_the_weekend_rule(db, capsys):
    from datetime import date

    from linli.cases.models import CalendarDay

    CalendarDay.objects.create(date=date(2031, 1, 6), working=False, name="test holiday")
    call_command("deadline", "--start", "2031-01-03T09:00", "--working-days", "1")
    out = capsys.readouterr()
    assert out.out.strip() == "2031-01-07T09:00+08:00"
    assert out.err == ""


def test_the_calendar_page_warns_when_a_year_has_no_official_schedule(client, world):
    client.force_login(world.community)
    assert "2040" in client.get("/cases/calendar/?year=2040&month=1").content.decode()
    page = client.get("/cases/calendar/?year=2026&month=10").content.decode()
    assert 'data-testid="calendar-warning"' not in page


def test_a_resident_reports_in_one_page_with_a_photo_whose_location_is_stripped(client, world):
    client.force_login(world.resident)
    page = client.get("/cases/report/")
    home = home_of(world.resident)
    assert f"household:{home.pk}" in page.content.decode()
    response = client.post(
        "/cases/report/",
        {
            "description": "楼上漏水",
            "where": f"household:{home.pk}",
            "photos": [photo_with_gps()],
            "once": "abc",
        },
    )
    case = Case.objects.get(description="楼上漏水")
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    stored = Image.open(CasePhoto.objects.get(case=case).image.path)
    assert not stored.getexif()  # no GPS, no camera
    # The same form sent twice (a double tap) makes one case.
    client.post(
        "/cases/report/",
        {"description": "楼上漏水", "where": f"household:{home.pk}", "once": "abc"},
    )
    assert Case.objects.filter(description="楼上漏水").count() == 1


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_is_kept(client, world):
    client.force_login(world.resident)
    home = home_of(world.resident)
    bogus = io.BytesIO(b"%PDF-1.4 not a photo")
    bogus.name = "scan.pdf"
    response = client.post(
        "/cases/report/",
        {"description": "路灯坏了", "where": f"household:{home.pk}", "photos": [bogus]},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "scan.pdf" in body and "路灯坏了" in body
    assert not Case.objects.filter(description="路灯坏了").exists()


def test_a_resident_who_pasted_an_invisible_nul_is_told_what_it_is_and_keeps_the_text(
    client, world
):
    client.force_login(world.resident)
    home = home_of(world.resident)
    response = client.post(
        "/cases/report/",
        {"description": "楼道灯坏了\x00好几天", "where": f"household:{home.pk}"},
        HTTP_COOKIE="django_language=zh-hans",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "看不见的空字符" in body and "楼道灯坏了" in body
    assert "空字符串" not in body  # Django's own Chinese, which speaks of an empty string
    assert not Case.objects.filter(description__startswith="楼道灯坏了").exists()


def test_a_visitor_reports_without_an_account_and_must_leave_a_phone(client, world):
    community = home_of(world.resident).micro_grid.path.split("/")[2]
    data = {"description": "路边井盖没了", "community": community, "address": "东门"}
    assert "contact_phone" in client.post("/cases/report/", data).content.decode()
    assert not Case.objects.filter(description="路边井盖没了").exists()
    client.post("/cases/report/", {**data, "contact_phone": "13800138000"})
    case = Case.objects.get(description="路边井盖没了")
    assert case.anonymous and case.reporter is None and case.level == 3


def test_the_case_page_shows_only_the_actions_allowed_now(client, world):
    client.force_login(world.resident)
    home = home_of(world.resident)
    client.post("/cases/report/", {"description": "噪音扰民", "where": f"household:{home.pk}"})
    case = Case.objects.get(description="噪音扰民")
    assert 'data-testid="actions"' not in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(world.buildinghead)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="form-triage"' in page and 'data-testid="form-resolve"' not in page
    # A refused action is a clear message, not a crash.
    response = client.post(f"/cases/{case.pk}/accept/", follow=True)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and errors[0] in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.REPORTED


def test_a_double_click_on_triage_counts_once_without_an_error(client, world):
    from linli.cases.services import case_report

    case = case_report(
        by=world.resident, description="门口路灯不亮", household=home_of(world.resident)
    )
    client.force_login(world.gridworker)
    form = {
        "category": "dispute",
        "route": "assist",
        "timeframe": "deadline",
        "version": case.version,
    }
    client.post(f"/cases/{case.pk}/triage/", form)
    second = client.post(f"/cases/{case.pk}/triage/", form, follow=True)
    assert case.events.filter(action=CaseEvent.Action.TRIAGE).count() == 1
    assert "error" not in [m.tags for m in second.context["messages"]]


@pytest.mark.parametrize("username", ["buildinghead", "gridworker"])
def test_place_roles_get_404_for_a_case_in_another_grid_on_page_and_api(client, world, username):
    user = world.users[username]
    own = RoleAssignment.objects.filter(user=user).first().area
    elsewhere = Household.objects.exclude(micro_grid__path__startswith=own.path).first()
    from linli.cases.services import case_report

    other = case_report(
        by=world.admin, description="别处的事", source="patrol", household=elsewhere
    )
    client.force_login(user)
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{other.pk}").status_code == 404
    ids = {c["id"] for c in client.get("/api/v1/cases?page_size=200").json()["items"]}
    assert other.pk not in ids
    assert all(c.area_path.startswith(own.path) for c in Case.objects.filter(pk__in=ids)), (
        "a list row from another place"
    )


def test_the_api_walks_a_case_and_an_idempotent_retry_returns_the_same_case(client, world):
    client.force_login(world.gridworker)
    home = home_of(world.resident)
    body = {"description": "巡查发现消防通道堵塞", "source": "patrol", "household_id": home.pk}
    first = client.post(
        "/api/v1/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    case_id = first.json()["id"]
    post = lambda path, data: client.post(  # noqa: E731
        f"/api/v1/cases/{case_id}/{path}", data, content_type="application/json"
    )
    assert (
        post("triage", {"category": "safety", "route": "co", "timeframe": "immediate"}).status_code
        == 200
    )
    assert post("dispatch", {"user_id": world.gridworker.pk}).json()["state"] == "dispatched"
    assert post("accept", {}).json()["state"] == "in_progress"
    assert post("resolve", {"result": "已清理"}).json()["state"] == "resolved"
    refused = post("accept", {})
    assert refused.status_code in (403, 409) and set(refused.json()) == {
        "code",
        "message",
        "fields",
    }
    events = client.get(f"/api/v1/cases/{case_id}/events").json()
    assert [e["action"] for e in events] == ["report", "triage", "dispatch", "accept", "resolve"]


def test_the_community_exports_the_filtered_list_to_xlsx(client, world):
    from openpyxl import load_workbook

    from linli.cases.demo import build_demo_cases

    build_demo_cases(rng=random.Random(1), community=home_of(world.resident).building.community)
    client.force_login(world.community)
    response = client.get("/cases/export.xlsx?state=reported")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    expected = Case.objects.visible_to(world.community).filter(state="reported").count()
    assert expected and len(rows) == expected + 1
    assert {r[2] for r in rows[1:]} == {"待研判"}


def test_the_map_data_has_grid_polygons_and_open_case_pins(client, world):
    from linli.cases.services import case_report

    case_report(by=world.resident, description="井盖丢了", household=home_of(world.resident))
    client.force_login(world.community)
    data = client.get("/cases/map.geojson").json()
    kinds = {f["properties"]["kind"] for f in data["features"]}
    assert kinds == {"grid", "case"}
