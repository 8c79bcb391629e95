"""Domain errors: raised by services, mapped to HTTP once (API) or shown as messages (UI)."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule a user broke. `message` is for people (translated); `code` is for machines."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.fields = fields or {}


class Conflict(DomainError):
    """The thing changed under the user's feet (someone else acted first)."""

    code = "conflict"
    status = 409


class Forbidden(DomainError):
    """The user's role or place does not allow this (HTTP 403)."""

    code = "forbidden"
    status = 403
