import re

from openapi_spec_validator import validate


def test_openapi_json_is_valid_openapi(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    assert "/api/v1/households" in spec["paths"]


def test_the_interactive_docs_load_their_assets_from_this_server(client, world):
    client.force_login(world.community)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in a for a in assets)
    assert all(not a.startswith(("http://", "https://", "//")) for a in assets), assets
    bundle = next(a for a in assets if "swagger-ui-bundle" in a)
    assert client.get(bundle).status_code == 200


def test_validation_errors_name_the_field_in_chinese(client, world):
    client.force_login(world.community)
    response = client.post("/api/v1/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "部分字段填写有误。"
    assert body["fields"] == {"name": ["此项太短。"]}


def test_a_missing_body_field_is_reported_as_required(client, world):
    client.force_login(world.community)
    response = client.post("/api/v1/tokens", {}, content_type="application/json")
    assert response.json()["fields"] == {"name": ["此项必填。"]}


def test_a_machine_client_may_ask_for_english_messages(client, db):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["message"] == "Please log in or send an API token."


def test_not_found_has_the_error_shape(client, world):
    client.force_login(world.gridworker)
    response = client.get("/api/v1/households/999999999")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "未找到，或不在您负责的区域内。",
        "fields": {},
    }


def test_the_browser_session_must_send_the_csrf_token_for_writes(world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.community)
    response = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_lists_are_paginated_with_count_and_page(client, world):
    client.force_login(world.gridworker)
    body = client.get("/api/v1/households?page=2&page_size=7").json()
    assert set(body) == {"items", "count", "page", "page_size"}
    assert body["page"] == 2 and body["page_size"] == 7
    assert len(body["items"]) == 7
    assert body["count"] > 14


def test_page_size_over_the_limit_is_refused(client, world):
    client.force_login(world.gridworker)
    response = client.get("/api/v1/households?page_size=5000")
    assert response.status_code == 422
    assert "page_size" in response.json()["fields"]


def test_a_report_with_an_invisible_nul_pasted_in_is_refused_naming_the_field(client, world):
    """Text pasted from some apps carries U+0000, which PostgreSQL cannot store: the grid
    worker's report came back as a server error. Now the field is named, in Chinese, and
    nothing is written — on SQLite (which would have stored it) as on PostgreSQL."""
    from linli.cases.models import Case
    from linli.places.models import Household

    client.force_login(world.gridworker)
    household = Household.objects.visible_to(world.gridworker).first()
    before = Case.objects.count()
    body = {"description": "楼上漏水\x00到我家", "source": "patrol", "household_id": household.pk}
    response = client.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "invalid" and "看不见的空字符" in answer["fields"]["description"][0]
    assert Case.objects.count() == before
    listed = client.get("/api/v1/cases", {"q": "漏水\x00"})
    assert listed.status_code == 422 and "q" in listed.json()["fields"]
    assert (
        client.post(
            "/api/v1/cases",
            {**body, "description": "楼上漏水到我家"},
            content_type="application/json",
        ).status_code
        == 201
    )


def test_an_open311_request_with_a_nul_character_gets_the_standards_error(client, world):
    from linli.open311.services import open311_client_create

    _client, key = open311_client_create(name="街道城市大脑")
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "street_light", "description": "路灯\x00不亮"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    [problem] = response.json()
    assert problem["code"] == 400 and problem["description"].startswith("description:")
    assert "看不见的空字符" in problem["description"]
