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


class FraudScript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    question: list[Named] = Field(min_length=1)
    outcome: list[Named] = Field(min_length=1)


def check_note(note: str, field: str = "note") -> str | None:
    return check_text(note, field, NOTE_MAX, key="note_too_long") or None


def check_resolution(note: str) -> str:
    """An incident is resolved with a note of what was done (R5)."""
    cleaned = check_note(note, "resolution")
    if not cleaned:
        raise Invalid("resolution", "resolution_missing")
    return cleaned


def check_told_at(told_at: datetime, raised_at: datetime, now: datetime) -> None:
    """Who was told and when: not before the incident, not in the future."""
    if told_at < raised_at.replace(second=0):
        raise Invalid("told_at", "escalation_before_incident")
    if told_at > now + timedelta(minutes=1):
        raise Invalid("told_at", "escalation_in_future")


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
    """Every question answered (yes / no / unsure) and an outcome chosen (R5.4)."""
    for question in script.question:
        if answers.get(question.id) not in ANSWERS:
            raise Invalid(f"q-{question.id}", "fraud_answer_missing")
    if outcome not in {o.id for o in script.outcome}:
        raise Invalid("outcome", "fraud_outcome_missing")
    return {q.id: answers[q.id] for q in script.question}
