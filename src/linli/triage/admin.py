from django.contrib import admin

from linli.triage.models import TriageCorrection


@admin.register(TriageCorrection)
class TriageCorrectionAdmin(admin.ModelAdmin):
    list_display = ["at", "case", "__str__", "by"]
    readonly_fields = ["case", "text", "proposed", "corrected", "by", "at"]
