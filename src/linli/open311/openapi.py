"""An OpenAPI description of Linli's GeoReport v2 endpoints, served at
/open311/v2/openapi.json: for client developers, and for the fuzz in tests/fuzz."""

from __future__ import annotations

from typing import Any

FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["xml", "json"]},
}
JURISDICTION = {"name": "jurisdiction_id", "in": "query", "schema": {"type": "string"}}
ERRORS = {
    "description": "A list of {code, description}",
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
                },
            }
        },
        "text/xml": {"schema": {"type": "string"}},
    },
}


def _ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {
        status: {
            "description": "OK",
            "content": {
                "application/json": {"schema": schema},
                "text/xml": {"schema": {"type": "string"}},
            },
        },
        "400": ERRORS,
        "403": ERRORS,
        "404": ERRORS,
    }


def _query(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": kind, **extra}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


LIST = {"type": "array", "items": {"type": "object"}}
POST_FIELDS = [
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "email",
    "first_name",
    "last_name",
    "phone",
    "device_id",
    "account_id",
    "media_url",
    "attribute[room]",
    "attribute[ongoing]",
]

SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Linli Open311 GeoReport v2",
        "version": "2",
        "description": "http://wiki.open311.org/GeoReport_v2 — with the paging (page, "
        "page_size) and extensions=true extensions.",
    },
    "paths": {
        "/open311/v2/discovery.{format}": {
            "get": {"parameters": [FORMAT], "responses": _ok({"type": "object"})}
        },
        "/open311/v2/services.{format}": {
            "get": {"parameters": [FORMAT, JURISDICTION], "responses": _ok(LIST)}
        },
        "/open311/v2/services/{service_code}.{format}": {
            "get": {
                "parameters": [_path("service_code"), FORMAT, JURISDICTION],
                "responses": _ok({"type": "object"}),
            }
        },
        "/open311/v2/requests.{format}": {
            "get": {
                "parameters": [
                    FORMAT,
                    JURISDICTION,
                    _query("service_request_id"),
                    _query("service_code"),
                    _query("start_date", format="date-time"),
                    _query("end_date", format="date-time"),
                    _query("status"),
                    _query("page", "integer"),
                    _query("page_size", "integer"),
                    _query("extensions", "string", enum=["true", "false"]),
                ],
                "responses": _ok(LIST),
            },
            "post": {
                "parameters": [FORMAT],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["api_key", "service_code"],
                                "properties": {name: {"type": "string"} for name in POST_FIELDS},
                            }
                        }
                    },
                },
                "responses": _ok(LIST, "201"),
            },
        },
        "/open311/v2/requests/{service_request_id}.{format}": {
            "get": {
                "parameters": [_path("service_request_id"), FORMAT, JURISDICTION],
                "responses": _ok(LIST),
            }
        },
        "/open311/v2/tokens/{token}.{format}": {
            "get": {"parameters": [_path("token"), FORMAT, JURISDICTION], "responses": _ok(LIST)}
        },
    },
}
