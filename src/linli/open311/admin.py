from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.open311.models import Client, Open311Request
from linli.open311.services import open311_key_issue


def _show_key(request: HttpRequest, client: Client, key: str) -> None:
    messages.success(
        request,
        _("The API key of %(name)s is %(key)s — copy it now: it is not shown again.")
        % {"name": client.name, "key": key},
    )


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """Issuing a client makes its key and shows it once; only a hash is stored."""

    list_display = ["name", "area", "key_prefix", "active", "created_at", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    fields = ["name", "area", "active", "key_prefix", "created_at", "last_used_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    raw_id_fields = ["area"]
    actions = ["issue_new_key"]

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            _show_key(request, obj, open311_key_issue(obj))

    @admin.action(description=gettext_lazy("Issue a new key (the old one stops working)"))
    def issue_new_key(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        for client in queryset:
            _show_key(request, client, open311_key_issue(client))


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["case", "client", "service_code", "created_at"]
    list_filter = ["client"]
    readonly_fields = [
        "case",
        "client",
        "token",
        "service_code",
        "email",
        "device_id",
        "account_id",
        "media_url",
        "created_at",
    ]
    exclude = ["fingerprint"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
