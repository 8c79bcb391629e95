"""Triage proposal for one text."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from linli.triage.classifier import current_model
from linli.triage.services import taxonomy_current

router = Router(tags=["triage"])


class TriageIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)


class ProposalOut(Schema):
    category: str
    route: str
    timeframe: str
    risk: bool
    confidence: float
    reason: str
    subcategory: str


@router.post("/triage", response=ProposalOut, summary="Propose a triage for a report text")
def triage(request: HttpRequest, payload: TriageIn) -> dict:
    return current_model().propose(payload.text, taxonomy_current()).as_dict()
