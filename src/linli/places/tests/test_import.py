import csv
import gc
import io
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from linli.accounts.models import RoleAssignment
from linli.jobs.services import job_work_once
from linli.lib import pii
from linli.places.importing import run_file
from linli.places.models import Building, BuildingMove, Household, ImportRun, Resident

HEADER = [
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


def id_number(n: int, born: str = "19560308", male: bool = False) -> str:
    seq = (n * 2 + (1 if male else 0)) % 1000
    first17 = f"330106{born}{seq:03d}"
    return first17 + pii.id_number_check_char(first17)


def first_building(user) -> Building:
    area = RoleAssignment.objects.get(user=user).area
    return (
        Building.objects.filter(micro_grid__path__startswith=area.path)
        .select_related("compound", "community")
        .first()
    )


def address(b: Building) -> list[str]:
    return [b.community.name, b.compound.name if b.compound else "", b.number]


def csv_file(
    rows: list[list[str]], header=HEADER, encoding="utf-8-sig", name="居民.csv"
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def upload(client, file, kind="residents") -> ImportRun:
    response = client.post("/places/imports/", {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    job_work_once(worker="test")
    return ImportRun.objects.latest("pk")


def apply(client, run, valid_only=False) -> ImportRun:
    client.post(f"/places/imports/{run.pk}/apply/", {"valid_only": "1"} if valid_only else {})
    job_work_once(worker="test")
    run.refresh_from_db()
    return run


def test_a_file_with_bad_rows_is_rejected_with_precise_reasons_and_writes_nothing(client, world):
    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    good = id_number(1)
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        [
            *address(b),
            "9",
            "901",
            "王秀兰",
            "女",
            "1956-03-08",
            good,
            "13900001111",
            "户主",
            "独居老人",
        ],
        [*address(b), "9", "902", "李建国", "男", "", bad_checksum, "", "户主", ""],
        [b.community.name, b.compound.name, "999", "1", "101", "赵敏", "女", "", "", "", "", ""],
        [*address(b), "9", "903", "王秀兰", "女", "", good, "", "配偶", ""],
        [*address(b), "9", "904", "陈", "未知", "1990-02-30", "", "12345", "", "外星人"],
        [*address(b), "9", "905", "", "男", "", "", "", "", ""],
    ]
    before = (Resident.objects.count(), Household.objects.count())
    run = upload(client, csv_file(rows))
    assert run.status == "invalid"
    assert run.total_rows == 6 and run.error_count == 5
    errors = {(row, column): message for row, column, message in run.errors}
    assert errors[(3, "身份证号")] == "身份证号校验位错误，请检查是否输错。"
    assert errors[(4, "楼栋")] == "楼栋不存在：请先导入或添加楼栋。"
    assert errors[(5, "身份证号")] == "人员重复：第 2 行已有相同的身份证号。"
    assert errors[(6, "性别")] == "请填写“男”或“女”。"
    assert errors[(6, "出生日期")] == "日期请按 YYYY-MM-DD 填写。"
    assert errors[(6, "手机号")] == "手机号为以 1 开头的 11 位数字；固定电话以 0 开头。"
    assert errors[(6, "特殊人群")] == "未知的特殊人群类别：外星人。"
    assert errors[(7, "姓名")] == "此列不能为空。"
    assert (Resident.objects.count(), Household.objects.count()) == before
    # The whole file cannot be imported while it has errors…
    assert apply(client, run).status == "invalid"
    assert (Resident.objects.count(), Household.objects.count()) == before
    # …but the valid rows can be, on request.
    run = apply(client, run, valid_only=True)
    assert run.status == "done"
    assert Resident.objects.count() == before[0] + 1
    wang = Resident.objects.get(name="王秀兰", household__unit="9", household__room="901")
    assert wang.household.address == f"{b.number}-9-901"
    assert pii.decrypt(wang.id_number_encrypted) == good
    assert [t.code for t in wang.tags.all()] == ["elderly_alone"]
    page = client.get(f"/places/imports/{run.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "有效行已写入家庭档案；下面列出的行未导入。" in page and "逐行列出的问题" in page


def test_a_valid_file_imports_and_importing_it_again_changes_nothing(client, world):
    client.force_login(world.community)
    b = first_building(world.gridworker)
    rows = [
        [
            *address(b),
            "8",
            f"{100 + i}",
            f"测试{i}号",
            "",
            "",
            id_number(i, male=i % 2 == 1),
            "",
            "户主",
            "",
        ]
        for i in range(30)
    ]
    run = upload(client, csv_file(rows))
    assert run.status == "valid"
    assert run.summary == {"households_created": 30, "residents_created": 30}
    assert apply(client, run).status == "done"
    created = Resident.objects.filter(name__startswith="测试")
    assert created.count() == 30
    assert {r.sex for r in created} == {"m", "f"}  # taken from the ID numbers
    again = upload(client, csv_file(rows))
    assert again.summary == {"residents_unchanged": 30}
    page = client.get(f"/places/imports/{again.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "信息未变的居民" in page.content.decode()
    stored = {r.pk: (r.id_number_encrypted, r.phone) for r in created}
    apply(client, again)
    assert Resident.objects.filter(name__startswith="测试").count() == 30
    assert {r.pk: (r.id_number_encrypted, r.phone) for r in created} == stored  # not rewritten


def test_a_roster_imported_again_writes_only_the_people_whose_details_changed(client, world):
    """This year's roster again: a new phone, a move upstairs, a newly named special group;
    the rest stays exactly as stored, and the check says which is which."""
    client.force_login(world.community)
    b = first_building(world.gridworker)

    def row(i: int, room: str = "", phone: str = "", tags: str = "") -> list[str]:
        return [
            *address(b),
            "5",
            room or f"{500 + i}",
            f"复查{i}号",
            "",
            "",
            id_number(200 + i, male=i % 2 == 1),
            phone,
            "户主",
            tags,
        ]

    assert apply(client, upload(client, csv_file([row(i) for i in range(6)]))).status == "done"
    rows = [row(i) for i in range(6)]
    rows[1] = row(1, phone="13912345678")
    rows[2] = row(2, room="599")
    rows[3] = row(3, tags="独居老人")
    rows.append(row(6))
    run = upload(client, csv_file(rows))
    assert run.summary == {
        "residents_unchanged": 3,
        "residents_updated": 3,
        "households_created": 2,
        "residents_created": 1,
    }
    assert apply(client, run).status == "done"
    people = {r.name: r for r in Resident.objects.filter(name__startswith="复查")}
    assert len(people) == 7
    assert people["复查1号"].phone == "13912345678" and people["复查1号"].phone_last4 == "5678"
    assert people["复查2号"].household.room == "599"
    assert [t.name for t in people["复查3号"].tags.all()] == ["独居老人"]
    assert pii.decrypt(people["复查2号"].id_number_encrypted) == id_number(202)
    assert people["复查0号"].phone == "" and people["复查0号"].household.room == "500"
    assert upload(client, csv_file(rows)).summary == {"residents_unchanged": 7}


def test_people_without_id_numbers_are_recognised_when_their_roster_comes_again(client, world):
    """A building head's list of an old block, with no ID numbers: imported again, the check
    says who is unchanged, who changed and who is new, and nobody is entered twice."""
    client.force_login(world.community)
    b = first_building(world.gridworker)

    def row(name: str, room: str, born: str, phone: str = "", relation: str = "户主") -> list:
        return [*address(b), "4", room, name, "女", born, "", phone, relation, ""]

    first = [
        row("李秀英", "401", "1938-04-02"),
        row("张桂芝", "402", "1941-09-15"),
        # A grandmother and her granddaughter with the same name, in one flat.
        row("王芳", "403", "1940-02-01"),
        row("王芳", "403", "2015-06-01", relation="孙辈"),
    ]
    assert apply(client, upload(client, csv_file(first))).status == "done"
    rows = [
        row("李秀英", "401", "1938-04-02"),
        row("张桂芝", "402", "1941-09-15", phone="13812345678"),
        row("王芳", "403", "2015-06-01", relation="孙辈"),
        row("王芳", "403", "1940-02-01"),
        row("赵淑兰", "402", "1939-12-30", relation="父母"),
    ]
    run = upload(client, csv_file(rows))
    assert run.summary == {
        "residents_unchanged": 3,
        "residents_updated": 1,
        "residents_created": 1,
    }
    assert apply(client, run).status == "done"
    block = Resident.objects.filter(household__building=b, household__unit="4")
    assert sorted(block.values_list("name", flat=True)) == [
        "张桂芝",
        "李秀英",
        "王芳",
        "王芳",
        "赵淑兰",
    ]
    assert block.get(name="张桂芝").phone == "13812345678"
    assert upload(client, csv_file(rows)).summary == {"residents_unchanged": 5}


def test_the_same_person_without_an_id_number_twice_in_a_file_is_a_bad_row(client, world):
    """Namesakes in one flat are fine; the same name and birth date twice is one person
    entered twice, and the building head is told which row to look at."""
    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    rows = [
        [*address(b), "3", "301", "刘淑珍", "女", "1944-07-12", "", "", "户主", ""],
        [*address(b), "3", "301", "刘淑珍", "女", "2016-03-03", "", "", "孙辈", ""],
        [*address(b), "3", "302", "刘淑珍", "女", "1944-07-12", "", "", "户主", ""],
        [*address(b), "3", "301", "刘淑珍", "女", "1944-07-12", "", "13900001111", "户主", ""],
    ]
    run = upload(client, csv_file(rows))
    assert run.status == "invalid"
    assert run.errors == [
        [5, "姓名", "人员重复：第 2 行已有同一户中姓名和出生日期都相同的人。"],
    ]
    assert apply(client, run, valid_only=True).status == "done"
    assert Resident.objects.filter(name="刘淑珍", household__building=b).count() == 3


def test_a_file_with_wrong_columns_is_refused_as_a_whole(client, world):
    client.force_login(world.community)
    run = upload(client, csv_file([["a", "b"]], header=["名字", "电话"]))
    assert run.status == "invalid"
    assert run.message.startswith("文件缺少以下列：社区、楼栋、单元、房号、姓名")


def test_a_gbk_csv_from_excel_is_read(client, world):
    client.force_login(world.community)
    b = first_building(world.gridworker)
    run = upload(
        client,
        csv_file(
            [[*address(b), "7", "701", "刘德华", "男", "1961-09-27", "", "", "户主", ""]],
            encoding="gb18030",
        ),
    )
    assert run.status == "valid", run.errors or run.message


def test_an_xlsx_made_from_the_template_imports(client, world):
    client.force_login(world.community)
    template = client.get("/places/imports/template/residents.xlsx")
    assert template.status_code == 200
    header = next(
        load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert list(header) == HEADER
    b = first_building(world.gridworker)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    sheet.append(
        [
            *address(b),
            6,
            601,
            "周芳",
            "女",
            None,
            id_number(77),
            13700001234,
            "户主",
            "独居老人、残疾人",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = upload(client, SimpleUploadedFile("居民.xlsx", buffer.getvalue()))
    assert run.status == "valid", run.errors
    apply(client, run)
    zhou = Resident.objects.get(name="周芳", household__room="601", household__unit="6")
    assert zhou.phone == "13700001234" and zhou.birth_date.isoformat() == "1956-03-08"
    assert {t.code for t in zhou.tags.all()} == {"elderly_alone", "disabled"}


def test_a_grid_worker_cannot_import_into_another_grid(client, world):
    client.force_login(world.gridworker)
    grid = RoleAssignment.objects.get(user=world.gridworker).area
    other = (
        Building.objects.exclude(micro_grid__path__startswith=grid.path)
        .select_related("compound", "community")
        .first()
    )
    run = upload(
        client, csv_file([[*address(other), "1", "1", "钱多多", "男", "", "", "", "", ""]])
    )
    assert run.errors == [[2, "楼栋", "该楼栋不在您负责的区域内。"]]


def test_an_unreadable_upload_gets_a_clear_message(client, world):
    client.force_login(world.community)
    response = client.post(
        "/places/imports/", {"kind": "residents", "file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert response.status_code == 200
    assert "请上传 .xlsx 或 .csv 文件。" in response.content.decode()
    run = upload(client, SimpleUploadedFile("坏.xlsx", b"not a zip"))
    assert run.status == "invalid" and run.message == "这不是邻里能读取的 xlsx 文件。"


def test_a_double_click_on_import_queues_it_once(client, world):
    client.force_login(world.community)
    b = first_building(world.gridworker)
    run = upload(
        client,
        csv_file([[*address(b), "5", "501", "孙丽", "女", "1980-01-01", "", "", "户主", ""]]),
    )
    client.post(f"/places/imports/{run.pk}/apply/")
    second = client.post(f"/places/imports/{run.pk}/apply/", follow=True)
    assert "该文件现在无法导入" in second.content.decode()
    job_work_once(worker="test")
    assert Resident.objects.filter(name="孙丽").count() == 1


def test_buildings_import_creates_and_moves_buildings_keeping_history(client, world):
    client.force_login(world.community)
    b = first_building(world.gridworker)
    grid = b.micro_grid.parent
    header = ["社区", "小区", "楼栋", "网格", "微网格", "纬度", "经度"]
    rows = [
        [b.community.name, b.compound.name, "88", grid.name, "", "30.21", "120.11"],
        [b.community.name, b.compound.name, b.number, grid.name, "新划微网格", "", ""],
    ]
    run = upload(client, csv_file(rows, header=header, name="楼栋.csv"), kind="buildings")
    assert run.status == "valid", run.errors or run.message
    assert run.summary == {"buildings_created": 1, "buildings_updated": 1}
    apply(client, run)
    assert Building.objects.filter(compound=b.compound, number="88").exists()
    b.refresh_from_db()
    assert b.micro_grid.name == "新划微网格"
    move = BuildingMove.objects.get(building=b)
    assert move.to_micro_grid == b.micro_grid and move.moved_by == world.community
    assert set(b.households.values_list("micro_grid", flat=True)) == {b.micro_grid_id}


@pytest.mark.django_db(transaction=True)
def test_a_50k_row_file_imports_with_progress_reports(world, tmp_path):
    b = first_building(world.gridworker)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(50_000):
            writer.writerow(
                [
                    *address(b),
                    str(10 + i // 1000),
                    str(i % 1000),
                    f"居民{i}",
                    "女" if i % 2 else "男",
                    "1980-01-01",
                    "",
                    f"139{i:08d}",
                    "户主",
                    "",
                ]
            )
    reports: list[tuple[int, int]] = []
    outcome = import_as(
        world.community, path, progress=lambda done, total: reports.append((done, total))
    )
    assert outcome.error_rows == 0 and outcome.total == 50_000
    assert len(reports) >= 10
    assert [d for d, _t in reports] == sorted(d for d, _t in reports)
    assert reports[-1] == (50_000, 50_000)
    assert Resident.objects.filter(name__startswith="居民").count() == 50_000


def test_an_import_notices_data_that_changed_after_the_check(client, world):
    """The import checks every row against the database again before writing it."""
    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    number = id_number(501)
    run = upload(
        client, csv_file([[*address(b), "3", "301", "韩梅梅", "女", "", number, "", "户主", ""]])
    )
    assert run.status == "valid"
    # Meanwhile the same person is registered in another grid, outside this worker's area.
    grid = RoleAssignment.objects.get(user=world.gridworker).area
    elsewhere = Household.objects.exclude(micro_grid__path__startswith=grid.path).first()
    from linli.places.services import resident_create

    resident_create(household=elsewhere, name="韩梅梅", sex="f", relation="other", id_number=number)
    run = apply(client, run)
    assert run.status == "invalid"
    assert run.errors == [[2, "身份证号", "此人登记在其他区域，请联系该社区办理迁移。"]]
    assert Resident.objects.filter(name="韩梅梅").count() == 1


def test_an_import_refuses_a_row_whose_special_group_was_removed_after_the_check(client, world):
    from linli.places.models import SpecialGroup

    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    group = SpecialGroup.objects.create(code="flood", name="防汛重点户", visit_every_days=30)
    run = upload(
        client,
        csv_file(
            [
                [*address(b), "6", "602", "周海", "男", "", "", "", "户主", "防汛重点户"],
                [*address(b), "6", "603", "吴江", "男", "", "", "", "户主", ""],
            ]
        ),
    )
    assert run.status == "valid"
    group.delete()
    run = apply(client, run, valid_only=True)
    assert run.status == "done"
    assert run.errors == [[2, "特殊人群", "未知的特殊人群类别：防汛重点户。"]]
    assert not Resident.objects.filter(name="周海").exists()
    assert Resident.objects.filter(name="吴江").exists()


def test_an_import_refuses_a_building_that_left_the_workers_area_after_the_check(client, world):
    from linli.places.models import Area, AreaKind

    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    run = upload(
        client, csv_file([[*address(b), "6", "604", "郑秋", "女", "", "", "", "户主", ""]])
    )
    assert run.status == "valid"
    grid = RoleAssignment.objects.get(user=world.gridworker).area
    elsewhere = Area.objects.filter(kind=AreaKind.MICROGRID).exclude(path__startswith=grid.path)
    # Meanwhile an administrator moves the building into another grid (in the back office).
    Building.objects.filter(pk=b.pk).update(micro_grid=elsewhere.first())
    run = apply(client, run)
    assert run.status == "invalid"
    assert run.errors == [[2, "楼栋", "该楼栋不在您负责的区域内。"]]
    assert not Resident.objects.filter(name="郑秋").exists()


def test_namesakes_without_id_numbers_in_one_household_keep_their_own_special_groups(client, world):
    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    run = upload(
        client,
        csv_file(
            [
                [
                    *address(b),
                    "7",
                    "701",
                    "王芳",
                    "女",
                    "1940-02-01",
                    "",
                    "",
                    "户主",
                    "独居老人、残疾人",
                ],
                [*address(b), "7", "701", "王芳", "女", "2015-06-01", "", "", "孙辈", "留守儿童"],
            ]
        ),
    )
    assert run.status == "valid"
    assert apply(client, run).status == "done"
    elder, child = Resident.objects.filter(name="王芳", household__room="701").order_by(
        "birth_date"
    )
    assert {t.name for t in elder.tags.all()} == {"独居老人", "残疾人"}
    assert {t.name for t in child.tags.all()} == {"留守儿童"}


def test_people_imported_after_the_newest_residents_were_deleted_get_their_own_groups(
    client, world
):
    # The import numbers its new rows itself; the numbers of deleted people are not reused
    # (an old link to a deleted person must not point at a newcomer).
    client.force_login(world.gridworker)
    b = first_building(world.gridworker)
    newest = list(Resident.objects.order_by("-pk")[:2])
    highest = newest[0].pk
    for resident in newest:
        resident.delete()
    rows = [
        [*address(b), "8", "801", "赵桂兰", "女", "", id_number(71), "", "户主", "独居老人"],
        [
            *address(b),
            "8",
            "802",
            "钱多多",
            "男",
            "",
            id_number(72, "20150601", True),
            "",
            "户主",
            "",
        ],
        [
            *address(b),
            "8",
            "802",
            "钱小小",
            "女",
            "",
            id_number(73, "20160601"),
            "",
            "子女",
            "留守儿童",
        ],
    ]
    run = upload(client, csv_file(rows))
    assert run.status == "valid", run.errors
    assert apply(client, run).status == "done"
    zhao = Resident.objects.get(name="赵桂兰")
    qian = Resident.objects.get(name="钱多多")
    small = Resident.objects.get(name="钱小小")
    assert min(zhao.pk, qian.pk, small.pk) > highest
    assert [t.name for t in zhao.tags.all()] == ["独居老人"]
    assert list(qian.tags.all()) == []
    assert [t.name for t in small.tags.all()] == ["留守儿童"]
    assert qian.household == small.household != zhao.household


def write_csv(path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def import_as(user, path, *, write=True, **options):
    """run_file on a residents file, as the worker runs it (write=False: the check)."""
    return run_file(
        kind="residents", path=path, original_name=path.name, user=user, write=write, **options
    )


def names_starting(prefix: str) -> list[str]:
    return sorted(Resident.objects.filter(name__startswith=prefix).values_list("name", flat=True))


def chunked_file(b: Building, tmp_path):
    """Ten people in small chunks; row 4 has a bad date, row 9 repeats row 3's ID number."""
    rows = [
        [*address(b), "7", str(700 + i), f"分块{i}", "女", "", id_number(600 + i), "", "户主", ""]
        for i in range(10)
    ]
    rows[2][7] = "1956-13-40"
    rows[7][8] = rows[1][8]
    path = tmp_path / "chunks.csv"
    write_csv(path, rows)
    return path


@pytest.mark.django_db(transaction=True)
def test_a_file_checked_in_a_second_process_imports_exactly_as_one_checked_in_place(
    world, tmp_path, monkeypatch
):
    """A community worker's large file is checked by a child process while the rows
    already checked are written by a thread; the rows, the errors with their row numbers
    and the counts are the same as when everything happens in one thread."""
    import linli.places.importing as importing

    b = first_building(world.gridworker)
    path = chunked_file(b, tmp_path)
    monkeypatch.setattr(importing, "CHUNK", 3)
    results = {}
    for name, parallel_from in (("in place", 10**9), ("child", 1)):
        monkeypatch.setattr(importing, "PARALLEL_FROM_ROWS", parallel_from)
        outcome = import_as(world.community, path, write=False)
        results[name] = (outcome.total, outcome.error_rows, outcome.errors, outcome.counts)
    assert results["child"] == results["in place"]
    total, error_rows, errors, counts = results["child"]
    assert (total, error_rows) == (10, 2)
    assert [(row, column) for row, column, _m in errors] == [(4, "出生日期"), (9, "身份证号")]
    assert "3" in errors[1][2]  # the row that has the number first
    assert counts == {"households_created": 8, "residents_created": 8}

    reports: list[tuple[int, int]] = []
    outcome = import_as(
        world.community, path, progress=lambda done, total: reports.append((done, total))
    )
    assert outcome.error_rows == 2
    assert names_starting("分块") == sorted(f"分块{i}" for i in range(10) if i not in (2, 7))
    people = Resident.objects.filter(name__startswith="分块")
    assert all(
        pii.decrypt(p.id_number_encrypted)[-4:] == p.id_number_masked[-4:] and p.name_initials
        for p in people
    )
    assert [d for d, _t in reports] == sorted(d for d, _t in reports)
    assert reports[-1] == (10, 10)


@pytest.mark.django_db(transaction=True)
def test_when_writing_a_chunk_fails_the_import_stops_there_and_keeps_the_chunks_before(
    world, tmp_path, monkeypatch
):
    import linli.places.importing as importing

    b = first_building(world.gridworker)
    rows = [
        [
            *address(b),
            "8",
            str(800 + i),
            f"断点{i}",
            "男",
            "",
            id_number(650 + i, male=True),
            "",
            "户主",
            "",
        ]
        for i in range(9)
    ]
    path = tmp_path / "stops.csv"
    write_csv(path, rows)
    monkeypatch.setattr(importing, "CHUNK", 3)
    monkeypatch.setattr(importing, "PARALLEL_FROM_ROWS", 1)
    real_write = importing.ResidentChecker.write
    calls = []

    def write_then_fail(self, plans):
        calls.append(len(plans))
        if len(calls) == 2:
            raise OSError("disk full")
        real_write(self, plans)

    monkeypatch.setattr(importing.ResidentChecker, "write", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        import_as(world.community, path)
    assert names_starting("断点") == ["断点0", "断点1", "断点2"]
    assert len(calls) == 2  # nothing was written after the failed chunk


@pytest.mark.django_db(transaction=True)
def test_when_checking_fails_in_the_second_process_the_import_says_so_and_keeps_what_it_wrote(
    world, tmp_path, monkeypatch
):
    import linli.places.importing as importing

    b = first_building(world.gridworker)
    path = chunked_file(b, tmp_path)
    monkeypatch.setattr(importing, "CHUNK", 3)
    monkeypatch.setattr(importing, "PARALLEL_FROM_ROWS", 1)
    real_check = importing.ResidentChecker.check

    def check_until_row_8(self, rowno, cells, outcome):
        if rowno == 8:
            raise ValueError("a bug in the checker")
        return real_check(self, rowno, cells, outcome)

    monkeypatch.setattr(importing.ResidentChecker, "check", check_until_row_8)
    with pytest.raises(RuntimeError, match="a bug in the checker"):
        import_as(world.community, path)
    # A chunk is three valid rows: the first (rows 2, 3 and 5) was done before row 8 failed.
    assert names_starting("分块") == ["分块0", "分块1", "分块3"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_collects_its_memory_again_after_an_import_whether_it_worked_or_failed(
    world, tmp_path, monkeypatch
):
    """An import pauses Python's cycle collector; a worker left without it after an import
    would grow until it is restarted."""
    import linli.places.importing as importing

    path = chunked_file(first_building(world.gridworker), tmp_path)
    monkeypatch.setattr(importing, "CHUNK", 3)
    monkeypatch.setattr(importing, "PARALLEL_FROM_ROWS", 1)
    paused_while_importing = []
    real_resolve = importing.ResidentChecker.resolve

    def resolve_and_look(self, plans, outcome):
        paused_while_importing.append(not gc.isenabled())
        return real_resolve(self, plans, outcome)

    monkeypatch.setattr(importing.ResidentChecker, "resolve", resolve_and_look)
    assert import_as(world.community, path).error_rows == 2
    assert paused_while_importing and all(paused_while_importing)
    assert gc.isenabled()

    def failing_write(self, plans):
        raise OSError("disk full")

    monkeypatch.setattr(importing.ResidentChecker, "write", failing_write)
    Resident.objects.filter(name__startswith="分块").delete()  # so that there is something to write
    with pytest.raises(OSError, match="disk full"):
        import_as(world.community, path)
    assert gc.isenabled()


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_writer_cannot_start_stops_with_that_error_instead_of_hanging(
    world, tmp_path, monkeypatch
):
    import linli.places.importing as importing

    b = first_building(world.gridworker)
    monkeypatch.setattr(importing, "CHUNK", 1)  # more chunks than the writer's queue holds
    monkeypatch.setattr(importing, "PARALLEL_FROM_ROWS", 10**9)
    real_override = importing.translation.override

    def override_failing_in_the_writer(language):
        if threading.current_thread().name == "import-writer":
            raise OSError("no")
        return real_override(language)

    monkeypatch.setattr(importing.translation, "override", override_failing_in_the_writer)

    class SlowToCloseInTheWriter:
        """The writer takes its time closing its connection after the failure: the moment
        in which the import used to wait for ever on the writer's full queue."""

        def __getattr__(self, name):
            return getattr(real_connection, name)

        def close(self):
            if threading.current_thread().name == "import-writer":
                time.sleep(2.5)  # longer than the import waits on a full queue (1 s)
            real_connection.close()

    real_connection = importing.connection
    monkeypatch.setattr(importing, "connection", SlowToCloseInTheWriter())
    path = chunked_file(b, tmp_path)
    outcome: list[BaseException | None] = []

    def run():
        try:
            import_as(world.community, path)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    importer = threading.Thread(target=run, daemon=True)
    importer.start()
    importer.join(timeout=30)
    assert not importer.is_alive(), "the import hangs"
    assert isinstance(outcome[0], OSError) and str(outcome[0]) == "no"
    assert names_starting("分块") == []


@pytest.mark.django_db(transaction=True)
def test_a_file_that_breaks_while_being_read_leaves_no_import_writer_behind(
    world, tmp_path, monkeypatch
):
    import linli.places.importing as importing

    path = chunked_file(first_building(world.gridworker), tmp_path)
    real_read = importing.read_rows

    def read_then_break(path, original_name):
        header, rows = real_read(path, original_name)

        def broken():
            yield next(rows)
            raise importing.FileProblem("第 3 行无法读取")

        return header, broken()

    monkeypatch.setattr(importing, "read_rows", read_then_break)
    with pytest.raises(importing.FileProblem):
        import_as(world.community, path)
    assert not [t for t in threading.enumerate() if t.name == "import-writer"]
