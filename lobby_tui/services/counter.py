"""The counters call (R2.9, issue 26): what a teller does at a numbered window, under their
own name: Next, Recall, Start, Done, No-show, Transfer; which windows are open; and the
window's own figures.

Each action is one short write whose event names the teller (`events.actor`). Next decides
who is called inside the write lock (BEGIN IMMEDIATE), by the one rule in domain/calling.py,
so two windows pressing Next at the same instant never call the same customer. A window
whose view closes mid-service loses nothing: the customer stays "at window N".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.content import CounterWindow, channels, windows
from lobby_tui.domain.calling import Queued, callable_by, next_for
from lobby_tui.domain.duty import Duty, assign_windows
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.store import Store, StoreError, UnitOfWork, new_id, parse_iso

REASON_MAX = 200


def window(number: int) -> CounterWindow:
    found = next((w for w in windows() if w.number == number), None)
    if found is None:
        raise Invalid("window", "window_unknown", number=number)
    return found


# Which windows are open -------------------------------------------------------------------


def open_by_counts(counts: Mapping[str, int]) -> set[int]:
    """The windows the day's counters open: for each channel, that many of its own windows,
    in number order (the day plan's people, or + and - on the queue)."""
    opened: set[int] = set()
    taken: dict[str, int] = defaultdict(int)
    for desk in windows():
        if taken[desk.channel] < counts.get(desk.channel, 0):
            taken[desk.channel] += 1
            opened.add(desk.number)
    return opened


def window_states(store: Store, day: date) -> dict[int, bool]:
    """Each window opened or closed by hand today: the last word for each."""
    rows = store.rows(
        "SELECT window_no, open FROM window_states WHERE business_day = ? ORDER BY at, rowid",
        (day.isoformat(),),
    )
    return {int(number): bool(is_open) for number, is_open in rows}


def seats(store: Store, day: date) -> dict[str, int]:
    """Who sits at which window today: by the duty plan, and where each has called from
    (domain/duty.assign_windows)."""
    from lobby_tui.services.duty import duty_plan  # not on the start-up path

    return _seats([p.duty for p in duty_plan(store, day)], store, day)


def _seats(plan: list[Duty], store: Store, day: date) -> dict[str, int]:
    called_from = {
        str(actor): int(number)
        for actor, number in store.rows(
            # From the day's windowed arrivals to their calls (CROSS JOIN keeps that order:
            # the journal is never scanned whole, at a year of data neither).
            "SELECT e.actor, json_extract(e.payload, '$.window') FROM arrivals a"
            " CROSS JOIN events e ON e.entity = 'arrival' AND e.entity_id = a.id"
            " WHERE a.business_day = ? AND a.window_no IS NOT NULL"
            " AND e.kind = 'arrival.called' AND e.actor IS NOT NULL"
            " AND json_extract(e.payload, '$.window') IS NOT NULL ORDER BY e.seq",
            (day.isoformat(),),
        )
    }  # the last window each called from
    return assign_windows(plan, [(w.number, w.channel) for w in windows()], called_from)


@dataclass(frozen=True)
class WindowsToday:
    """Which windows are open now, who sits where, and each window's own last word: read
    together once (Next needs all three)."""

    opened: set[int]
    seated: dict[str, int]  # staff id: window, by the duty plan (empty: no plan today)
    said: dict[int, bool]  # opened or closed by hand today: the last word for each


def windows_today(store: Store, day: date, counts: Mapping[str, int]) -> WindowsToday:
    """The windows open now: the duty plan's people at their posts, each at their own window
    (a day without a plan: as the day's counters say), then as each was opened or closed
    today at the window itself."""
    from lobby_tui.services.duty import duty_plan  # not on the start-up path

    plan = [p.duty for p in duty_plan(store, day)]
    said = window_states(store, day)
    if not plan:
        opened, seated = open_by_counts(counts), {}
    else:
        seated, now = _seats(plan, store, day), store.clock.now()
        opened = {seated[d.staff_id] for d in plan if d.staff_id in seated and d.at_post(now)}
    for number, is_open in said.items():
        (opened.add if is_open else opened.discard)(number)
    return WindowsToday(opened, seated, said)


def open_windows(store: Store, day: date, counts: Mapping[str, int]) -> list[CounterWindow]:
    opened = windows_today(store, day, counts).opened
    return [w for w in windows() if w.number in opened]


def set_window_open(store: Store, day: date, number: int, is_open: bool) -> None:
    window(number)
    with store.unit_of_work() as uow:
        _set_open(uow, day, number, is_open)


def _set_open(uow: UnitOfWork, day: date, number: int, is_open: bool) -> None:
    row = {"id": new_id(), "business_day": day.isoformat(), "window_no": number,
           "open": int(is_open), "at": uow.now}  # fmt: skip
    uow.insert("window_states", row)
    kind = "window.opened" if is_open else "window.closed"
    uow.event(kind, "window", str(number), {"day": day.isoformat()})


# At the window ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtWindow:
    """The customer a window has called and not yet finished with."""

    id: str
    ticket: str
    need: str
    channel: str
    priority: bool
    flags: str
    arrived_at: datetime
    called_at: datetime
    started_at: datetime | None
    recalls: int


_AT_WINDOW = (
    "SELECT id, ticket, need, channel, priority, flags, arrived_at, called_at, started_at,"
    " recalls FROM arrivals WHERE business_day = ? AND window_no = ? AND status = 'called'"
    " ORDER BY called_at DESC LIMIT 1"
)


def _at_window(row: tuple[object, ...]) -> AtWindow:
    return AtWindow(
        str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), str(row[5]),
        parse_iso(str(row[6])), parse_iso(str(row[7])),
        parse_iso(str(row[8])) if row[8] else None, int(str(row[9] or 0)),
    )  # fmt: skip


