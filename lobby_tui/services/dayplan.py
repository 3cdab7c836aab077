"""The day plan (R1.6): counters open per channel, key-customer appointments, large cash
movements, and the peak forecast from the branch's own history."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lobby_tui.content import ContentError, channels, checklist_template
from lobby_tui.domain.appointments import no_show, no_show_from
from lobby_tui.domain.checklist import Forecast, forecast_from_counts
from lobby_tui.domain.day import at_local, business_day, day_bounds_utc, local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import AMOUNT_MAX, COUNTERS_MAX, check_text
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staff import SUPERVISOR
from lobby_tui.domain.tasks import TaskText, role_owner
from lobby_tui.services import duty
from lobby_tui.services.tasks import open_task, out_of_service
from lobby_tui.services.vip import follow_up_no_show
from lobby_tui.store import Store, UnitOfWork, iso, new_id, parse_iso

PURPOSE_MAX = 80
WHO_MAX = 20


# Counters -----------------------------------------------------------------------------


def counters_now(store: Store, day: date) -> dict[str, int]:
    """Counters open per channel now: the people at a window now by the day's duty plan
    (services/duty.py); a day without one, the day's latest counter change, else the branch
    default. Triage's wait estimate reads only this."""
    plan = counters_planned(store, day)
    staffed = duty.windows_at(store, day, store.clock.now())
    return plan if staffed is None else {**plan, **staffed}


def machines_in_service(
    store: Store, settings: Settings, day: date, now: datetime
) -> tuple[dict[str, int], dict[str, datetime]]:
    """Per channel with devices on the checklist (the self-service terminals): how many are
    working now, and the channels with every device down (since when)."""
    by_channel: dict[str, list[str]] = defaultdict(list)
    try:
        devices = checklist_template().devices()
    except ContentError:
        devices = []  # a broken template (said on the checklist screen) must not stop triage
    for device in devices:
        if device.channel:
            by_channel[device.channel].append(device.key)
    start, _ = day_bounds_utc(day, settings.timezone)
    out = out_of_service(store, dict(by_channel), now, start)
    working = {
        channel: sum(key not in out.devices for key in keys) for channel, keys in by_channel.items()
    }
    return working, out.channels


def counters_planned(store: Store, day: date) -> dict[str, int]:
    """The counters typed on the day plan (or the branch default): what a day without a
    duty plan opens."""
    plan = {c.key: c.counters for c in channels()}
    for row in store.query(
        "SELECT channel, counters FROM counter_plans WHERE business_day = ? ORDER BY at, rowid",
        (day.isoformat(),),
    ):
        plan[row["channel"]] = row["counters"]
    return plan


def counters_by_hour(store: Store, day: date) -> dict[int, dict[str, int]]:
    """Windows staffed per channel for each hour of the branch's day (opening hour to the
    closing hour): from the duty plan, people at a window minus breaks, at the thinnest
    moment of the hour; a day without a plan has today's counters every hour."""
    from lobby_tui.services.settings import load_settings

    settings = load_settings(store)
    last = max(settings.opening_time.hour, min(23, settings.closing_time.hour))
    hours = range(settings.opening_time.hour, last + 1)
    plan = counters_planned(store, day)
    # The self-service area counts its machines in service, as triage does (issue 31.7): a
    # terminal out of service serves nobody this hour or later, until its task is resolved.
    machines, _down = machines_in_service(store, settings, day, store.clock.now())
    staffed = duty.windows_by_hour(store, day, hours, settings)
    if staffed is None:
        now = counters_now(store, day)
        return {hour: {**now, **machines} for hour in hours}
    return {hour: {**plan, **staffed[hour], **machines} for hour in hours}


def set_counters(store: Store, day: date, channel: str, counters: int) -> None:
    if channel not in {c.key for c in channels()}:
        raise Invalid("channel", "channel_unknown")
    if channel in duty.window_channels() and duty.has_plan(store, day):
        # One source of truth: with people on the plan, a window opens with a person.
        raise Invalid("counters", "counters_from_duty")
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
    arrived: bool = False
    """Checked in at triage: linked to the arrival."""
    no_show: bool = False
    """Not checked in within the grace period after its time (domain/appointments.py)."""


@dataclass(frozen=True)
class CashMovement:
    id: str
    due_at: datetime
    amount: int
    note: str | None
    ready_by: datetime | None = None
    """A large withdrawal's cash-preparation task: when the cash is due ready …"""
    owner: str | None = None
    """… and who gets it ready (a name from the roster)."""


PLAN_DAYS_AHEAD = 7  # an appointment booked for next week is planned now


def check_plan_day(store: Store, settings: Settings, day: date, field: str = "time") -> None:
    """Appointments and cash movements are for today or the days just ahead: an instant
    typed for another era never reaches the store (issue 14). `field` is where the manager
    typed the day (a cash movement has its own day field)."""
    today = business_day(store.clock.now(), settings.timezone)
    if not today <= day <= today + timedelta(days=PLAN_DAYS_AHEAD):
        raise Invalid(field, "plan_day_range", days=PLAN_DAYS_AHEAD)


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
        Appointment(
            r["id"],
            parse_iso(r["due_at"]),
            r["purpose"],
            bool(r["vip"]),
            r["who"],
            r["arrival_id"] is not None,
            r["no_show_at"] is not None,
        )
        for r in store.query(
            "SELECT id, due_at, purpose, vip, who, arrival_id, no_show_at FROM appointments"
            " WHERE business_day = ? ORDER BY due_at",
            (day.isoformat(),),
        )
    ]


