from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

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
