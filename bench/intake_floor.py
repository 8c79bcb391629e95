"""The floor under intake: Linli's own server and middleware, and a view that does nothing
but insert the benchmark's case row. Served by `intake.py` next to the real intake, so the
two can be told apart: what HTTP and Django cost, and what Linli's intake adds.

The row comes from the environment (BENCH_ROW, JSON of the case's column values).
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from linli.urls import urlpatterns as linli_urlpatterns


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    from linli.cases.models import Case

    row: dict[str, Any] = json.loads(os.environ["BENCH_ROW"])
    case = Case.objects.create(**row)
    return JsonResponse({"id": case.pk}, status=201)


urlpatterns = [path("bench/bare-insert", bare_insert), *linli_urlpatterns]