def find_appointments(store: Store, settings: Settings, day: date, typed: str) -> list[Appointment]:
    """Check-in at triage: the day's appointments not yet checked in (a no-show who comes
    late included) that match what was typed — a time ("11", "11:0", "11:00") by its start,
    else the customer's reference or the purpose, in any case. Nothing typed: all of them."""
    typed = typed.strip().casefold()
    zone = settings.timezone
    found = []
    for meeting in appointments(store, day):
        if meeting.arrived:
            continue
        shown = local(meeting.due_at, zone).strftime("%H:%M")
        if (
            not typed
            or (typed[:1].isdigit() and (shown.startswith(typed) or shown.startswith("0" + typed)))
            or typed in (meeting.who or "").casefold()
            or typed in meeting.purpose.casefold()
        ):
            found.append(meeting)
    return found


def mark_no_shows(store: Store, settings: Settings) -> int:
    """Appointments not checked in `appointment_grace_min` after their time are marked
    no-shows, at the moment the grace ran out (on the app's clock, whenever the app looks:
    a morning start marks yesterday's last ones too). Returns how many were marked."""
    now = store.clock.now()
    grace = timedelta(minutes=settings.appointment_grace_min)
    rows = store.rows(
        "SELECT id, due_at, vip, purpose, who FROM appointments WHERE arrival_id IS NULL"
        " AND no_show_at IS NULL AND due_at <= ?",
        (iso(now - grace),),
    )
    due = [r for r in rows if no_show(parse_iso(str(r[1])), now, grace)]
    if not due:
        return 0
    today = business_day(now, settings.timezone)
    with store.unit_of_work() as uow:
        for appointment_id, due_text, vip, purpose, who in due:
            due_at = parse_iso(str(due_text))
            marked = iso(no_show_from(due_at, grace))
            changed = uow.execute(
                "UPDATE appointments SET no_show_at = ? WHERE id = ? AND arrival_id IS NULL"
                " AND no_show_at IS NULL",
                (marked, appointment_id),
            ).rowcount
            if changed:  # another tablet may have marked it, or checked it in, meanwhile
                uow.event("appointment.no_show", "appointment", appointment_id,
                          {"no_show_at": marked})  # fmt: skip
                if vip:  # a key customer missed: the wealth manager follows up (issue 31.3)
                    follow_up_no_show(uow, settings, day=today, appointment_id=appointment_id,
                                      due_at=str(due_text), purpose=purpose, who=who)  # fmt: skip
    return len(due)


def add_cash_movement(
    store: Store, settings: Settings, day: date, at: time, amount: int, note: str | None = None
) -> str:
    if not 0 < amount <= AMOUNT_MAX:
        raise Invalid("amount", "amount_range")
    note = check_text(note or "", "note", PURPOSE_MAX) or None
    check_plan_day(store, settings, day, "day")
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
        if amount >= settings.large_cash_threshold:
            _cash_task(store, uow, settings, day, movement_id, at, amount)
    return movement_id


CASH_LEAD = timedelta(hours=1)  # the cash is counted and ready this long before it is due


def _cash_task(
    store: Store,
    uow: UnitOfWork,
    settings: Settings,
    day: date,
    movement_id: str,
    at: time,
    amount: int,
) -> None:
    """A large withdrawal booked ahead (R1.6): a task to get the cash ready, owned by the
    person at the cash counter then by the duty plan, else by a supervisor; due an hour
    before the booking (not before the day begins: a booking at opening is made ready by
    the first minute of the day)."""
    zone = settings.timezone
    due_at = at_local(day, at, zone)
    ready_by = max(due_at - CASH_LEAD, at_local(day, time(0), zone))
    owner = duty.on_post_at(store, day, "cash", due_at)
    if owner is None:
        found = uow.execute(
            "SELECT id FROM staff WHERE role = ? AND active = 1 ORDER BY name LIMIT 1",
            (SUPERVISOR,),
        ).fetchone()
        owner = str(found[0]) if found else None
    # No roster yet: whoever is signed in, else the supervisors' role (no task is nobody's).
    owner = owner or uow.actor or role_owner(SUPERVISOR)
    name = uow.execute("SELECT name FROM staff WHERE id = ?", (owner,)).fetchone()
    task_id = open_task(
        uow,
        shift_id=None,
        source="cash_movement",
        source_id=movement_id,
        text=TaskText(
            "task.cash_prep",
            {
                "amount": f"{amount:,}",
                "day": day.strftime("%m-%d"),
                "time": at.strftime("%H:%M"),
                "who": str(name[0]) if name else "—",
            },
        ),
        due_at=iso(ready_by),
        owner=owner,
    )
    uow.execute("UPDATE cash_movements SET task_id = ? WHERE id = ?", (task_id, movement_id))


def cash_movements(store: Store, day: date, last: date | None = None) -> list[CashMovement]:
    """The cash movements booked for `day`, or from `day` to `last` (the plan shows the
    ones booked ahead too), in the order they are due."""
    return [
        CashMovement(
            r["id"],
            parse_iso(r["due_at"]),
            r["amount"],
            r["note"],
            parse_iso(r["ready_by"]) if r["ready_by"] else None,
            r["owner"],
        )
        for r in store.query(
            "SELECT m.id, m.due_at, m.amount, m.note, t.due_at AS ready_by, s.name AS owner"
            " FROM cash_movements m LEFT JOIN tasks t ON t.id = m.task_id"
            " LEFT JOIN staff s ON s.id = t.owner WHERE m.business_day BETWEEN ? AND ?"
            " ORDER BY m.due_at",
            (day.isoformat(), (last or day).isoformat()),
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
