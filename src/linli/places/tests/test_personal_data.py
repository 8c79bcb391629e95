"""PIPL: masked by default, full values only for roles that need them, every look recorded,
ID numbers unreadable in the database file yet findable by exact lookup."""

import pytest
from django.db import connection

from linli.accounts.models import PersonalDataAccess, RoleAssignment
from linli.lib import pii
from linli.places.models import Household, Resident
from linli.places.services import resident_create, resident_find_by_id_number

ID_NUMBER = "110101195603081226"


@pytest.fixture
def zhang(world):
    household = RoleAssignment.objects.get(user=world.buildinghead).area.households.first()
    return resident_create(
        household=household,
        name="张梅英",
        sex="f",
        relation="other",
        phone="13812345678",
        id_number=ID_NUMBER,
    )


def test_masks_show_only_the_ends():
    assert pii.mask_id_number("410381199001011234") == "4103**********1234"
    assert pii.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110101195603081226", None),
        ("110101195603081227", "checksum"),
        ("11010119560308122", "format"),
        ("110101195613081226", "birth_date"),
        ("11010119560308122x", "checksum"),
    ],
)
def test_id_numbers_are_checked_by_gb11643(number, problem):
    assert pii.id_number_problem(number) == problem


def test_the_database_never_holds_the_id_number_in_clear(zhang):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM places_resident WHERE id = %s", [zhang.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert ID_NUMBER not in row
    assert "1101**********1226" in row  # the masked form is what lists show
    assert pii.decrypt(zhang.id_number_encrypted) == ID_NUMBER


def test_exact_lookup_by_id_number_works_within_scope(zhang, world):
    assert resident_find_by_id_number(user=world.buildinghead, number=ID_NUMBER) == zhang
    assert (
        resident_find_by_id_number(user=world.buildinghead, number=ID_NUMBER.lower()[:-1] + "6")
        == zhang
    )
    assert resident_find_by_id_number(user=world.mediator, number=ID_NUMBER) is None


def test_pages_and_api_show_masked_values(client, zhang, world):
    client.force_login(world.gridworker)
    page = client.get(f"/places/households/{zhang.household_id}/").content.decode()
    assert "138****5678" in page and "1101**********1226" in page
    assert "13812345678" not in page and ID_NUMBER not in page
    body = client.get(f"/api/v1/residents/{zhang.pk}").json()
    assert body["phone_masked"] == "138****5678"
    assert body["id_number_masked"] == "1101**********1226"
    assert ID_NUMBER not in str(body) and "13812345678" not in str(body)


def test_a_grid_worker_reveals_an_id_number_with_a_reason_and_the_look_is_recorded(
    client, zhang, world
):
    client.force_login(world.gridworker)
    response = client.post(
        f"/places/residents/{zhang.pk}/reveal/",
        {"field": "id_number", "reason": "办理高龄补贴"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    look = PersonalDataAccess.objects.get()
    assert (look.user, look.resident, look.field, look.reason) == (
        world.gridworker,
        zhang,
        "id_number",
        "办理高龄补贴",
    )
    assert "张梅英" in look.subject


def test_a_reveal_without_a_reason_shows_nothing_and_records_nothing(client, zhang, world):
    client.force_login(world.gridworker)
    response = client.post(
        f"/places/residents/{zhang.pk}/reveal/", {"field": "phone", "reason": " "}
    )
    assert response.status_code == 400
    assert "13812345678" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_a_building_head_may_see_a_phone_but_not_an_id_number(client, zhang, world):
    client.force_login(world.buildinghead)
    ok = client.post(
        f"/api/v1/residents/{zhang.pk}/reveal",
        {"field": "phone", "reason": "通知停水"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["value"] == "13812345678"
    refused = client.post(
        f"/api/v1/residents/{zhang.pk}/reveal",
        {"field": "id_number", "reason": "好奇"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert PersonalDataAccess.objects.count() == 1


def test_a_resident_cannot_reveal_even_their_own_household(client, world):
    household = Household.objects.get(
        pk=RoleAssignment.objects.get(user=world.resident).household_id
    )
    member = household.residents.first()
    client.force_login(world.resident)
    response = client.post(
        f"/api/v1/residents/{member.pk}/reveal",
        {"field": "phone", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_community_staff_audit_every_look_in_their_community(client, zhang, world):
    client.force_login(world.gridworker)
    client.post(
        f"/api/v1/residents/{zhang.pk}/reveal",
        {"field": "phone", "reason": "联系核实独居情况"},
        content_type="application/json",
    )
    client.force_login(world.community)
    page = client.get("/account/audit/").content.decode()
    assert "联系核实独居情况" in page and str(world.gridworker) in page
    client.force_login(world.buildinghead)  # sees only their own looks, and has no audit page
    assert client.get("/account/audit/").status_code == 403
    assert client.get("/api/v1/data-access").json()["count"] == 0


def test_a_second_resident_with_the_same_id_number_is_refused(client, zhang, world):
    client.force_login(world.gridworker)
    response = client.post(
        "/api/v1/residents",
        {
            "household_id": zhang.household_id,
            "name": "张美英",
            "sex": "f",
            "relation": "other",
            "id_number": ID_NUMBER,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["id_number"] == ["已有居民登记了这个身份证号。"]
    assert Resident.objects.filter(name="张美英").count() == 0


def test_clearing_a_required_field_through_the_api_is_refused_and_changes_nothing(
    client, zhang, world
):
    """Found by the schemathesis fuzz: an explicit null used to reach the database."""
    client.force_login(world.community)
    for body in ({"name": None}, {"sex": None}, {"name": "   "}):
        response = client.patch(
            f"/api/v1/residents/{zhang.pk}", body, content_type="application/json"
        )
        assert response.status_code == 400, body
        assert list(response.json()["fields"]) == list(body)
    zhang.refresh_from_db()
    assert (zhang.name, zhang.sex) == ("张梅英", "f")
    cleared = client.patch(
        f"/api/v1/residents/{zhang.pk}", {"phone": None}, content_type="application/json"
    )
    assert cleared.status_code == 200


def test_an_id_number_typed_in_full_width_digits_is_read_as_the_same_number():
    number = "11010519491231002X"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number.lower())
    assert pii.normalize_id_number(full_width) == number
    assert pii.id_number_problem(full_width) is None
    assert pii.id_number_problem("１１０１０５１９４９１２３１００２１") == "checksum"
    with pytest.raises(ValueError):
        pii.id_number_check_char("1101051949123100")


def test_id_numbers_are_checked_against_today_even_in_the_first_minute_after_boot(monkeypatch):
    # time.monotonic() counts from boot: a freshly started machine must not take
    # "no date asked yet" for "today is the earliest date" and refuse every birth date.
    monkeypatch.setattr(pii, "_today_cache", pii._NOT_ASKED)  # as at import
    monkeypatch.setattr(pii.time, "monotonic", lambda: 5.0)
    assert pii.id_number_problem("11010519491231002X") is None
