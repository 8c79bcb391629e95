"""Fifty people press "accept" on one case at the same moment: exactly one wins."""

from __future__ import annotations

import threading

from django.db import connection

from linli.accounts.models import Role, RoleAssignment, User
from linli.cases.models import Case, CaseEvent, State, Team
from linli.cases.services import case_accept, case_dispatch, case_report, case_triage
from linli.lib.errors import Conflict


def test_fifty_simultaneous_accepts_make_exactly_one_winner(transactional_db):
    from linli.demo.builder import build_demo

    build_demo(households=300, seed=3, progress=lambda _m: None)
    worker = User.objects.get(username="gridworker")
    home = RoleAssignment.objects.filter(role=Role.RESIDENT).first().household
    case = case_report(by=worker, description="独居老人摔倒", source="visit", household=home)
    case_triage(
        case=case,
        by=worker,
        category="livelihood",
        route="assist",
        timeframe="immediate",
        risk=True,
    )
    team = Team.objects.create(community=case.community, name="党员先锋队")
    members = [
        User.objects.create(username=f"member{i:02d}", full_name=f"党员{i}") for i in range(50)
    ]
    team.members.add(*members)
    case_dispatch(case=case, by=worker, team=team)

    start = threading.Barrier(50)
    outcome: dict[str, list[str]] = {"won": [], "lost": [], "error": []}

    def press(user: User) -> None:
        try:
            mine = Case.objects.get(pk=case.pk)
            start.wait()
            case_accept(case=mine, by=user)
            outcome["won"].append(user.username)
        except Conflict as refused:
            outcome["lost"].append(refused.message)
        except Exception as error:
            outcome["error"].append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcome["error"] == []
    assert len(outcome["won"]) == 1 and len(outcome["lost"]) == 49
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.accepted_by.username == outcome["won"][0]
    assert case.events.filter(action=CaseEvent.Action.ACCEPT).count() == 1
