from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=80,
        help_text=_("For example: the hotline bridge, or a statistics script."),
    )
