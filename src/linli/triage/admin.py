from django.contrib import admin

from linli.triage.models import SubCategory, TaxonomyCategory, TriageCorrection


@admin.register(TriageCorrection)
class TriageCorrectionAdmin(admin.ModelAdmin):
    list_display = ["at", "case", "__str__", "by"]
    readonly_fields = ["case", "text", "proposed", "corrected", "by", "at"]


class SubCategoryInline(admin.TabularInline):
    model = SubCategory
    fields = ["code", "name", "name_en", "usual_route", "active", "position"]
    extra = 0
    show_change_link = True


@admin.register(TaxonomyCategory)
class TaxonomyCategoryAdmin(admin.ModelAdmin):
    """The eight categories are fixed by the spec (the classifier knows them); what an
    administrator changes is how they are described and which route they usually take."""

    list_display = ["code", "name", "name_en", "usual_route", "position"]
    list_editable = ["usual_route", "position"]
    readonly_fields = ["code", "name", "name_en"]
    fields = ["code", "name", "name_en", "description", "examples", "usual_route", "position"]
    inlines = [SubCategoryInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SubCategory)
class SubCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "category", "usual_route", "active"]
    list_filter = ["category", "active"]
    list_editable = ["usual_route", "active"]
    search_fields = ["code", "name", "name_en", "keywords"]
