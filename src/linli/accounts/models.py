"""People who act in Linli, the roles they hold (each bound to a place), and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from linli.lib.types import AnyUser


class Role(models.TextChoices):
    """Spec §2. One person may hold several, each bound to a place."""

    RESIDENT = "resident", _("Resident")
    BUILDING_HEAD = "building_head", _("Building head")
    GRID_WORKER = "grid_worker", _("Grid worker")
    MEDIATOR = "mediator", _("Mediator")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    LIAISON = "liaison", _("Department liaison")
    PROPERTY_COMPANY = "property_company", _("Property company")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    VOLUNTEER = "volunteer", _("Volunteer")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    SUBDISTRICT_STAFF = "subdistrict_staff", _("Subdistrict staff")
    ADMINISTRATOR = "admin", _("Administrator")


class Department(models.Model):
    """A government department with liaisons embedded in grids (公安, 城管, 民政, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    # Chinese names do not split into first and last name the Western way.
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def role_codes(self) -> set[str]:
        from linli.accounts.scope import role_codes

        return role_codes(self)


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def visible_to(self, user: AnyUser) -> RoleAssignmentQuerySet:
        """Assignments bound to places in the user's scope, and the user's own."""
        from linli.accounts.scope import scoped
        from linli.lib.query import any_prefix_q

        return scoped(
            self, user, lambda paths: models.Q(user=user) | any_prefix_q("area__path", paths)
        )


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # The place the role is bound to: a grid for a grid worker, a micro-grid for a
    # building head, a community or subdistrict for staff, a community for a mediator.
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    # A resident's own home.
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    # A department liaison's department; a property company's or owners' committee's compound.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes = [models.Index(fields=["user", "role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area", "household", "department", "compound"],
                name="role_assignment_once",
            )
        ]

    def __str__(self) -> str:
        place = self.household or self.area
        return f"{self.user} · {self.get_role_display()} · {place or '-'}"


class PersonalDataAccessQuerySet(models.QuerySet["PersonalDataAccess"]):
    def visible_to(self, user: AnyUser) -> PersonalDataAccessQuerySet:
        """Community and subdistrict staff audit looks at residents of their area; everyone
        sees their own looks."""
        from linli.accounts.scope import scoped
        from linli.lib.query import any_prefix_q

        return scoped(
            self,
            user,
            lambda paths: (
                models.Q(user=user) | any_prefix_q("resident__household__micro_grid__path", paths)
            ),
            roles=frozenset({Role.COMMUNITY_STAFF, Role.SUBDISTRICT_STAFF}),
        )


TOKEN_PREFIX = "linli_"  # noqa: S105 (a visible prefix, not a secret)


def token_digest(raw: str) -> str:
    # A token is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: AnyUser) -> ApiTokenQuerySet:
        """A user manages only their own tokens."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A per-user key for machines. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    hint = models.CharField(_("starts with"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class PersonalDataAccess(models.Model):
    """One look at a full ID number or phone number: who, whose, which field, when, why."""

    user = models.ForeignKey(
        User, verbose_name=_("who looked"), on_delete=models.PROTECT, related_name="data_accesses"
    )
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("whose data"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="data_accesses",
    )
    # Kept even if the resident is later deleted, so the audit trail stays readable.
    subject = models.CharField(_("subject"), max_length=100)
    field = models.CharField(_("field"), max_length=20)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.user} → {self.subject} ({self.field})"
