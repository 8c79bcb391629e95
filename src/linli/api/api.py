"""The JSON API at /api/v1/: every domain's router, one error shape for all of them.

Errors are always `{"code": str, "message": str, "fields": {name: [messages]}}`, the
message in the request's language (Chinese unless the client asks otherwise).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from linli.api.auth import AUTH
from linli.api.renderers import Utf8JSONRenderer
from linli.lib.errors import DomainError

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Linli API",
    version="1",
    description="Linli (邻里) micro-grid community governance. Errors: {code, message, fields}.",
    urls_namespace="api",
    auth=AUTH,
    renderer=Utf8JSONRenderer(),
)


def error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


def _field_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind.endswith("_parsing") or kind.endswith("_type"):
        return _("This value has the wrong type.")
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return _("This value is out of range.")
    if kind in {"string_too_long", "too_long"}:
        return _("This value is too long.")
    if kind in {"string_too_short", "too_short"}:
        return _("This value is too short.")
    return _("Enter a valid value.")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "query", "path")]
        # Drop the schema's own name when ninja nests the body under the argument name.
        name = ".".join(loc[1:] if len(loc) > 1 and loc[0] in {"payload", "data"} else loc)
        fields.setdefault(name or "__all__", []).append(_field_message(err))
    return error(request, 422, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if request.headers.get("Authorization"):
        message = _("The API token is not valid or has been revoked.")
    else:
        message = _("Please log in or send an API token.")
    return error(request, 401, "unauthenticated", message)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", _("Not found, or not in your area."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", _("Your role does not allow this."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "invalid",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "throttled",
    }
    messages = {
        403: _("Your role does not allow this."),
        404: _("Not found, or not in your area."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    status = exc.status_code
    return error(request, status, codes.get(status, "error"), str(messages.get(status, exc)))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unexpected API error on %s", request.path)
    return error(
        request, 500, "server_error", _("Something went wrong on our side. Please try again.")
    )


def _routers() -> None:
    from linli.accounts.api import router as accounts_router
    from linli.cases.api import router as cases_router
    from linli.party.api import router as party_router
    from linli.places.api import router as places_router
    from linli.triage.api import router as triage_router

    api.add_router("/", accounts_router)
    api.add_router("/", places_router)
    api.add_router("/", party_router)
    api.add_router("/", cases_router)
    api.add_router("/", triage_router)


_routers()
