"""An incident as the lists, the handover and the report show it: a plain row type, kept
apart from the incident rules and their catalogue models so the report imports it cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Incident:
    id: str
    raised_at: datetime
    type: str
    zone: str | None
    severity: str
    note: str | None
    status: str
    resolved_at: datetime | None
    resolution_note: str | None
