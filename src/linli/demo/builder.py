"""The demo community: fictional, deterministic, realistic, and big when asked.

`build_demo(households=N, seed=S)` makes one district with two subdistricts and four
communities, cut into grids of 150–300 households with one micro-grid per building, a
household head and family in every household, the party organisation with party-member
households that look after every household, and a person for every role of spec §2.
The same seed gives the same names, addresses and structure on any database.

Steps:
1. Split the households evenly over the four communities, and each community's share into
   grids of 150–300 households. Each community is a cell of the district's map, each grid
   a rectangle in it (a GeoJSON boundary), each building a point inside its grid.
2. Per community: create grids, compounds, buildings, micro-grids and the party committee,
   grid branches and building groups with bulk inserts.
3. Stream households and residents in chunks of `CHUNK`, one transaction per chunk, so a
   million households fit in memory and the database's write-ahead log stays small. Every
   household's head gets a valid, encrypted ID number; some residents get special-group
   tags; in each micro-grid one household in PARTY_HOUSEHOLD_LIMIT + 1 is a party-member
   household looking after the others.
4. Create the people: a worker per grid, a leader per micro-grid (a party member of that
   building, unusable passwords), and the named demo accounts (one per role).
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

from linli.accounts.models import Department, Role, RoleAssignment, User
from linli.cases.demo import build_demo_cases
from linli.cases.models import Team
from linli.lib import pii
from linli.lib.bulk import fast_insert
from linli.lib.query import database_optimize
from linli.lib.text import pinyin_initials
from linli.party.models import (
    OrgKind,
    PartyHousehold,
    PartyHouseholdLink,
    PartyMember,
    PartyOrg,
)
from linli.places.models import (
    RESIDENT_ROW_FIELDS,
    Area,
    AreaKind,
    Building,
    Compound,
    Household,
    Relation,
    Resident,
    Sex,
    SpecialGroup,
)

WORDS = json.loads((Path(__file__).parent / "data" / "zh_CN.json").read_text("utf-8"))
CHUNK = 20_000
GRID_MIN, GRID_MAX = 150, 300
TODAY = date(2026, 11, 1)  # fixed so that the same seed always gives the same ages
# The district's map: four community cells of CELL degrees, south-west corner at ORIGIN.
ORIGIN = (30.20, 120.10)
CELL = 0.05
REGION_CODES = ["330102", "330105", "330106", "330108", "330110"]

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
            chars += self.rng.choice(pool)[0]
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


def rectangle(south: float, west: float, north: float, east: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


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


def _bulk_areas(kind: str, rows: list[tuple[str, Area | None, dict | None]]) -> list[Area]:
    areas = Area.objects.bulk_create(
        [
            Area(kind=kind, name=name, parent=parent, boundary=boundary, path=f"tmp-{kind}-{i}")
            for i, (name, parent, boundary) in enumerate(rows)
        ]
    )
    for area in areas:
        area.path = f"{area.parent.path if area.parent else ''}{area.pk}/"
    Area.objects.bulk_update(areas, ["path"], batch_size=2000)
    return areas


@dataclass(slots=True)
class Person:
    """A resident on its way into the database (lighter than a model instance)."""

    household_id: int
    name: str
    sex: str
    birth_date: date
    phone: str
    relation: str
    name_initials: str
    phone_last4: str
    id_number_encrypted: str
    id_number_digest: str
    id_number_masked: str
    pk: int = 0

    def row(self) -> tuple:
        return (
            self.household_id,
            self.name,
            self.sex,
            self.birth_date,
            self.phone,
            self.relation,
            self.name_initials,
            self.phone_last4,
            self.id_number_encrypted,
            self.id_number_digest,
            self.id_number_masked,
        )


@dataclass
class PartyCursor:
    """Where the streaming of households stands in the current micro-grid's party chain."""

    micro_id: int | None = None
    central: PartyHousehold | None = None
    linked: int = 0


