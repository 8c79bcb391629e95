"""A batch of 12345 tickets: checked with precise row errors, then entered as cases."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from linli.accounts.models import Role, RoleAssignment
from linli.cases.models import Case


def community_of(world):
    return RoleAssignment.objects.get(user=world.community, role=Role.COMMUNITY_STAFF).area


def a_household_address(community):
    from linli.places.models import Household

    home = (
        Household.objects.filter(building__community=community)
        .select_related("building__compound")
        .first()
    )
    name = home.building.compound.name if home.building.compound_id else ""
    return home, f"{name}{home.building.number}-{home.unit}-{home.room}"


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["工单号", "诉求内容", "地址", "联系人", "联系电话", "热线回复期限"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("12345.xlsx", data.getvalue())


def test_a_file_with_bad_rows_is_refused_row_by_row_and_writes_nothing(client, world):
    community = community_of(world)
    _home, address = a_household_address(community)
    client.force_login(world.community)
    upload = xlsx(
        [
            ["T-1", "楼道堆物", address, "王女士", "13800138000", "2026-12-01 17:00"],
            ["T-1", "重复的工单", address, "", "", ""],
            ["T-3", "", address, "", "12345", "明天"],
        ]
    )
    page = client.post("/cases/hotline/", {"community": community.pk, "file": upload})
    body = page.content.decode()
    errors = page.context["checked"]["errors"]
    assert [e[0] for e in errors] == [3, 4, 4, 4], errors
    assert "文件中出现了两次" in body or "twice" in body
    before = Case.objects.count()
    client.post("/cases/hotline/", {"step": "enter", "mode": "all"})
    assert Case.objects.count() == before  # nothing written unless the whole file is valid
    client.post("/cases/hotline/", {"step": "enter", "mode": "valid"})
    assert Case.objects.count() == before + 1


def test_good_tickets_land_on_their_household_with_the_reply_duty(client, world):
    community = community_of(world)
    home, address = a_household_address(community)
    client.force_login(world.community)
    upload = xlsx(
        [
            ["T-10", "楼上漏水", address, "李先生", "13900139000", "2026-12-01 17:00"],
            ["T-11", "东门路灯坏了", "东门外马路边", "", "", ""],
        ]
    )
    client.post("/cases/hotline/", {"community": community.pk, "file": upload})
    response = client.post("/cases/hotline/", {"step": "enter", "mode": "all"})
    assert response.status_code == 302
    leak = Case.objects.get(hotline_ticket="T-10")
    assert leak.household == home and leak.level == 1 and leak.source == "hotline"
    assert leak.hotline_reply_due.date().isoformat() == "2026-12-01"
    lamp = Case.objects.get(hotline_ticket="T-11")
    assert lamp.area == community and lamp.address == "东门外马路边"
    assert lamp.hotline_reply_due is not None  # the default reply duty
    # The same file again adds nothing: every ticket is already in.
    client.post(
        "/cases/hotline/",
        {"community": community.pk, "file": xlsx([["T-10", "楼上漏水", address, "", "", ""]])},
    )
    assert Case.objects.filter(hotline_ticket="T-10").count() == 1


def test_a_file_without_the_required_columns_is_refused_as_a_whole(client, world):
    client.force_login(world.community)
    upload = SimpleUploadedFile("x.csv", "姓名,电话\n张三,13800138000\n".encode())
    page = client.post("/cases/hotline/", {"community": community_of(world).pk, "file": upload})
    assert page.context["checked"] is None
    assert "工单号" in page.content.decode()
