"""Incidents (R5): raised in seconds from any screen, then who was told and when, the plan's
steps ticked with their times, the anti-fraud conversation, and the resolution."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.fraud import CaseTyped, check_case, needs_supervisor
from lobby_tui.domain.incidents import (
    SEVERITIES,
    FraudScript,
    IncidentCatalogue,
    check_fraud,
    check_note,
    check_resolution,
    next_status,
    told_time,
)
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import TaskText, named

# The row type and the reminders live in light modules (no catalogue models to import), so
# the report starts fast; they are named here too, where the screens look for them.
from lobby_tui.services.incident_list import Incident as Incident  # screens name it here
from lobby_tui.services.reminders import remind as remind
from lobby_tui.services.reminders import reminders_between as reminders_between
from lobby_tui.services.reminders import reminders_today as reminders_today
from lobby_tui.services.tasks import assign, open_task
from lobby_tui.store import Store, StoreError, UnitOfWork, iso, new_id, parse_iso


@dataclass(frozen=True)
class Update:
    at: datetime
    kind: str
    party: str | None
    step: int | None
    label: str | None
    note: str | None
    payload: dict[str, object] | None
    by: str = ""
    """Who recorded it: the signed-in person's name ('' before the roster, R6.5)."""


def raise_incident(
    store: Store,
    catalogue: IncidentCatalogue,
    *,
    day: date,
    shift_id: str | None,
    type_id: str,
    zone: str | None,
    severity: str | None,
    note: str = "",
    settings: Settings | None = None,
) -> str:
    """On record the moment it is flagged; the time is taken, not typed (R5). A type that
    escalates (an AML concern, to compliance) opens its task in the same transaction, with
    its owner and due time (`settings` is then needed)."""
    kind = catalogue.of(type_id)
    level = severity or kind.severity
    if level not in SEVERITIES:
        raise Invalid("severity", "severity_unknown")
    if zone is not None and zone not in {z.id for z in catalogue.zone}:
        raise Invalid("zone", "zone_unknown")
    cleaned = check_note(note)
    with store.unit_of_work() as uow:
        incident_id = new_id()
        row = {
            "id": incident_id,
            "shift_id": shift_id,
            "business_day": day.isoformat(),
            "raised_at": uow.now,
            "type": kind.id,
            "zone": zone,
            "severity": level,
            "note": cleaned,
            "status": "open",
        }
        uow.insert("incidents", row)
        uow.event(
            "incident.raised", "incident", incident_id, {k: v for k, v in row.items() if k != "id"}
        )
        if kind.escalate_to:
            if settings is None:
                raise ValueError(f"raising {kind.id} needs the settings (its task's due time)")
            party = next((p for p in catalogue.party if p.id == kind.escalate_to), None)
            owner, due = assign(uow, "escalation", settings)
            open_task(
                uow,
                shift_id=shift_id,
                source="incident",
                source_id=incident_id,
                text=TaskText(
                    f"task.escalate.{kind.id}",
                    {"party": named(party.label.model_dump()) if party else kind.escalate_to},
                ),
                owner=owner,
                due_at=due,
            )
    return incident_id


def _incident(uow: UnitOfWork, incident_id: str) -> tuple[str, str]:
    row = uow.execute(
        "SELECT status, raised_at FROM incidents WHERE id = ?", (incident_id,)
    ).fetchone()
    if row is None:
        raise StoreError("incident.not_found")
    return row[0], row[1]


def _update(
    uow: UnitOfWork,
    incident_id: str,
    kind: str,
    *,
    at: str | None = None,
    party: str | None = None,
    step: int | None = None,
    label: str | None = None,
    note: str | None = None,
    payload: dict[str, object] | None = None,
) -> None:
    update_id = new_id()
    row = {
        "id": update_id,
        "incident_id": incident_id,
        "at": at or uow.now,
        "recorded_at": uow.now,
        "kind": kind,
        "party": party,
        "step": step,
        "label": label,
        "note": note,
        "payload": None if payload is None else json.dumps(payload),
        "actor": uow.actor,
    }
    uow.insert("incident_updates", row)
    uow.event(
        f"incident.{kind}",
        "incident",
        incident_id,
        {k: v for k, v in row.items() if k not in ("id", "incident_id")},
    )


def escalate(
    store: Store, incident_id: str, *, party: str, label: str, told_at: datetime, note: str = ""
) -> None:
    """Who was told, and when (R5.3): a call made a few minutes ago can be entered now;
    never recorded before the incident itself."""
    cleaned = check_note(note)
    with store.unit_of_work() as uow:
        _status, raised = _incident(uow, incident_id)
        at = told_time(told_at, parse_iso(raised), store.clock.now())
        _update(uow, incident_id, "escalated", at=iso(at), party=party, label=label, note=cleaned)


def tick_step(store: Store, incident_id: str, step: int, label: str) -> None:
    """One step of the emergency plan done, with its time (R5.5)."""
    with store.unit_of_work() as uow:
        _incident(uow, incident_id)
        done = uow.execute(
            "SELECT at FROM incident_updates WHERE incident_id = ? AND kind = 'step' AND step = ?",
            (incident_id, step),
        ).fetchone()
        if done:
            raise Invalid("step", "step_done")
        _update(uow, incident_id, "step", step=step, label=label)


