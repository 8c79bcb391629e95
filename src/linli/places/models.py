"""The place tree that leaves no household out (spec §1).

District → subdistrict → community → grid → micro-grid is one self-referencing table,
`Area`, with a materialised path so that "everything under this place" is one indexed
prefix match. Compounds, buildings and households hang off it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.lib.query import any_prefix_q

if TYPE_CHECKING:
    from linli.lib.types import AnyUser


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    MICROGRID = "microgrid", _("Micro-grid")


# The tree's shape as data: the kind of parent each kind of area must have.
PARENT_KIND: dict[str, str | None] = {
    AreaKind.DISTRICT: None,
    AreaKind.SUBDISTRICT: AreaKind.DISTRICT,
    AreaKind.COMMUNITY: AreaKind.SUBDISTRICT,
    AreaKind.GRID: AreaKind.COMMUNITY,
    AreaKind.MICROGRID: AreaKind.GRID,
}


def _path_filter(field: str, paths: list[str]) -> Q:
    return any_prefix_q(field, paths)


# Up to this many areas, a scope is given to the database as a list of ids, which both
# planners judge well: a grid worker's few micro-grids make the query start from their
# 200 households rather than from an index over the whole city. PostgreSQL plans a wide
# scope (a community, a subdistrict) better as a subquery; SQLite misjudges a subquery's
# size and then walks every household of a community, so it always gets the list.
NARROW_SCOPE = {"postgresql": 200, "sqlite": 50_000}


def _areas_under(paths: list[str]) -> models.QuerySet | list[int]:
    """The areas under these paths: a list of ids when few, else a subquery."""
    from django.db import connection

    limit = NARROW_SCOPE.get(connection.vendor, 200)
    areas = Area.objects.filter(any_prefix_q("path", paths)).values("pk")
    ids = list(areas.values_list("pk", flat=True)[: limit + 1])
    return ids if len(ids) <= limit else areas


class AreaQuerySet(models.QuerySet["Area"]):
    def visible_to(self, user: AnyUser) -> AreaQuerySet:
        """Areas the user may see: the places their roles are bound to and all below."""
        from linli.accounts.scope import scoped

        return scoped(self, user, lambda paths: _path_filter("path", paths))


class Area(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "<root id>/<child id>/…/<own id>/": set by area_create, never edited by hand.
    path = models.CharField(max_length=255, unique=True, editable=False)
    # GeoJSON Polygon or MultiPolygon (grids), used to locate a point into its grid.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def ancestors(self) -> list[Area]:
        """From the root down to the parent, in one query."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1]]
        by_id = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


class CompoundQuerySet(models.QuerySet["Compound"]):
    def visible_to(self, user: AnyUser) -> CompoundQuerySet:
        """Compounds in the user's communities, or with a building in the user's places."""
        from linli.accounts.scope import scoped

        return scoped(
            self,
            user,
            lambda paths: (
                _path_filter("community__path", paths)
                | Q(buildings__in=Building.objects.visible_to(user))
            ),
        ).distinct()


class Compound(models.Model):
    """A residential compound (小区), party to cases and meetings."""

    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="compounds",
        limit_choices_to={"kind": AreaKind.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=100)
    property_company = models.CharField(_("property company"), max_length=100, blank=True)
    owners_committee = models.CharField(_("owners' committee"), max_length=100, blank=True)
    # 无主管: no property company looks after the compound; the community steps in.
    unmanaged = models.BooleanField(_("no property management"), default=False)

    objects = CompoundQuerySet.as_manager()

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")

    def __str__(self) -> str:
        return self.name


class BuildingQuerySet(models.QuerySet["Building"]):
    def visible_to(self, user: AnyUser) -> BuildingQuerySet:
        """Buildings in the user's places (a resident sees their own building)."""
        from linli.accounts.scope import own_household_ids, scoped

        return scoped(
            self,
            user,
            lambda paths: (
                _path_filter("micro_grid__path", paths) | Q(households__in=own_household_ids(user))
            ),
        ).distinct()


