"""Triage intelligence on the held-out evaluation set (never trained on).

    ./linli bench triage

Prints accuracy per field, the confusion matrices of category and route, risk recall and
false-alarm rate, and milliseconds per report. The baseline, measured in the same run, is
"always the most common answer" for each field (what a model that learned nothing gets).
Goals: category ≥ 90 %, route ≥ 85 %, risk recall 100 % with false alarms ≤ 5 %, < 5 ms.

    ./linli bench triage --cv

instead scores the training corpus by 5-fold cross-validation (stratified by category,
fixed seed): the figure to decide features, rules and synonyms on, leaving the held-out
set for measuring. It also prints, for thresholds of the risk model's backstop, what the
model alone catches and how many false alarms it adds: over the folds, and over the last
training batch with the model trained on the batches before it (reports written later,
in words the earlier ones did not use: the rules are not scored there, having been
written with that batch in view).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any

from common import percentile, report, setup, verdict


def matrix(title: str, pairs: list[tuple[str, str]]) -> None:
    labels = sorted({a for a, _b in pairs} | {b for _a, b in pairs})
    counts = Counter(pairs)
    print(f"\n{title} (rows: truth, columns: proposed)")
    print(" " * 12 + "".join(f"{label[:10]:>11}" for label in labels))
    for truth in labels:
        print(f"{truth[:11]:<12}" + "".join(f"{counts[(truth, p)]:>11}" for p in labels))


THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def threshold_rows(title: str, scored: list[tuple[bool, float, bool]]) -> list[tuple[str, str]]:
    """(truth, model probability, rule fired) to one row per threshold."""
    risks = [p for truth, p, _rule in scored if truth]
    others = [(p, rule) for truth, p, rule in scored if not truth]
    rows = [(title, f"{len(risks)} risks, {len(others)} others")]
    for t in THRESHOLDS:
        alone = sum(p >= t for p in risks) / max(1, len(risks))
        alarms = sum(p >= t or rule for p, rule in others) / max(1, len(others))
        rows.append(
            (
                f"  threshold {t:.1f}",
                f"model alone catches {alone:.1%}, false alarms with the rules {alarms:.1%}",
            )
        )
    return rows


def backstop(
    examples: list[Any], *, trained_on: set[int], scored: int
) -> list[tuple[bool, float, bool]]:
    """(truth, model probability, no rule) for the examples of batch `scored`, by the risk
    model trained on those of the `trained_on` batches."""
    from linli.triage.classifier import TriageModel

    model = TriageModel().fit([e for e in examples if e.batch in trained_on])
    return [
        (e.risk, model.risk_probability(model.vector(e.text)), False)
        for e in examples
        if e.batch == scored
    ]


def cross_validate() -> None:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from linli.triage.classifier import (
        FIELDS,
        RISK_MODEL_THRESHOLD,
        TriageModel,
        risk_signal,
        shipped_examples,
    )

    examples = shipped_examples()
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    right: Counter[str] = Counter()
    risks = non_risks = caught = alarms = 0
    labels = np.array([e.category for e in examples])
    scored: list[tuple[bool, float, bool]] = []
    wrong_risk: list[tuple[str, str, str]] = []  # (missed / false alarm, text, reason)
    for train, test in folds.split(np.zeros(len(examples)), labels):
        model = TriageModel().fit([examples[i] for i in train])
        for i in test:
            e, p = examples[i], model.propose(examples[i].text)
            scored.append(
                (
                    e.risk,
                    model.risk_probability(model.vector(e.text)),
                    risk_signal(e.text) is not None,
                )
            )
            right.update(f for f in FIELDS if getattr(p, f) == getattr(e, f))
            risks, caught = risks + e.risk, caught + (e.risk and p.risk)
            non_risks, alarms = non_risks + (not e.risk), alarms + (p.risk and not e.risk)
            if e.risk != p.risk:
                wrong_risk.append(("missed" if e.risk else "false alarm", e.text, p.reason))
    n = len(examples)
    rows = [("training corpus", f"{n} reports, 5 folds")]
    rows += [(field, f"{right[field] / n:.1%}") for field in FIELDS]
    rows.append(("risk recall", f"{caught / max(1, risks):.1%}"))
    rows.append(("false alarms", f"{alarms / max(1, non_risks):.1%}"))
    rows.append(("risk model threshold", f"{RISK_MODEL_THRESHOLD} (in use)"))
    rows += threshold_rows("backstop over the folds", scored)
    batches = {e.batch for e in examples}
    last = max(batches)
    rows += threshold_rows(
        f"backstop on batch {last}, trained on batches before it",
        backstop(examples, trained_on={b for b in batches if b < last}, scored=last),
    )
    # Each batch scored by the model trained on all the others: every batch in turn is
    # "written later", so no one batch's make-up (a batch of look-alikes, say) decides.
    by_batch = [
        row
        for batch in sorted(batches)
        for row in backstop(examples, trained_on=batches - {batch}, scored=batch)
    ]
    rows += threshold_rows("backstop by batch, each trained on the others", by_batch)
    report("Triage by cross-validation on the training corpus", rows)
    # The training reports the folds got wrong on risk: what rules are decided on.
    print("\nRisk wrong in the folds (training reports)")
    for kind, text, reason in sorted(wrong_risk):
        print(f"  {kind:<11}  {text[:60]}  [{reason.split(';')[0]}]")


def main() -> None:
    setup("triage", fresh=False)
    if "--cv" in sys.argv:
        cross_validate()
        return
    from linli.triage.classifier import FIELDS, TriageModel, evaluation_examples, shipped_examples

    started = time.perf_counter()
    model = TriageModel().fit(shipped_examples())
    trained = time.perf_counter() - started
    examples = evaluation_examples()
    model.propose("预热")  # load jieba's dictionary outside the timing
    proposals, times = [], []
    for example in examples:
        began = time.perf_counter()
        proposals.append(model.propose(example.text))
        times.append((time.perf_counter() - began) * 1000)
    n = len(examples)
    rows = [
        (
            "evaluation set",
            f"{n} reports ({sum(e.risk for e in examples)} risks); training {len(shipped_examples())} reports in {trained:.1f} s",
        )
    ]
    goals = {"category": 0.90, "route": 0.85, "timeframe": 0.0}
    for field in FIELDS:
        accuracy = (
            sum(
                getattr(p, field) == getattr(e, field)
                for p, e in zip(proposals, examples, strict=True)
            )
            / n
        )
        common = Counter(getattr(e, field) for e in examples).most_common(1)[0][1] / n
        goal = goals[field]
        rows.append(
            (
                field,
                f"{accuracy:.1%} (baseline {common:.1%})"
                + (f" — {verdict(accuracy >= goal, f'≥ {goal:.0%}')}" if goal else ""),
            )
        )
    risks = [(e.risk, p.risk) for p, e in zip(proposals, examples, strict=True)]
    recall = sum(1 for t, p in risks if t and p) / max(1, sum(1 for t, _p in risks if t))
    alarms = sum(1 for t, p in risks if p and not t) / max(1, sum(1 for t, _p in risks if not t))
    rows.append(("risk recall", f"{recall:.1%} — {verdict(recall == 1.0, '100 %')}"))
    rows.append(("false alarms", f"{alarms:.1%} — {verdict(alarms <= 0.05, '≤ 5 %')}"))
    mean = sum(times) / n
    rows.append(
        (
            "ms per report",
            f"mean {mean:.2f}, p95 {percentile(times, 95):.2f} — {verdict(mean < 5, '< 5 ms')}",
        )
    )
    for batch in sorted({e.batch for e in examples}):
        pairs = [(p, e) for p, e in zip(proposals, examples, strict=True) if e.batch == batch]
        scores = ", ".join(
            f"{field} {sum(getattr(p, field) == getattr(e, field) for p, e in pairs) / len(pairs):.1%}"
            for field in FIELDS
        )
        missed = sum(1 for p, e in pairs if e.risk and not p.risk)
        batch_risks = sum(1 for _p, e in pairs if e.risk)
        alarms = sum(1 for p, e in pairs if p.risk and not e.risk)
        rows.append(
            (
                f"  batch {batch}",
                f"{len(pairs)} reports: {scores}, risks missed {missed} of {batch_risks}, "
                f"false alarms {alarms} of {len(pairs) - batch_risks}",
            )
        )
    report("Triage proposals on the held-out set", rows)
    matrix("category", [(e.category, p.category) for p, e in zip(proposals, examples, strict=True)])
    matrix("route", [(e.route, p.route) for p, e in zip(proposals, examples, strict=True)])


if __name__ == "__main__":
    main()
