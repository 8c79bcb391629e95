"""Open311 GeoReport v2, as a standard client sees it: every endpoint in XML and JSON, shaped
like the specification's examples, a request round-tripped, and bad input answered with
the standard error form."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.cases.models import Case, Source, State
from linli.open311.models import Client
from linli.open311.services import open311_client_create
from linli.places.models import Area, AreaKind, Building

BASE = "/open311/v2"
# The fields of each object in the specification's examples (GeoReport v2 wiki).
SERVICE = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
W3C = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$"


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 — our own answer


def children(element: ET.Element) -> set[str]:
    return {child.tag for child in element}


@pytest.fixture
def key(world) -> str:
    _client, key = open311_client_create(name="街道城市大脑")
    return key


def a_building() -> Building:
    return Building.objects.filter(latitude__isnull=False, micro_grid__isnull=False).first()


def post(client, key, fmt="json", language="zh-hans", **fields):
    building = a_building()
    data = {
        "api_key": key,
        "service_code": "street_light",
        "lat": str(building.latitude),
        "long": str(building.longitude),
        "description": "东门外的路灯一到晚上就不亮，走路看不见",
        **fields,
    }
    return client.post(
        f"{BASE}/requests.{fmt}",
        {k: v for k, v in data.items() if v is not None},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_discovery_names_the_specification_and_both_formats(client, world):
    answer = client.get(f"{BASE}/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(answer)
    endpoint = answer["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    formats = root.find("endpoints/endpoint/formats")
    assert [f.text for f in formats.findall("format")] == ["text/xml", "application/json"]


def test_services_are_linli_categories_and_sub_categories_in_both_formats(client, world):
    services = client.get(f"{BASE}/services.json").json()
    codes = [s["service_code"] for s in services]
    assert {"facility", "environment", "indoor_leak", "street_light"} <= set(codes)
    assert all(set(s) == SERVICE for s in services)
    leak = next(s for s in services if s["service_code"] == "indoor_leak")
    assert leak["metadata"] is True and leak["type"] == "realtime" and leak["group"] == "设施维修"
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and len(root.findall("service")) == len(services)
    assert all(children(s) == SERVICE for s in root.findall("service"))
    leak_xml = next(s for s in root if s.findtext("service_code") == "indoor_leak")
    assert leak_xml.findtext("metadata") == "true"


def test_a_service_definition_gives_the_questions_with_standard_data_types(client, world):
    definition = client.get(f"{BASE}/services/indoor_leak.json").json()
    assert definition["service_code"] == "indoor_leak"
    room = definition["attributes"][0]
    assert set(room) == ATTRIBUTE
    assert (room["code"], room["datatype"], room["required"], room["order"]) == (
        "room",
        "singlevaluelist",
        True,
        1,
    )
    assert {"key": "kitchen", "name": "厨房"} in room["values"]
    root = xml(client.get(f"{BASE}/services/indoor_leak.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert children(attribute) == ATTRIBUTE
    assert attribute.find("values/value/key").text == "kitchen"
    english = client.get(f"{BASE}/services/indoor_leak.json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["attributes"][0]["description"] == "Room where water comes in"


def test_a_request_round_trips_from_post_to_token_to_id_to_get(client, key):
    posted = post(client, key, fmt="xml")
    assert posted.status_code == 201
    request = xml(posted).find("request")
    token, request_id = request.findtext("token"), request.findtext("service_request_id")
    assert token and request_id

    found = client.get(f"{BASE}/tokens/{token}.json").json()
    assert found == [{"service_request_id": request_id, "token": token}]
    assert xml(client.get(f"{BASE}/tokens/{token}.xml")).findtext("request/token") == token

    [view] = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert set(view) == REQUEST
    assert (view["status"], view["service_code"], view["service_name"]) == (
        "open",
        "street_light",
        "路灯楼道灯",
    )
    assert view["requested_datetime"].endswith("+08:00") and view["expected_datetime"]

    assert re.match(W3C, view["updated_datetime"])
    root = xml(client.get(f"{BASE}/requests/{request_id}.xml"))
    assert root.tag == "service_requests" and children(root.find("request")) == REQUEST

    case = Case.objects.get(pk=int(request_id))
    assert case.source == Source.OPEN311 and case.state == State.REPORTED
    assert (
        case.proposal["category"] == "facility" and case.proposal["subcategory"] == "street_light"
    )
    assert case.deadline is not None and case.subcategory.code == "street_light"


def test_a_post_with_answers_keeps_them_on_the_case(client, key):
    building = a_building()
    posted = post(
        client,
        key,
        service_code="indoor_leak",
        lat=None,
        long=None,
        address_id=str(building.pk),
        description="楼上漏水，厨房顶上在滴水",
        **{"attribute[room]": "kitchen", "attribute[ongoing]": "yes"},
    )
    assert posted.status_code == 201, posted.content
    case = Case.objects.get(pk=int(posted.json()[0]["service_request_id"]))
    assert case.attributes == {"room": "kitchen", "ongoing": "yes"}
    assert case.building == building
    assert ("漏水的房间", "厨房") in case.attribute_rows()


def test_a_double_submit_gives_the_same_request(client, key):
    first = post(client, key).json()[0]
    second = post(client, key).json()[0]
    assert first["service_request_id"] == second["service_request_id"]
    assert Case.objects.filter(source=Source.OPEN311).count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_or_missing_key_gets_403_in_the_standard_form(client, key, fmt):
    for wrong in ("not-a-key", ""):
        response = post(client, wrong, fmt=fmt)
        assert response.status_code == 403
        if fmt == "json":
            [problem] = response.json()
            assert problem["code"] == 403 and "api_key" in problem["description"]
        else:
            root = xml(response)
            assert root.tag == "errors" and root.findtext("error/code") == "403"
    Client.objects.update(active=False)
    assert post(client, key).status_code == 403
    assert not Case.objects.filter(source=Source.OPEN311).exists()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"service_code": "pothole"}, "service_code"),
        ({"lat": None, "long": None}, "location"),
        ({"lat": "北纬31度"}, "lat"),
        ({"long": "181"}, "long"),
        ({"lat": "nan"}, "lat"),
        ({"description": "漏" * 4001}, "4000"),
        ({"description": "<script>alert(1)</script>路灯坏了"}, "HTML"),
        ({"service_code": "indoor_leak"}, "attribute[room]"),
        ({"service_code": "indoor_leak", "attribute[room]": "garage"}, "kitchen"),
        ({"address_id": "99999999", "lat": None, "long": None}, "address_id"),
        ({"lat": "0", "long": "0"}, "grid"),
    ],
)
def test_bad_input_gets_the_standard_400_and_makes_no_case(client, key, fields, words):
    for fmt in ("json", "xml"):
        response = post(client, key, fmt=fmt, language="en", **fields)
        assert response.status_code == 400
        if fmt == "json":
            [problem] = response.json()
            assert problem["code"] == 400 and words in problem["description"]
        else:
            assert xml(response).findtext("error/code") == "400"
    assert not Case.objects.filter(source=Source.OPEN311).exists()


def test_unknown_things_get_404_in_the_standard_form(client, world):
    for path in (
        "services/pothole.json",
        "requests/99999999.json",
        "tokens/nope.json",
        "services.json?jurisdiction_id=424242",
    ):
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 404, path
        assert response.json()[0]["code"] == 404
    assert xml(client.get(f"{BASE}/requests/abc.xml")).findtext("error/code") == "404"


def test_the_list_never_shows_who_reported_or_where_they_live(client, key):
    posted = post(
        client,
        key,
        description="路灯不亮，有事打我电话13812345678，我住5-2-301",
        first_name="建国",
        last_name="王",
        phone="13812345678",
        email="wang@example.com",
    ).json()[0]
    from linli.cases.services import case_report

    home = world_home()
    private = case_report(
        by=home["resident"],
        description="楼下邻居天天吵架，我受不了了",
        household=home["household"],
    )
    body = client.get(f"{BASE}/requests.json").content.decode()
    assert posted["service_request_id"] in body
    for personal in ("13812345678", "5-2-301", "建国", "wang@example.com"):
        assert personal not in body
    assert f'"service_request_id": "{private.pk}"' not in body  # a home's quarrel stays home
    assert client.get(f"{BASE}/requests/{private.pk}.json").status_code == 404


def world_home():
    from linli.accounts.models import Role, RoleAssignment

    assignment = RoleAssignment.objects.filter(role=Role.RESIDENT).select_related("user").first()
    return {"resident": assignment.user, "household": assignment.household}


def test_states_map_to_open_and_closed_with_the_handling_unit_and_deadline(client, key, world):
    from linli.cases.services import case_dispatch, case_triage

    request_id = post(client, key).json()[0]["service_request_id"]
    case = Case.objects.get(pk=int(request_id))
    case_triage(
        case=case,
        by=world.gridworker,
        category="facility",
        route="joint",
        timeframe="deadline",
        risk=False,
    )
    from linli.cases.models import Team

    team = Team.objects.filter(community_id=case.community_id).first()
    case_dispatch(case=case, by=world.gridworker, team=team)
    [view] = client.get(f"{BASE}/requests/{request_id}.json?extensions=true").json()
    assert view["status"] == "open" and view["agency_responsible"] == str(team)
    case.refresh_from_db()
    assert view["expected_datetime"] == timezone.localtime(case.deadline).isoformat(
        timespec="seconds"
    )
    extra = view["extended_attributes"]
    assert extra["linli_state"] == "dispatched" and extra["level"] == case.level
    Case.objects.filter(pk=case.pk).update(state=State.CLOSED, close_reason="satisfied")
    [closed] = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert closed["status"] == "closed" and "extended_attributes" not in closed
    assert client.get(f"{BASE}/requests.json?status=closed").json()[0]["service_request_id"] == (
        request_id
    )
    assert client.get(f"{BASE}/requests.json?status=open").json() == []


def test_the_list_honours_the_date_window_codes_and_paging(client, key):
    ids = [
        post(client, key, description=f"第{n}盏路灯不亮了").json()[0]["service_request_id"]
        for n in range(3)
    ]
    old = Case.objects.get(pk=int(ids[0]))
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert listed == [ids[2], ids[1]]  # newest first; older than 90 days only when asked
    start = (timezone.now() - timedelta(days=150)).isoformat(timespec="seconds")
    end = (timezone.now() - timedelta(days=100)).isoformat(timespec="seconds")
    window = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in window] == [ids[0]]
    assert client.get(f"{BASE}/requests.json?service_code=garbage").json() == []
    facility = client.get(f"{BASE}/requests.json?service_code=facility,street_light").json()
    assert len(facility) == 2
    page = client.get(f"{BASE}/requests.json?page=2&page_size=1").json()
    assert [r["service_request_id"] for r in page] == [ids[1]]
    several = client.get(f"{BASE}/requests.json?service_request_id={ids[0]},{ids[2]}").json()
    assert {r["service_request_id"] for r in several} == {ids[0], ids[2]}
    too_wide = client.get(
        f"{BASE}/requests.json",
        {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
    )
    assert too_wide.status_code == 400 and "90" in too_wide.json()[0]["description"]
    for bad in ("status=maybe", "start_date=yesterday", "page=0", "page_size=5000"):
        assert client.get(f"{BASE}/requests.json?{bad}").status_code == 400, bad


def test_a_client_limited_to_a_community_cannot_report_elsewhere(client, world):
    building = a_building()
    other = Area.objects.filter(kind=AreaKind.COMMUNITY).exclude(pk=building.community_id).first()
    if other is None:
        other = (
            Area.objects.filter(kind=AreaKind.GRID)
            .exclude(pk=building.micro_grid.parent_id)
            .first()
        )
    _client, key = open311_client_create(name="别的社区小程序", area=other)
    response = post(client, key)
    assert response.status_code == 400
    assert response.json()[0]["description"] == "这个位置不在该客户端可上报的范围内。"


def test_the_command_prints_a_working_key_on_its_last_line(client, world):
    out = io.StringIO()
    call_command("open311_client", "城市运行中心", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert post(client, key).status_code == 201
    assert Client.objects.get(name="城市运行中心").key_hash != key  # only a hash is kept


def test_an_administrator_issues_a_key_in_the_admin_and_sees_it_once(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/admin/open311/client/add/", {"name": "区网格中心", "active": "on"}, follow=True
    )

    shown = " ".join(str(m) for m in response.context["messages"])
    [key] = re.findall(r"[A-Za-z0-9_\-]{32}", shown)  # shown once, in the message
    assert "key_hash" not in response.content.decode()
    client.logout()
    assert post(client, key).status_code == 201


def test_json_answers_are_utf8_and_lists_where_the_standard_has_lists(client, key):
    post(client, key)
    for path in ("services.json", "requests.json"):
        response = client.get(f"{BASE}/{path}")
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert isinstance(json.loads(response.content.decode("utf-8")), list)
    assert client.get(f"{BASE}/services.csv").status_code == 400
    assert client.delete(f"{BASE}/services.json").status_code == 405


def test_an_address_string_outside_the_clients_micro_grid_is_refused(client, world):
    from linli.cases.tests.test_hotline import a_household_address, community_of

    home, address = a_household_address(community_of(world))
    elsewhere = (
        Area.objects.filter(kind=AreaKind.MICROGRID, path__startswith=community_of(world).path)
        .exclude(pk=home.micro_grid_id)
        .first()
    )
    _client, key = open311_client_create(name="一个网格的小程序", area=elsewhere)
    response = post(client, key, lat=None, long=None, address_string=address)
    assert response.status_code == 400
    assert response.json()[0]["description"] == "这个地址不在该客户端可上报的范围内。"
    _client, anywhere = open311_client_create(name="全区小程序")
    assert post(client, anywhere, lat=None, long=None, address_string=address).status_code == 201
