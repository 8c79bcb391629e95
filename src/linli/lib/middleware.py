from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

# Machine clients may ask for a language with Accept-Language; people choose theirs with
# the switcher (a cookie). A browser's own Accept-Language is ignored on pages: a community
# office PC with an English system still gets Chinese unless its user picks otherwise.
_HEADER_PREFIXES = ("/api/", "/open311/")


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        translation.deactivate()
        return response

    @staticmethod
    def _choose(request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not chosen and request.path.startswith(_HEADER_PREFIXES):
            header = request.headers.get("Accept-Language", "")
            chosen = header.split(",")[0].split(";")[0].strip() if header else None
        if chosen:
            try:
                return translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        return settings.LANGUAGE_CODE


def null_character_fields(request: HttpRequest) -> list[str]:
    """The names of the query, form or JSON fields of a request whose text holds U+0000.

    A JSON body that does not parse is left to the view, which says so in its own words.
    """
    found: list[str] = []
    sources = [request.GET]
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in str(v) for v in values):
                found.append(key.replace("\x00", ""))
    if content_type == "application/json" and request.body and b"\\u0000" in request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return found
        found += _json_null_paths(body, "")
    return found


def _json_null_paths(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        return [path or "__all__"] if "\x00" in value else []
    if isinstance(value, dict):
        return [
            p
            for key, item in value.items()
            for p in _json_null_paths(item, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _json_null_paths(item, f"{path}.{i}")]
    return []


class NullCharacterMiddleware:
    """Refuses API and Open311 requests whose text holds the NUL character (U+0000).

    It comes with text pasted from some apps, nobody can see it, and PostgreSQL cannot
    store it: the request failed deep inside with a server error. Here it is refused first,
    naming the field, in the API's or Open311's own error form; nothing is written. Pages
    need no help: Django's form fields refuse it field by field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_HEADER_PREFIXES):
            fields = null_character_fields(request)
            if fields:
                return self._refuse(request, fields)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, fields: list[str]) -> HttpResponse:
        # Django's own message for that character on form fields, so pages and API say
        # the same; our catalogue words it (Django's Chinese speaks of an empty string).
        message = _("Null characters are not allowed.")
        if request.path.startswith("/open311/"):
            from linli.open311.formats import error as open311_error

            fmt = "xml" if request.path.endswith(".xml") else "json"
            return open311_error(fmt, 400, f"{', '.join(fields)}: {message}")
        from linli.api.api import error as api_error

        return api_error(
            request, 422, "invalid", _("Some fields are not valid."), {f: [message] for f in fields}
        )
