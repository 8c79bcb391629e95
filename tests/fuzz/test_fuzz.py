"""Fuzz both public APIs from their OpenAPI descriptions with schemathesis: whatever a
client sends, Linli answers with a 2xx or 4xx, never a server error (5xx).

    ./linli test tests/fuzz          # runs on SQLite, then PostgreSQL
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def app(world):
    """Django as a WSGI app inside the test's transaction: like Django's test client, keep
    the end of each request from closing the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def open311_schema(app):
    return schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", app)


@pytest.fixture
def bearer(world):
    from linli.accounts.services import api_token_create

    _token, raw = api_token_create(user=world.community, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def open311_key(world):
    from linli.open311.services import open311_client_create

    return open311_client_create(name="fuzz")[1]


def fuzz(schema, call) -> list[str]:
    """Every operation of the schema, each with up to 25 generated requests; the
    descriptions of any 5xx answers."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @SETTINGS
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = call(case)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r:.300}: {response.text[:300]}"
                )

        run()
    return failures


def test_the_json_api_never_answers_with_a_server_error(api_schema, bearer):
    assert fuzz(api_schema, lambda case: case.call(headers=bearer)) == []


def test_open311_never_answers_with_a_server_error(open311_schema, open311_key):
    def call(case):
        if isinstance(case.body, dict) and "api_key" in case.body:
            case.body["api_key"] = open311_key  # past the key check, into the request
        return case.call()

    assert fuzz(open311_schema, call) == []
