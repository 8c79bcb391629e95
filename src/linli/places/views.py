from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from linli.accounts.scope import own_household_ids
from linli.lib.types import AuthedRequest
from linli.places.models import Area, AreaKind, Household


@login_required
def area_list(request: AuthedRequest) -> HttpResponse:
    """The top of the user's part of the tree: the places their roles are bound to."""
    visible = Area.objects.visible_to(request.user)
    roots = [a for a in visible.filter(parent__isnull=True)] or list(
        visible.exclude(parent__in=visible).order_by("path")
    )
    if len(roots) == 1:
        return redirect("places:area_detail", area_id=roots[0].pk)
    return render(request, "places/area_list.html", {"areas": roots})


@login_required
def area_detail(request: AuthedRequest, area_id: int) -> HttpResponse:
    visible = Area.objects.visible_to(request.user)
    area = get_object_or_404(visible, pk=area_id)
    visible_ids = set(
        visible.filter(pk__in=[a.pk for a in area.ancestors()]).values_list("pk", flat=True)
    )
    breadcrumbs = [a for a in area.ancestors() if a.pk in visible_ids]
    children = visible.filter(parent=area).order_by("name")
    households = None
    if area.kind == AreaKind.MICROGRID:
        page = Paginator(
            Household.objects.visible_to(request.user)
            .filter(micro_grid=area)
            .select_related("building")
            .order_by("building__number", "unit", "room"),
            50,
        ).get_page(request.GET.get("page"))
        households = page
    context = {
        "area": area,
        "breadcrumbs": breadcrumbs,
        "children": children,
        "households": households,
    }
    return render(request, "places/area_detail.html", context)


@login_required
def household_detail(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related(
            "building__compound", "micro_grid"
        ),
        pk=household_id,
    )
    residents = household.residents.all()
    return render(
        request, "places/household_detail.html", {"household": household, "residents": residents}
    )


@login_required
def my_household(request: AuthedRequest) -> HttpResponse:
    ids = own_household_ids(request.user)
    if not ids:
        raise Http404
    return household_detail(request, ids[0])
