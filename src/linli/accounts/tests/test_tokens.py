from django.urls import reverse

from linli.accounts.models import ApiToken, token_digest


def create_token_in_ui(client, user, name="统计脚本"):
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": name})
    assert response.status_code == 200
    return response.context["new_key"]


def test_a_token_created_in_the_ui_authenticates_an_api_call(client, world):
    key = create_token_in_ui(client, world.gridworker)
    client.logout()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "gridworker"
    assert [r["role"] for r in response.json()["roles"]] == ["grid_worker"]


def test_it_stores_only_a_hash_of_the_token(client, world):
    key = create_token_in_ui(client, world.community)
    token = ApiToken.objects.get(user=world.community)
    assert token.digest == token_digest(key)
    assert key not in (token.digest, token.hint, token.name)
    # The key is shown once: the page does not show it again.
    assert key not in client.get(reverse("accounts:tokens")).content.decode()


def test_it_rejects_a_bad_token_with_the_error_shape_and_401(client, world):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer linli_not-a-real-token")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "unauthenticated"
    assert body["message"] == "API 令牌无效或已被撤销。"


def test_it_rejects_a_revoked_token(client, world):
    key = create_token_in_ui(client, world.resident)
    token = ApiToken.objects.get(user=world.resident)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_revoking_twice_keeps_the_first_revocation_time(client, world):
    create_token_in_ui(client, world.resident)
    token = ApiToken.objects.get(user=world.resident)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_a_user_cannot_revoke_or_see_another_users_token(client, world):
    create_token_in_ui(client, world.community, name="社区的令牌")
    token = ApiToken.objects.get(user=world.community)
    client.force_login(world.gridworker)
    assert "社区的令牌" not in client.get(reverse("accounts:tokens")).content.decode()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_an_empty_token_name_is_refused_with_a_message(client, world):
    client.force_login(world.gridworker)
    response = client.post(reverse("accounts:tokens"), {"name": "  "})
    assert response.context["new_key"] is None
    assert "此项必填" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_api_token_endpoints_create_list_and_revoke(client, world):
    client.force_login(world.mediator)
    created = client.post(
        "/api/v1/tokens", {"name": "调解台账同步"}, content_type="application/json"
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("linli_")
    client.logout()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = client.get("/api/v1/tokens", **auth).json()
    assert [t["name"] for t in listed] == ["调解台账同步"]
    assert "key" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", **auth).status_code == 204
    assert client.get("/api/v1/tokens", **auth).status_code == 401


def test_a_machine_with_a_token_can_post_without_a_csrf_cookie(world):
    from django.test import Client

    from linli.accounts.services import api_token_create

    _token, raw = api_token_create(user=world.gridworker, name="hotline bridge")
    machine = Client(enforce_csrf_checks=True)
    response = machine.post(
        "/api/v1/tokens",
        {"name": "second"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    # A browser session without the CSRF token is still refused.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.gridworker)
    refused = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
