"""Triage use cases: propose, keep corrections, retrain."""

from __future__ import annotations

import logging
import pickle
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linli.triage.classifier import (
    FIELDS,
    Example,
    TriageModel,
    current_model,
    evaluation_examples,
    model_path,
    shipped_examples,
)
from linli.triage.models import TriageCorrection

if TYPE_CHECKING:
    from linli.accounts.models import User

log = logging.getLogger(__name__)
CORRECTED = (*FIELDS, "risk")


def triage_proposal_for(text: str) -> dict[str, Any]:
    """The proposal as stored on a case; an empty dict if the classifier fails, so that a
    broken model never stops a report from coming in."""
    try:
        return current_model().propose(text).as_dict()
    except Exception:
        log.exception("triage proposal failed")
        return {}


def triage_correction_record(
    *, case: Any, proposed: dict[str, Any], chosen: dict[str, Any], by: User
) -> TriageCorrection | None:
    """Keep what a person changed about a proposal (nothing if they changed nothing)."""
    if not proposed or all(proposed.get(f) == chosen.get(f) for f in CORRECTED):
        return None
    return TriageCorrection.objects.create(
        case=case,
        text=case.description,
        proposed={f: proposed.get(f) for f in CORRECTED},
        corrected={f: chosen.get(f) for f in CORRECTED},
        by=by,
    )


@dataclass
class Scores:
    category: float
    route: float
    timeframe: float
    risk_recall: float
    false_alarms: float

    def not_worse_than(self, other: Scores) -> bool:
        return (
            self.risk_recall >= other.risk_recall
            and self.false_alarms <= other.false_alarms
            and self.category + self.route + self.timeframe
            >= other.category + other.route + other.timeframe
        )


def triage_evaluate(model: TriageModel, examples: list[Example] | None = None) -> Scores:
    examples = examples or evaluation_examples()
    right: Counter[str] = Counter()
    caught = missed = alarms = calm = 0
    for example in examples:
        proposal = model.propose(example.text)
        for field in FIELDS:
            right[field] += getattr(proposal, field) == getattr(example, field)
        if example.risk:
            caught += proposal.risk
            missed += not proposal.risk
        else:
            alarms += proposal.risk
            calm += not proposal.risk
    n = len(examples)
    return Scores(
        category=right["category"] / n,
        route=right["route"] / n,
        timeframe=right["timeframe"] / n,
        risk_recall=caught / max(caught + missed, 1),
        false_alarms=alarms / max(alarms + calm, 1),
    )


def correction_examples() -> list[Example]:
    return [
        Example(
            text=c.text,
            category=c.corrected["category"],
            route=c.corrected["route"],
            timeframe=c.corrected["timeframe"],
            risk=bool(c.corrected["risk"]),
        )
        for c in TriageCorrection.objects.all()
        if all(c.corrected.get(f) for f in FIELDS)
    ]


def triage_train() -> tuple[Scores, Scores, bool, int]:
    """Retrain on the shipped corpus plus the corrections; swap the new model in only if it
    is not worse on the evaluation set. Returns (before, after, swapped, corrections)."""
    before = triage_evaluate(current_model())
    corrections = correction_examples()
    candidate = TriageModel().fit([*shipped_examples(), *corrections])
    after = triage_evaluate(candidate)
    swapped = after.not_worse_than(before)
    if swapped:
        path = model_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_bytes(pickle.dumps(candidate))
        partial.replace(path)  # atomic: a running server never reads half a file
    return before, after, swapped, len(corrections)