class DemoBuilder:
    def __init__(self, *, households: int, seed: int, progress: Callable[[str], None]) -> None:
        self.total = households
        self.with_cases = True
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.names = Names(self.rng)
        self.progress = progress
        self.first: dict[str, object] = {}
        self.leaders: list[tuple[User, Area]] = []
        self.workers: list[tuple[User, Area]] = []
        self.groups: dict[int, PartyOrg] = {}  # micro-grid id → building party group
        self.leader_names: dict[int, str] = {}  # micro-grid id → its first party member
        self.party = PartyCursor()
        self.limit = settings.PARTY_HOUSEHOLD_LIMIT
        self.tags = {t.code: t for t in SpecialGroup.objects.all()}
        self.password = make_password(settings.DEMO_PASSWORD)

    # 1. The upper tree -------------------------------------------------------------
    def build(self) -> dict[str, int]:
        if Area.objects.exists():
            raise DemoExists
        south, west = ORIGIN
        with transaction.atomic():
            district = _bulk_areas(
                AreaKind.DISTRICT,
                [
                    (
                        WORDS["district"].format(name=self.fake.district()),
                        None,
                        rectangle(south, west, south + 2 * CELL, west + 2 * CELL),
                    )
                ],
            )[0]
            sub_names = self.rng.sample(WORDS["subdistrict_roots"], 2)
            subdistricts = _bulk_areas(
                AreaKind.SUBDISTRICT,
                [
                    (
                        WORDS["subdistrict"].format(name=n),
                        district,
                        rectangle(south + i * CELL, west, south + (i + 1) * CELL, west + 2 * CELL),
                    )
                    for i, n in enumerate(sub_names)
                ],
            )
            roots = self.rng.sample(WORDS["community_roots"], 4)
            cells = [(south + (i // 2) * CELL, west + (i % 2) * CELL) for i in range(4)]
            communities = _bulk_areas(
                AreaKind.COMMUNITY,
                [
                    (
                        WORDS["community"].format(name=r),
                        subdistricts[i // 2],
                        rectangle(*cells[i], cells[i][0] + CELL, cells[i][1] + CELL),
                    )
                    for i, r in enumerate(roots)
                ],
            )
        self.first.update(subdistrict=subdistricts[0], community=communities[0])
        shares = [self.total // 4 + (1 if i < self.total % 4 else 0) for i in range(4)]
        for community, share, cell in zip(communities, shares, cells, strict=True):
            self.build_community(community, share, cell)
        self.build_people()
        if self.with_cases:
            build_demo_cases(rng=self.rng, community=self.first["community"])  # type: ignore[arg-type]
        database_optimize()
        return {
            "areas": Area.objects.count(),
            "buildings": Building.objects.count(),
            "households": Household.objects.count(),
            "residents": Resident.objects.count(),
            "party_households": PartyHousehold.objects.count(),
            "users": User.objects.count(),
        }

    # 2. Grids, compounds, buildings, micro-grids, party organisation ---------------
    def grid_cells(
        self, count: int, cell: tuple[float, float]
    ) -> list[tuple[float, float, float, float]]:
        cols = math.ceil(math.sqrt(count))
        rows = math.ceil(count / cols)
        height, width = CELL / rows, CELL / cols
        south, west = cell
        return [
            (
                south + (i // cols) * height,
                west + (i % cols) * width,
                south + (i // cols + 1) * height,
                west + (i % cols + 1) * width,
            )
            for i in range(count)
        ]

    def build_community(self, community: Area, share: int, cell: tuple[float, float]) -> None:
        sizes = grid_sizes(share, self.rng)
        boxes = self.grid_cells(len(sizes), cell)
        with transaction.atomic():
            grids = _bulk_areas(
                AreaKind.GRID,
                [
                    (WORDS["grid"].format(n=i + 1), community, rectangle(*boxes[i]))
                    for i in range(len(sizes))
                ],
            )
            compound: Compound | None = None
            left_in_compound = 0
            number = 0
            compounds: list[Compound] = []
            pending: list[tuple[Compound, BuildingPlan, Area]] = []
            for grid, size, box in zip(grids, sizes, boxes, strict=True):
                south, west, north, east = box
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
                    # A point well inside the grid's rectangle, so it locates into it.
                    building = Building(
                        community=community,
                        number=str(number),
                        latitude=round(
                            south + (0.1 + 0.8 * self.rng.random()) * (north - south), 6
                        ),
                        longitude=round(west + (0.1 + 0.8 * self.rng.random()) * (east - west), 6),
                    )
                    assert compound is not None
                    pending.append(
                        (compound, BuildingPlan(building, units, floors, per_floor, count), grid)
                    )
            Compound.objects.bulk_create(compounds)
            microgrids = _bulk_areas(
                AreaKind.MICROGRID,
                [
                    (WORDS["microgrid"].format(compound=c.name, n=p.building.number), grid, None)
                    for c, p, grid in pending
                ],
            )
            plans: list[tuple[Area, BuildingPlan]] = []
            for (comp, plan, _grid), micro in zip(pending, microgrids, strict=True):
                plan.building.compound = comp
                plan.building.micro_grid = micro
                plans.append((micro, plan))
            Building.objects.bulk_create([p.building for _m, p in plans], batch_size=2000)
            self.build_party_orgs(community, grids, microgrids)
        if plans and "grid" not in self.first:
            self.first.update(grid=grids[0], microgrid=plans[0][0], compound=compounds[0])
        self.workers.extend((self.new_user(), g) for g in grids)
        self.leaders.extend((self.new_user(), m) for m, _p in plans)
        self.build_households(plans)
        self.progress(
            f"{community.name}: {share} households, {len(grids)} grids, {len(plans)} buildings"
        )

    def build_party_orgs(self, community: Area, grids: list[Area], microgrids: list[Area]) -> None:
        committee = PartyOrg.objects.create(
            kind=OrgKind.COMMITTEE,
            name=WORDS["party_committee"].format(name=community.name),
            area=community,
        )
        branches = PartyOrg.objects.bulk_create(
            [
                PartyOrg(
                    kind=OrgKind.BRANCH,
                    name=WORDS["party_branch"].format(name=g.name),
                    parent=committee,
                    area=g,
                )
                for g in grids
            ]
        )
        branch_of = {b.area_id: b for b in branches}
        groups = PartyOrg.objects.bulk_create(
            [
                PartyOrg(
                    kind=OrgKind.GROUP,
                    name=WORDS["party_group"].format(name=m.name),
                    parent=branch_of[m.parent_id or 0],
                    area=m,
                )
                for m in microgrids
            ],
            batch_size=2000,
        )
        self.groups.update({g.area_id: g for g in groups})

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

    # 3. Households, residents and party households, streamed -----------------------
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
            families = [self.family(h) for h in created]
            people = [p for f in families for p in f]
            # Residents go in through the fast path (most of the demo's rows); their ids
            # are read back in insertion order, which is id order for a single writer.
            before = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            fast_insert(Resident, RESIDENT_ROW_FIELDS, [p.row() for p in people])
            ids = Resident.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
            for person, pk in zip(people, ids, strict=True):
                person.pk = pk
            tagged = [
                Resident.tags.through(resident_id=r.pk, specialgroup_id=tag.pk)
                for family in families
                for r in family
                for tag in self.tags_for(r, len(family))
            ]
            Resident.tags.through.objects.bulk_create(tagged, batch_size=5000)
            self.build_party_households(created, families)
        if "household" not in self.first:
            # The demo resident lives next door to the building head (the first household
            # is the head's own, a party-member household), not in the same flat.
            self.first["household"] = created[1] if len(created) > 1 else created[0]

    def build_party_households(
        self, households: list[Household], families: list[list[Person]]
    ) -> None:
        """Make one household in limit + 1 of each micro-grid a party-member household."""
        members: list[PartyMember] = []
        centrals: list[PartyHousehold] = []
        links: list[tuple[int, Household]] = []  # (index into centrals, household)
        cursor = self.party
        carried = cursor.central  # a chain begun in an earlier chunk, already saved
        for household, family in zip(households, families, strict=True):
            new_micro = household.micro_grid_id != cursor.micro_id
            if new_micro or cursor.linked >= self.limit:
                head = family[0]
                member = PartyMember(org=self.groups[household.micro_grid_id], resident_id=head.pk)  # type: ignore[index]
                members.append(member)
                central = PartyHousehold(household=household, member=member)
                centrals.append(central)
                cursor.micro_id, cursor.central, cursor.linked = household.micro_grid_id, central, 0
                self.leader_names.setdefault(household.micro_grid_id, head.name)  # type: ignore[arg-type]
            else:
                links.append((id(cursor.central), household))
                cursor.linked += 1
        PartyMember.objects.bulk_create(members, batch_size=5000)
        for central in centrals:
            central.member_id = central.member.pk
        PartyHousehold.objects.bulk_create(centrals, batch_size=5000)
        by_obj = {id(c): c for c in centrals}
        if carried is not None:
            by_obj[id(carried)] = carried
        PartyHouseholdLink.objects.bulk_create(
            [PartyHouseholdLink(party_household=by_obj[key], household=h) for key, h in links],
            batch_size=5000,
        )

    def tags_for(self, resident: Person, family_size: int) -> list[SpecialGroup]:
        rng, tags = self.rng, self.tags
        age = (TODAY - resident.birth_date).days // 365 if resident.birth_date else 0
        chosen = []
        if age >= 70 and family_size == 1 and "elderly_alone" in tags:
            chosen.append(tags["elderly_alone"])
        elif age >= 65 and family_size == 2 and rng.random() < 0.3 and "empty_nest" in tags:
            chosen.append(tags["empty_nest"])
        if rng.random() < 0.012 and "disabled" in tags:
            chosen.append(tags["disabled"])
        if rng.random() < 0.01 and "hardship" in tags:
            chosen.append(tags["hardship"])
        if (
            45 <= age <= 75
            and resident.sex == Sex.MALE
            and rng.random() < 0.02
            and "veteran" in tags
        ):
            chosen.append(tags["veteran"])
        return chosen

    def family(self, household: Household) -> list[Person]:
        rng = self.rng
        head_sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        surname = self.names.surname()
        head_age = rng.randint(28, 88)
        people = [(self.names.full(head_sex, surname), head_sex, head_age, Relation.HEAD)]
        size = rng.choices([1, 2, 3, 4, 5], [15, 30, 30, 18, 7])[0]
        if size >= 2:
            sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
            spouse_age = max(20, head_age + rng.randint(-5, 5))
            people.append((self.names.full(sex), sex, spouse_age, Relation.SPOUSE))
        for _ in range(size - 2):
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            if head_age > 45 and rng.random() < 0.5:
                age, relation = head_age - rng.randint(22, 35), Relation.CHILD
            elif head_age < 60:
                age, relation = max(0, head_age - rng.randint(24, 38)), Relation.CHILD
            else:
                age, relation = max(0, head_age - rng.randint(45, 60)), Relation.GRANDCHILD
            people.append((self.names.full(sex, surname), sex, age, relation))
        residents = []
        for name, sex, age, relation in people:
            born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
            phone = self.phone() if age >= 16 else ""
            number = self.id_number(born, sex)
            residents.append(
                Person(
                    household.pk,
                    name,
                    sex,
                    born,
                    phone,
                    relation,
                    pinyin_initials(name)[:20],
                    phone[-4:],
                    pii.encrypt(number),
                    pii.blind_index(number),
                    pii.mask_id_number(number),
                )
            )
        return residents

    def id_number(self, born: date, sex: str) -> str:
        """A valid (checksummed) but fictional resident ID number."""
        sequence = self.rng.randrange(0, 999)
        if sequence % 2 != (1 if sex == Sex.MALE else 0):
            sequence = (sequence + 1) % 1000
        first17 = f"{self.rng.choice(REGION_CODES)}{born:%Y%m%d}{sequence:03d}"
        return first17 + pii.id_number_check_char(first17)

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
            for i, (user, role, area) in enumerate(staff):
                user.username = f"{'gw' if role == Role.GRID_WORKER else 'bh'}{i + 1:06d}"
                user.set_unusable_password()
                if role == Role.BUILDING_HEAD and area.pk in self.leader_names:
                    # The micro-grid leader is a party member living in the building.
                    user.full_name = self.leader_names[area.pk]
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
            department = Department.objects.order_by("code").filter(code="public_security").first()
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
                assignment = RoleAssignment(user=user, role=role)
                if place == "household":
                    assignment.household, assignment.area = household, household.micro_grid
                else:
                    assignment.area = self.first[place]  # type: ignore[assignment]
                if role == Role.LIAISON:
                    assignment.department = department
                if role in (Role.PROPERTY_COMPANY, Role.OWNERS_COMMITTEE):
                    assignment.compound = self.first["compound"]  # type: ignore[assignment]
                assignment.save()
                if role == Role.MEDIATOR:
                    mediator = user
            # Each community's mediation teams; the demo mediator is in the first one.
            for community in Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path"):
                for index, name in enumerate(WORDS["mediation_teams"]):
                    team = Team.objects.create(community=community, name=name)
                    if community == self.first["community"] and index == 0:
                        team.members.add(mediator)


def build_demo(
    *, households: int, seed: int, progress: Callable[[str], None] = print, cases: bool = True
) -> dict[str, int]:
    """`cases=False` leaves out the demo cases (the tests' small world makes its own)."""
    from linli.triage.models import SubCategory, TaxonomyCategory
    from linli.triage.services import taxonomy_install_defaults

    # Migrations put the shipped taxonomy in; a flushed database (a reset) has lost it.
    taxonomy_install_defaults(TaxonomyCategory, SubCategory)
    builder = DemoBuilder(households=households, seed=seed, progress=progress)
    builder.with_cases = cases
    return builder.build()
