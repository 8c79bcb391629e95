"""GeoReport v2 endpoints: read the format from the suffix, call one service, answer in
that format. Every error — ours or the client's — leaves in the standard's error form."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from linli.open311 import services as s
from linli.open311.formats import FORMATS, error, respond

log = logging.getLogger(__name__)
View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return error("json", 400, _("The format must be .xml or .json."))
            if request.method not in methods:
                response = error(
                    fmt, 405, _("This endpoint takes %(m)s.") % {"m": "/".join(methods)}
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except s.Open311Error as problem:
                return error(fmt, problem.status, problem.description)

        return wrapper

    return decorate


def _jurisdiction(request: HttpRequest) -> Any:
    data = request.POST if request.method == "POST" else request.GET
    return s.open311_jurisdiction(str(data.get("jurisdiction_id") or "").strip())


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri("/open311/v2/")
    return respond(fmt, "discovery", s.open311_discovery(url=url))


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    return respond(fmt, "services", s.open311_services())


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    return respond(fmt, "service_definition", s.open311_service_definition(code))


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    if request.method == "POST":
        client = s.open311_client_for_key(str(request.POST.get("api_key") or "").strip())
        posted = s.open311_request_create(
            client=client, data=request.POST, jurisdiction=jurisdiction
        )
        return respond(fmt, "service_requests", s.open311_posted(posted), status=201)
    extensions = request.GET.get("extensions") == "true"
    cases = s.open311_requests(request.GET, jurisdiction=jurisdiction)
    return respond(
        fmt,
        "service_requests",
        [s.open311_request_view(c, extensions=extensions) for c in cases],
    )


@endpoint("GET")
def request_detail(request: HttpRequest, case_id: str, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    case = s.open311_request(case_id, jurisdiction=jurisdiction)
    extensions = request.GET.get("extensions") == "true"
    return respond(fmt, "service_requests", [s.open311_request_view(case, extensions=extensions)])


@endpoint("GET")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    return respond(fmt, "service_requests", s.open311_token(token))


def openapi(request: HttpRequest) -> HttpResponse:
    from linli.open311.openapi import SCHEMA

    return JsonResponse(SCHEMA)
