"""Arrivals: a walk-in recorded with its ticket, then called, served, or gone.

The triage screen (routing, wait quote) builds on these; the demo lobby uses them too, so
demo rows are written exactly as real ones are.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import UNDO_SECONDS, undo_in_time
from lobby_tui.store import Store, StoreError, UnitOfWork, new_id, parse_iso


@dataclass(frozen=True)
class NewArrival:
    shift_id: str | None
    business_day: str
    need: str
    channel: str
    ticket_prefix: str
    priority: bool = False
    flags: Sequence[str] = field(default_factory=tuple)
    party_size: int = 1
    note: str | None = None
    suggested_channel: str | None = None
    override_reason: str | None = None
    quoted_wait_min: int | None = None
    quoted_band: str | None = None
    triage_seconds: float | None = None
    ticket: str | None = None  # typed in from the branch's own ticket machine
    cues: Sequence[str] = field(default_factory=tuple)
    script: str | None = None  # the next steps, as told
    appointment_id: str | None = None
    large_cash: bool = False  # marked at or above the large-cash threshold (the amount is not kept)


def arrival_row(uow: UnitOfWork, arrival_id: str, columns: str) -> sqlite3.Row:
    """The named columns of one arrival, read inside the change that needs them; an arrival
    no longer on record (another tablet, a stale row on screen) is said, never a crash."""
    sql = f"SELECT {columns} FROM arrivals WHERE id = ?"  # columns: this module's constants
    found: sqlite3.Row | None = uow.execute(sql, (arrival_id,)).fetchone()
    if found is None:
        raise StoreError("arrival.not_found")
    return found


def next_ticket(uow: UnitOfWork, business_day: str, prefix: str) -> str:
    """The next number of this channel today: A001, A002 … (inside the write transaction, so
    two tablets never hand out the same number)."""
    row = uow.execute(
        "SELECT MAX(CAST(substr(ticket, ?) AS INTEGER)) FROM arrivals"
        " WHERE business_day = ? AND ticket GLOB ?",
        (len(prefix) + 1, business_day, f"{prefix}[0-9][0-9][0-9]*"),
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:03d}"


def insert_arrival(uow: UnitOfWork, arrival: NewArrival) -> tuple[str, str]:
    """Inside the caller's transaction: the walk-in's row, its ticket and its event.
    Returns (arrival id, ticket); a ticket already used today is refused beside its field."""
    ticket = arrival.ticket or next_ticket(uow, arrival.business_day, arrival.ticket_prefix)
    taken = uow.execute(
        "SELECT 1 FROM arrivals WHERE business_day = ? AND ticket = ?",
        (arrival.business_day, ticket),
    ).fetchone()
    if taken:
        raise Invalid("ticket", "ticket_taken", ticket=ticket)
    arrival_id = new_id()
    row = {
        "id": arrival_id,
        "shift_id": arrival.shift_id,
        "business_day": arrival.business_day,
        "ticket": ticket,
        "arrived_at": uow.now,
        "need": arrival.need,
        "channel": arrival.channel,
        "suggested_channel": arrival.suggested_channel,
        "override_reason": arrival.override_reason,
        "priority": int(arrival.priority),
        "flags": json.dumps(list(arrival.flags)),
        "cues": json.dumps(list(arrival.cues)),
        "party_size": arrival.party_size,
        "note": arrival.note,
        "status": "waiting",
        "quoted_wait_min": arrival.quoted_wait_min,
        "quoted_band": arrival.quoted_band,
        "script": arrival.script,
        "triage_seconds": arrival.triage_seconds,
        "appointment_id": arrival.appointment_id,
    }
    if arrival.large_cash:  # only then: an unmarked row stays as rows were before
        row["large_cash"] = 1
    uow.insert("arrivals", row)
    # The note may name the customer: the journal records only that there was one.
    payload = {k: v for k, v in row.items() if k not in ("id", "note")}
    payload["note_given"] = arrival.note is not None
    uow.event("arrival.triaged", "arrival", arrival_id, payload)
    return arrival_id, ticket


def record_arrival(store: Store, arrival: NewArrival) -> tuple[str, str]:
    """Save a triaged walk-in on its own; returns (arrival id, ticket)."""
    with store.unit_of_work() as uow:
        return insert_arrival(uow, arrival)


# Which status may follow which, and the column that keeps the moment it happened.
_MOVES = {
    "called": ({"waiting"}, "called_at"),
    "done": ({"called", "waiting"}, "done_at"),
    "left": ({"waiting", "called"}, "left_at"),
}


def _move_changes(from_status: str, to_status: str, now: str | None) -> dict[str, str | None]:
    """The columns a move writes (with `now`), so undoing it empties the same ones."""
    _allowed, column = _MOVES[to_status]
    changes: dict[str, str | None] = {column: now}
    if to_status == "done" and from_status == "waiting":
        changes["called_at"] = now  # served straight away: called and done at once
    return changes


def move_arrival(store: Store, arrival_id: str, to_status: str) -> str:
    """Called to a counter, served, or left without service. Returns the status before."""
    allowed_from, _column = _MOVES[to_status]
    with store.unit_of_work() as uow:
        found = arrival_row(uow, arrival_id, "status, ticket")
        if found[0] not in allowed_from:
            raise StoreError("arrival.already", ticket=found[1], status=found[0])
        changes = {"status": to_status, **_move_changes(found[0], to_status, uow.now)}
        uow.update("arrivals", arrival_id, changes)
        uow.event(f"arrival.{to_status}", "arrival", arrival_id, {"from": found[0]})
    return str(found[0])


def undo_move(store: Store, arrival_id: str, moved_to: str) -> str:
    """Take back a queue key pressed by mistake (c, d or l) within UNDO_SECONDS: the
    customer is as they were before it, in one transaction with an event that says so.
    Returns the ticket. Later, or once the customer has moved on again, it stands."""
    with store.unit_of_work() as uow:
        found = arrival_row(uow, arrival_id, "status, ticket")
        if found[0] != moved_to:
            raise StoreError("arrival.already", ticket=found[1], status=found[0])
        moved = uow.execute(
            "SELECT at, payload FROM events WHERE entity = 'arrival' AND entity_id = ?"
            " AND kind = ? ORDER BY seq DESC LIMIT 1",
            (arrival_id, f"arrival.{moved_to}"),
        ).fetchone()
        if moved is None:
            raise StoreError("arrival.not_found")
        if not undo_in_time(parse_iso(moved[0]), parse_iso(uow.now)):
            raise Invalid("undo", "undo_too_late", ticket=found[1], seconds=UNDO_SECONDS)
        before = str(json.loads(moved[1])["from"])
        changes = {"status": before, **_move_changes(before, moved_to, None)}
        if moved_to == "done":  # a rating of a service taken back goes with it
            changes |= {"satisfaction": None, "rated_at": None}
        uow.update("arrivals", arrival_id, changes)
        uow.event("arrival.undone", "arrival", arrival_id, {"undid": moved_to, "back_to": before})
    return str(found[1])
