"""The closed loop of a case (spec §3): report → triage → dispatch → deadline → escalation →
resolution → follow-up.

The allowed state changes are data (`TRANSITIONS`); `services.case_transition` refuses
anything else. Every step is a `CaseEvent` row: the timeline the user sees, the audit
record, and what notifications are sent from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Department, Role, RoleAssignment
from linli.lib.query import any_prefix_q

if TYPE_CHECKING:
    from linli.lib.types import AnyUser


class State(models.TextChoices):
    REPORTED = "reported", _("Awaiting triage")
    TRIAGED = "triaged", _("Awaiting dispatch")
    DISPATCHED = "dispatched", _("Awaiting acceptance")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESOLVED = "resolved", _("Resolved, awaiting follow-up")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another case")


# The workflow as data: from each state, the states a case may move to. A closed case
# changes only by being reopened (back to triage, one level up); a merged case never.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.REPORTED: frozenset({State.TRIAGED, State.MERGED}),
    State.TRIAGED: frozenset({State.TRIAGED, State.DISPATCHED, State.MERGED}),
    State.DISPATCHED: frozenset({State.IN_PROGRESS, State.TRIAGED, State.MERGED}),
    State.IN_PROGRESS: frozenset({State.RESOLVED, State.TRIAGED, State.MERGED}),
    State.RESOLVED: frozenset({State.CLOSED, State.TRIAGED}),
    State.CLOSED: frozenset({State.TRIAGED}),
    State.MERGED: frozenset(),
}
OPEN_STATES = frozenset({State.REPORTED, State.TRIAGED, State.DISPATCHED, State.IN_PROGRESS})


class Level(models.IntegerChoices):
    """The escalation ladder: 小事不出楼栋, 大事不出网格, 矛盾不上交."""

    BUILDING = 1, _("Building / micro-grid")
    GRID = 2, _("Grid")
    COMMUNITY = 3, _("Community")
    SUBDISTRICT = 4, _("Subdistrict")


# Which kind of area and which role handle a case at each level.
LEVEL_AREA_KIND = {1: "microgrid", 2: "grid", 3: "community", 4: "subdistrict"}
ROLE_LEVEL = {
    Role.BUILDING_HEAD: Level.BUILDING,
    Role.GRID_WORKER: Level.GRID,
    Role.COMMUNITY_STAFF: Level.COMMUNITY,
    Role.SUBDISTRICT_STAFF: Level.SUBDISTRICT,
}


class Source(models.TextChoices):
    RESIDENT = "resident", _("Resident report")
    HOTLINE = "hotline", _("12345 hotline")
    PATROL = "patrol", _("Grid patrol")
    VISIT = "visit", _("Door-to-door visit")
    MEETING = "meeting", _("Deliberation meeting")
    WECHAT = "wechat", _("WeChat group message")
    OPEN311 = "open311", _("Open311 client")


class Category(models.TextChoices):
    """The default taxonomy of spec §4."""

    DISPUTE = "dispute", _("Dispute")
    SAFETY = "safety", _("Safety hazard")
    ENVIRONMENT = "environment", _("Environment and sanitation")
    FACILITY = "facility", _("Facility repair")
    ORDER = "order", _("Public order")
    LIVELIHOOD = "livelihood", _("Livelihood services")
    LEGAL = "legal", _("Legal consultation")
    SUGGESTION = "suggestion", _("Suggestion")


class Route(models.TextChoices):
    """三事分流."""

    JOINT = "joint", _("Joint")
    CO = "co", _("Co-handled")
    ASSIST = "assist", _("Assisted")


class Timeframe(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    DEADLINE = "deadline", _("Within a deadline")
    LONG_TERM = "long_term", _("Long-term")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class CloseReason(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    NO_RESPONSE = "no_response", _("No response to follow-up")


class Supervision(models.TextChoices):
    """督办 marks."""

    NONE = "", _("On time")
    YELLOW = "yellow", _("Due within a day")
    RED = "red", _("Overdue")


class Team(models.Model):
    """A team cases can be given to: a mediation team (红色帮帮团, 解忧茶桌), a volunteer club."""

    community = models.ForeignKey(
        "places.Area",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="teams",
        limit_choices_to={"kind": "community"},
    )
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


def _people_q(user: AnyUser, prefix: str = "") -> Q:
    """Cases given to the user: in person, through a team, or through their department."""
    from linli.accounts.scope import area_paths

    q = Q(**{f"{prefix}assignee_user": user}) | Q(**{f"{prefix}assignee_team__members": user})
    q |= Q(**{f"{prefix}cohandlers__user": user}) | Q(
        **{f"{prefix}cohandlers__team__members": user}
    )
    liaison_paths = area_paths(user, frozenset({Role.LIAISON}))
    departments = list(
        RoleAssignment.objects.filter(
            user_id=user.pk or 0, role=Role.LIAISON, department__isnull=False
        ).values_list("department_id", flat=True)
    )
    if departments and liaison_paths:
        in_area = any_prefix_q(f"{prefix}area_path", liaison_paths)
        q |= in_area & (
            Q(**{f"{prefix}assignee_department__in": departments})
            | Q(**{f"{prefix}cohandlers__department__in": departments})
        )
    return q


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        """Cases in the places the user's roles cover, plus the user's own reports (and the
        cases they were merged into) and the cases given to them, their team or department.
        Property companies and owners' committees see cases in their compound."""
        from linli.accounts.scope import scoped

        if not user.is_authenticated:
            return self.none()

        def where(paths: list[str]) -> Q:
            q = any_prefix_q("area_path", paths) if paths else Q(pk__in=[])
            q |= Q(reporter=user) | Q(merged_cases__reporter=user)
            q |= _people_q(user)
            compounds = list(
                RoleAssignment.objects.filter(
                    user_id=user.pk,
                    role__in=[Role.PROPERTY_COMPANY, Role.OWNERS_COMMITTEE],
                    compound__isnull=False,
                ).values_list("compound_id", flat=True)
            )
            if compounds:
                q |= Q(building__compound__in=compounds)
            return q

        return scoped(self, user, where).distinct()

    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def public(self) -> CaseQuerySet:
        """What anyone may read (Open311): every case an Open311 client posted, and cases
        about public space — categories in OPEN311_PUBLIC_CATEGORIES (the confirmed one, else
        the proposed one), not inside a home, not flagged as a risk. A family quarrel or a
        neighbour's self-harm never leaves Linli."""
        from django.conf import settings

        public = settings.OPEN311_PUBLIC_CATEGORIES
        return self.filter(
            Q(source=Source.OPEN311)
            | (
                Q(risk=False, household__isnull=True)
                & (Q(category__in=public) | Q(category="", proposal__category__in=public))
            )
        )


