"""Triage and the live queue (R2): the state of each channel, the suggested route, saving a
walk-in with its ticket, quote and script, and the one-key queue actions."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.content import (
    CounterWindow,
    channels,
    vip_catalogue,
)
from lobby_tui.domain.calling import Queued, Window, play_forward
from lobby_tui.domain.cash import LARGE_CASH, counter_prompts, large_cash_at_triage
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.triage import (
    FLAGS,
    PRIORITY_FLAGS,
    Estimate,
    Need,
    NeedCatalogue,
    Route,
    route,
    smoothed_service_min,
)
from lobby_tui.domain.waits import (
    AtCounter,
    ChannelLoad,
    Waiting,
    ahead_of,
    stay_share,
)
from lobby_tui.services.arrivals import NewArrival, arrival_row, insert_arrival
from lobby_tui.services.counter import WindowNow, open_windows, windows_now
from lobby_tui.services.dayplan import counters_now, machines_in_service
from lobby_tui.services.rollup import day_closed
from lobby_tui.services.settings import load_settings
from lobby_tui.services.vip import tell_of_arrival
from lobby_tui.store import Store, StoreError, parse_iso

REASON_MAX = 200


@dataclass(frozen=True)
class ChannelState:
    loads: dict[str, ChannelLoad]  # per channel: who is at a counter, who waits
    down_since: dict[str, datetime]
    counters: dict[str, int]  # windows open (own channel), or machines in service, per channel
    windows: tuple[Window, ...] = ()  # every open window and working machine, as it stands
    queue: tuple[Queued, ...] = ()  # everyone waiting, as the windows' rule sees them

    @property
    def estimates(self) -> dict[str, Estimate]:
        """Each channel's wait for a newcomer without priority (what routing compares)."""
        return {key: self.estimate(key) for key in self.loads}

    def estimate(self, channel: str, *, priority: bool = False) -> Estimate:
        """The newcomer's wait: every open window played forward by the rule the counters
        call by (domain/calling.py), so the quote and the calls agree (R2.9, R2.7)."""
        load = self.loads[channel]
        serving = [w for w in self.windows if channel in w.serves]
        minutes: float | None = None
        if serving:
            newcomer = Queued("", channel, priority, float("inf"))
            stay = {key: each.stay for key, each in self.loads.items()}
            called = play_forward(serving, [*self.queue, newcomer], stay, until="")
            minutes = called.get("")
        return Estimate(channel, len(ahead_of(load.waiting, priority)), len(serving), minutes)


def service_minutes(store: Store, needs: NeedCatalogue, day: date) -> Callable[[str, str], float]:
    """How long a need takes at a channel: smoothed from today's completed services there,
    else the catalogue's time for the need (R2.7)."""
    done: dict[tuple[str, str], list[float]] = defaultdict(list)
    for channel, need, called_at, done_at in store.rows(
        "SELECT channel, need, called_at, done_at FROM arrivals WHERE business_day = ?"
        " AND status = 'done' AND called_at IS NOT NULL ORDER BY done_at",
        (day.isoformat(),),
    ):
        took = (parse_iso(done_at) - parse_iso(called_at)).total_seconds() / 60
        done[(channel, need)].append(max(0.0, took))
    catalogue = {n.id: n.service_min for n in needs.need}
    default = sum(catalogue.values()) / len(catalogue)

    def usual(channel: str, need: str) -> float:
        return smoothed_service_min(done.get((channel, need), ()), catalogue.get(need, default))

    return usual


