import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from linli.accounts.models import Role, RoleAssignment, User
from linli.demo.builder import DEMO_ACCOUNTS, build_demo, grid_sizes
from linli.party.models import (
    OrgKind,
    PartyHousehold,
    PartyHouseholdLink,
    PartyMember,
    PartyOrg,
)
from linli.places.models import Area, AreaKind, Building, Compound, Household, Resident


def snapshot() -> list[tuple]:
    return list(
        Resident.objects.order_by("id").values_list(
            "name", "sex", "birth_date", "phone", "household__room"
        )
    )


def clear() -> None:
    """Empty the demo inside the test's transaction (TRUNCATE cannot run there on PostgreSQL)."""
    from linli.cases.models import Case, Team

    Case.objects.update(merged_into=None)
    Case.objects.all().delete()
    Team.objects.all().delete()
    PartyHouseholdLink.objects.all().delete()
    PartyHousehold.objects.all().delete()
    PartyMember.objects.all().delete()
    for kind in (OrgKind.GROUP, OrgKind.BRANCH, OrgKind.COMMITTEE):
        PartyOrg.objects.filter(kind=kind).delete()
    RoleAssignment.objects.all().delete()
    User.objects.all().delete()
    Resident.objects.all().delete()
    Household.objects.all().delete()
    Building.objects.all().delete()
    Compound.objects.all().delete()
    for kind in reversed(AreaKind.values):
        Area.objects.filter(kind=kind).delete()


def test_the_demo_has_the_shape_the_spec_describes(db):
    build_demo(households=2400, seed=1, progress=lambda _m: None)
    kinds = Counter(Area.objects.values_list("kind", flat=True))
    assert kinds[AreaKind.DISTRICT] == 1
    assert kinds[AreaKind.SUBDISTRICT] == 2
    assert kinds[AreaKind.COMMUNITY] == 4
    assert Household.objects.count() == 2400
    for grid in Area.objects.filter(kind=AreaKind.GRID):
        assert 150 <= Household.objects.filter(micro_grid__parent=grid).count() <= 300
    # One micro-grid per building, and every household sits in its building's micro-grid.
    assert Building.objects.values("micro_grid").distinct().count() == Building.objects.count()
    assert not Household.objects.filter(micro_grid__isnull=True).exists()
    assert Household.objects.exclude(micro_grid=F("building__micro_grid")).count() == 0
    assert not Household.objects.filter(residents__isnull=True).exists()


def test_every_grid_has_a_worker_and_every_micro_grid_a_leader(db):
    build_demo(households=800, seed=3, progress=lambda _m: None)
    for kind, role in [(AreaKind.GRID, Role.GRID_WORKER), (AreaKind.MICROGRID, Role.BUILDING_HEAD)]:
        areas = Area.objects.filter(kind=kind)
        covered = RoleAssignment.objects.filter(role=role, area__in=areas).values("area").distinct()
        assert covered.count() == areas.count()


def test_there_is_a_demo_account_for_every_role(db):
    build_demo(households=400, seed=3, progress=lambda _m: None)
    roles = {role for _u, role, _p in DEMO_ACCOUNTS}
    assert roles == set(Role.values)
    for username, _role, _place in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password("linli-demo-2026")
        assert user.full_name


def test_the_same_seed_gives_the_same_community(db):
    build_demo(households=500, seed=42, progress=lambda _m: None)
    first = snapshot()
    names = list(Area.objects.order_by("id").values_list("name", flat=True))
    clear()
    build_demo(households=500, seed=42, progress=lambda _m: None)
    assert snapshot() == first
    assert list(Area.objects.order_by("id").values_list("name", flat=True)) == names


def test_a_different_seed_gives_a_different_community(db):
    build_demo(households=500, seed=1, progress=lambda _m: None)
    first = snapshot()
    clear()
    build_demo(households=500, seed=2, progress=lambda _m: None)
    assert snapshot() != first


def test_the_demo_command_refuses_to_load_twice(db):
    call_command("demo", households=40, verbosity=0)
    with pytest.raises(CommandError, match="flush"):
        call_command("demo", households=40, verbosity=0)
    call_command("demo", households=40, if_empty=True, verbosity=0)  # no error, nothing added
    assert Household.objects.count() == 40


@pytest.mark.parametrize("total", [150, 299, 301, 451, 1000, 12345, 250_000])
def test_grids_hold_150_to_300_households(total):
    sizes = grid_sizes(total, random.Random(total))
    assert sum(sizes) == total
    assert all(150 <= s <= 300 for s in sizes)
