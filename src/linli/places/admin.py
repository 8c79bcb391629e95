from django.contrib import admin

from linli.lib.admin import ScopedAdmin
from linli.places.models import (
    Area,
    Building,
    BuildingMove,
    Compound,
    Household,
    ImportRun,
    Resident,
    SpecialGroup,
)


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["name", "kind", "parent", "path"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "property_company", "owners_committee", "unmanaged"]
    list_filter = ["unmanaged"]
    search_fields = ["name", "property_company"]
    autocomplete_fields = ["community"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", "micro_grid", "latitude", "longitude"]
    search_fields = ["number", "compound__name"]
    autocomplete_fields = ["community", "compound", "micro_grid"]


class ResidentInline(admin.TabularInline):
    model = Resident
    extra = 0


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "micro_grid"]
    search_fields = ["building__number", "room"]
    raw_id_fields = ["building"]
    autocomplete_fields = ["micro_grid"]
    inlines = [ResidentInline]


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = ["name", "sex", "birth_date", "relation", "household"]
    search_fields = ["name"]
    raw_id_fields = ["household"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(admin.ModelAdmin):
    """The editable list of special groups, each with how often its people are visited."""

    list_display = ["name", "code", "visit_every_days", "position"]
    list_editable = ["visit_every_days", "position"]
    search_fields = ["name", "code"]


@admin.register(BuildingMove)
class BuildingMoveAdmin(admin.ModelAdmin):
    list_display = ["building", "from_micro_grid", "to_micro_grid", "moved_by", "moved_at", "note"]
    raw_id_fields = ["building", "from_micro_grid", "to_micro_grid", "moved_by"]

    def has_change_permission(self, request, obj=None):
        return False  # history is not rewritten


@admin.register(ImportRun)
class ImportRunAdmin(ScopedAdmin):
    list_display = [
        "original_name",
        "kind",
        "status",
        "created_by",
        "created_at",
        "total_rows",
        "error_count",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