def at_window(store: Store, day: date, number: int) -> AtWindow | None:
    rows = store.rows(_AT_WINDOW, (day.isoformat(), number))
    return _at_window(tuple(rows[0])) if rows else None


def _current(uow: UnitOfWork, day: date, number: int) -> AtWindow:
    row = uow.execute(_AT_WINDOW, (day.isoformat(), number)).fetchone()
    if row is None:
        raise Invalid("window", "window_nobody", number=number)
    return _at_window(tuple(row))


def waiting_for(rows: list[tuple[object, ...]]) -> list[Queued]:
    """(id, channel, priority, arrived_at, for_window) rows as the calling rule sees them."""
    return [
        Queued(str(r[0]), str(r[1]), bool(r[2]), parse_iso(str(r[3])).timestamp(),
               for_window=int(str(r[4])) if r[4] is not None else None)
        for r in rows
    ]  # fmt: skip


_WAITING = (
    "SELECT id, channel, priority, arrived_at, for_window FROM arrivals"
    " WHERE business_day = ? AND status = 'waiting'"
)


def call_next(store: Store, day: date, number: int) -> AtWindow | None:
    """Next (呼叫下一位): the customer this window calls by the rule, now at this window;
    None when nobody waits for it. A window still with someone finishes them first."""
    from lobby_tui.services.dayplan import counters_now  # not on the start-up path

    desk = window(number)
    # A window calling is open. Open by the plan (or the counters), or called from by
    # someone on the plan (their seat follows them there), it needs no word of its own: one
    # written here would outlast the plan and keep the window open over its teller's lunch.
    # Paused, or nobody's seat, it gets one.
    today = windows_today(store, day, counters_now(store, day))
    seated_here = store.actor is not None and store.actor in today.seated
    paused = today.said.get(number) is False
    say_open = paused or (number not in today.opened and not seated_here)
    with store.unit_of_work() as uow:
        _free(uow, day, number)
        rows = [tuple(r) for r in uow.execute(_WAITING, (day.isoformat(),)).fetchall()]
        person = next_for(number, desk.serves, waiting_for(rows))
        if person is None:
            return None
        called = _call(uow, day, number, person.key)
        if say_open:
            _set_open(uow, day, number, True)
        return called


