import json
from io import StringIO

from django.core.management import call_command

from linli.accounts.models import Role, RoleAssignment
from linli.party.models import PartyHousehold, PartyHouseholdLink
from linli.places.models import Household


def coverage_json(*args: str) -> dict:
    out = StringIO()
    call_command("coverage", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_community_has_no_gaps(world):
    report = coverage_json()
    assert report["total"] == 0
    assert (
        set(report["gaps"])
        == set(report["totals"])
        == {
            "households_without_micro_grid",
            "micro_grids_without_leader",
            "grids_without_worker",
            "households_without_party_household",
            "party_households_over_limit",
        }
    )
    assert all(rows == [] for rows in report["gaps"].values())


def test_deleting_a_micro_grid_leader_makes_the_gap_appear(world):
    leader = RoleAssignment.objects.get(user=world.buildinghead, role=Role.BUILDING_HEAD)
    micro = leader.area
    leader.delete()
    report = coverage_json()
    assert report["totals"]["micro_grids_without_leader"] == 1
    assert report["gaps"]["micro_grids_without_leader"][0]["id"] == micro.pk
    assert micro.name in report["gaps"]["micro_grids_without_leader"][0]["label"]
    assert report["total"] == 1


def test_each_kind_of_gap_is_found(world, settings):
    RoleAssignment.objects.filter(user=world.gridworker).delete()
    loose = Household.objects.filter(party_link__isnull=False).first()
    PartyHouseholdLink.objects.filter(household=loose).delete()
    orphan = Household.objects.exclude(pk=loose.pk).filter(party_household__isnull=True).first()
    Household.objects.filter(pk=orphan.pk).update(micro_grid=None)
    settings.PARTY_HOUSEHOLD_LIMIT = 3
    report = coverage_json()
    totals = report["totals"]
    assert totals["grids_without_worker"] == 1
    assert totals["households_without_micro_grid"] == 1
    assert [row["id"] for row in report["gaps"]["households_without_party_household"]] == [loose.pk]
    over = PartyHousehold.objects.filter(links__isnull=False).distinct()
    assert totals["party_households_over_limit"] == sum(1 for p in over if p.links.count() > 3) > 0


def test_the_coverage_page_shows_gaps_within_the_users_scope(client, world):
    RoleAssignment.objects.filter(user=world.buildinghead).delete()
    client.force_login(world.gridworker)  # the leader's micro-grid is in the first grid
    page = client.get("/places/coverage/")
    assert page.status_code == 200
    gaps = {g["kind"]: g["total"] for g in page.context["gaps"]}
    assert gaps["micro_grids_without_leader"] == 1
    client.force_login(world.subdistrict)
    other = [s for s in RoleAssignment.objects.filter(role=Role.SUBDISTRICT_STAFF)]
    assert other  # the first subdistrict contains the first grid
    assert {g["kind"]: g["total"] for g in client.get("/places/coverage/").context["gaps"]}[
        "micro_grids_without_leader"
    ] == 1


def test_roles_without_a_place_archive_cannot_open_the_coverage_page(client, world):
    for persona in (world.resident, world.mediator, world.buildinghead):
        client.force_login(persona)
        assert client.get("/places/coverage/").status_code == 403
        assert client.get("/api/v1/coverage").status_code == 403
