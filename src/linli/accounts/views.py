from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import ApiTokenForm
from linli.accounts.models import ApiToken, RoleAssignment
from linli.accounts.scope import area_paths
from linli.accounts.services import api_token_create, api_token_revoke
from linli.lib.types import AuthedRequest
from linli.places.models import Household, Resident


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    assignments = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("area", "household__building")
        .order_by("role")
    )
    context: dict[str, object] = {"assignments": assignments}
    if area_paths(request.user) != []:  # roles that look after a place see its size
        context["household_count"] = Household.objects.visible_to(request.user).count()
        context["resident_count"] = Resident.objects.visible_to(request.user).count()
    return render(request, "accounts/home.html", context)


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        form = ApiTokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": ApiToken.objects.visible_to(request.user),
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=token_id)
    api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