def call_to(store: Store, day: date, arrival_id: str, number: int) -> AtWindow:
    """One waiting customer called to a given window out of turn (the manager sending them,
    the demo playing its morning): said as a call at that window."""
    window(number)
    with store.unit_of_work() as uow:
        _free(uow, day, number)
        found = uow.execute(
            "SELECT status, ticket FROM arrivals WHERE id = ?", (arrival_id,)
        ).fetchone()
        if found is None:
            raise StoreError("arrival.not_found")
        if found[0] != "waiting":
            raise StoreError("arrival.already", ticket=found[1], status=found[0])
        return _call(uow, day, number, arrival_id)


def _free(uow: UnitOfWork, day: date, number: int) -> None:
    """A window calls one customer at a time: one still there is finished first."""
    busy = uow.execute(_AT_WINDOW, (day.isoformat(), number)).fetchone()
    if busy is not None:
        raise Invalid("window", "window_busy", ticket=busy[1])


def _call(uow: UnitOfWork, day: date, number: int, arrival_id: str) -> AtWindow:
    changes = {"status": "called", "called_at": uow.now, "window_no": number}
    uow.update("arrivals", arrival_id, changes)
    uow.event("arrival.called", "arrival", arrival_id, {"from": "waiting", "window": number})
    return _current(uow, day, number)


def free_window(store: Store, day: date, channel: str, counts: Mapping[str, int]) -> int | None:
    """The first open window with nobody at it that serves `channel` (its own windows
    first); None when every one is busy."""
    busy = {
        int(r[0])
        for r in store.rows(
            "SELECT window_no FROM arrivals WHERE business_day = ? AND status = 'called'"
            " AND window_no IS NOT NULL",
            (day.isoformat(),),
        )
    }
    serving = [w for w in open_windows(store, day, counts) if channel in w.serves]
    serving.sort(key=lambda w: (w.channel != channel, w.number))
    return next((w.number for w in serving if w.number not in busy), None)


def recall(store: Store, day: date, number: int) -> AtWindow:
    """Recall (重呼): the same customer called again (the hall's display shows it again)."""
    with store.unit_of_work() as uow:
        person = _current(uow, day, number)
        recalls = person.recalls + 1
        uow.update("arrivals", person.id, {"recalls": recalls})
        uow.event("arrival.recalled", "arrival", person.id, {"window": number, "recalls": recalls})
    return _current_after(store, day, number)


def start(store: Store, day: date, number: int) -> AtWindow:
    """Start: the customer has come to the window (optional: Done alone is enough)."""
    with store.unit_of_work() as uow:
        person = _current(uow, day, number)
        if person.started_at is None:
            uow.update("arrivals", person.id, {"started_at": uow.now})
            uow.event("arrival.started", "arrival", person.id, {"window": number})
    return _current_after(store, day, number)


def _current_after(store: Store, day: date, number: int) -> AtWindow:
    found = at_window(store, day, number)
    if found is None:
        raise StoreError("arrival.not_found")
    return found


def done(store: Store, day: date, number: int) -> AtWindow:
    """Done (办结): served. The rating follows (services/quality.rate_service)."""
    with store.unit_of_work() as uow:
        person = _current(uow, day, number)
        uow.update("arrivals", person.id, {"status": "done", "done_at": uow.now})
        uow.event("arrival.done", "arrival", person.id, {"from": "called", "window": number})
    return person


def no_show(store: Store, day: date, number: int) -> AtWindow:
    """No-show (过号): called, recalled, and not come. Counted as a walk-away (left without
    service). Only after a recall: one call unanswered may be a customer on their way."""
    with store.unit_of_work() as uow:
        person = _current(uow, day, number)
        if person.recalls < 1:
            raise Invalid("window", "no_show_recall_first", ticket=person.ticket)
        changes = {"status": "left", "left_at": uow.now, "no_show": 1}
        uow.update("arrivals", person.id, changes)
        uow.event("arrival.no_show", "arrival", person.id, {"from": "called", "window": number})
    return person


