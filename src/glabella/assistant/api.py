"""The patient assistant's JSON endpoint."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import services
from .clinics import clinic_by_slug
from .throttle import check_question_rate

router = Router(tags=["assistant"])


class AskIn(Schema):
    question: str = Field(..., min_length=1, max_length=2000)
    clinic: str | None = Field(None, description="clinic slug; default: the only clinic")


class AskOut(Schema):
    kind: str = Field(..., description="answer, urgent or abstain")
    urgent: bool
    abstained: bool
    text: str = Field(..., description="the approved answer with the clinic's values filled in")
    html: str = Field(..., description="the same, rendered safely (raw HTML shown as text)")
    entry_id: str | None
    version: int | None
    topic: str | None
    title: str | None
    source: str | None = Field(..., description="the entry's provenance note, for staff")
    citation: str = Field(..., description="where the answer's facts come from, for patients")
    confidence: float
    signals: list[str]
    timings_ms: dict[str, float]
    handoff_id: str | None


@router.post("/ask", response=AskOut, summary="Answer a patient's question", auth=None)
def ask(request: HttpRequest, payload: AskIn) -> dict[str, object]:
    check_question_rate(request)
    clinic = clinic_by_slug(payload.clinic)
    reply = services.ask(clinic, payload.question, channel="api")
    return {**asdict(reply), "signals": list(reply.signals)}
