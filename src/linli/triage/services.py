"""Triage use cases: propose, keep corrections, retrain."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.triage.classifier import (
    DATA,
    FIELDS,
    Example,
    SubRule,
    Taxonomy,
    TriageModel,
    current_model,
    evaluation_examples,
    model_path,
    save_model,
    shipped_examples,
)
from linli.triage.models import SubCategory, TaxonomyCategory, TriageCorrection

if TYPE_CHECKING:
    from linli.accounts.models import User

log = logging.getLogger(__name__)
CORRECTED = (*FIELDS, "risk")


# What each kind of risk rule stands for, as a person reads it.
RISK_KIND_LABELS = {
    "violence": gettext_lazy("violence or a threat"),
    "self_harm": gettext_lazy("self-harm"),
    "missing": gettext_lazy("a person possibly missing"),
    "collapse": gettext_lazy("a person possibly collapsed"),
    "gas_fire": gettext_lazy("gas or fire"),
    "electric": gettext_lazy("water at live electrics"),
    "fraud": gettext_lazy("a fraud under way"),
    "trapped": gettext_lazy("a person trapped or in the way of a fall"),
    "hurt": gettext_lazy("a person hurt or crying for help"),
}


# "<code>「<words>」": a rule's or sub-category's code and the words of the report it matched.
_CODE_WORDS = re.compile(r"^(\w+)「(.*)」$")


def _kind_and_words(rest: str) -> tuple[str, str]:
    """The kind and the words of a reason part's rest: "gas_fire「煤气味」" gives
    ("gas_fire", "煤气味"); a bare kind has no words."""
    match = _CODE_WORDS.match(rest)
    return (match.group(1), match.group(2)) if match else (rest, "")


def triage_reason_text(reason: str) -> str:
    """A proposal's reason, as the classifier writes it for machines
    ("risk:missing「三天没出门」; livelihood:独居、出门; elderly_care「独居」; route:usual assist"),
    in words for the person who triages, in their language.

    Each "; " part is one of: a risk rule and the words it matched, the model's own risk
    estimate, risk words told as not happening now (the model's alarm held back), a
    category and its strongest words, a sub-category and its keyword, the usual route
    taken, or the reporter's own choice of service. Anything else stays as it is.
    """
    from linli.cases.models import Category, Route

    categories, routes = dict(Category.choices), dict(Route.choices)
    # What the whole report says, when it is that and not a rule's words that holds back
    # the model's alarm (`classifier.risk_told_as_not_now`).
    told_whole = {
        "over": _("no alarm: the report ends saying it is over「%(words)s」"),
        "past": _("no alarm: the report tells of a time past and done「%(words)s」"),
    }
    subcategories = {s.code: s.label for s in SubCategory.objects.all()}
    parts = []
    for part in filter(None, (p.strip() for p in reason.split(";"))):
        head, _colon, rest = part.partition(":")
        words = _CODE_WORDS.match(part)
        if head == "risk" and rest.startswith("model"):
            parts.append(str(_("risk, by the model's estimate %(p)s") % {"p": rest[5:].strip()}))
        elif head == "not_now":
            kind, said = _kind_and_words(rest)
            if kind in told_whole:
                parts.append(str(told_whole[kind] % {"words": said}))
                continue
            parts.append(
                str(
                    _("no alarm: 「%(words)s」 is told as past, supposed or dealt with (%(kind)s)")
                    % {"kind": RISK_KIND_LABELS.get(kind, kind), "words": said}
                )
            )
        elif head == "risk":
            kind, said = _kind_and_words(rest)
            label = RISK_KIND_LABELS.get(kind, kind)
            parts.append(str(_("risk: %(kind)s「%(words)s」") % {"kind": label, "words": said}))
        elif head in categories and _colon:
            parts.append(
                _("%(category)s: %(words)s") % {"category": categories[head], "words": rest}
                if rest
                else str(categories[head])
            )
        elif head == "route" and rest.startswith("usual"):
            route = rest[5:].strip()
            parts.append(str(_("the usual route: %(route)s") % {"route": routes.get(route, route)}))
        elif head == "chosen":
            name = subcategories.get(rest) or categories.get(rest, rest)
            parts.append(str(_("chosen by the reporter: %(name)s") % {"name": name}))
        elif words and words.group(1) in subcategories:
            parts.append(f"{subcategories[words.group(1)]}「{words.group(2)}」")
        else:
            parts.append(part)
    return _("; ").join(parts)


def triage_proposal_for(text: str) -> dict[str, Any]:
    """The proposal as stored on a case; an empty dict if the classifier fails, so that a
    broken model never stops a report from coming in."""
    try:
        return current_model().propose(text, taxonomy_current()).as_dict()
    except Exception:
        log.exception("triage proposal failed")
        return {}


_taxonomy: dict[str, Any] = {}
TAXONOMY_CACHE_SECONDS = 30


def taxonomy_current() -> Taxonomy:
    """The taxonomy as administrators keep it, read at most every 30 s per process (this
    process forgets at once when a row is saved; others within 30 s)."""
    now = time.monotonic()
    if _taxonomy.get("until", 0) < now:
        usual = dict(TaxonomyCategory.objects.values_list("code", "usual_route"))
        rules = tuple(
            SubRule(sub.code, sub.category.code, tuple(sub.keyword_list), sub.usual_route)
            for sub in SubCategory.objects.filter(active=True).select_related("category")
        )
        _taxonomy.update(
            value=Taxonomy(
                usual_route=usual or Taxonomy.shipped().usual_route, subcategories=rules
            ),
            until=now + TAXONOMY_CACHE_SECONDS,
        )
    return _taxonomy["value"]


def taxonomy_changed(**_kwargs: Any) -> None:
    _taxonomy.clear()


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
        save_model(candidate, model_path())
    return before, after, swapped, len(corrections)


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similar_cases(*, case: Any, limit: int = 5, days: int = 30) -> list[tuple[Any, float]]:
    """Open cases that are probably the same problem, best first, with a score in [0, 1].

    Steps:
    1. Candidates: open cases of the same community reported in the last `days` days.
    2. Score: the overlap of the texts' character pairs (Jaccard), plus 0.3 for the same
       building (0.15 for the same micro-grid), plus up to 0.1 for the same category.
    3. Keep those scoring at least 0.35.
    """
    from datetime import timedelta

    from linli.cases.models import Case

    since = case.created_at - timedelta(days=days)
    candidates = (
        Case.objects.open()
        .filter(community_id=case.community_id, created_at__gte=since)
        .exclude(pk=case.pk)
        .only(
            "pk",
            "title",
            "description",
            "building_id",
            "area_id",
            "category",
            "created_at",
            "state",
        )
        .order_by("-created_at")[:500]
    )
    mine = _bigrams(case.description)
    scored = []
    for other in candidates:
        theirs = _bigrams(other.description)
        score = len(mine & theirs) / max(1, len(mine | theirs))
        if case.building_id and other.building_id == case.building_id:
            score += 0.3
        elif other.area_id == case.area_id:
            score += 0.15
        if case.category and other.category == case.category:
            score += 0.1
        if score >= 0.35:
            scored.append((other, round(min(score, 1.0), 2)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def taxonomy_install_defaults(category_model: Any, subcategory_model: Any) -> None:
    """Put the shipped taxonomy (data/taxonomy.json) into the database, leaving rows that
    already exist alone. Takes the model classes so that a migration can pass its own."""
    data = json.loads((DATA / "taxonomy.json").read_text("utf-8"))
    categories = {}
    for position, row in enumerate(data["categories"]):
        categories[row["code"]], _created = category_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "description": row["description"],
                "examples": "\n".join(row["examples"]),
                "usual_route": row["usual_route"],
                "position": position,
            },
        )
    for position, row in enumerate(data["subcategories"]):
        subcategory_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "category": categories[row["category"]],
                "name": row["name"],
                "name_en": row["name_en"],
                "description": row["description"],
                "keywords": "\n".join(row["keywords"]),
                "usual_route": row["usual_route"],
                "attributes": [_attribute(a) for a in row["attributes"]],
                "position": position,
            },
        )


def _attribute(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "datatype": row["datatype"],
        "required": bool(row.get("required")),
        "description": row["description"],
        "description_en": row.get("description_en", ""),
        "values": row.get("values", []),
    }
