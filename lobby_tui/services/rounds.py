"""Rounds of the waiting area (R3): start, care for each waiting customer, observe the hall,
complete. Problems seen in the hall become tasks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lobby_tui.domain.day import at_local, day_bounds_utc
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import wait_minutes
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.rounds import (
    Care,
    CareFigures,
    RoundTally,
    Waiting,
    care_figures,
    may_mention_product,
    minutes_waited,
    tally_day,
)
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import TaskText
from lobby_tui.services.arrivals import arrival_row
from lobby_tui.services.tasks import assign, open_task
from lobby_tui.store import Store, StoreError, iso, new_id, parse_iso

NOTE_MAX = 200
OBSERVATIONS = ("crowding", "seating", "tidiness", "devices")


@dataclass(frozen=True)
class Round:
    id: str
    started_at: datetime
    due_at: datetime | None


def tally(store: Store, settings: Settings, day: date, until: datetime) -> RoundTally:
    """Rounds due, done and missed today up to `until` (domain/rounds.tally_day: within
    opening hours, from the day's first use)."""
    rows = store.query(
        "SELECT started_at, completed_at FROM rounds WHERE business_day = ?",
        (day.isoformat(),),
    )
    starts = [parse_iso(r[0]) for r in rows]
    shift = store.query_one(
        "SELECT min(opened_at) FROM shifts WHERE business_day = ?", (day.isoformat(),)
    )
    first_use = first_used(parse_iso(shift[0]) if shift and shift[0] else None, starts)
    return day_tally(settings, day, starts, sum(1 for r in rows if r[1]), until, first_use)


def first_used(first_shift: datetime | None, starts: list[datetime]) -> datetime | None:
    """The day's first use of the app: its first shift opened, or its first round started
    (every record belongs to a shift, so these are the earliest of the day)."""
    return min([*([first_shift] if first_shift else []), *starts], default=None)


def day_tally(
    settings: Settings,
    day: date,
    starts: list[datetime],
    completed: int,
    until: datetime,
    first_use: datetime | None,
) -> RoundTally:
    zone = settings.timezone
    return tally_day(
        at_local(day, settings.opening_time, zone),
        at_local(day, settings.closing_time, zone),
        settings.round_interval_min,
        starts,
        until,
        first_use,
        completed=completed,
    )


def lobby_closed(settings: Settings, day: date, at: datetime) -> bool:
    return at >= at_local(day, settings.closing_time, settings.timezone)


def open_round(store: Store, day: date) -> Round | None:
    """The round in progress, if any: a round left open across a restart resumes."""
    row = store.query_one(
        "SELECT id, started_at, due_at FROM rounds WHERE business_day = ?"
        " AND completed_at IS NULL ORDER BY started_at DESC LIMIT 1",
        (day.isoformat(),),
    )
    if row is None:
        return None
    return Round(row[0], parse_iso(row[1]), parse_iso(row[2]) if row[2] else None)


def start_round(store: Store, settings: Settings, day: date, shift_id: str | None) -> Round:
    current = open_round(store, day)
    if current is not None:
        return current
    due = tally(store, settings, day, store.clock.now()).next_due
    with store.unit_of_work() as uow:
        # Asked again under the write lock: two tablets pressing "start" at the same moment
        # both saw none above; only the first may open one (issue 14).
        row = uow.execute(
            "SELECT id, started_at, due_at FROM rounds WHERE business_day = ?"
            " AND completed_at IS NULL ORDER BY started_at DESC LIMIT 1",
            (day.isoformat(),),
        ).fetchone()
        if row is not None:
            return Round(row[0], parse_iso(row[1]), parse_iso(row[2]) if row[2] else None)
        round_id = new_id()
        due_text = iso(due) if due else None
        uow.insert(
            "rounds",
            {
                "id": round_id,
                "shift_id": shift_id,
                "business_day": day.isoformat(),
                "due_at": due_text,
                "started_at": uow.now,
            },
        )
        uow.event("round.started", "round", round_id, {"due_at": due_text})
        started = uow.now
    return Round(round_id, parse_iso(started), due)


def complete_round(
    store: Store,
    round_id: str,
    observations: dict[str, str],
    note: str = "",
    shift_id: str | None = None,
    *,
    settings: Settings,
) -> int:
    """Close the round with what was seen in the hall; each problem (seating, tidiness,
    devices) becomes a task saying what to put right, owned by whoever walked the round and
    due before the next one. Returns the number of tasks opened."""
    note = check_text(note, "note", NOTE_MAX)
    opened = 0
    with store.unit_of_work() as uow:
        row = uow.execute("SELECT completed_at FROM rounds WHERE id = ?", (round_id,)).fetchone()
        if row is None or row[0] is not None:
            raise StoreError("round.not_open")
        uow.update(
            "rounds",
            round_id,
            {
                "completed_at": uow.now,
                "crowding": observations.get("crowding"),
                "observations": json.dumps(observations),
                "note": note or None,
            },
        )
        uow.event(
            "round.completed",
            "round",
            round_id,
            {"observations": observations, "note": note or None},
        )
        for key, value in observations.items():
            if value == "problem" and key in OBSERVATIONS:
                text = TaskText(f"task.round.{key}", {"note": note} if note else {})
                owner, due = assign(uow, "round", settings)
                open_task(
                    uow, shift_id=shift_id, source="round", source_id=round_id, text=text,
                    owner=owner, due_at=due,
                )  # fmt: skip
                opened += 1
    return opened


@dataclass(frozen=True)
class RoundCustomer:
    waiting: Waiting
    ticket: str
    need: str
    channel: str
    flags: list[str]


def waiting_now(store: Store, day: date) -> list[RoundCustomer]:
    """Everyone waiting, longest first, with the care they have had this visit."""
    now = store.clock.now()
    rows = store.query(
        "SELECT id, ticket, need, channel, flags, arrived_at FROM arrivals"
        " WHERE business_day = ? AND status = 'waiting' ORDER BY arrived_at",
        (day.isoformat(),),
    )
    care: dict[str, set[str]] = {}
    if rows:
        marks = ",".join("?" for _ in rows)
        for arrival, kind in store.query(
            f"SELECT arrival_id, kind FROM care_actions WHERE arrival_id IN ({marks})",
            tuple(r[0] for r in rows),
        ):
            care.setdefault(arrival, set()).add(kind)
    return [
        RoundCustomer(
            Waiting(r[0], wait_minutes(parse_iso(r[5]), now), frozenset(care.get(r[0], set()))),
            r[1],
            r[2],
            r[3],
            json.loads(r[4]),
        )
        for r in rows
    ]


def give_care(
    store: Store,
    *,
    round_id: str | None,
    arrival_id: str,
    kind: Care,
    product: str | None = None,
    note: str | None = None,
    consent: bool | None = None,
    asked: bool = False,
) -> None:
    """One care action for a waiting customer, saved with its time (R3.2–R3.6)."""
    note = check_text(note or "", "note", NOTE_MAX) or None
    if kind == Care.INTEREST and not product:
        raise Invalid("product", "product_missing")
    with store.unit_of_work() as uow:
        row = arrival_row(uow, arrival_id, "status, ticket")
        if row[0] != "waiting":
            # Called or gone a moment ago: nothing is recorded for them.
            raise StoreError("arrival.not_waiting", ticket=row[1])
        if kind == Care.INTEREST:
            given = [
                r[0]
                for r in uow.execute(
                    "SELECT kind FROM care_actions WHERE arrival_id = ?", (arrival_id,)
                )
            ]
            if not may_mention_product(given, asked):
                raise Invalid("product", "over_selling")
        action_id = new_id()
        uow.insert(
            "care_actions",
            {
                "id": action_id,
                "round_id": round_id,
                "arrival_id": arrival_id,
                "kind": kind.value,
                "at": uow.now,
                "note": note,
                "product": product,
                "consent": None if consent is None else int(consent),
                "asked": int(asked),
            },
        )
        uow.event(
            "care.given",
            "care_action",
            action_id,
            {
                "arrival_id": arrival_id,
                "kind": kind.value,
                "round_id": round_id,
                "product": product,
                "consent": consent,
                "asked": asked,
            },
        )


def figures(store: Store, settings: Settings, day: date, until: datetime) -> CareFigures:
    """The day's care for the handover: the same rule the round screen counts by."""
    return figures_by_day(store, settings, day, day, until)[day]


def figures_by_day(
    store: Store,
    settings: Settings,
    first_day: date,
    last_day: date,
    until: datetime,
    waits: Mapping[str, list[tuple[int, float]]] | None = None,
) -> dict[date, CareFigures]:
    """Each day's rounds and care from first_day to last_day in three queries (a year's
    report asks for every day of the year); days after `until` have nothing due yet.
    `waits` gives per business day each arrival's rowid and the minutes it waited until
    `until`, for a caller that has read the arrivals already (the report reads them once)."""
    span = (first_day.isoformat(), last_day.isoformat())
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    starts: dict[str, list[datetime]] = {d.isoformat(): [] for d in days}
    completed: dict[str, int] = dict.fromkeys(starts, 0)
    for day, started, done in store.query(
        "SELECT business_day, started_at, completed_at FROM rounds"
        " WHERE business_day BETWEEN ? AND ?",
        span,
    ):
        starts[day].append(parse_iso(started))
        completed[day] += done is not None
    if waits is None:
        waits = waits_by_day(store, span, until)
    # Care is given while the customer waits, so on their day: found by its time (indexed).
    care: dict[str, list[tuple[int, str]]] = {d: [] for d in starts}
    opens, _ = day_bounds_utc(first_day, settings.timezone)
    _, ends = day_bounds_utc(last_day, settings.timezone)
    for day, rowid, kind in store.rows(
        "SELECT a.business_day, a.rowid, c.kind FROM care_actions c"
        " JOIN arrivals a ON a.id = c.arrival_id"
        " WHERE c.at >= ? AND c.at < ? AND a.business_day BETWEEN ? AND ?",
        (iso(opens), iso(ends), *span),
    ):
        care[day].append((rowid, kind))
    # Rounds fall due only on days the app was used (a shift opened), from that first use:
    # a holiday or a day before the branch used the app has none due, so none missed.
    first_shift = {
        r[0]: parse_iso(r[1])
        for r in store.rows(
            "SELECT business_day, min(opened_at) FROM shifts WHERE business_day BETWEEN ? AND ?"
            " GROUP BY business_day",
            span,
        )
    }

    def tally(d: date, key: str) -> RoundTally:
        first_use = first_used(first_shift.get(key), starts[key])
        return day_tally(settings, d, starts[key], completed[key], until, first_use)

    return {
        d: care_figures(
            tally(d, key),
            waits.get(key, []),
            care[key],
            settings.wait_amber_min,
        )
        for d, key in ((d, d.isoformat()) for d in days)
    }


def waits_by_day(
    store: Store, span: tuple[str, str], until: datetime
) -> dict[str, list[tuple[int, float]]]:
    """Per business day, each arrival's rowid and how long it waited (until `until`)."""
    waits: dict[str, list[tuple[int, float]]] = {}
    for rowid, day, arrived, end in store.rows(
        "SELECT rowid, business_day, arrived_at, coalesce(called_at, left_at) FROM arrivals"
        " WHERE business_day BETWEEN ? AND ?",
        span,
    ):
        waited = minutes_waited(parse_iso(arrived), parse_iso(end) if end else None, until)
        waits.setdefault(day, []).append((rowid, waited))
    return waits
