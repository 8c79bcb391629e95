from django.contrib import admin

from linli.lib.admin import ScopedAdmin
from linli.party.models import PartyHousehold, PartyHouseholdLink, PartyMember, PartyOrg


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedAdmin):
    list_display = ["name", "kind", "parent", "area"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "area"]


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    list_display = ["__str__", "org"]
    raw_id_fields = ["resident", "org"]
    search_fields = ["resident__name"]


class LinkInline(admin.TabularInline):
    model = PartyHouseholdLink
    raw_id_fields = ["household"]
    extra = 0


@admin.register(PartyHousehold)
class PartyHouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "member"]
    raw_id_fields = ["household", "member"]
    inlines = [LinkInline]
