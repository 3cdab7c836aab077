"""The live lobby as the dashboard shows it: one read, a handful of indexed queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lobby_tui.content import ContentError, checklist_template
from lobby_tui.domain.complaints import (
    LATE,
    URGENCY_ORDER,
    Urgency,
    due_on_list,
    progress_state,
    urgency,
)
from lobby_tui.domain.day import business_day
from lobby_tui.domain.kpis import (
    ArrivalFacts,
    ArrivalFigures,
    arrival_figures_from,
    chart_hours,
    count_arrivals,
    hourly_figures_from,
)
from lobby_tui.domain.lobby import ChannelQueue, channel_queues
from lobby_tui.domain.settings import Settings
from lobby_tui.services.counter import WindowNow, windows_now
from lobby_tui.services.duty import AtPost, has_plan, who_is_where
from lobby_tui.services.rounds import lobby_closed
from lobby_tui.services.rounds import tally as round_tally
from lobby_tui.services.shift import Handover, last_handover
from lobby_tui.services.tasks import device_name, open_tasks, task_text
from lobby_tui.store import Store, parse_iso, parse_iso_or_none


@dataclass(frozen=True)
class OpenItem:
    """One line of an open-items panel: when it started and what it is."""

    at: datetime
    text: str
    overdue: bool = False
    kind: str | None = None  # an incident's type, shown by its label in the user's language
    level: str | None = None  # an incident's severity
    category: str | None = None  # a complaint's category, shown by its label
    dated: bool = False  # `at` is a deadline days away: shown as a date, not a time
    progress: str | None = None  # a complaint's customer update: due or overdue (R4.4)


@dataclass(frozen=True)
class Lobby:
    now: datetime
    day: date
    shift_opened_at: datetime | None
    earlier_shifts_open: int
    queues: list[ChannelQueue]
    arrivals_today: int
    served_today: int
    left_today: int
    # Today's figures by the report's rule: served, service level, mean wait, quote
    # accuracy and triage pace (R2.7, R2.8) — the same numbers as the handover's.
    promises: ArrivalFigures
    per_hour: list[int]  # every arrival of the day, by the report's hourly rule
    first_hour: int
    last_round_at: datetime | None
    next_round_at: datetime | None  # None: no round falls due any more today
    rounds_missed: int
    round_open_since: datetime | None
    closed: bool  # past closing time: no round falls due
    complaints_open: int
    complaints: list[OpenItem]
    incidents_open: int
    incidents: list[OpenItem]
    tasks_open: int
    tasks: list[OpenItem]
    checklist_started: bool
    checklist_answered: int
    checklist_items: int
    checklist_signed_off: bool
    opens_at: datetime
    appointments: list[OpenItem]
    devices_out: list[OpenItem]
    # Today's appointments marked no-show (R1.6): kept in sight, not gone from the day.
    appointments_missed: list[OpenItem] = field(default_factory=list)
    handover: Handover | None = None  # the note the previous shift left
    on_duty: list[AtPost] | None = None  # who is at each post now; None: no duty plan today
    windows: list[WindowNow] = field(default_factory=list)  # who is at each open window


def _counters_now(store: Store, day: date) -> dict[str, int]:
    # Imported at the first read (a worker, after the first frame): the day plan's module
    # brings pydantic and the checklist's models, which start-up must not pay for.
    from lobby_tui.services.dayplan import counters_now

    return counters_now(store, day)


DEADLINES = ("decision_due_at", "promised_by", "callback_due_at")
LISTED = 12  # open items read per list: the dashboard shows as many as its room allows


def complaints_needing_action(store: Store, settings: Settings, now: datetime) -> list[OpenItem]:
    """Open complaints and callbacks due, most pressing first (domain/complaints.urgency):
    an overdue one is red on the dashboard until it is dealt with."""
    rows = store.query(
        "SELECT case_no, category, subject, status, decision_due_at, promised_by,"
        " callback_due_at, referral_due_at, received_at, progress_told_at FROM complaints"
        " WHERE status IN ('new', 'in_progress', 'resolved')"
    )
    ranked = []
    for r in rows:
        dues = (
            parse_iso_or_none(r["decision_due_at"]),
            parse_iso_or_none(r["promised_by"]),
            parse_iso_or_none(r["callback_due_at"]),
        )
        referral_due = parse_iso_or_none(r["referral_due_at"])
        level = urgency(r["status"], *dues, now, settings.complaint_soon_days, referral_due)
        if level == Urgency.AWAITING_CALLBACK:
            continue
        due = due_on_list(level, *dues, referral_due)
        told = parse_iso_or_none(r["progress_told_at"]) or parse_iso(r["received_at"])
        progress = progress_state(
            r["status"], told, now, settings.progress_update_days, settings.timezone
        )
        ranked.append((URGENCY_ORDER.index(level), due or now, r, level, progress))
    ranked.sort(key=lambda x: (x[0], x[1]))
    return [
        OpenItem(
            due,
            f"{r['case_no']} {r['subject'] or ''}".strip(),
            overdue=level in LATE,
            category=None if r["subject"] else r["category"],
            dated=True,
            progress=progress,
        )
        for _order, due, r, level, progress in ranked
    ]


def _template_items() -> int:
    """The opening checklist's items (0 while its file cannot be read: the checklist
    screen says why, the lobby goes on)."""
    try:
        return len(checklist_template().items())
    except ContentError:
        return 0


def read_lobby(
    store: Store, settings: Settings, channel_keys: list[str], hidden: tuple[str, ...] = ()
) -> Lobby:
    """The live lobby. `hidden`: incident types left out of the count and the list — a
    customer-facing surface (the wall) passes the discreet ones (an AML concern)."""
    now = store.clock.now()
    zone = settings.timezone
    day = business_day(now, zone)
    today = day.isoformat()

    shift = store.query_one(
        "SELECT opened_at FROM shifts WHERE business_day = ? AND closed_at IS NULL"
        " ORDER BY opened_at LIMIT 1",
        (today,),
    )
    earlier = store.query_one(
        "SELECT COUNT(*) FROM shifts WHERE closed_at IS NULL AND business_day < ?", (today,)
    )
    waiting = store.query(
        "SELECT channel, arrived_at FROM arrivals WHERE status = 'waiting' AND business_day = ?",
        (today,),
    )
    queues = channel_queues(
        channel_keys,
        ((r["channel"], parse_iso(r["arrived_at"])) for r in waiting),
        now,
        settings.wait_amber_min,
        settings.wait_red_min,
    )
    day_rows = store.query(
        "SELECT arrived_at, status, called_at, left_at, channel, need, quoted_band,"
        " triage_seconds FROM arrivals WHERE business_day = ?",
        (today,),
    )
    # The day's promises so far (quotes kept, triage pace) by the report's own rule. Whether
    # a need is machine-doable feeds only the self-service rate, which the dashboard omits.
    counts = count_arrivals(
        (
            ArrivalFacts(
                parse_iso(r["arrived_at"]),
                parse_iso_or_none(r["called_at"]),
                parse_iso_or_none(r["left_at"]),
                r["status"],
                r["need"],
                False,
                r["channel"],
                r["quoted_band"],
                r["triage_seconds"],
            )
            for r in day_rows
        ),
        zone,
    )
    promises = arrival_figures_from(counts, settings.wait_red_min)
    # The chart counts every arrival, before opening and after closing too (the hours
    # widen to them): its bars add up to the day's total, as on the handover.
    hourly = hourly_figures_from(counts, *chart_hours(settings.opening_time, settings.closing_time))
    last_round = store.query_one(
        "SELECT started_at, completed_at FROM rounds WHERE business_day = ?"
        " ORDER BY started_at DESC LIMIT 1",
        (today,),
    )
    last_round_at = parse_iso(last_round[0]) if last_round else None
    rounds = round_tally(store, settings, day, now)
    opened = datetime.combine(day, settings.opening_time, tzinfo=zone)

    complaints = complaints_needing_action(store, settings, now)
    shown = f" AND type NOT IN ({','.join('?' for _ in hidden)})" if hidden else ""
    incidents = store.query(
        "SELECT type, severity, raised_at FROM incidents WHERE status IN ('open', 'monitoring')"
        f"{shown} ORDER BY raised_at DESC LIMIT ?",
        (*hidden, LISTED),
    )
    incidents_open = store.query_one(
        f"SELECT COUNT(*) FROM incidents WHERE status IN ('open', 'monitoring'){shown}", hidden
    )
    tasks = open_tasks(store)  # the same list as the checklist's Tasks tab
    run = store.query_one(
        "SELECT r.items_total, r.signed_off_at,"
        " (SELECT COUNT(*) FROM checklist_answers a WHERE a.run_id = r.id)"
        " FROM checklist_runs r WHERE r.business_day = ? ORDER BY r.started_at DESC LIMIT 1",
        (today,),
    )

    booked = store.query(
        "SELECT due_at, purpose, vip, no_show_at FROM appointments WHERE business_day = ?"
        " AND arrival_id IS NULL ORDER BY due_at",
        (today,),
    )
    appointments = [r for r in booked if r["no_show_at"] is None]
    missed = [r for r in booked if r["no_show_at"] is not None]

    def due(text: str | None) -> bool:
        return text is not None and parse_iso(text) < now

    return Lobby(
        now=now,
        day=day,
        shift_opened_at=parse_iso(shift[0]) if shift else None,
        earlier_shifts_open=earlier[0] if earlier else 0,
        queues=queues,
        arrivals_today=len(day_rows),
        served_today=promises.served,
        left_today=promises.walkaways,
        promises=promises,
        per_hour=[h.arrivals for h in hourly],
        first_hour=hourly[0].hour,
        last_round_at=last_round_at,
        next_round_at=rounds.next_due,
        rounds_missed=rounds.missed,
        closed=lobby_closed(settings, day, now),
        round_open_since=last_round_at if last_round and not last_round[1] else None,
        complaints_open=len(complaints),
        complaints=complaints[:LISTED],
        incidents_open=incidents_open[0] if incidents_open else 0,
        incidents=[
            OpenItem(
                parse_iso(r["raised_at"]),
                r["type"],
                r["severity"] in ("high", "critical"),
                kind=r["type"],
                level=r["severity"],
            )
            for r in incidents
        ],
        tasks_open=len(tasks),
        tasks=[
            OpenItem(task.created_at, task_text(task), task.overdue(now)) for task in tasks[:LISTED]
        ],
        checklist_started=run is not None,
        checklist_answered=run[2] if run else 0,
        # Not started: the template's items, so "0 of 28" and not "0 of 0" (issue 31.15).
        checklist_items=run[0] if run else _template_items(),
        checklist_signed_off=bool(run and run[1]),
        opens_at=opened,
        appointments=[
            OpenItem(
                parse_iso(r["due_at"]), ("★ " if r["vip"] else "") + r["purpose"], due(r["due_at"])
            )
            for r in appointments
        ],
        appointments_missed=[
            OpenItem(parse_iso(r["due_at"]), ("★ " if r["vip"] else "") + r["purpose"])
            for r in missed
        ],
        devices_out=[OpenItem(x.created_at, device_name(x)) for x in tasks if x.device_key],
        handover=last_handover(store, now),
        on_duty=who_is_where(store, day, now) if has_plan(store, day) else None,
        windows=windows_now(store, day, _counters_now(store, day)),
    )