class Building(models.Model):
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="community_buildings",
        limit_choices_to={"kind": AreaKind.COMMUNITY},
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    micro_grid = models.ForeignKey(
        Area,
        verbose_name=_("micro-grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
        limit_choices_to={"kind": AreaKind.MICROGRID},
    )
    number = models.CharField(_("building number"), max_length=20, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["compound", "number"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self) -> str:
        compound = self.compound.name if self.compound_id and self.compound else ""
        return _("%(compound)s building %(number)s") % {"compound": compound, "number": self.number}


class BuildingMove(models.Model):
    """A building moved to another micro-grid: the history the coverage audit can trust."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="moves"
    )
    from_micro_grid = models.ForeignKey(
        Area, verbose_name=_("from"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_micro_grid = models.ForeignKey(
        Area, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    moved_by = models.ForeignKey(
        "accounts.User", verbose_name=_("moved by"), null=True, on_delete=models.SET_NULL
    )
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-moved_at", "-id"]
        verbose_name = _("building move")
        verbose_name_plural = _("building moves")

    def __str__(self) -> str:
        return f"{self.building}: {self.from_micro_grid} → {self.to_micro_grid}"


def _household_scope(via: str, paths: list[str], own: list[int]) -> Q:
    """Households in these places or the user's own; `via` is "" for a household and
    "household__" for what belongs to one.

    Written as id lists from small subqueries, not as joins to the area table, so that a
    search narrows residents by its own index first and checks the scope per candidate.
    A household in no micro-grid (a coverage gap) is still seen by its community.
    """
    areas = _areas_under(paths)
    # Households in no micro-grid (coverage gaps, normally none) are fetched as a list, so
    # the usual query has a single condition whose selectivity the planner can judge.
    orphans = list(
        Household.objects.filter(
            micro_grid__isnull=True, building__community__in=areas
        ).values_list("pk", flat=True)[:1000]
    )
    q = Q(**{f"{via}micro_grid__in": areas})
    if own or orphans:
        q |= Q(**{f"{via}pk__in": [*own, *orphans]})
    return q


class HouseholdQuerySet(models.QuerySet["Household"]):
    def visible_to(self, user: AnyUser) -> HouseholdQuerySet:
        """The one scoping rule for households: by place, plus a resident's own home."""
        from linli.accounts.scope import own_household_ids, scoped

        return scoped(
            self, user, lambda paths: _household_scope("", paths, own_household_ids(user))
        )

    def editable_by(self, user: AnyUser) -> HouseholdQuerySet:
        """Households whose archive the user may change."""
        from linli.accounts.scope import EDIT_ROLES, scoped

        return scoped(self, user, lambda paths: _household_scope("", paths, []), EDIT_ROLES)


class Household(models.Model):
    # No index of its own: the address constraint (building, unit, room) begins with it.
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    unit = models.CharField(_("unit"), max_length=10)
    room = models.CharField(_("room"), max_length=10)
    # Usually the building's micro-grid; a building split by units has several.
    micro_grid = models.ForeignKey(
        Area,
        verbose_name=_("micro-grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"kind": AreaKind.MICROGRID},
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["building", "unit", "room"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_address")
        ]

    def __str__(self) -> str:
        compound = self.building.compound.name if self.building.compound_id else ""  # type: ignore[union-attr]
        return f"{compound} {self.address}".strip()

    @property
    def address(self) -> str:
        """The short form residents use: building-unit-room, e.g. 5-2-301."""
        return f"{self.building.number}-{self.unit}-{self.room}"


class Sex(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Household head")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other relative or tenant")


class SpecialGroup(models.Model):
    """A tag for residents who need regular visits (独居老人, 残疾人, …); an editable list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    # How often a resident with this tag should be visited, in days (patrols & visits).
    visit_every_days = models.PositiveIntegerField(_("visit every (days)"), default=30)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")

    def __str__(self) -> str:
        return self.name


# A resident as one row of plain values, in this order: what bulk loads (the demo, imports)
# write through linli.lib.bulk.fast_insert.
RESIDENT_ROW_FIELDS = (
    "household_id",
    "name",
    "sex",
    "birth_date",
    "phone",
    "relation",
    "name_initials",
    "phone_last4",
    "id_number_encrypted",
    "id_number_digest",
    "id_number_masked",
)
# What an import compares to tell a changed resident from an unchanged one: the rest of
# the row (search keys, ID columns) follows from these and from the ID number.
RESIDENT_COMPARED = RESIDENT_ROW_FIELDS[:6]


class ResidentQuerySet(models.QuerySet["Resident"]):
    def visible_to(self, user: AnyUser) -> ResidentQuerySet:
        """Residents of the households the user may see."""
        from linli.accounts.scope import own_household_ids, scoped

        return scoped(
            self,
            user,
            lambda paths: _household_scope("household__", paths, own_household_ids(user)),
        )

    def editable_by(self, user: AnyUser) -> ResidentQuerySet:
        from linli.accounts.scope import EDIT_ROLES, scoped

        return scoped(
            self, user, lambda paths: _household_scope("household__", paths, []), EDIT_ROLES
        )


class Resident(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="residents"
    )
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    relation = models.CharField(
        _("relation to household head"), max_length=12, choices=Relation.choices
    )
    tags = models.ManyToManyField(
        SpecialGroup, verbose_name=_("special groups"), blank=True, related_name="residents"
    )
    # The ID number never lies in the table in clear: see linli.lib.pii.
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True, editable=False)
    # Search keys kept beside the name and phone: 张梅英 → "zmy"; 13812345678 → "5678".
    name_initials = models.CharField(max_length=20, blank=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        # Search keys with the id, in the order search reads them (key, then id): the
        # first page of results comes straight off the index, with no sort, on SQLite
        # and PostgreSQL alike (see resident_search).
        indexes = [
            models.Index(fields=["name", "id"], name="resident_name_search"),
            models.Index(fields=["name_initials", "id"], name="resident_initials_search"),
            models.Index(fields=["phone_last4", "id"], name="resident_phone4_search"),
            # Only ever looked up exactly: a Meta index, because db_index=True would add a
            # second, pattern-matching copy on PostgreSQL that every import has to fill.
            models.Index(fields=["id_number_digest"], name="resident_digest"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        from linli.lib.pii import mask_phone

        return mask_phone(self.phone) if self.phone else ""


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Checked: ready to import")
    INVALID = "invalid", _("Checked: has errors")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportKind(models.TextChoices):
    BUILDINGS = "buildings", _("Buildings")
    RESIDENTS = "residents", _("Households and residents")


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: AnyUser) -> ImportRunQuerySet:
        """An import belongs to whoever uploaded it (administrators see all)."""
        from linli.accounts.scope import is_unrestricted

        if not user.is_authenticated:
            return self.none()
        return self.all() if is_unrestricted(user) else self.filter(created_by=user)


class ImportRun(models.Model):
    """One uploaded file on its way in: checked first (a dry run), imported on request."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    valid_only = models.BooleanField(_("only the valid rows"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [[row, column, message], …] (the first 1000), and counts of what would change.
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def busy(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING}
