from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=80,
        help_text=_("For example: the hotline bridge, or a statistics script."),
    )


class PersonForm(forms.Form):
    """A new account, or an existing one found by user name, with a role in a place."""

    username = forms.RegexField(
        label=_("User name"),
        max_length=40,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and _ . @ + - only.")},
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        required=False,
        help_text=_("Needed for a new account."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[])
    area: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Place"), queryset=None, required=False
    )
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False
    )
    compound: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Compound"), queryset=None, required=False
    )

    def __init__(
        self, *args: Any, areas: Any, compounds: Any, roles: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        from linli.accounts.models import Department

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].label_from_instance = lambda a: f"{a.get_kind_display()} · {a.name}"  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.all()  # type: ignore[attr-defined]
        self.fields["compound"].queryset = compounds  # type: ignore[attr-defined]