def channel_state(
    store: Store, settings: Settings, needs: NeedCatalogue, day: date
) -> ChannelState:
    """How busy each channel is now: who is at a counter, who is waiting (in the order they
    will be called), and how many counters or machines serve them. Routes and quotes are
    computed from this (R2.3, R2.7)."""
    now = store.clock.now()
    service = service_minutes(store, needs, day)
    waiting: dict[str, list[Waiting]] = defaultdict(list)
    at_counter: dict[str, list[AtCounter]] = defaultdict(list)
    called: dict[str, int] = defaultdict(int)
    walked_away: dict[str, int] = defaultdict(int)
    for channel, status, count in store.rows(
        "SELECT channel, status, COUNT(*) FROM arrivals WHERE business_day = ?"
        " AND status IN ('done', 'left') GROUP BY channel, status",
        (day.isoformat(),),
    ):
        (called if status == "done" else walked_away)[channel] += count
    queue: list[Queued] = []
    at_window: list[tuple[int | None, str, float]] = []  # (window, channel, minutes left)
    for (
        arrival_id,
        channel,
        need,
        priority,
        status,
        called_at,
        arrived_at,
        number,
        only,
    ) in store.rows(
        "SELECT id, channel, need, priority, status, called_at, arrived_at, window_no,"
        " for_window FROM arrivals WHERE business_day = ? AND status IN ('waiting', 'called')"
        " ORDER BY arrived_at",
        (day.isoformat(),),
    ):
        usual = service(channel, need)
        if status == "waiting":
            waiting[channel].append(Waiting(usual, bool(priority)))
            order = parse_iso(arrived_at).timestamp()
            queue.append(Queued(arrival_id, channel, bool(priority), order, usual, only))
        else:
            elapsed = (now - parse_iso(called_at)).total_seconds() / 60 if called_at else 0.0
            there = AtCounter(usual, max(0.0, elapsed))
            at_counter[channel].append(there)
            at_window.append((number, channel, there.remaining_min))
    # Counters from the day plan open numbered windows; machines from the devices working.
    counts = counters_now(store, day)
    machines, down = machines_in_service(store, settings, day, now)
    opened = open_windows(store, day, counts)
    servers = {c.key: 0 for c in channels()}
    for desk in opened:
        servers[desk.channel] = servers.get(desk.channel, 0) + 1
    servers.update(machines)
    loads = {
        c.key: ChannelLoad(
            c.key,
            servers.get(c.key, 0),
            tuple(at_counter[c.key]),
            tuple(waiting[c.key]),
            stay_share(called[c.key] + len(at_counter[c.key]), walked_away[c.key]),
        )
        for c in channels()
    }
    windows = _windows_as_they_stand(opened, machines, at_window, loads)
    return ChannelState(loads, down, servers, windows, tuple(queue))


def _windows_as_they_stand(
    opened: list[CounterWindow],
    machines: dict[str, int],
    at_window: list[tuple[int | None, str, float]],
    loads: dict[str, ChannelLoad],
) -> tuple[Window, ...]:
    """Each open window with what is left of its customer's service (a customer called by the
    manager's key, at no window by number, takes the first free one of their channel); each
    working machine as a window of its own channel (numbered past the windows)."""
    free_in: dict[int, float] = {}
    unplaced: list[tuple[str, float]] = []
    for number, channel, left in at_window:
        if number is not None and any(w.number == number for w in opened):
            free_in[number] = max(free_in.get(number, 0.0), left)
        else:
            unplaced.append((channel, left))
    for channel, left in unplaced:
        spare = next(
            (w.number for w in opened if w.channel == channel and w.number not in free_in), None
        )
        if spare is not None:
            free_in[spare] = left
    out = [Window(w.number, w.serves, free_in.get(w.number, 0.0)) for w in opened]
    for n, (channel, count) in enumerate(sorted(machines.items())):
        busy = sorted(c.remaining_min for c in loads[channel].at_counter)[:count] if count else []
        busy += [0.0] * (count - len(busy))
        out += [Window(100 * (n + 1) + i, (channel,), at) for i, at in enumerate(busy)]
    return tuple(out)


def suggest(
    state: ChannelState,
    need: Need,
    flags: Iterable[str],
    settings: Settings,
    large_cash: bool = False,
    vip_tier: str | None = None,
) -> Route:
    shown = {k: local(v, settings.timezone).strftime("%H:%M") for k, v in state.down_since.items()}
    if large_cash and need.machine:
        # A machine pays out and takes in only so much, and nobody checks an ID there:
        # large cash is done at the counter (issue 20).
        need = need.model_copy(update={"machine": False})
    # A priority customer is compared as one: called first wherever they go (R2.5, R2.9).
    priority = bool(set(flags) & PRIORITY_FLAGS)
    estimates = {key: state.estimate(key, priority=priority) for key in state.loads}
    tier = vip_catalogue().of(flags, vip_tier)
    return route(need, flags, estimates, state.down_since, shown, tier)


