"""Import of residents from csv: rows per second, next to a bare Django insert of the
same rows measured in the same run.

    ./linli bench importing              # SQLite, then PostgreSQL if reachable
    ./linli bench importing --rows 50000

A fresh database with a small demo community; a csv of realistic rows (unique names, ID
numbers and phones, one in ten with a special group) into new households of existing
buildings. Figures:
- check: the dry run (every row validated against the database), rows/s;
- import: the import itself (each chunk checked again, then written), rows/s;
- re-import: the same people again, as a community's next roster: first with one row in
  ten changed (a new phone), then with every row changed (all are written back), rows/s;
- baseline: Django bulk_create of the same households and residents, already built as
  objects (no parsing, validation, encryption or search keys), rows/s.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from datetime import date, timedelta
from pathlib import Path

from common import report, setup, verdict

GOAL = 20_000
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    vendor = setup("importing", fresh=True)

    from linli.accounts.models import User
    from linli.demo.builder import Names, build_demo
    from linli.lib import pii
    from linli.places.importing import run_file
    from linli.places.models import Building, Household, Resident

    build_demo(households=2000, seed=3, progress=lambda _m: None)
    rng = random.Random(5)
    names = Names(rng)
    user = User.objects.get(username="community")
    buildings = list(Building.objects.visible_to(user).select_related("compound", "community")[:20])
    path = Path(__file__).resolve().parent.parent / "var" / "bench" / "residents.csv"
    people = []
    used: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(args.rows):
            b = buildings[i % len(buildings)]
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 25000))
            male = rng.random() < 0.5
            region = 440301  # not a region the demo uses
            while True:  # fictional, valid and unique ID numbers
                first17 = f"{region}{born:%Y%m%d}{rng.randrange(500) * 2 + (1 if male else 0):03d}"
                if first17 not in used:
                    used.add(first17)
                    break
                region += 1
            number = first17 + pii.id_number_check_char(first17)
            row = [
                b.community.name,
                b.compound.name if b.compound else "",
                b.number,
                f"b{i // 2000}",
                str(i % 2000),
                names.full("m" if male else "f"),
                "男" if male else "女",
                born.isoformat(),
                number,
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "户主",
                "独居老人" if rng.random() < 0.1 else "",
            ]
            writer.writerow(row)
            people.append((b, row))
    user = User.objects.get(username="community")
    started = time.perf_counter()
    checked = run_file(kind="residents", path=path, original_name=path.name, user=user, write=False)
    check_s = time.perf_counter() - started
    assert checked.error_rows == 0, checked.errors[:5]
    started = time.perf_counter()
    run_file(kind="residents", path=path, original_name=path.name, user=user, write=True)
    import_s = time.perf_counter() - started
    assert Resident.objects.filter(household__unit__startswith="b").count() == args.rows

    # The roster again: one row in ten with a new phone, then every row.
    again = []
    for share, name in ((10, "tenth"), (1, "all")):
        changed = path.with_name(f"residents-{name}.csv")
        with changed.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            for i, (_b, row) in enumerate(people):
                if i % share == 0:
                    row = [*row[:9], f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", *row[10:]]
                writer.writerow(row)
        started = time.perf_counter()
        outcome = run_file(
            kind="residents", path=changed, original_name=changed.name, user=user, write=True
        )
        again.append((time.perf_counter() - started, outcome.counts))
    assert again[0][1]["residents_updated"] == args.rows // 10, again[0][1]
    assert again[1][1] == {"residents_updated": args.rows}, again[1][1]

    # The baseline: the same rows as ready-made objects, into other rooms.
    households = [
        Household(building=b, unit=f"x{row[3]}", room=row[4], micro_grid_id=b.micro_grid_id)
        for b, row in people
    ]
    started = time.perf_counter()
    Household.objects.bulk_create(households, batch_size=2000)
    Resident.objects.bulk_create(
        [
            Resident(
                household=h,
                name=row[5],
                sex="m" if row[6] == "男" else "f",
                birth_date=row[7],
                phone=row[9],
                relation="head",
            )
            for h, (_b, row) in zip(households, people, strict=True)
        ],
        batch_size=2000,
    )
    base_s = time.perf_counter() - started
    rate, base = args.rows / import_s, args.rows / base_s
    report(
        "Import of residents from csv",
        [
            ("database", vendor),
            ("rows", f"{args.rows:,}"),
            ("check (dry run)", f"{check_s:.2f} s = {args.rows / check_s:,.0f} rows/s"),
            ("import", f"{import_s:.2f} s = {rate:,.0f} rows/s"),
            (
                "re-import, 1 row in 10 changed",
                f"{again[0][0]:.2f} s = {args.rows / again[0][0]:,.0f} rows/s",
            ),
            (
                "re-import, every row changed",
                f"{again[1][0]:.2f} s = {args.rows / again[1][0]:,.0f} rows/s",
            ),
            ("baseline: bare bulk_create", f"{base_s:.2f} s = {base:,.0f} rows/s"),
            ("ratio import / baseline", f"{rate / base:.2f}x"),
            ("verdict", verdict(rate >= GOAL, f">= {GOAL:,} rows/s for the import")),
        ],
    )


if __name__ == "__main__":
    main()
