"""Incidents (R5): the catalogue of what can happen on the floor, its emergency plans, the
anti-fraud conversation, and the rules for recording what was done."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lobby_tui.domain.checklist import Label
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.reminders import REMINDERS as REMINDERS  # named here as before

SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "monitoring", "resolved")
ANSWERS = ("yes", "no", "unsure")
NOTE_MAX = 500
OPEN_ANSWER_MAX = 200  # what the customer said to an open question, in a line

Severity = Literal["low", "medium", "high", "critical"]


class Named(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    label: Label


class IncidentType(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    key: str = Field(pattern=r"^[a-z]$")
    severity: Severity
    label: Label
    steps: list[Label] = Field(min_length=1)  # the branch's emergency plan (R5.5)
    # Never on a surface a customer may see (the wall, a slip, the queue): an AML concern
    # must not tip off the customer (issue 20).
    discreet: bool = False
    # Raising it opens a task for this party at once (domain/tasks.RULES names its owner).
    escalate_to: str | None = None


class IncidentCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    zone: list[Named] = Field(min_length=1)
    party: list[Named] = Field(min_length=1)
    type: list[IncidentType] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> IncidentCatalogue:
        keys = [t.key for t in self.type]
        if len(keys) != len(set(keys)):
            raise ValueError("two incident types share a key")
        ids = [t.id for t in self.type]
        if len(ids) != len(set(ids)):
            raise ValueError("two incident types share an id")
        return self

    def of(self, type_id: str) -> IncidentType:
        for kind in self.type:
            if kind.id == type_id:
                return kind
        raise Invalid("type", "incident_type_unknown")

    def by_key(self, key: str) -> IncidentType | None:
        return next((kind for kind in self.type if kind.key == key), None)

    def discreet(self) -> tuple[str, ...]:
        """The types no customer-facing surface may show, nor count."""
        return tuple(kind.id for kind in self.type if kind.discreet)


class FraudQuestion(Named):
    """A question of the conversation. An open one ("who is the money going to, and what
    for?") is answered in the customer's words; the others yes, no or unsure."""

    open: bool = False


class FraudScript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    question: list[FraudQuestion] = Field(min_length=1)
    outcome: list[Named] = Field(min_length=1)
    payee: list[Named] = Field(min_length=1)  # who the money was going to (R5.4)
    channel: list[Named] = Field(min_length=1)  # how the fraudster reached the customer


def check_note(note: str, field: str = "note") -> str | None:
    return check_text(note, field, NOTE_MAX, key="note_too_long") or None


def check_resolution(note: str) -> str:
    """An incident is resolved with a note of what was done (R5)."""
    cleaned = check_note(note, "resolution")
    if not cleaned:
        raise Invalid("resolution", "resolution_missing")
    return cleaned


def told_time(told_at: datetime, raised_at: datetime, now: datetime) -> datetime:
    """When someone was told, as recorded: never before the incident, never in the future.

    A time is typed to the minute, the incident raised to the second: "18:05" for an
    incident raised at 18:05:58 means a call in that minute, after the flag, so it is taken
    as the moment of raising (a told time never sorts before the incident it is about).
    A minute before the raise is refused."""
    if told_at < raised_at.replace(second=0, microsecond=0):
        raise Invalid("told_at", "escalation_before_incident")
    if told_at > now + timedelta(minutes=1):
        raise Invalid("told_at", "escalation_in_future")
    return max(told_at, raised_at)


def next_status(current: str, wanted: str) -> str:
    """open → monitoring → resolved; a resolved incident stays resolved."""
    if wanted not in STATUSES:
        raise Invalid("status", "status_unknown")
    if current == "resolved":
        raise Invalid("status", "already_resolved")
    if wanted == current:
        raise Invalid("status", "same_status")
    return wanted


def check_fraud(
    script: FraudScript, answers: dict[str, str], outcome: str | None
) -> dict[str, str]:
    """Every question answered — an open one in words, the others yes / no / unsure — and
    an outcome chosen (R5.4)."""
    checked: dict[str, str] = {}
    for question in script.question:
        field = f"q-{question.id}"
        given = answers.get(question.id) or ""
        if question.open:
            words = check_text(given, field, OPEN_ANSWER_MAX)
            if not words:
                raise Invalid(field, "fraud_open_answer_missing")
            checked[question.id] = words
        elif given in ANSWERS:
            checked[question.id] = given
        else:
            raise Invalid(field, "fraud_answer_missing")
    if outcome not in {o.id for o in script.outcome}:
        raise Invalid("outcome", "fraud_outcome_missing")
    return checked