def answer_on_floor(store: Store, *, day: date, shift_id: str | None, topic: str) -> int:
    """A walk-in whose question the manager answered where they stood (issue 31.9): an
    enquiry on the log (R4.2), not an arrival in a queue. Today's count of enquiries."""
    from lobby_tui.services.enquiries import log_enquiry

    return log_enquiry(store, day=day, shift_id=shift_id, topic=topic)[1]


@dataclass(frozen=True)
class Walkin:
    need: Need
    channel: str
    suggested: Route
    flags: Sequence[str]
    cues: Sequence[str]
    party: int
    note: str | None
    ticket: str | None  # typed from the branch's own ticket machine
    override_reason: str | None
    triage_seconds: float
    appointment_id: str | None = None
    cash: str = ""  # a cash amount as typed (R5): decides the large-cash mark, never kept
    cash_earlier: str = ""  # cash of the same kind already moved today, as said: never kept
    vip_tier: str | None = None  # the VIP's tier (data/vip.toml), with the "vip" flag


@dataclass(frozen=True)
class Saved:
    id: str
    ticket: str
    band: str | None
    minutes: int | None
    prompts: tuple[str, ...] = ()  # what the counter is reminded of (domain/cash.py)
    ahead: int = 0  # people to be called first, as quoted (the printed ticket says it)


def prompts_for(walkin: Walkin, settings: Settings) -> list[str]:
    """The counter's reminders for this walk-in (the large-cash rule on what was typed);
    bad input is refused beside the amount."""
    from lobby_tui.content import cash_rates

    large = bool(walkin.cash.strip()) and large_cash_at_triage(
        walkin.need.channel,
        walkin.cash,
        settings.large_cash_threshold,
        cash_rates(),
        foreign_usd=settings.large_cash_foreign_usd,
        earlier=walkin.cash_earlier,
    )  # the rates are read only for an amount typed; fmt: skip
    return counter_prompts(walkin.need.channel, walkin.channel, walkin.flags, large)


def save_walkin(
    store: Store,
    *,
    day: date,
    shift_id: str | None,
    walkin: Walkin,
    state: ChannelState,
    script: str,
    settings: Settings,
) -> Saved:
    """One triaged walk-in, with the quote and script the customer was given (R2.7, R2.8),
    and the counter's reminders (large cash, suitability)."""
    prompts = prompts_for(walkin, settings)
    overridden = walkin.channel != walkin.suggested.channel
    reason = check_text(walkin.override_reason or "", "reason", REASON_MAX) or None
    if overridden and not reason:
        raise Invalid("reason", "override_reason_missing")
    unknown = set(walkin.flags) - set(FLAGS)
    if unknown:
        raise Invalid("flags", "flag_unknown")
    if walkin.channel not in state.loads:
        raise Invalid("channel", "channel_unknown")
    if overridden and walkin.channel in state.down_since:
        # Sent by hand where every machine is out of service: they would wait for nothing.
        # (A channel with no window open yet is said beside the field and may be insisted
        # on: a window may open; the answer is recorded with the walk-in, band none.)
        raise Invalid("channel", "channel_closed_now")
    priority = bool(set(walkin.flags) & PRIORITY_FLAGS)
    estimate = state.estimate(walkin.channel, priority=priority)
    minutes = None if estimate.minutes is None else round(estimate.minutes)
    prefix, label = next((c.prefix, c.label) for c in channels() if c.key == walkin.channel)
    tier = vip_catalogue().of(walkin.flags, walkin.vip_tier)
    appointment: tuple[str, str | None] | None = None
    with store.unit_of_work() as uow:
        arrival_id, ticket = insert_arrival(
            uow,
            NewArrival(
                shift_id=shift_id,
                business_day=day.isoformat(),
                need=walkin.need.id,
                channel=walkin.channel,
                ticket_prefix=prefix,
                priority=bool(set(walkin.flags) & PRIORITY_FLAGS),
                flags=walkin.flags,
                party_size=walkin.party,
                note=walkin.note,
                suggested_channel=walkin.suggested.channel,
                override_reason=reason if overridden else None,
                quoted_wait_min=minutes,
                quoted_band=estimate.band,
                triage_seconds=round(walkin.triage_seconds, 1),
                ticket=walkin.ticket,
                cues=walkin.cues,
                script=script,
                appointment_id=walkin.appointment_id,
                large_cash=LARGE_CASH in prompts,
            ),
        )
        if walkin.appointment_id:
            # Checked in: arrived now, linked to the arrival (a no-show who came late is not
            # one any more).
            uow.execute(
                "UPDATE appointments SET arrival_id = ?, arrived_at = ?, no_show_at = NULL"
                " WHERE id = ?",
                (arrival_id, uow.now, walkin.appointment_id),
            )
            found = uow.execute(
                "SELECT purpose, who FROM appointments WHERE id = ?", (walkin.appointment_id,)
            ).fetchone()
            uow.event(
                "appointment.arrived",
                "appointment",
                walkin.appointment_id,
                {"arrival_id": arrival_id},
            )
            appointment = (str(found[0]), found[1]) if found else None
        if tier is not None or appointment is not None:
            # The wealth manager on duty is told (services/vip.py, issue 31.3).
            tell_of_arrival(
                uow,
                settings,
                day=day,
                shift_id=shift_id,
                arrival_id=arrival_id,
                ticket=ticket,
                channel=dict(label),
                tier=tier,
                appointment=appointment,
            )
    return Saved(arrival_id, ticket, estimate.band, minutes, tuple(prompts), estimate.ahead)


