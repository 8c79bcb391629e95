"""Demo cases for the first demo community: every state of the loop, through the services."""

from __future__ import annotations

import json
import random
from pathlib import Path

from linli.accounts.models import Role, RoleAssignment, User
from linli.cases.models import Source, Team
from linli.cases.services import (
    case_accept,
    case_dispatch,
    case_rate,
    case_report,
    case_resolve,
    case_triage,
)
from linli.places.models import Area, Household

REPORTS = json.loads((Path(__file__).parent / "data" / "demo_cases.json").read_text("utf-8"))[
    "reports"
]
SOURCES = [Source.RESIDENT, Source.PATROL, Source.HOTLINE, Source.VISIT, Source.WECHAT]


def build_demo_cases(*, rng: random.Random, community: Area) -> None:
    """One case per demo report, left at different steps: reported, triaged, dispatched,
    in progress, resolved and closed, so every page has something to show."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["gridworker", "resident", "community"])
    }
    worker, resident = users.get("gridworker"), users.get("resident")
    if worker is None or resident is None:
        return
    grid = RoleAssignment.objects.get(user=worker, role=Role.GRID_WORKER).area
    households = list(Household.objects.filter(micro_grid__parent=grid).order_by("id")[:200])
    home = resident.role_assignments.get(role=Role.RESIDENT).household
    team = Team.objects.filter(community=community).order_by("id").first()
    for index, (text, category, route, timeframe, risk) in enumerate(REPORTS):
        source = SOURCES[index % len(SOURCES)]
        if source == Source.RESIDENT:
            case = case_report(by=resident, description=text, household=home)
        else:
            case = case_report(
                by=worker,
                description=text,
                source=source,
                household=rng.choice(households),
                hotline_ticket=f"12345-{2026_11_00_000 + index}"
                if source == Source.HOTLINE
                else "",
                contact_phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
            )
        step = index % 6
        if step == 0:
            continue
        case_triage(
            case=case, by=worker, category=category, route=route, timeframe=timeframe, risk=risk
        )
        if step == 1:
            continue
        if category == "dispute" and team is not None:
            case_dispatch(case=case, by=worker, team=team)
        else:
            case_dispatch(case=case, by=worker, user=worker)
        if step == 2:
            continue
        assignee = worker if case.assignee_user_id else team.members.first()  # type: ignore[union-attr]
        if assignee is None:
            continue
        case_accept(case=case, by=assignee)
        if step == 3:
            continue
        case_resolve(case=case, by=assignee, result="已上门处理,问题解决,已向居民说明。")
        if step == 4 or case.reporter_id is None:
            continue
        case_rate(case=case, by=resident, rating="satisfied", comment="处理及时,谢谢")
