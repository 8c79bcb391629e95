"""Exports of scoped lists: every row through the model's scoping helper, personal data masked."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.places.models import Area, Building, Household, ImportKind, Resident

if TYPE_CHECKING:
    from linli.lib.types import AnyUser

Table = tuple[str, list[str], Iterable[Iterable[Any]]]


def _households(user: AnyUser, area: Area | None = None, **_f: Any) -> Table:
    rows = Household.objects.visible_to(user).select_related("building__compound", "micro_grid")
    if area is not None:
        rows = rows.filter(micro_grid__path__startswith=area.path)
    heads = dict(
        Resident.objects.filter(household__in=rows, relation="head").values_list(
            "household_id", "name"
        )
    )

    def generate() -> Iterator[list[Any]]:
        for h in rows.order_by("micro_grid__path", "building__number", "unit", "room").iterator(
            chunk_size=2000
        ):
            yield [
                h.building.compound.name if h.building.compound else "",
                h.building.number,
                h.unit,
                h.room,
                h.micro_grid.name if h.micro_grid else "",
                heads.get(h.pk, ""),
            ]

    return (
        _("Households"),
        [_("Compound"), _("Building"), _("Unit"), _("Room"), _("Micro-grid"), _("Household head")],
        generate(),
    )


def _residents(user: AnyUser, query: str = "", **_f: Any) -> Table:
    from linli.places.services import resident_search

    rows = resident_search(user=user, query=query) if query else Resident.objects.visible_to(user)
    rows = rows.select_related("household__building__compound").prefetch_related("tags")

    def generate() -> Iterator[list[Any]]:
        for r in rows.order_by("household_id", "pk").iterator(chunk_size=2000):
            b = r.household.building
            yield [
                r.name,
                r.get_sex_display(),
                r.birth_date.isoformat() if r.birth_date else "",
                r.id_number_masked,
                r.phone_masked,
                r.get_relation_display(),
                b.compound.name if b.compound else "",
                r.household.address,
                "、".join(t.name for t in r.tags.all()),
            ]

    headers = [
        _("Name"),
        _("Sex"),
        _("Birth date"),
        _("ID number"),
        _("Phone"),
        _("Relation to household head"),
        _("Compound"),
        _("Address"),
        _("Special groups"),
    ]
    return (_("Residents"), headers, generate())


def _buildings(user: AnyUser, **_f: Any) -> Table:
    rows = Building.objects.visible_to(user).select_related(
        "compound", "community", "micro_grid__parent"
    )
    return (
        _("Buildings"),
        [
            _("Community"),
            _("Compound"),
            _("Building"),
            _("Grid"),
            _("Micro-grid"),
            _("Latitude"),
            _("Longitude"),
        ],
        (
            [
                b.community.name,
                b.compound.name if b.compound else "",
                b.number,
                b.micro_grid.parent.name if b.micro_grid and b.micro_grid.parent else "",
                b.micro_grid.name if b.micro_grid else "",
                b.latitude,
                b.longitude,
            ]
            for b in rows.order_by("pk").iterator(chunk_size=2000)
        ),
    )


def _coverage(user: AnyUser, **_f: Any) -> Table:
    from linli.places.services import coverage_audit, coverage_gap_labels

    audit, labels = coverage_audit(user=user), coverage_gap_labels()
    return (
        _("Coverage gaps"),
        [_("Gap"), _("Place"), "ID"],
        (
            [labels[kind], row["label"], row["id"]]
            for kind, rows in audit["gaps"].items()
            for row in rows
        ),
    )


def _roles(user: AnyUser, **_f: Any) -> Table:
    from linli.accounts.models import RoleAssignment

    rows = RoleAssignment.objects.visible_to(user).select_related(
        "user", "area", "department", "compound"
    )
    return (
        _("People and roles"),
        [_("User name"), _("Name"), _("Role"), _("Place"), _("Department"), _("Compound")],
        (
            [
                a.user.username,
                a.user.full_name,
                a.get_role_display(),
                a.area.name if a.area else "",
                a.department.name if a.department else "",
                a.compound.name if a.compound else "",
            ]
            for a in rows.order_by("user__username", "role").iterator(chunk_size=2000)
        ),
    )


def _data_access(user: AnyUser, **_f: Any) -> Table:
    from linli.accounts.models import PersonalDataAccess

    rows = PersonalDataAccess.objects.visible_to(user).select_related("user")
    return (
        _("Looks at personal data"),
        [_("When"), _("Who looked"), _("Whose data"), _("Field"), _("Reason")],
        (
            [
                timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M"),
                str(a.user),
                a.subject,
                a.field,
                a.reason,
            ]
            for a in rows.iterator(chunk_size=2000)
        ),
    )


KINDS: dict[str, Callable[..., Table]] = {
    "households": _households,
    "residents": _residents,
    "buildings": _buildings,
    "coverage": _coverage,
    "roles": _roles,
    "data_access": _data_access,
}


def export_table(*, kind: str, user: AnyUser, **filters: Any) -> Table:
    return KINDS[kind](user, **filters)


_EXAMPLES = json.loads(
    (Path(__file__).parent / "data" / "template_examples.json").read_text("utf-8")
)


def template_example(kind: str) -> list[str]:
    """One filled-in example row for a template, in the users' own words."""
    return list(_EXAMPLES[ImportKind(kind).value])
