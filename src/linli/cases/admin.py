"""Back office: cases are read here (changes go through the case page and its services, so
every step keeps its event); configuration — teams, channels, calendar days — is edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linli.cases.models import CalendarDay, Case, CaseEvent, Channel, Team
from linli.lib.admin import ScopedAdmin


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor", "from_state", "to_state", "from_level", "to_level", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = [
        "id",
        "title",
        "state",
        "source",
        "category",
        "level",
        "risk",
        "deadline",
        "created_at",
    ]
    list_filter = ["state", "source", "category", "route", "risk", "level"]
    search_fields = ["title", "description", "hotline_ticket"]
    inlines = [CaseEventInline]
    exclude = ["contact_phone"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.fields if f.name != "contact_phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "community"]
    search_fields = ["name"]
    autocomplete_fields = ["community", "members"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "urgent_only", "active"]
    list_filter = ["kind", "active"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "working", "name"]
    list_filter = ["working"]
    date_hierarchy = "date"
