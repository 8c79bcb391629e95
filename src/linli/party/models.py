"""Party organisation running parallel to the places (spec §2).

社区党委 → 网格党支部 → 楼栋党小组 → 党员; a party-member household (党员中心户) looks after
about ten households ("1名党员中心户联系10户群众", the number is PARTY_HOUSEHOLD_LIMIT).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.lib.query import any_prefix_q
from linli.places.models import Area, Household, Resident

if TYPE_CHECKING:
    from linli.lib.types import AnyUser


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Community party committee")
    BRANCH = "branch", _("Grid party branch")
    GROUP = "group", _("Building party group")


# The organisation's shape as data: the kind of parent each kind must have.
ORG_PARENT = {
    OrgKind.COMMITTEE: None,
    OrgKind.BRANCH: OrgKind.COMMITTEE,
    OrgKind.GROUP: OrgKind.BRANCH,
}


class PartyOrgQuerySet(models.QuerySet["PartyOrg"]):
    def visible_to(self, user: AnyUser) -> PartyOrgQuerySet:
        from linli.accounts.scope import scoped

        return scoped(self, user, lambda paths: any_prefix_q("area__path", paths))


class PartyOrg(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The place it serves: a community, a grid (or compound's grid), a micro-grid.
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="party_orgs"
    )

    objects = PartyOrgQuerySet.as_manager()

    class Meta:
        ordering = ["area__path", "kind"]
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")

    def __str__(self) -> str:
        return self.name


class PartyMemberQuerySet(models.QuerySet["PartyMember"]):
    def visible_to(self, user: AnyUser) -> PartyMemberQuerySet:
        from linli.accounts.scope import scoped

        return scoped(self, user, lambda paths: any_prefix_q("org__area__path", paths))


class PartyMember(models.Model):
    org = models.ForeignKey(
        PartyOrg, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="members"
    )
    resident = models.OneToOneField(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="party_membership",
    )

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")

    def __str__(self) -> str:
        return self.resident.name


class PartyHouseholdQuerySet(models.QuerySet["PartyHousehold"]):
    def visible_to(self, user: AnyUser) -> PartyHouseholdQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(household__in=Household.objects.visible_to(user))


class PartyHousehold(models.Model):
    """A party-member household (党员中心户) and the households it looks after."""

    household = models.OneToOneField(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="party_household",
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="party_households",
    )

    objects = PartyHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("party-member household")
        verbose_name_plural = _("party-member households")

    def __str__(self) -> str:
        return str(self.household)


class PartyHouseholdLink(models.Model):
    """A household looked after by a party-member household: at most one each."""

    party_household = models.ForeignKey(
        PartyHousehold,
        verbose_name=_("party-member household"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    household = models.OneToOneField(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="party_link"
    )

    class Meta:
        verbose_name = _("looked-after household")
        verbose_name_plural = _("looked-after households")

    def __str__(self) -> str:
        return f"{self.party_household} → {self.household}"
