"""What people changed when they confirmed a triage proposal: the material triage_train
learns from."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from linli.cases.models import Category as CaseCategory
from linli.cases.models import Route
from linli.lib.text import to_traditional


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


class Datatype(models.TextChoices):
    """The data types of a service attribute, as Open311 GeoReport v2 names them."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


def localised(zh: str, en: str) -> str:
    """A name kept in the data in Chinese and English, shown in the user's language."""
    language = get_language() or "zh-hans"
    if language.startswith("en"):
        return en or zh
    if language in ("zh-hant", "zh-tw", "zh-hk"):
        return to_traditional(zh)
    return zh


class TaxonomyCategory(models.Model):
    """One of the spec's eight categories, as data: its names, description, typical examples
    and the route (三事分流) such a report usually takes. The codes are fixed by the spec
    and the classifier; administrators change descriptions, examples and usual routes."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=CaseCategory.choices)
    name = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    examples = models.TextField(_("typical examples"), blank=True, help_text=_("One per line."))
    usual_route = models.CharField(_("usual route"), max_length=10, choices=Route.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self.name, self.name_en)

    @property
    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class SubCategory(models.Model):
    """A finer kind of report under a category (室内漏水 under 设施维修), added by
    administrators without code. Its keywords let triage propose it; its usual route, when
    set, overrides the category's; its attributes are the extra questions a report of this
    kind needs (the room for an indoor leak), also offered to Open311 clients."""

    category = models.ForeignKey(
        TaxonomyCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="subcategories",
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Lower-case letters, digits and underscores; used by Open311 clients."),
    )
    name = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Words that point to this sub-category, one per line."),
    )
    usual_route = models.CharField(
        _("usual route"),
        max_length=10,
        choices=Route.choices,
        blank=True,
        help_text=_("Leave empty to use the category's."),
    )
    attributes = models.JSONField(
        _("attributes"),
        default=list,
        blank=True,
        help_text=_(
            "Extra questions: a list of {code, datatype, required, description, "
            "description_en, values: [[key, name, name_en], …]}."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["category__position", "position", "code"]
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")

    def __str__(self) -> str:
        return f"{self.category.label} · {self.label}"

    @property
    def label(self) -> str:
        return localised(self.name, self.name_en)

    @property
    def keyword_list(self) -> list[str]:
        return [w.strip() for w in re.split(r"[\n,，、]", self.keywords) if w.strip()]

    @property
    def route(self) -> str:
        return self.usual_route or self.category.usual_route

    def describe(self, answers: dict[str, Any]) -> list[tuple[str, str]]:
        """The answers to this sub-category's questions as (question, answer) in the user's
        language; answers to questions it no longer asks are kept and shown by code."""
        rows = []
        known = set()
        for attribute in self.attributes:
            code = attribute["code"]
            known.add(code)
            if code not in answers:
                continue
            names = {
                str(v[0]): localised(v[1], v[2] if len(v) > 2 else "")
                for v in attribute.get("values", [])
            }
            value = answers[code]
            values = value if isinstance(value, list) else [value]
            rows.append(
                (
                    localised(attribute["description"], attribute.get("description_en", "")),
                    "、".join(names.get(str(v), str(v)) for v in values),
                )
            )
        rows += [(code, str(value)) for code, value in answers.items() if code not in known]
        return rows

    def clean(self) -> None:
        problems = attribute_problems(self.attributes)
        if problems:
            raise ValidationError({"attributes": problems})


def attribute_problems(attributes: Any) -> list[str]:
    """What is wrong with a sub-category's attribute list, in the administrator's words."""
    if not isinstance(attributes, list):
        return [gettext("Attributes must be a list.")]
    problems: list[str] = []
    seen: set[str] = set()
    for number, attribute in enumerate(attributes, start=1):
        if not isinstance(attribute, dict) or not re.fullmatch(
            r"[a-z][a-z0-9_]{0,39}", str(attribute.get("code", ""))
        ):
            problems.append(
                gettext(
                    "Attribute %(n)s needs a code of lower-case letters, digits and underscores."
                )
                % {"n": number}
            )
            continue
        if attribute["code"] in seen:
            problems.append(gettext("Attribute code %(code)s is used twice.") % attribute)
        seen.add(attribute["code"])
        if attribute.get("datatype") not in Datatype.values:
            problems.append(
                gettext("Attribute %(code)s: the data type must be one of %(types)s.")
                % {"code": attribute["code"], "types": ", ".join(Datatype.values)}
            )
        if not attribute.get("description"):
            problems.append(gettext("Attribute %(code)s needs a description.") % attribute)
        values = attribute.get("values", [])
        if attribute.get("datatype") in (Datatype.SINGLE, Datatype.MULTI) and (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, list) and len(v) >= 2 for v in values)
        ):
            problems.append(
                gettext(
                    "Attribute %(code)s: a list needs values, each as [key, name, English name]."
                )
                % attribute
            )
    return problems
