"""A synthetic past day's incidents (`lobby demo --days`, R5): flagged, the plan's steps
ticked, who was told, the anti-fraud conversation, resolved with a note. Nothing after the
start of today happens."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from lobby_tui.demo.history_cases import Day, Rows, poisson, task_row
from lobby_tui.demo.history_floor import new_uuid
from lobby_tui.demo.history_text import INCIDENTS
from lobby_tui.domain.cash import yuan_text
from lobby_tui.domain.incidents import FraudScript, IncidentCatalogue, IncidentType
from lobby_tui.domain.tasks import TaskText, task_due
from lobby_tui.store import iso


def write_incidents(
    rng: random.Random,
    d: Day,
    catalogue: IncidentCatalogue,
    fraud: FraudScript,
    mean: float,
    rows: Rows,
) -> int:
    """Order and security on the floor (R5): flagged, the plan's steps ticked, who was told,
    the anti-fraud conversation, resolved with a note — lost property only when collected."""
    kinds = list(catalogue.type)
    weights = [INCIDENT_ODDS.get(t.id, 1) for t in kinds]
    count = poisson(rng, mean)
    for _ in range(count):
        _incident(rng, d, rng.choices(kinds, weights)[0], catalogue, fraud, rows)
    extra = random.Random(f"{d.shift_id}:fraud")  # its own stream: the rest stays as it was
    scams = [t for t in kinds if t.id == "fraud"]
    if scams and extra.random() < FRAUD_EXTRA_PER_DAY:
        _incident(extra, d, scams[0], catalogue, fraud, rows)
        count += 1
    return count


def _fraud_case(side: random.Random, fraud: FraudScript, outcome: str) -> dict[str, object]:
    """The closed loop's facts as the form records them (domain/fraud.check_case): the
    amount at risk, payee and channel, the stop-payment, 96110 called with its receipt, and
    what was saved. Drawn from the case's own generator, so the rest stays as it was."""
    at_risk = Decimal(side.choice((8, 20, 30, 50, 86, 120, 200))) * 1000
    saved: Decimal | None = {
        "prevented": at_risk,
        "partial": (at_risk * Decimal(side.choice((3, 5, 7))) / 10).quantize(Decimal(1)),
        "delayed": None,
    }.get(outcome, Decimal(0))
    reported = ["96110"] if side.random() < 0.7 else []
    return {
        "amount_at_risk": yuan_text(at_risk),
        "amount_saved": None if saved is None else yuan_text(saved),
        "payee": side.choice([p.id for p in fraud.payee]),
        "channel": side.choice([c.id for c in fraud.channel]),
        "stop_payment": outcome in ("prevented", "partial") and side.random() < 0.5,
        "reported": reported,
        "receipt_no": f"96110-{side.randint(1000, 9999)}" if reported else None,
    }


def _incident(
    rng: random.Random,
    d: Day,
    kind: IncidentType,
    catalogue: IncidentCatalogue,
    fraud: FraudScript,
    rows: Rows,
) -> None:
    raised = d.during_opening(rng)
    note, resolution = INCIDENTS[d.lang].get(kind.id, INCIDENTS[d.lang]["other"])
    incident_id = new_uuid(rng)

    def add(at: datetime, what: str, **fields: Any) -> None:
        if at >= d.horizon:
            return
        row = {
            "id": new_uuid(rng),
            "incident_id": incident_id,
            "at": iso(at),
            "recorded_at": iso(at),
            "kind": what,
            "party": None,
            "step": None,
            "label": None,
            "note": None,
            "payload": None,
        }
        row.update(fields)
        rows["incident_updates"].append(row)

    at = raised
    for party in INCIDENT_PARTIES.get(kind.id, ()):
        at += timedelta(minutes=rng.randint(1, 3))
        label = next(p.label.text(d.lang) for p in catalogue.party if p.id == party)
        add(at, "escalated", party=party, label=label)
    for step, text in enumerate(kind.steps):
        at += timedelta(minutes=rng.randint(1, 4))
        add(at, "step", step=step, label=text.text(d.lang))
    if kind.id == "fraud":
        at += timedelta(minutes=rng.randint(3, 10))
        answers = {q.id: rng.choice(("yes", "no", "unsure")) for q in fraud.question}
        # An open question in words (drawn all the same: the history stays as it was).
        answers |= {q.id: d.text("fraud_why") for q in fraud.question if q.open}
        outcomes = [o.id for o in fraud.outcome]
        outcome = rng.choices(outcomes, [INCIDENT_FRAUD.get(o, 5) for o in outcomes])[0]
        case = _fraud_case(random.Random(incident_id), fraud, outcome)
        add(at, "fraud", payload=json.dumps({"answers": answers, "outcome": outcome} | case))
        if outcome == "delayed":
            task_row(
                rng,
                rows,
                d,
                source="incident",
                source_id=incident_id,
                text=TaskText(
                    "fraud.follow_up_task",
                    {"time": raised.astimezone(d.settings.timezone).strftime("%H:%M")},
                ),
                created=at,
                fixed_after=timedelta(days=1),
                fixed_note=d.text("follow_up_done"),
                due_at=task_due("fraud_follow_up", at, d.settings),
            )
    later = timedelta(days=rng.randint(1, 3)) if kind.id == "lost_property" else timedelta()
    resolved = at + later + timedelta(minutes=rng.randint(5, 60))
    status = "open"
    if rng.random() < 0.3:
        at += timedelta(minutes=2)
        add(at, "status", label="monitoring")
        status = "monitoring"
    if resolved < d.horizon and rng.random() < 0.98:
        add(resolved, "status", label="resolved", note=resolution)
        status = "resolved"
    rows["incidents"].append(
        {
            "id": incident_id,
            "shift_id": d.shift_id,
            "business_day": d.day.isoformat(),
            "raised_at": iso(raised),
            "type": kind.id,
            "zone": INCIDENT_ZONES.get(kind.id),
            "severity": kind.severity,
            "note": note,
            "status": status,
            "resolved_at": iso(resolved) if status == "resolved" else None,
            "resolution_note": resolution if status == "resolved" else None,
        }
    )


INCIDENT_ODDS = {
    "crowding": 25,
    "line_cutting": 15,
    "noise": 10,
    "suspicious": 8,
    "pin_peeking": 6,
    "fraud": 6,
    "device_fault": 12,
    "medical": 3,
    "lost_property": 10,
    "threat": 1,
    "fire": 0.3,
    "other": 4,
}
# The outcomes of data/fraud.toml (the ids before the closed loop, "stopped", "family" and
# "police", weighed nothing any more: every outcome fell back to 5).
INCIDENT_FRAUD = {"prevented": 50, "partial": 10, "lost": 8, "delayed": 15, "went_ahead": 7}
# Anti-fraud interventions beyond the incident mix: a branch sees a few a month, and the
# month's print has prevented cases and money saved to show.
FRAUD_EXTRA_PER_DAY = 0.1
INCIDENT_ZONES = {
    "crowding": "waiting",
    "line_cutting": "counters",
    "noise": "waiting",
    "suspicious": "self_service",
    "pin_peeking": "self_service",
    "fraud": "counters",
    "device_fault": "self_service",
    "medical": "waiting",
    "lost_property": "waiting",
    "threat": "counters",
    "fire": "entrance",
    "other": "entrance",
}
INCIDENT_PARTIES = {
    "crowding": ("supervisor",),
    "suspicious": ("security",),
    "pin_peeking": ("security",),
    "fraud": ("antifraud", "family"),
    "medical": ("ambulance", "family"),
    "threat": ("security", "police"),
    "fire": ("supervisor",),
}
