"""The day plan (R1.6): counters open per channel, key-customer appointments, large cash
movements, and the peak forecast from the branch's own history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lobby_tui.content import channels
from lobby_tui.domain.checklist import Forecast, forecast_from_counts
from lobby_tui.domain.day import at_local, business_day, local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import AMOUNT_MAX, COUNTERS_MAX, check_text
from lobby_tui.domain.settings import Settings
from lobby_tui.store import Store, iso, new_id, parse_iso

PURPOSE_MAX = 80
WHO_MAX = 20


# Counters -----------------------------------------------------------------------------


def counters_now(store: Store, day: date) -> dict[str, int]:
    """Counters open per channel now: the day's latest change, else the branch default."""
    plan = {c.key: c.counters for c in channels()}
    for row in store.query(
        "SELECT channel, counters FROM counter_plans WHERE business_day = ? ORDER BY at, rowid",
        (day.isoformat(),),
    ):
        plan[row["channel"]] = row["counters"]
    return plan


def counters_by_hour(store: Store, day: date) -> dict[int, dict[str, int]]:
    """Windows staffed per channel for each hour of the branch's day (the day plan sets them
    beside the windows each hour needs). Until a duty plan says who works when, every hour
    has the counters open now."""
    now = counters_now(store, day)
    return {hour: dict(now) for hour in range(24)}


def set_counters(store: Store, day: date, channel: str, counters: int) -> None:
    if channel not in {c.key for c in channels()}:
        raise Invalid("channel", "channel_unknown")
    if not 0 <= counters <= COUNTERS_MAX:
        raise Invalid("counters", "counters_range", max=COUNTERS_MAX)
    with store.unit_of_work() as uow:
        plan_id = new_id()
        uow.insert(
            "counter_plans",
            {
                "id": plan_id,
                "business_day": day.isoformat(),
                "channel": channel,
                "counters": counters,
                "at": uow.now,
            },
        )
        uow.event(
            "counters.set",
            "counter_plan",
            plan_id,
            {"business_day": day.isoformat(), "channel": channel, "counters": counters},
        )


# Appointments and cash movements -------------------------------------------------------


@dataclass(frozen=True)
class Appointment:
    id: str
    due_at: datetime
    purpose: str
    vip: bool
    who: str | None


@dataclass(frozen=True)
class CashMovement:
    id: str
    due_at: datetime
    amount: int
    note: str | None


PLAN_DAYS_AHEAD = 7  # an appointment booked for next week is planned now


def check_plan_day(store: Store, settings: Settings, day: date) -> None:
    """Appointments and cash movements are for today or the days just ahead: an instant
    typed for another era never reaches the store (issue 14)."""
    today = business_day(store.clock.now(), settings.timezone)
    if not today <= day <= today + timedelta(days=PLAN_DAYS_AHEAD):
        raise Invalid("time", "plan_day_range", days=PLAN_DAYS_AHEAD)


def add_appointment(
    store: Store,
    settings: Settings,
    day: date,
    at: time,
    purpose: str,
    vip: bool,
    who: str | None = None,
) -> str:
    purpose = check_text(purpose, "purpose", PURPOSE_MAX)
    if not purpose:
        raise Invalid("purpose", "purpose_missing")
    who = check_text(who or "", "who", WHO_MAX) or None
    check_plan_day(store, settings, day)
    due = iso(at_local(day, at, settings.timezone))
    with store.unit_of_work() as uow:
        appointment_id = new_id()
        row = {
            "id": appointment_id,
            "business_day": day.isoformat(),
            "due_at": due,
            "purpose": purpose,
            "vip": int(vip),
            "who": who,
            "created_at": uow.now,
        }
        uow.insert("appointments", row)
        # The journal keeps no personal reference: only that one was given.
        uow.event(
            "appointment.added",
            "appointment",
            appointment_id,
            {"due_at": due, "purpose": purpose, "vip": vip, "who_given": who is not None},
        )
    return appointment_id


def appointments(store: Store, day: date) -> list[Appointment]:
    return [
        Appointment(r["id"], parse_iso(r["due_at"]), r["purpose"], bool(r["vip"]), r["who"])
        for r in store.query(
            "SELECT id, due_at, purpose, vip, who FROM appointments WHERE business_day = ?"
            " ORDER BY due_at",
            (day.isoformat(),),
        )
    ]


def add_cash_movement(
    store: Store, settings: Settings, day: date, at: time, amount: int, note: str | None = None
) -> str:
    if not 0 < amount <= AMOUNT_MAX:
        raise Invalid("amount", "amount_range")
    note = check_text(note or "", "note", PURPOSE_MAX) or None
    check_plan_day(store, settings, day)
    due = iso(at_local(day, at, settings.timezone))
    with store.unit_of_work() as uow:
        movement_id = new_id()
        row = {
            "id": movement_id,
            "business_day": day.isoformat(),
            "due_at": due,
            "amount": amount,
            "note": note,
            "created_at": uow.now,
        }
        uow.insert("cash_movements", row)
        uow.event(
            "cash_movement.added",
            "cash_movement",
            movement_id,
            {k: v for k, v in row.items() if k != "id"},
        )
    return movement_id


def cash_movements(store: Store, day: date) -> list[CashMovement]:
    return [
        CashMovement(r["id"], parse_iso(r["due_at"]), r["amount"], r["note"])
        for r in store.query(
            "SELECT id, due_at, amount, note FROM cash_movements WHERE business_day = ?"
            " ORDER BY due_at",
            (day.isoformat(),),
        )
    ]


# Forecast ------------------------------------------------------------------------------


# A stored instant's UTC hour and its quarter: time zones are offset from UTC by whole
# quarter hours, so every arrival in one quarter falls in the same branch-local hour.
_QUARTER = "substr(arrived_at, 1, 13), CAST(substr(arrived_at, 15, 2) AS INTEGER) / 15"


def peak_forecast(store: Store, settings: Settings, day: date) -> Forecast:
    """Arrivals per hour on this weekday, from the last four same weekdays (R1.6).

    The store counts them per quarter hour (some hundred rows, not a row an arrival); each
    quarter is then put in its branch-local hour."""
    same_days = [day - timedelta(weeks=n) for n in range(1, 5)]
    per_hour: dict[date, Counter[int]] = {d: Counter() for d in same_days}
    rows = store.rows(
        f"SELECT business_day, {_QUARTER}, COUNT(*) FROM arrivals"
        " WHERE business_day IN (?, ?, ?, ?) GROUP BY 1, 2, 3",
        tuple(d.isoformat() for d in same_days),
    )
    for day_text, utc_hour, quarter, count in rows:
        start = parse_iso(f"{utc_hour}:{quarter * 15:02d}:00Z")
        per_hour[date.fromisoformat(day_text)][local(start, settings.timezone).hour] += count
    last_hour = max(settings.opening_time.hour, min(23, settings.closing_time.hour))
    return forecast_from_counts(per_hour, settings.opening_time.hour, last_hour)
