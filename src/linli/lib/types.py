"""Types shared by views and services."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

if TYPE_CHECKING:
    from linli.accounts.models import User

# What `request.user` may be: scoping helpers take either and show nothing to a visitor.
AnyUser: TypeAlias = "User | AnonymousUser"


class AuthedRequest(HttpRequest):
    """A request behind @login_required (or API auth): its user is a real account."""

    user: User
