"""Open311 GeoReport v2: the clients allowed to post, and what each posted request carried
that the case itself does not keep (the token, the client's own identifiers)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    """A named Open311 client (an app, a city dashboard) with its own API key. Only a hash
    of the key is kept; the key is shown once, when it is issued."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("may report in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to allow every community."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name


class Open311Request(models.Model):
    """One request an Open311 client posted, beside the case it became."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="open311", verbose_name=_("case")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="requests", verbose_name=_("client")
    )
    token = models.CharField(_("token"), max_length=40, unique=True)
    service_code = models.CharField(_("service code"), max_length=40)
    # The client's own identifiers and the reporter's e-mail: kept, never served back.
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    device_id = models.CharField(_("device id"), max_length=200, blank=True)
    account_id = models.CharField(_("account id"), max_length=200, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"{self.client} #{self.case_id}"
