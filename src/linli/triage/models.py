"""What people changed when they confirmed a triage proposal: the material triage_train
learns from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TriageCorrection(models.Model):
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    text = models.TextField(_("report text"))
    proposed = models.JSONField(_("proposed"))
    corrected = models.JSONField(_("corrected"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")

    def __str__(self) -> str:
        return f"{self.proposed.get('category')} → {self.corrected.get('category')}"
