from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import ApiTokenForm, PersonForm
from linli.accounts.models import ApiToken, PersonalDataAccess, Role, RoleAssignment
from linli.accounts.scope import area_paths, is_unrestricted, role_codes, scoped
from linli.accounts.services import (
    MANAGER_ROLES,
    api_token_create,
    api_token_revoke,
    can_manage_roles,
    person_give_role,
    role_revoke,
)
from linli.lib.errors import DomainError
from linli.lib.query import any_prefix_q
from linli.lib.types import AuthedRequest
from linli.places.models import Area, Compound, Household, Resident

AUDIT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF, Role.ADMINISTRATOR})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    assignments = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("area", "household__building__compound", "department", "compound")
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


def _person_form(request: AuthedRequest) -> PersonForm:
    roles = [
        (r.value, str(r.label))
        for r in Role
        if r != Role.ADMINISTRATOR or is_unrestricted(request.user)
    ]
    # The places where this manager may give roles: the scoping rule, for managing roles.
    areas = scoped(
        Area.objects.all(), request.user, lambda paths: any_prefix_q("path", paths), MANAGER_ROLES
    )
    return PersonForm(
        request.POST or None,
        roles=roles,
        areas=areas.order_by("path"),
        compounds=Compound.objects.visible_to(request.user),
    )


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    """People and roles in the user's places; managers give and take roles here."""
    if not role_codes(request.user) & (MANAGER_ROLES | {Role.ADMINISTRATOR}):
        raise PermissionDenied
    role = request.GET.get("role", "")
    assignments = RoleAssignment.objects.visible_to(request.user).select_related(
        "user", "area", "department", "compound", "household__building__compound"
    )
    if role in Role.values:
        assignments = assignments.filter(role=role)
    page = Paginator(assignments.order_by("role", "user__username"), 50).get_page(
        request.GET.get("page")
    )
    form = _person_form(request) if can_manage_roles(request.user) else None
    created_password = None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            user, created_password = person_give_role(
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                role=data["role"],
                by=request.user,
                area=data["area"],
                department=data["department"],
                compound=data["compound"],
            )
        except DomainError as exc:
            for name, errors in (exc.fields or {"__all__": [exc.message]}).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            created_password = None
        else:
            messages.success(request, _("Role given to %(name)s.") % {"name": user})
            if not created_password:
                return redirect("accounts:people")
    context = {
        "page": page,
        "form": form,
        "roles": Role.choices,
        "role": role,
        "created_password": created_password,
    }
    return render(request, "accounts/people.html", context)


@login_required
@require_POST
def role_remove(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(
        RoleAssignment.objects.visible_to(request.user), pk=assignment_id
    )
    try:
        role_revoke(assignment=assignment, by=request.user)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("Role taken away."))
    return redirect("accounts:people")


@login_required
def audit(request: AuthedRequest) -> HttpResponse:
    """Every look at a full ID number or phone in the user's area."""
    if not role_codes(request.user) & AUDIT_ROLES:
        raise PermissionDenied
    looks = PersonalDataAccess.objects.visible_to(request.user).select_related("user")
    page = Paginator(looks, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page})
