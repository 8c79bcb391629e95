"""Place use cases."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from linli.lib.errors import DomainError
from linli.places.models import PARENT_KIND, Area


def area_path(*, area: Area, parent: Area | None) -> str:
    return f"{parent.path if parent else ''}{area.pk}/"


def area_create(*, kind: str, name: str, parent: Area | None = None, **fields: object) -> Area:
    """Create an area where the tree allows it (a grid under a community, and so on)."""
    expected = PARENT_KIND[kind]
    if (parent.kind if parent else None) != expected:
        raise DomainError(_("This kind of place cannot go there in the tree."), code="bad_parent")
    with transaction.atomic():
        # The path needs the row's own id, so the row is written, then given its path.
        area = Area.objects.create(
            kind=kind, name=name, parent=parent, path=f"new-{uuid.uuid4().hex}", **fields
        )
        area.path = area_path(area=area, parent=parent)
        area.save(update_fields=["path"])
    return area
