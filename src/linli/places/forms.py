from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.lib import pii
from linli.places.models import Area, ImportKind, Relation, Sex, SpecialGroup


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # No preselected relation: most households already have their head.
    relation = forms.ChoiceField(
        label=_("Relation to household head"), choices=[("", "—"), *Relation.choices]
    )
    phone = forms.RegexField(
        label=_("Phone"),
        required=False,
        regex=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$",
        error_messages={
            "invalid": _("A mobile number has 11 digits starting with 1; a landline starts with 0.")
        },
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Special groups"),
        queryset=SpecialGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["id_number"].help_text = _("Leave empty to keep the ID number on record.")
            self.fields["phone"].help_text = _("Leave as it is to keep the phone on record.")

    def clean_id_number(self) -> str:
        number = pii.normalize_id_number(self.cleaned_data.get("id_number") or "")
        if number:
            from linli.places.services import id_number_message

            problem = pii.id_number_problem(number)
            if problem:
                raise forms.ValidationError(id_number_message(problem))
        return number


class BuildingMoveForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Move to micro-grid"), queryset=Area.objects.none())
    note = forms.CharField(label=_("Why"), max_length=200, required=False)

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = choices  # type: ignore[attr-defined]


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("phone", _("Phone")), ("id_number", _("ID number"))])
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=200)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"), choices=ImportKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search residents"),
        required=False,
        max_length=50,
        help_text=_(
            "A name (张梅英), pinyin initials (zmy), the last four phone digits (5678) or an address (5-2-301)."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "autocomplete": "off"}),
    )
