"""Triage and the live queue (R2): the state of each channel, the suggested route, saving a
walk-in with its ticket, quote and script, and the one-key queue actions."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.content import ContentError, channels, checklist_template
from lobby_tui.domain.day import day_bounds_utc, local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.triage import (
    FLAGS,
    PRIORITY_FLAGS,
    Estimate,
    Need,
    NeedCatalogue,
    Route,
    estimate_wait,
    route,
    smoothed_service_min,
)
from lobby_tui.services.arrivals import NewArrival, insert_arrival
from lobby_tui.services.dayplan import counters_now
from lobby_tui.services.rollup import day_closed
from lobby_tui.services.settings import load_settings
from lobby_tui.services.tasks import open_task, out_of_service
from lobby_tui.store import Store, StoreError, parse_iso

REASON_MAX = 200


@dataclass(frozen=True)
class ChannelState:
    estimates: dict[str, Estimate]
    down_since: dict[str, datetime]
    counters: dict[str, int]


def fallback_service_min(needs: NeedCatalogue) -> dict[str, float]:
    """Each channel's default service time from the catalogue, before it has history."""
    sums: dict[str, list[float]] = defaultdict(list)
    for need in needs.need:
        sums[need.channel].append(need.service_min)
        if need.machine:
            sums["self_service"].append(need.service_min)
    every = [n.service_min for n in needs.need]
    default = sum(every) / len(every)
    return {
        c.key: (sum(sums[c.key]) / len(sums[c.key]) if sums[c.key] else default) for c in channels()
    }


def channel_state(
    store: Store, settings: Settings, needs: NeedCatalogue, day: date
) -> ChannelState:
    """How busy each channel is now: what the route and the quote are computed from."""
    now = store.clock.now()
    today = day.isoformat()
    ahead: dict[str, int] = defaultdict(int)
    for row in store.query(
        "SELECT channel, COUNT(*) FROM arrivals WHERE status = 'waiting' AND business_day = ?"
        " GROUP BY channel",
        (today,),
    ):
        ahead[row[0]] = row[1]
    durations: dict[str, list[float]] = defaultdict(list)
    for row in store.query(
        "SELECT channel, called_at, done_at FROM arrivals WHERE business_day = ?"
        " AND status = 'done' AND called_at IS NOT NULL ORDER BY done_at",
        (today,),
    ):
        minutes = (parse_iso(row[2]) - parse_iso(row[1])).total_seconds() / 60
        durations[row[0]].append(max(0.0, minutes))
    counters = counters_now(store, day)
    fallback = fallback_service_min(needs)
    estimates = {
        c.key: estimate_wait(
            c.key,
            ahead[c.key],
            smoothed_service_min(durations[c.key], fallback[c.key]),
            counters.get(c.key, 0),
        )
        for c in channels()
    }
    by_channel: dict[str, list[str]] = defaultdict(list)
    try:
        devices = checklist_template().devices()
    except ContentError:
        devices = []  # a broken template (said on the checklist screen) must not stop triage
    for device in devices:
        if device.channel:
            by_channel[device.channel].append(device.key)
    start, _ = day_bounds_utc(day, settings.timezone)
    down = out_of_service(store, dict(by_channel), now, start).channels
    return ChannelState(estimates, down, counters)


def suggest(state: ChannelState, need: Need, flags: Iterable[str], settings: Settings) -> Route:
    shown = {k: local(v, settings.timezone).strftime("%H:%M") for k, v in state.down_since.items()}
    return route(need, flags, state.estimates, state.down_since, shown)


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


@dataclass(frozen=True)
class Saved:
    id: str
    ticket: str
    band: str | None
    minutes: int | None


def save_walkin(
    store: Store,
    *,
    day: date,
    shift_id: str | None,
    walkin: Walkin,
    state: ChannelState,
    script: str,
) -> Saved:
    """One triaged walk-in, with the quote and script the customer was given (R2.7, R2.8)."""
    overridden = walkin.channel != walkin.suggested.channel
    reason = (walkin.override_reason or "").strip() or None
    if overridden and not reason:
        raise Invalid("reason", "override_reason_missing")
    if reason and len(reason) > REASON_MAX:
        raise Invalid("reason", "text_too_long", max=REASON_MAX)
    unknown = set(walkin.flags) - set(FLAGS)
    if unknown:
        raise Invalid("flags", "flag_unknown")
    estimate = state.estimates.get(walkin.channel)
    if estimate is None:
        raise Invalid("channel", "channel_unknown")
    minutes = None if estimate.minutes is None else round(estimate.minutes)
    prefix = next(c.prefix for c in channels() if c.key == walkin.channel)
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
            ),
        )
        if walkin.appointment_id:
            uow.execute(
                "UPDATE appointments SET arrival_id = ? WHERE id = ?",
                (arrival_id, walkin.appointment_id),
            )
            found = uow.execute(
                "SELECT vip, purpose FROM appointments WHERE id = ?", (walkin.appointment_id,)
            ).fetchone()
            uow.event(
                "appointment.arrived",
                "appointment",
                walkin.appointment_id,
                {"arrival_id": arrival_id},
            )
            if found and (found[0] or walkin.channel == "wealth"):
                open_task(
                    uow,
                    shift_id=shift_id,
                    source="arrival",
                    source_id=arrival_id,
                    what=f"{ticket}: {found[1]}",
                    due_at=uow.now,
                    owner="wealth",
                )
    return Saved(arrival_id, ticket, estimate.band, minutes)


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


def live_queue(store: Store, day: date) -> list[InQueue]:
    rows = store.query(
        "SELECT id, ticket, need, channel, flags, arrived_at, called_at, status, quoted_band"
        " FROM arrivals WHERE business_day = ? AND status IN ('waiting', 'called')"
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
        )
        for r in rows
    ]


def move_channel(store: Store, arrival_id: str, channel: str, reason: str) -> None:
    """A mis-route fixed: the customer goes to another channel, and why is recorded."""
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "move_reason_missing")
    if len(reason) > REASON_MAX:
        raise Invalid("reason", "text_too_long", max=REASON_MAX)
    if channel not in {c.key for c in channels()}:
        raise Invalid("channel", "channel_unknown")
    with store.unit_of_work() as uow:
        row = uow.execute(
            "SELECT channel, status, ticket FROM arrivals WHERE id = ?", (arrival_id,)
        ).fetchone()
        if row is None:
            raise StoreError("arrival.not_found")
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
    """End of day: everyone still waiting or at a counter is closed as not seen, and the
    day's rollup is kept for the report (a later change to the day forgets it again)."""
    with store.unit_of_work() as uow:
        rows = uow.execute(
            "SELECT id, status FROM arrivals WHERE business_day = ?"
            " AND status IN ('waiting', 'called')",
            (day.isoformat(),),
        ).fetchall()
        for arrival_id, status in rows:
            uow.update("arrivals", arrival_id, {"status": "not_seen"})
            uow.event("arrival.not_seen", "arrival", arrival_id, {"from": status})
    day_closed(store, load_settings(store), day)
    return len(rows)
