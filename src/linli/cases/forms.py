from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Department
from linli.cases.models import Category, Rating, Route, Source, State, Timeframe
from linli.places.models import Area, AreaKind, Building


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos; each is checked (and stripped of EXIF) by the service."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos (optional, up to 5)"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > 5:
            raise forms.ValidationError(_("At most 5 photos."))
        return files


PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
PHONE_ERROR = _("A mobile number has 11 digits starting with 1; a landline starts with 0.")


class ReportForm(forms.Form):
    """A resident's report: what, where (own home preselected), photos — three steps."""

    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=4000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _("e.g. water leaking from the flat upstairs since yesterday"),
            }
        ),
    )
    where = forms.ChoiceField(label=_("Where?"), widget=forms.RadioSelect)
    address = forms.CharField(
        label=_("Address or landmark"),
        required=False,
        max_length=200,
        help_text=_("If it is not at your home: e.g. the east gate, building 5 stairwell."),
    )
    photos = PhotosField()
    anonymous = forms.BooleanField(
        label=_("Hide my name from the people who handle it"), required=False
    )

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = places  # type: ignore[attr-defined]
        if places:
            self.fields["where"].initial = places[0][0]


class VisitorReportForm(forms.Form):
    """A report without an account: the community, an address and a phone to call back."""

    description = ReportForm.base_fields["description"]
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Area.objects.filter(kind=AreaKind.COMMUNITY)
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=200)
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=50)
    contact_phone = forms.RegexField(
        label=_("Phone, so we can reach you"),
        regex=PHONE,
        error_messages={"invalid": PHONE_ERROR},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    photos = PhotosField()


class StaffReportForm(forms.Form):
    """A report entered on behalf of someone: hotline, patrol, visit, meeting, WeChat."""

    source = forms.ChoiceField(
        label=_("Source"),
        choices=[c for c in Source.choices if c[0] not in (Source.RESIDENT, Source.OPEN311)],
        widget=forms.RadioSelect,
    )
    description = ReportForm.base_fields["description"]
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    room = forms.CharField(label=_("Room"), max_length=10, required=False)
    area = forms.ModelChoiceField(
        label=_("Or only the area"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("When there is no building: the grid or community."),
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=50)
    contact_phone = forms.RegexField(
        label=_("Contact phone"),
        regex=PHONE,
        required=False,
        error_messages={"invalid": PHONE_ERROR},
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    hotline_ticket = forms.CharField(label=_("12345 ticket number"), max_length=40, required=False)
    hotline_reply_due = forms.DateTimeField(
        label=_("Hotline reply due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    photos = PhotosField()

    def __init__(self, *args: Any, buildings: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["hotline_reply_due"].help_text = _("Empty: %(days)s working days from now.") % {
            "days": settings.HOTLINE_REPLY_DAYS
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == Source.HOTLINE and not data.get("hotline_ticket"):
            self.add_error("hotline_ticket", _("Enter the 12345 ticket number."))
        if not data.get("building") and not data.get("area"):
            self.add_error("building", _("Say where: choose a building or an area."))
        return data


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [("", "—"), *enum.choices]


class TriageForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=_choices(Category))
    route = forms.ChoiceField(label=_("Route"), choices=_choices(Route))
    timeframe = forms.ChoiceField(label=_("Time class"), choices=_choices(Timeframe))
    risk = forms.BooleanField(
        label=_("Risk: violence, self-harm, danger to life, or a dispute about to turn criminal"),
        required=False,
    )
    subcategory = forms.ChoiceField(label=_("Sub-category"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    field_order = ["category", "subcategory", "route", "timeframe", "risk", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from linli.triage.models import SubCategory

        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        of_category: dict[str, str] = {}
        for sub in SubCategory.objects.filter(active=True).select_related("category"):
            groups.setdefault(sub.category.label, []).append((sub.code, sub.label))
            of_category[sub.code] = sub.category.code
        self.fields["subcategory"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *groups.items(),
        ]
        # The page offers only the chosen category's sub-categories (linli/triage_form.js);
        # the service still refuses a mismatch, for a browser without scripts.
        self.fields["subcategory"].widget.attrs["data-category-of"] = json.dumps(of_category)


class DispatchForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Give to"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, people: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            (_("People"), [(f"user:{u.pk}", str(u)) for u in people]),
            (_("Teams"), [(f"team:{t.pk}", str(t)) for t in teams]),
            (
                _("Departments"),
                [(f"department:{d.pk}", str(d)) for d in Department.objects.all()],
            ),
        ]


class CoHandlerForm(DispatchForm):
    task = forms.CharField(label=_("Task"), max_length=200, required=False)
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60, initial=5)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgressForm(forms.Form):
    note = NoteForm.base_fields["note"]
    photos = PhotosField()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class ResolveForm(forms.Form):
    result = forms.CharField(
        label=_("How was it solved?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Evidence photos (optional)"))


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Extra working days"), min_value=1, max_value=60, initial=3
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Merge into case number"), min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=200)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=_choices(State), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=_choices(Category), required=False)
    route = forms.ChoiceField(label=_("Route"), choices=_choices(Route), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=_choices(Source), required=False)
    area = forms.ModelChoiceField(label=_("Place"), queryset=Area.objects.none(), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class HotlineImportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Area.objects.none())
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()
