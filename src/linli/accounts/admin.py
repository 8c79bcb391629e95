from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import ApiToken, Department, PersonalDataAccess, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["area"]
    raw_id_fields = ["household"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "phone", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Linli"), {"fields": ["full_name", "phone"]}),
    )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "area", "household", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "area__name"]
    autocomplete_fields = ["user", "area"]
    raw_id_fields = ["household"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["hint", "created_at", "last_used_at"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        # A token is created by its user, who is the only one to see the key.
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The audit trail: read only."""

    list_display = ["at", "user", "subject", "field", "reason"]
    list_filter = ["field"]
    search_fields = ["subject", "user__username", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