def transfer(
    store: Store,
    day: date,
    number: int,
    reason: str,
    *,
    channel: str | None = None,
    to_window: int | None = None,
) -> AtWindow:
    """Transfer (转窗): the customer goes back to waiting, for another channel or for one
    window, keeping their place by arrival (and their priority); why is recorded."""
    reason = check_text(reason, "reason", REASON_MAX)
    if not reason:
        raise Invalid("reason", "move_reason_missing")
    if (channel is None) == (to_window is None):
        raise Invalid("to", "transfer_where")
    if to_window is not None:
        if to_window == number:
            raise Invalid("to", "transfer_same_window", number=number)
        channel = window(to_window).channel
    elif channel not in {c.key for c in channels()}:
        raise Invalid("to", "channel_unknown")
    with store.unit_of_work() as uow:
        person = _current(uow, day, number)
        changes = {
            "status": "waiting", "called_at": None, "started_at": None, "window_no": None,
            "recalls": None, "channel": channel, "for_window": to_window,
            "moved_from": person.channel, "moved_reason": reason,
        }  # fmt: skip
        uow.update("arrivals", person.id, changes)
        payload = {"window": number, "from": person.channel, "to": channel,
                   "to_window": to_window, "reason": reason}  # fmt: skip
        uow.event("arrival.transferred", "arrival", person.id, payload)
    return person


# The window's own figures --------------------------------------------------------------------


@dataclass(frozen=True)
class WindowFigures:
    served: int  # done at this window today
    mean_service_min: float | None  # called (or started) to done, today
    waiting: int  # who this window may call now
    no_shows: int


def window_figures(store: Store, day: date, number: int) -> WindowFigures:
    desk = window(number)
    served, total_min, no_shows = 0, 0.0, 0
    for status, called_at, started_at, done_at in store.rows(
        "SELECT status, called_at, started_at, done_at FROM arrivals"
        " WHERE business_day = ? AND window_no = ? AND status IN ('done', 'left')",
        (day.isoformat(), number),
    ):
        if status == "left":
            no_shows += 1
            continue
        served += 1
        began = parse_iso(started_at or called_at)
        total_min += max(0.0, (parse_iso(done_at) - began).total_seconds() / 60)
    rows = [tuple(r) for r in store.rows(_WAITING, (day.isoformat(),))]
    waiting = sum(callable_by(number, desk.serves, q) for q in waiting_for(rows))
    return WindowFigures(served, total_min / served if served else None, waiting, no_shows)


# The floor's windows, for the manager -------------------------------------------------------


@dataclass(frozen=True)
class WindowNow:
    """An open window as the manager sees it: who is at it, or since when it is idle."""

    number: int
    ticket: str | None  # the customer at it; None: idle
    since: datetime | None  # called at; idle: since its last customer, or since it opened


def windows_now(store: Store, day: date, counts: Mapping[str, int]) -> list[WindowNow]:
    opened = open_windows(store, day, counts)
    busy: dict[int, tuple[str, datetime]] = {}
    free_since: dict[int, datetime] = {}
    for number, ticket, status, called_at, done_at, left_at in store.rows(
        "SELECT window_no, ticket, status, called_at, done_at, left_at FROM arrivals"
        " WHERE business_day = ? AND window_no IS NOT NULL",
        (day.isoformat(),),
    ):
        if status == "called":
            busy[int(number)] = (str(ticket), parse_iso(called_at))
        elif done_at or left_at:
            ended = parse_iso(done_at or left_at)
            free_since[int(number)] = max(ended, free_since.get(int(number), ended))
    for number, is_open, at in store.rows(
        "SELECT window_no, open, at FROM window_states WHERE business_day = ?",
        (day.isoformat(),),
    ):
        if is_open:
            began = parse_iso(at)
            free_since[int(number)] = max(began, free_since.get(int(number), began))
    out = []
    for desk in opened:
        if desk.number in busy:
            ticket, called = busy[desk.number]
            out.append(WindowNow(desk.number, ticket, called))
        else:
            out.append(WindowNow(desk.number, None, free_since.get(desk.number)))
    return out
