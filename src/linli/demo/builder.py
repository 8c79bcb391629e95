"""The demo community: fictional, deterministic, realistic, and big when asked.

`build_demo(households=N, seed=S)` makes one district with two subdistricts and four
communities, cut into grids of 150–300 households with one micro-grid per building, a
household head and family in every household, and a person for every role of spec §2.
The same seed gives the same names, addresses and structure on any database.

Steps:
1. Split the households evenly over the four communities, and each community's share into
   grids of 150–300 households.
2. Per community: create grids, compounds, buildings and their micro-grids with bulk inserts.
3. Stream households and residents in chunks of `CHUNK`, one transaction per chunk, so a
   million households fit in memory and the database's write-ahead log stays small.
4. Create the people: a worker per grid, a leader per micro-grid (unusable passwords), and
   the named demo accounts (one per role, with the demo password).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker
from faker.providers.person.zh_CN import Provider as PersonProvider

from linli.accounts.models import Role, RoleAssignment, User
from linli.places.models import (
    Area,
    AreaKind,
    Building,
    Compound,
    Household,
    Relation,
    Resident,
    Sex,
)

WORDS = json.loads((Path(__file__).parent / "data" / "zh_CN.json").read_text("utf-8"))
CHUNK = 20_000
GRID_MIN, GRID_MAX = 150, 300
TODAY = date(2026, 11, 1)  # fixed so that the same seed always gives the same ages

# The named demo accounts, one per role; `place` says what the role is bound to.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", Role.ADMINISTRATOR, "none"),
    ("subdistrict", Role.SUBDISTRICT_STAFF, "subdistrict"),
    ("community", Role.COMMUNITY_STAFF, "community"),
    ("gridworker", Role.GRID_WORKER, "grid"),
    ("buildinghead", Role.BUILDING_HEAD, "microgrid"),
    ("resident", Role.RESIDENT, "household"),
    ("mediator", Role.MEDIATOR, "community"),
    ("legal", Role.LEGAL_OFFICER, "community"),
    ("liaison", Role.LIAISON, "community"),
    ("property", Role.PROPERTY_COMPANY, "community"),
    ("owners", Role.OWNERS_COMMITTEE, "community"),
    ("volunteer", Role.VOLUNTEER, "community"),
]


class DemoExists(Exception):
    pass


@dataclass
class Names:
    """Chinese names drawn from Faker's zh_CN data with our own seeded generator (fast)."""

    rng: random.Random
    surnames: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.surnames = list(PersonProvider.last_names)
        self.weights = list(PersonProvider.last_names.values())

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.weights)[0]

    def given(self, sex: str) -> str:
        pool = (
            PersonProvider.first_names_male
            if sex == Sex.MALE
            else PersonProvider.first_names_female
        )
        # Faker's pools mix one- and two-character given names; Chinese given names have
        # one or two characters, so a single character is sometimes doubled up.
        chars = self.rng.choice(pool)
        if len(chars) == 1 and self.rng.random() < 0.6:
            second = self.rng.choice(pool)
            chars += second[0]
        return chars

    def full(self, sex: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(sex)


def grid_sizes(total: int, rng: random.Random) -> list[int]:
    """Split `total` households into grids of GRID_MIN–GRID_MAX (one smaller grid if too few)."""
    if total <= GRID_MAX:
        return [total] if total else []
    low = math.ceil(total / GRID_MAX)
    high = max(low, total // GRID_MIN)
    k = min(high, max(low, round(total / ((GRID_MIN + GRID_MAX) / 2))))
    sizes = [total // k] * k
    for i in range(total - sum(sizes)):
        sizes[i] += 1
    # Jitter pairs so grids differ in size, keeping every grid within bounds and the sum.
    for i in range(0, k - 1, 2):
        room = min(
            sizes[i] - GRID_MIN,
            GRID_MAX - sizes[i + 1],
            GRID_MAX - sizes[i],
            sizes[i + 1] - GRID_MIN,
        )
        if room > 0:
            shift = rng.randint(-room, room)
            sizes[i] += shift
            sizes[i + 1] -= shift
    return sizes


@dataclass
class BuildingPlan:
    building: Building
    units: int
    floors: int
    rooms_per_floor: int
    count: int  # households actually in it (the last building of a grid may be partial)

    def addresses(self) -> Iterator[tuple[str, str]]:
        made = 0
        for unit in range(1, self.units + 1):
            for floor in range(1, self.floors + 1):
                for room in range(1, self.rooms_per_floor + 1):
                    if made == self.count:
                        return
                    made += 1
                    yield str(unit), f"{floor}{room:02d}"


def _bulk_areas(kind: str, rows: list[tuple[str, Area | None]]) -> list[Area]:
    areas = Area.objects.bulk_create(
        [
            Area(kind=kind, name=name, parent=parent, path=f"tmp-{kind}-{i}")
            for i, (name, parent) in enumerate(rows)
        ]
    )
    for area in areas:
        area.path = f"{area.parent.path if area.parent else ''}{area.pk}/"
    Area.objects.bulk_update(areas, ["path"], batch_size=2000)
    return areas


class DemoBuilder:
    def __init__(self, *, households: int, seed: int, progress: Callable[[str], None]) -> None:
        self.total = households
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.names = Names(self.rng)
        self.progress = progress
        self.first: dict[str, object] = {}
        self.leaders: list[tuple[User, Area]] = []
        self.workers: list[tuple[User, Area]] = []
        self.password = make_password(settings.DEMO_PASSWORD)

    # 1. The upper tree -------------------------------------------------------------
    def build(self) -> dict[str, int]:
        if Area.objects.exists():
            raise DemoExists
        with transaction.atomic():
            district = _bulk_areas(
                AreaKind.DISTRICT, [(WORDS["district"].format(name=self.fake.district()), None)]
            )[0]
            sub_names = self.rng.sample(WORDS["subdistrict_roots"], 2)
            subdistricts = _bulk_areas(
                AreaKind.SUBDISTRICT,
                [(WORDS["subdistrict"].format(name=n), district) for n in sub_names],
            )
            roots = self.rng.sample(WORDS["community_roots"], 4)
            communities = _bulk_areas(
                AreaKind.COMMUNITY,
                [
                    (WORDS["community"].format(name=r), subdistricts[i // 2])
                    for i, r in enumerate(roots)
                ],
            )
        self.first.update(subdistrict=subdistricts[0], community=communities[0])
        shares = [self.total // 4 + (1 if i < self.total % 4 else 0) for i in range(4)]
        for community, share in zip(communities, shares, strict=True):
            self.build_community(community, share)
        self.build_people()
        return {
            "areas": Area.objects.count(),
            "buildings": Building.objects.count(),
            "households": Household.objects.count(),
            "residents": Resident.objects.count(),
            "users": User.objects.count(),
        }

    # 2. Grids, compounds, buildings, micro-grids -----------------------------------
    def build_community(self, community: Area, share: int) -> None:
        sizes = grid_sizes(share, self.rng)
        with transaction.atomic():
            grids = _bulk_areas(
                AreaKind.GRID,
                [(WORDS["grid"].format(n=i + 1), community) for i in range(len(sizes))],
            )
            plans: list[tuple[Area, BuildingPlan]] = []
            compound: Compound | None = None
            left_in_compound = 0
            number = 0
            compounds: list[Compound] = []
            pending: list[tuple[Compound, BuildingPlan, Area]] = []
            for grid, size in zip(grids, sizes, strict=True):
                remaining = size
                while remaining > 0:
                    if left_in_compound == 0:
                        compound = self.new_compound(community, len(compounds))
                        compounds.append(compound)
                        left_in_compound = self.rng.randint(6, 15)
                        number = 0
                    number += 1
                    left_in_compound -= 1
                    units = self.rng.randint(1, 4)
                    floors = self.rng.randint(5, 18)
                    per_floor = self.rng.randint(2, 4)
                    count = min(remaining, units * floors * per_floor)
                    remaining -= count
                    building = Building(
                        community=community,
                        number=str(number),
                        latitude=round(30.25 + self.rng.random() * 0.05, 6),
                        longitude=round(120.15 + self.rng.random() * 0.05, 6),
                    )
                    assert compound is not None
                    pending.append(
                        (compound, BuildingPlan(building, units, floors, per_floor, count), grid)
                    )
            Compound.objects.bulk_create(compounds)
            microgrids = _bulk_areas(
                AreaKind.MICROGRID,
                [
                    (WORDS["microgrid"].format(compound=c.name, n=p.building.number), grid)
                    for c, p, grid in pending
                ],
            )
            for (comp, plan, _grid), micro in zip(pending, microgrids, strict=True):
                plan.building.compound = comp
                plan.building.micro_grid = micro
                plans.append((micro, plan))
            Building.objects.bulk_create([p.building for _m, p in plans], batch_size=2000)
        if plans and "grid" not in self.first:
            self.first.update(grid=grids[0], microgrid=plans[0][0])
        self.workers.extend((self.new_user(), g) for g in grids)
        self.leaders.extend((self.new_user(), m) for m, _p in plans)
        self.build_households(plans)
        self.progress(
            f"{community.name}: {share} households, {len(grids)} grids, {len(plans)} buildings"
        )

    def new_compound(self, community: Area, index: int) -> Compound:
        name = self.rng.choice(WORDS["compound_roots"]) + self.rng.choice(
            WORDS["compound_suffixes"]
        )
        unmanaged = self.rng.random() < 0.2
        return Compound(
            community=community,
            name=name if index < 20 else f"{name}{index // 20 + 1}",
            unmanaged=unmanaged,
            property_company="" if unmanaged else self.rng.choice(WORDS["property_companies"]),
            owners_committee=WORDS["owners_committee"].format(compound=name)
            if self.rng.random() < 0.6
            else "",
        )

    # 3. Households and residents, streamed -----------------------------------------
    def build_households(self, plans: list[tuple[Area, BuildingPlan]]) -> None:
        batch: list[Household] = []
        for micro, plan in plans:
            for unit, room in plan.addresses():
                batch.append(
                    Household(building=plan.building, unit=unit, room=room, micro_grid=micro)
                )
                if len(batch) >= CHUNK:
                    self.flush(batch)
                    batch = []
        if batch:
            self.flush(batch)

    def flush(self, households: list[Household]) -> None:
        with transaction.atomic():
            created = Household.objects.bulk_create(households, batch_size=5000)
            residents = [r for h in created for r in self.family(h)]
            Resident.objects.bulk_create(residents, batch_size=5000)
        if "household" not in self.first:
            self.first["household"] = created[0]

    def family(self, household: Household) -> list[Resident]:
        rng = self.rng
        head_sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        surname = self.names.surname()
        head_age = rng.randint(28, 88)
        people = [(self.names.full(head_sex, surname), head_sex, head_age, Relation.HEAD)]
        size = rng.choices([1, 2, 3, 4, 5], [15, 30, 30, 18, 7])[0]
        if size >= 2:
            sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
            people.append(
                (self.names.full(sex), sex, max(20, head_age + rng.randint(-5, 5)), Relation.SPOUSE)
            )
        for _ in range(size - 2):
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            if head_age > 45 and rng.random() < 0.5:
                people.append(
                    (
                        self.names.full(sex, surname),
                        sex,
                        head_age - rng.randint(22, 35),
                        Relation.CHILD,
                    )
                )
            elif head_age < 60:
                people.append(
                    (
                        self.names.full(sex, surname),
                        sex,
                        max(0, head_age - rng.randint(24, 38)),
                        Relation.CHILD,
                    )
                )
            else:
                people.append(
                    (
                        self.names.full(sex, surname),
                        sex,
                        max(0, head_age - rng.randint(45, 60)),
                        Relation.GRANDCHILD,
                    )
                )
        return [
            Resident(
                household=household,
                name=name,
                sex=sex,
                birth_date=TODAY - timedelta(days=age * 365 + rng.randint(0, 364)),
                phone=self.phone() if age >= 16 else "",
                relation=relation,
            )
            for name, sex, age, relation in people
        ]

    def phone(self) -> str:
        return "1" + self.rng.choice("3456789") + "".join(self.rng.choices("0123456789", k=9))

    # 4. People ---------------------------------------------------------------------
    def new_user(self) -> User:
        sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
        return User(full_name=self.names.full(sex), phone=self.phone())

    def build_people(self) -> None:
        with transaction.atomic():
            staff: list[tuple[User, str, Area]] = [
                (u, Role.GRID_WORKER, a) for u, a in self.workers
            ]
            staff += [(u, Role.BUILDING_HEAD, a) for u, a in self.leaders]
            for i, (user, role, _area) in enumerate(staff):
                user.username = f"{'gw' if role == Role.GRID_WORKER else 'bh'}{i + 1:06d}"
                user.set_unusable_password()
            # The first grid's worker and first micro-grid's leader are the demo accounts.
            by_area = {(role, area.pk): user for user, role, area in staff}
            named = {
                "gridworker": by_area[(Role.GRID_WORKER, self.first["grid"].pk)],  # type: ignore[attr-defined]
                "buildinghead": by_area[(Role.BUILDING_HEAD, self.first["microgrid"].pk)],  # type: ignore[attr-defined]
            }
            for username, user in named.items():
                user.username = username
                user.password = self.password
            User.objects.bulk_create([u for u, _r, _a in staff], batch_size=5000)
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=u, role=r, area=a) for u, r, a in staff], batch_size=5000
            )
            household: Household = self.first["household"]  # type: ignore[assignment]
            head = household.residents.order_by("id").first()
            for username, role, place in DEMO_ACCOUNTS:
                if username in named:
                    continue
                user = User(
                    username=username,
                    password=self.password,
                    full_name=head.name
                    if place == "household" and head
                    else self.names.full(Sex.FEMALE),
                    phone=self.phone(),
                    is_superuser=role == Role.ADMINISTRATOR,
                    is_staff=role == Role.ADMINISTRATOR,
                )
                user.save()
                if role == Role.ADMINISTRATOR:
                    continue
                if place == "household":
                    RoleAssignment.objects.create(
                        user=user, role=role, household=household, area=household.micro_grid
                    )
                else:
                    RoleAssignment.objects.create(user=user, role=role, area=self.first[place])  # type: ignore[misc]


def build_demo(
    *, households: int, seed: int, progress: Callable[[str], None] = print
) -> dict[str, int]:
    return DemoBuilder(households=households, seed=seed, progress=progress).build()
