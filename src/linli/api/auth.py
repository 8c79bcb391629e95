"""API authentication: the browser's session (with CSRF) or a per-user bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from linli.accounts.models import User
from linli.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer linli_…`, a token the user created on the token page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


def api_user(request: HttpRequest) -> User:
    """The authenticated user of an API call (every endpoint requires AUTH)."""
    user = request.user
    assert user.is_authenticated
    return user


class BrowserSession(SessionAuth):
    """The browser's session cookie, with Django's CSRF check.

    A machine that sends a bearer token is not a browser: the session (and so the CSRF
    check, which would refuse a cookie-less POST before the token is even looked at) is
    skipped, and the token decides.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.headers.get("Authorization"):
            return None
        return super()._get_key(request)


# Session first: the browser's pages call the API with their cookie (and CSRF token).
AUTH = [BrowserSession(), TokenAuth()]
