"""The closed loop through the services, as the people in it live it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts.models import Department, Role, RoleAssignment
from linli.cases.models import Case, CaseEvent, ExtensionRequest, Notification, State, Team
from linli.cases.services import (
    InvalidTransition,
    case_accept,
    case_cohandler_add,
    case_cohandler_sign_off,
    case_dispatch,
    case_escalate,
    case_extension_decide,
    case_extension_request,
    case_merge,
    case_rate,
    case_report,
    case_resolve,
    case_sweep,
    case_triage,
)
from linli.lib.errors import Conflict, DomainError, Forbidden

A = CaseEvent.Action


def home_of(user):
    return RoleAssignment.objects.get(user=user, role=Role.RESIDENT).household


def leak(world, **extra):
    return case_report(
        by=world.resident,
        description="楼上卫生间漏水,天花板在滴水",
        household=home_of(world.resident),
        **extra,
    )


def triage(case, by, **extra):
    fields = {"category": "dispute", "route": "assist", "timeframe": "deadline", "risk": False}
    return case_triage(case=case, by=by, **{**fields, **extra})


def test_a_residents_report_starts_at_the_building_level_with_a_deadline_and_an_event(world):
    case = leak(world)
    assert case.state == State.REPORTED
    assert case.level == 1 and case.level_area == home_of(world.resident).micro_grid
    assert case.deadline > timezone.now()
    event = case.events.get()
    assert (event.action, event.to_state, event.actor) == (A.REPORT, State.REPORTED, world.resident)
    # The building head of that micro-grid hears of it in their inbox.
    assert Notification.objects.filter(user=world.buildinghead, case=case).exists()


def test_the_whole_loop_escalates_reopens_a_level_up_and_closes_on_satisfaction(world):
    case = leak(world)
    triage(case, world.buildinghead)
    case_dispatch(case=case, by=world.buildinghead, user=world.buildinghead)
    case_accept(case=case, by=world.buildinghead)
    assert case.state == State.IN_PROGRESS

    # The deadline passes with no extension asked: the grid takes it over.
    done = case_sweep(now=case.deadline + timedelta(minutes=1))
    case.refresh_from_db()
    assert done["escalated"] >= 1
    assert (case.state, case.level, case.assignee_user) == (State.TRIAGED, 2, None)
    assert case.events.last().action == A.DEADLINE_PASSED
    assert Notification.objects.filter(user=world.gridworker, case=case, urgent=True).exists()

    case_dispatch(case=case, by=world.gridworker, user=world.gridworker)
    case_accept(case=case, by=world.gridworker)
    case_resolve(case=case, by=world.gridworker, result="已修好水管")
    assert (case.state, case.solved_level) == (State.RESOLVED, 2)

    case_rate(case=case, by=world.resident, rating="dissatisfied", comment="还在漏")
    case.refresh_from_db()
    assert (case.state, case.level, case.reopen_count) == (State.TRIAGED, 3, 1)
    assert case.solved_level is None

    case_dispatch(case=case, by=world.community, user=world.gridworker)
    case_accept(case=case, by=world.gridworker)
    case_resolve(case=case, by=world.gridworker, result="更换了楼上防水层")
    case_rate(case=case, by=world.resident, rating="satisfied")
    case.refresh_from_db()
    assert (case.state, case.close_reason, case.solved_level) == (State.CLOSED, "satisfied", 3)
    steps = list(case.events.values_list("action", flat=True))
    assert steps == [
        A.REPORT, A.TRIAGE, A.DISPATCH, A.ACCEPT, A.DEADLINE_PASSED, A.DISPATCH, A.ACCEPT,
        A.RESOLVE, A.RATE, A.REOPEN, A.DISPATCH, A.ACCEPT, A.RESOLVE, A.RATE, A.CLOSE,
    ]  # fmt: skip


def test_a_refused_transition_is_an_error_and_leaves_no_trace(world):
    case = leak(world)
    with pytest.raises(Conflict) as not_now:
        case_accept(case=case, by=world.buildinghead)  # nobody dispatched it
    assert "待研判" in not_now.value.message  # says the state it is in
    with pytest.raises(Forbidden):
        triage(case, world.mediator)  # a mediator does not triage
    with pytest.raises(DomainError):
        case_resolve(case=case, by=world.buildinghead, result="x")
    case.refresh_from_db()
    assert case.state == State.REPORTED and case.events.count() == 1


def test_a_closed_case_changes_only_by_being_reopened(world):
    case = leak(world)
    triage(case, world.buildinghead)
    case_dispatch(case=case, by=world.buildinghead, user=world.buildinghead)
    case_accept(case=case, by=world.buildinghead)
    case_resolve(case=case, by=world.buildinghead, result="ok")
    case_rate(case=case, by=world.resident, rating="basic")
    assert case.state == State.CLOSED
    with pytest.raises(Conflict):
        triage(case, world.community)
    with pytest.raises(InvalidTransition):
        from linli.cases.services import _step

        _step(case, by=world.community, action=A.DISPATCH, to=State.DISPATCHED)


def test_a_stale_form_is_refused_with_a_clear_message(world):
    case = leak(world)
    old = case.version
    triage(case, world.buildinghead)
    with pytest.raises(Conflict) as refused:
        triage(Case.objects.get(pk=case.pk), world.gridworker, version=old)
    assert "刚刚" in refused.value.message or "moment" in refused.value.message


def test_a_risk_flag_alerts_the_communitys_staff_at_once(world):
    case = leak(world)
    assert not Notification.objects.filter(user=world.community, case=case).exists()
    triage(case, world.buildinghead, risk=True)
    alert = Notification.objects.get(user=world.community, case=case)
    assert alert.urgent and alert.event.action == A.TRIAGE
    assert case.timeframe == "immediate"


def test_a_pending_extension_stops_automatic_escalation_and_approval_moves_the_deadline(world):
    case = leak(world)
    triage(case, world.buildinghead)
    case_dispatch(case=case, by=world.buildinghead, user=world.buildinghead)
    case_accept(case=case, by=world.buildinghead)
    extension = case_extension_request(
        case=case, by=world.buildinghead, working_days=3, reason="等业主回来"
    )
    late = case.deadline + timedelta(minutes=1)
    case_sweep(now=late)
    case.refresh_from_db()
    assert case.level == 1 and case.state == State.IN_PROGRESS
    with pytest.raises(Forbidden):  # the same level may not approve its own extension
        case_extension_decide(extension=extension, by=world.buildinghead, approve=True)
    before = case.deadline
    case_extension_decide(extension=extension, by=world.gridworker, approve=True)
    case.refresh_from_db()
    assert case.deadline > before
    assert ExtensionRequest.objects.get(pk=extension.pk).decision == "approved"


def test_a_joint_case_resolves_only_after_every_co_handler_signed_off(world):
    case = leak(world)
    triage(case, world.gridworker, category="facility", route="joint")
    case_dispatch(case=case, by=world.gridworker, user=world.gridworker)
    case_accept(case=case, by=world.gridworker)
    police = Department.objects.get(code="public_security")
    unit = case_cohandler_add(
        case=case, by=world.gridworker, department=police, working_days=2, task="现场勘查"
    )
    with pytest.raises(Conflict):
        case_resolve(case=case, by=world.gridworker, result="done")
    case_cohandler_sign_off(unit=unit, by=world.liaison, note="已勘查")
    case_resolve(case=case, by=world.gridworker, result="done")
    assert case.state == State.RESOLVED


def test_a_mediation_team_member_accepts_a_case_given_to_the_team(world):
    case = leak(world)
    triage(case, world.buildinghead)
    team = Team.objects.get(members=world.mediator)
    case_dispatch(case=case, by=world.buildinghead, team=team)
    assert Notification.objects.filter(user=world.mediator, case=case).exists()
    case_accept(case=case, by=world.mediator)
    assert case.accepted_by == world.mediator
    assert Case.objects.visible_to(world.mediator).filter(pk=case.pk).exists()


def test_merged_reporters_keep_receiving_updates_of_the_case_they_joined(world):
    first = leak(world)
    second = case_report(
        by=world.gridworker,
        description="12345: 同一处漏水",
        source="hotline",
        hotline_ticket="12345-0001",
        household=home_of(world.resident),
    )
    case_merge(case=second, into=first, by=world.gridworker)
    second.refresh_from_db()
    assert second.state == State.MERGED and second.merged_into == first
    assert second.hotline_reply_due is not None  # the hotline reply duty stays on its ticket
    triage(first, world.gridworker)
    case_dispatch(case=first, by=world.gridworker, user=world.gridworker)
    case_accept(case=first, by=world.gridworker)
    assert Notification.objects.filter(user=world.resident, case=first, event__action=A.ACCEPT)


def test_a_resolved_case_with_no_answer_closes_as_no_response(world):
    case = leak(world)
    triage(case, world.buildinghead)
    case_dispatch(case=case, by=world.buildinghead, user=world.buildinghead)
    case_accept(case=case, by=world.buildinghead)
    case_resolve(case=case, by=world.buildinghead, result="ok")
    case_sweep(now=case.followup_due + timedelta(minutes=1))
    case.refresh_from_db()
    assert (case.state, case.close_reason) == (State.CLOSED, "no_response")


def test_escalation_by_hand_needs_a_reason_and_stops_at_the_subdistrict(world):
    case = leak(world)
    with pytest.raises(DomainError):
        case_escalate(case=case, by=world.buildinghead, reason=" ")
    case_escalate(case=case, by=world.buildinghead, reason="需要网格协调")
    case_escalate(case=case, by=world.gridworker, reason="需要社区")
    case_escalate(case=case, by=world.community, reason="需要街道")
    assert case.level == 4
    with pytest.raises(DomainError):
        case_escalate(case=case, by=world.subdistrict, reason="更高")


def test_a_grid_worker_cannot_enter_a_case_for_another_grid(world):
    from linli.places.models import Household

    own = RoleAssignment.objects.get(user=world.gridworker, role=Role.GRID_WORKER).area
    elsewhere = Household.objects.exclude(micro_grid__path__startswith=own.path).first()
    with pytest.raises(Forbidden):
        case_report(by=world.gridworker, description="x", source="patrol", household=elsewhere)
