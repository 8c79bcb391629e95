from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static


def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer or `./linli serve` to know the site answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponseRedirect(static("linli/favicon.svg"))