def set_status(store: Store, incident_id: str, status: str, note: str = "") -> None:
    """open → monitoring → resolved; resolving needs a note of what was done."""
    with store.unit_of_work() as uow:
        current, _raised = _incident(uow, incident_id)
        wanted = next_status(current, status)
        cleaned = check_resolution(note) if wanted == "resolved" else check_note(note)
        changes: dict[str, object] = {"status": wanted}
        if wanted == "resolved":
            changes.update(resolved_at=uow.now, resolution_note=cleaned)
        uow.update("incidents", incident_id, changes)
        _update(uow, incident_id, "status", label=wanted, note=cleaned)


def record_fraud(
    store: Store,
    script: FraudScript,
    incident_id: str,
    *,
    answers: dict[str, str],
    outcome: str | None,
    settings: Settings,
    case: CaseTyped,
    follow_up: bool = False,
    shift_id: str | None = None,
    note: str = "",
    confirm: tuple[str | None, str] | None = None,
) -> bool:
    """The anti-fraud conversation as evidence, the case closed loop — amount at risk,
    payee and channel, stop-payment, who was called with the receipt number, the outcome —
    and a follow-up task (R5.4).

    Saved again unchanged, nothing is stored (returns False): the evidence is the
    conversation as last recorded. Changed, it is recorded again after the first (the
    journal keeps both: what was said first is evidence too). One follow-up call per
    incident, however often the conversation is saved.

    Yes to every risk question and the customer going ahead: recorded only with a
    supervisor's confirmation, `confirm` = (their staff id, their PIN), checked as a
    sign-in is (a wrong PIN counts towards their lockout); the payload names them."""
    checked = check_fraud(script, answers, outcome)
    closed = check_case(script, outcome, case)
    cleaned = check_note(note)
    payload: dict[str, object] = {"answers": checked, "outcome": outcome, **closed}
    with store.unit_of_work() as uow:
        _incident(uow, incident_id)
        last = uow.execute(
            "SELECT payload, note FROM incident_updates WHERE incident_id = ? AND kind = 'fraud'"
            " ORDER BY at DESC, recorded_at DESC LIMIT 1",
            (incident_id,),
        ).fetchone()
    if last is not None and last[1] == cleaned:
        before = json.loads(last[0] or "null") or {}
        confirmed = before.pop("confirmed_by", None)
        if before == payload and (confirmed or not needs_supervisor(script, checked, outcome)):
            return False
    if needs_supervisor(script, checked, outcome):
        if confirm is None:
            raise Invalid("outcome", "fraud_supervisor_needed")
        from lobby_tui.services.staff import authenticate

        person = authenticate(store, confirm[0], confirm[1])  # slow on purpose: outside
        if not person.supervisor:
            raise Invalid("pin", "fraud_supervisor_only", name=person.name)
        payload["confirmed_by"] = person.id
    with store.unit_of_work() as uow:
        _update(uow, incident_id, "fraud", note=cleaned, payload=payload)
        asked = uow.execute(
            "SELECT 1 FROM tasks WHERE source = 'incident' AND source_id = ?", (incident_id,)
        ).fetchone()
        if follow_up and not asked:
            raised = uow.execute(
                "SELECT raised_at FROM incidents WHERE id = ?", (incident_id,)
            ).fetchone()
            when = parse_iso(raised[0]).astimezone(settings.timezone).strftime("%H:%M")
            owner, due = assign(uow, "fraud_follow_up", settings)
            open_task(
                uow,
                shift_id=shift_id,
                source="incident",
                source_id=incident_id,
                text=TaskText("fraud.follow_up_task", {"time": when}),
                owner=owner,
                due_at=due,
            )
    return True


def incidents(store: Store, day: date) -> list[Incident]:
    """Open ones first (from any day: nothing is forgotten), then today's others."""
    rows = store.query(
        "SELECT id, raised_at, type, zone, severity, note, status, resolved_at, resolution_note"
        " FROM incidents WHERE status != 'resolved' OR business_day = ?"
        " ORDER BY status = 'resolved', raised_at DESC",
        (day.isoformat(),),
    )
    return [
        Incident(
            r[0],
            parse_iso(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            parse_iso(r[7]) if r[7] else None,
            r[8],
        )
        for r in rows
    ]


def timeline(store: Store, incident_id: str) -> list[Update]:
    return [
        Update(
            parse_iso(r[0]),
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            json.loads(r[6]) if r[6] else None,
            r[7] or "",
        )
        for r in store.query(
            "SELECT u.at, u.kind, u.party, u.step, u.label, u.note, u.payload, s.name"
            " FROM incident_updates u LEFT JOIN staff s ON s.id = u.actor"
            " WHERE u.incident_id = ? ORDER BY u.at, u.recorded_at",
            (incident_id,),
        )
    ]
