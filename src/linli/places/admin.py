from django.contrib import admin

from linli.lib.admin import ScopedAdmin
from linli.places.models import Area, Building, Compound, Household, Resident


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