# The live queue -------------------------------------------------------------------------


@dataclass(frozen=True)
class InQueue:
    id: str
    ticket: str
    need: str
    channel: str
    flags: list[str]
    arrived_at: datetime
    called_at: datetime | None
    status: str
    quoted_band: str | None
    window_no: int | None = None  # the numbered window that called them (R2.9)


def live_queue(store: Store, day: date) -> list[InQueue]:
    rows = store.query(
        "SELECT id, ticket, need, channel, flags, arrived_at, called_at, status, quoted_band,"
        " window_no FROM arrivals WHERE business_day = ? AND status IN ('waiting', 'called')"
        " ORDER BY status DESC, priority DESC, arrived_at",
        (day.isoformat(),),
    )
    # Per channel, in the catalogue's order; in each, who waits first (priority ahead),
    # then who is at a counter.
    order = {c.key: n for n, c in enumerate(channels())}
    rows = sorted(rows, key=lambda r: (order.get(r[3], len(order)), r[7] != "waiting"))
    return [
        InQueue(
            r[0],
            r[1],
            r[2],
            r[3],
            json.loads(r[4]),
            parse_iso(r[5]),
            parse_iso(r[6]) if r[6] else None,
            r[7],
            r[8],
            r[9],
        )
        for r in rows
    ]


def floor_now(store: Store, day: date) -> tuple[list[InQueue], list[WindowNow]]:
    """The queue and who is at each open window, read together (the triage queue)."""
    return live_queue(store, day), windows_now(store, day, counters_now(store, day))


def move_channel(store: Store, arrival_id: str, channel: str, reason: str) -> None:
    """A mis-route fixed: the customer goes to another channel, and why is recorded."""
    reason = check_text(reason, "reason", REASON_MAX)
    if not reason:
        raise Invalid("reason", "move_reason_missing")
    if channel not in {c.key for c in channels()}:
        raise Invalid("channel", "channel_unknown")
    with store.unit_of_work() as uow:
        row = arrival_row(uow, arrival_id, "channel, status, ticket")
        if row[1] != "waiting":
            raise StoreError("arrival.already", ticket=row[2])
        if row[0] == channel:
            raise Invalid("channel", "same_channel")
        uow.update(
            "arrivals",
            arrival_id,
            {"channel": channel, "moved_from": row[0], "moved_reason": reason},
        )
        uow.event(
            "arrival.moved",
            "arrival",
            arrival_id,
            {"from": row[0], "to": channel, "reason": reason},
        )


def close_day(store: Store, day: date) -> int:
    """End of day: everyone still waiting is closed as not seen, at this moment (their wait
    ends now, R2.7); those already at a counter are being served and are left alone. The
    day's rollup is kept for the report (a later change to the day forgets it again)."""
    with store.unit_of_work() as uow:
        rows = uow.execute(
            "SELECT id FROM arrivals WHERE business_day = ? AND status = 'waiting'",
            (day.isoformat(),),
        ).fetchall()
        for (arrival_id,) in rows:
            uow.update("arrivals", arrival_id, {"status": "not_seen", "left_at": uow.now})
            uow.event("arrival.not_seen", "arrival", arrival_id, {"at": uow.now})
    day_closed(store, load_settings(store), day)
    return len(rows)