class Case(models.Model):
    """事件 / 诉求: one problem, from report to follow-up."""

    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("what happened"), max_length=4000)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.REPORTED, db_index=True
    )
    # Bumped by every change, so a stale form (a double click, a second tab) is refused.
    version = models.PositiveIntegerField(default=1)

    # Who reported it. Anonymous reports have no account; their contact is shown only to
    # the roles that may reveal phone numbers, and each look is recorded.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entered_cases",
    )

    # Where. At least a community; ideally a building or household. `area` is the deepest
    # known area and `area_path` its path, which every scope check matches by prefix.
    community = models.ForeignKey(
        "places.Area", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "places.Area", verbose_name=_("place"), on_delete=models.PROTECT, related_name="cases"
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    address = models.CharField(_("address or landmark"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    # Triage (研判分流): empty until a person confirms.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, blank=True)
    timeframe = models.CharField(
        _("time class"), max_length=12, choices=Timeframe.choices, blank=True
    )
    risk = models.BooleanField(_("risk"), default=False, db_index=True)
    subcategory = models.ForeignKey(
        "triage.SubCategory",
        verbose_name=_("sub-category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # Answers to the sub-category's extra questions (the room for an indoor leak), by code.
    attributes = models.JSONField(_("details"), default=dict, blank=True)
    # What triage intelligence proposed at intake; the triage form starts from it.
    proposal = models.JSONField(_("proposal"), default=dict, blank=True, editable=False)

    # Who handles it and at which level of the ladder.
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    level_area = models.ForeignKey(
        "places.Area",
        verbose_name=_("handled at"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    assignee_team = models.ForeignKey(
        Team,
        verbose_name=_("assigned team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    assignee_department = models.ForeignKey(
        Department,
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    # The 督办 mark already announced for the current deadline, so it is announced once.
    supervision = models.CharField(
        max_length=6, choices=Supervision.choices, blank=True, editable=False
    )

    result = models.TextField(_("result"), blank=True)
    solved_level = models.PositiveSmallIntegerField(
        _("solved at level"), choices=Level.choices, null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    followup_due = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed because"), max_length=12, choices=CloseReason.choices, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )

    # 12345 hand-offs: the hotline's ticket and the reply the community owes it.
    hotline_ticket = models.CharField(_("hotline ticket number"), max_length=40, blank=True)
    hotline_reply_due = models.DateTimeField(_("hotline reply due"), null=True, blank=True)
    hotline_replied_at = models.DateTimeField(_("hotline replied at"), null=True, blank=True)

    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["area_path", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline_ticket"],
                condition=~Q(hotline_ticket=""),
                name="case_hotline_ticket_once",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def supervision_mark(self, now: datetime | None = None) -> str:
        """督办: red when overdue, yellow when due within a day, else none."""
        if not self.is_open or self.deadline is None:
            return Supervision.NONE
        now = now or timezone.now()
        if self.deadline <= now:
            return Supervision.RED
        if self.deadline - now <= timedelta(days=1):
            return Supervision.YELLOW
        return Supervision.NONE

    def attribute_rows(self) -> list[tuple[str, str]]:
        """The answers to the sub-category's questions, for the case page."""
        if not self.attributes:
            return []
        if self.subcategory is None:
            return [(code, str(value)) for code, value in self.attributes.items()]
        return self.subcategory.describe(self.attributes)

    def assignee_label(self) -> str:
        who = self.assignee_user or self.assignee_team or self.assignee_department
        return str(who) if who else ""


class CaseEvent(models.Model):
    """One step on a case's timeline: who, when, what, from which state to which."""

    class Action(models.TextChoices):
        REPORT = "report", _("Reported")
        TRIAGE = "triage", _("Triaged")
        DISPATCH = "dispatch", _("Dispatched")
        ACCEPT = "accept", _("Accepted")
        DECLINE = "decline", _("Declined")
        PROGRESS = "progress", _("Progress note")
        ESCALATE = "escalate", _("Escalated")
        DEADLINE_PASSED = "deadline_passed", _("Deadline passed")
        DUE_SOON = "due_soon", _("Due within a day")
        EXTENSION_REQUEST = "extension_request", _("Extension requested")
        EXTENSION_APPROVE = "extension_approve", _("Extension approved")
        EXTENSION_REFUSE = "extension_refuse", _("Extension refused")
        COHANDLER_ADD = "cohandler_add", _("Co-handling unit added")
        SIGN_OFF = "sign_off", _("Co-handling unit signed off")
        RESOLVE = "resolve", _("Resolved")
        RATE = "rate", _("Rated")
        REOPEN = "reopen", _("Reopened")
        CLOSE = "close", _("Closed")
        MERGE = "merge", _("Merged")
        MERGED_IN = "merged_in", _("Another case merged in")
        HOTLINE_REPLY = "hotline_reply", _("Replied to the hotline")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    from_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    to_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"


class CaseCoHandler(models.Model):
    """A co-handling unit of a joint (联办) case: its own sub-deadline and sign-off."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cohandlers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    task = models.CharField(_("task"), max_length=200, blank=True)
    deadline = models.DateTimeField(_("sub-deadline"))
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_off_note = models.CharField(_("sign-off note"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("co-handling unit")
        verbose_name_plural = _("co-handling units")

    def __str__(self) -> str:
        return str(self.user or self.team or self.department or "-")


class ExtensionRequest(models.Model):
    """延期申请: more working days, approved by the level above."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        # The case moved on (resolved, escalated, declined, merged) before anyone decided.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.CharField(_("reason"), max_length=500)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision="pending"), name="one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.working_days}"


class CaseRating(models.Model):
    """回访: a reporter's (or party's) rating, given in the app or by phone to a worker."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when a worker phoned the reporter and recorded the answer.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.PositiveSmallIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.case_id} {self.rating}"


def photo_path(instance: CasePhoto, filename: str) -> str:
    import uuid

    now = timezone.now()
    return f"cases/{now:%Y/%m}/{uuid.uuid4().hex}.jpg"


class CasePhoto(models.Model):
    """A photo with the report, a progress note or the resolution; EXIF stripped on upload."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    image = models.ImageField(upload_to=photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class IdempotencyKey(models.Model):
    """An API client's Idempotency-Key on create: a retry returns the first case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Notification(models.Model):
    """An in-app inbox entry, written in the same transaction as the event it tells of."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="notifications")
    urgent = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.user_id} {self.event_id}"


class Channel(models.Model):
    """Where else a community's notices go: e-mail, a generic webhook, a WeCom group robot."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook (JSON POST)")
        WECOM = "wecom", _("WeCom group robot")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    target = models.CharField(_("address or URL"), max_length=300)
    community = models.ForeignKey(
        "places.Area",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: every community."),
    )
    urgent_only = models.BooleanField(_("only risks and overdue cases"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A day of an official schedule entered by an administrator (holiday or 调休 working day).

    Entering any day of a year marks that year's schedule as known; its other days follow
    the week (Monday–Friday working)."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {'working' if self.working else 'off'}"
