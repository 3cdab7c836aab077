"""The synthetic lobby floor of one past day (`lobby demo --days`): walk-ins as a Poisson
process with a morning and a lunchtime peak, routed and quoted by the triage rules, served by
the day's counters, some walking away the longer they wait; and the manager's rounds with the
care given to whoever was waiting. Pure: rows out, nothing written here."""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any

from lobby_tui.content import Channel
from lobby_tui.domain.day import at_local
from lobby_tui.domain.rounds import Care
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.triage import PRIORITY_FLAGS, Estimate, Need, route
from lobby_tui.domain.waits import Visit, floor_at, stay_share, wait_min
from lobby_tui.store import iso

Row = dict[str, Any]

# Relative busyness by weekday (Monday first): Mondays and Fridays are busier, Sundays quiet.
# Scaled so that the mean over a week is one: `per_day` is the mean arrivals per day.
WEEK = (1.15, 1.0, 1.0, 1.0, 1.1, 0.85, 0.6)
WEEK_SCALE = len(WEEK) / sum(WEEK)
UTILISATION = 0.9  # the load a day plan opens counters for; the peaks go above it
COUNTER_PREFERRED = 0.45  # offered the machines, this share still wants a counter (R2.4)
FLAG_ODDS = (("elderly", 0.06), ("disabled", 0.01), ("pregnant", 0.01), ("vip", 0.02))
# Machines are quicker than the counter for the same need; the priority window slower.
PACE = {"self_service": 0.8, "priority": 1.3}


def pick(rng: random.Random, items: Sequence[Any]) -> Any:
    """One of `items`, drawing the same random numbers whatever their number: the Chinese
    and English lists differ in length, and the same seed must write the same history in
    either language."""
    return items[int(rng.random() * 1_000_000) % len(items)]


def new_uuid(rng: random.Random) -> str:
    """Ids drawn from the seed: the same seed writes the very same rows."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Walkin:
    id: str
    at: datetime
    need: Need
    channel: str
    priority: bool = False
    called_at: datetime | None = None
    done_at: datetime | None = None
    left_at: datetime | None = None
    care: list[str] = field(default_factory=list)

    @property
    def stops_waiting(self) -> datetime | None:
        return self.called_at or self.left_at

    @property
    def gone_at(self) -> datetime | None:
        return self.done_at or self.left_at

    def visit(self) -> Visit:
        return Visit(
            self.channel,
            usual_min(self.need, self.channel),
            self.priority,
            self.at,
            self.called_at,
            self.gone_at,
        )


def usual_min(need: Need, channel: str) -> float:
    """How long the need usually takes at that channel: what the app's smoothing of the day's
    services settles on, and what the simulated services are drawn around."""
    return need.service_min * PACE.get(channel, 1.0)


def _bump(minute: float, centre: float, width: float) -> float:
    return math.exp(-(((minute - centre) / width) ** 2))


def intensity(weekday: int, minutes: int, opening_minute: int) -> list[float]:
    """Relative arrivals per minute from opening: weekdays peak mid-morning and at lunch,
    with a smaller rush before closing; weekends have one broad late-morning peak."""
    shape = []
    for m in range(minutes):
        clock = opening_minute + m
        if weekday < 5:
            value = (
                0.5
                + 1.0 * _bump(clock, 10 * 60 + 15, 45)
                + 0.8 * _bump(clock, 12 * 60 + 30, 35)
                + 0.35 * _bump(clock, 16 * 60, 40)
            )
        else:
            value = 0.6 + 0.8 * _bump(clock, 11 * 60, 90)
        shape.append(value)
    return shape


def arrival_minutes(rng: random.Random, shape: list[float], expected: float) -> list[float]:
    """A non-homogeneous Poisson process by thinning: candidates at the peak rate, each kept
    with the share of the peak the day has at that minute."""
    scale = expected / sum(shape)
    peak = max(shape) * scale
    out: list[float] = []
    minute = 0.0
    while True:
        minute += rng.expovariate(peak)
        if minute >= len(shape):
            return out
        if rng.random() * peak < shape[int(minute)] * scale:
            out.append(minute)


def counters_for(
    needs: Sequence[Need], channels: Sequence[Channel], expected: float, open_minutes: int
) -> dict[str, int]:
    """The day plan: counters for the expected load (R1.6) — fewer than the default on a
    quiet day, more on a busy one, and at least one of each."""
    defaults = {c.key: c.counters for c in channels}
    total_share = sum(n.share for n in needs)
    load = dict.fromkeys((c.key for c in channels), 0.0)
    for need in needs:
        minutes = expected * need.share / total_share * need.service_min
        if need.machine:  # about half of the machine-doable go to the machines
            load["self_service"] += minutes * 0.5 * 0.8
            minutes *= 0.5
        load["priority"] += minutes * 0.1 * 1.3
        load[need.channel] += minutes * 0.9
    planned = {
        c.key: max(1, math.ceil(load[c.key] / (open_minutes * UTILISATION))) for c in channels
    }
    planned["self_service"] = max(planned["self_service"], defaults["self_service"])  # machines
    return planned


def simulate_floor(
    rng: random.Random,
    settings: Settings,
    day: date,
    needs: Sequence[Need],
    channels: Sequence[Channel],
    per_day: float,
    shift_id: str,
    rows: dict[str, list[Row]],
    notes: Sequence[str],
    prefers_counter: str,
    busy: float = 1.0,
    weekday: int | None = None,
) -> list[Walkin]:
    """One day's walk-ins. `busy` is the day's calendar effect (a pension day brings more),
    `weekday` the weekday whose pattern the day follows (a 调休 Saturday a working day's)."""
    zone = settings.timezone
    weekday = day.weekday() if weekday is None else weekday
    opened = at_local(day, settings.opening_time, zone)
    closes = at_local(day, settings.closing_time, zone)
    open_minutes = int((closes - opened).total_seconds() // 60)
    opening_minute = settings.opening_time.hour * 60 + settings.opening_time.minute
    expected = per_day * WEEK_SCALE * WEEK[weekday] * busy * max(0.5, rng.gauss(1, 0.08))
    counters = counters_for(needs, channels, expected, open_minutes)
    for c in channels:
        if counters[c.key] != c.counters:
            rows["counter_plans"].append(
                {
                    "id": new_uuid(rng),
                    "business_day": day.isoformat(),
                    "channel": c.key,
                    "counters": counters[c.key],
                    "at": iso(opened - timedelta(minutes=20)),
                    "note": None,
                }
            )
    shape = intensity(weekday, max(1, open_minutes - 5), opening_minute)
    weights = [n.share for n in needs]
    prefixes = {c.key: c.prefix for c in channels}
    tickets = dict.fromkeys(prefixes, 0)
    free = {key: [opened] * n for key, n in counters.items()}
    # Who is on the floor (waiting or served), as the quote sees them: a simulated walk-in's
    # passage is known once it is placed, so its Visit is made once.
    on_floor: dict[str, list[Visit]] = {key: [] for key in counters}
    stopped = {key: [0, 0] for key in counters}  # served, walked away: the day's `stay_share`
    walkins: list[Walkin] = []
    for minute in arrival_minutes(rng, shape, expected):
        at = opened + timedelta(seconds=round(minute * 60))
        need = rng.choices(needs, weights)[0]
        flags = [name for name, odds in FLAG_ODDS if rng.random() < odds]
        for key, there in on_floor.items():
            gone = [v for v in there if v.gone_at is not None and v.gone_at <= at]
            if gone:
                for v in gone:
                    stopped[key][v.called_at is None] += 1
                on_floor[key] = [v for v in there if v.gone_at is None or v.gone_at > at]
        stay = {key: stay_share(*stopped[key]) for key in counters}
        loads = floor_at(at, chain(*on_floor.values()), counters, stay)
        estimates = {
            key: Estimate(key, len(load.waiting), load.servers, wait_min(load))
            for key, load in loads.items()
        }
        suggested = route(need, flags, estimates, {}, on_floor=False)  # the ones that queued
        channel, reason = suggested.channel, None
        if channel == "self_service" != need.channel and rng.random() < COUNTER_PREFERRED:
            channel, reason = need.channel, prefers_counter  # the manager records why
        priority = bool(set(flags) & PRIORITY_FLAGS)
        quoted = wait_min(loads[channel], priority=priority)
        quote = Estimate(channel, 0, loads[channel].servers, quoted)
        w = Walkin(new_uuid(rng), at, need, channel, priority)
        slots = free[channel]
        slot = min(range(len(slots)), key=slots.__getitem__)
        start = max(at + timedelta(seconds=30), slots[slot])
        waited = (start - at).total_seconds() / 60
        # Patience runs out: the longer the wait, the likelier a walk-away (R3.2).
        patience = 10 + rng.expovariate(1 / 20)
        if waited > patience and rng.random() < 0.85:
            w.left_at = at + timedelta(minutes=patience)
        elif start > closes + timedelta(minutes=45):
            pass  # still waiting when the day was closed: not seen
        else:
            minutes = usual_min(need, channel) * min(3.0, max(0.3, rng.lognormvariate(0, 0.4)))
            w.called_at = start
            w.done_at = start + timedelta(minutes=minutes)
            slots[slot] = w.done_at
        on_floor[channel].append(w.visit())
        tickets[channel] += 1
        status = "done" if w.called_at else ("left" if w.left_at else "not_seen")
        rows["arrivals"].append(
            {
                "id": w.id,
                "shift_id": shift_id,
                "business_day": day.isoformat(),
                "ticket": f"{prefixes[channel]}{tickets[channel]:03d}",
                "arrived_at": iso(at),
                "need": need.id,
                "channel": channel,
                "suggested_channel": suggested.channel,
                "override_reason": reason,
                "priority": int(priority),
                "flags": json.dumps(flags),
                "cues": "[]",
                "party_size": 1 if rng.random() < 0.92 else 2,
                "note": pick(rng, notes) if rng.random() < 0.015 else None,
                "status": status,
                "quoted_wait_min": None if quote.minutes is None else round(quote.minutes),
                "quoted_band": quote.band,
                "called_at": iso(w.called_at) if w.called_at else None,
                "done_at": iso(w.done_at) if w.done_at else None,
                "left_at": iso(w.left_at) if w.left_at else None,
                "triage_seconds": round(min(120.0, rng.lognormvariate(math.log(14), 0.45)), 1),
                "appointment_id": None,
            }
        )
        walkins.append(w)
    return walkins


def _care_for(rng: random.Random, w: Walkin, waited: float, amber_min: int) -> list[str]:
    """What the manager does for one waiting customer on a round (R3.2–R3.6)."""
    given: list[str] = []
    if waited >= amber_min:
        if rng.random() < 0.88:
            given.append(Care.APOLOGY)
            if rng.random() < 0.6:
                given.append(Care.WATER)
            if rng.random() < 0.15:
                given.append(Care.CALM)
    elif w.channel == "self_service":
        if rng.random() < 0.35:
            given.append(Care.SELF_SERVICE)
    else:
        for kind, odds in ((Care.FORM_CHECK, 0.12), (Care.FORM_HELP, 0.06), (Care.DOCUMENTS, 0.05)):
            if rng.random() < odds:
                given.append(kind)
    return [kind for kind in given if kind not in w.care]


def write_rounds(
    rng: random.Random,
    settings: Settings,
    day: date,
    walkins: list[Walkin],
    products: Sequence[str],
    shift_id: str,
    rows: dict[str, list[Row]],
) -> None:
    """A round every interval from opening, on time give or take a few minutes; now and
    then one is missed. On each, care for whoever is waiting, longest first."""
    zone = settings.timezone
    opened = at_local(day, settings.opening_time, zone)
    closes = at_local(day, settings.closing_time, zone)
    step = timedelta(minutes=settings.round_interval_min)
    due = opened + step
    while due <= closes:
        if rng.random() < 0.05:  # taken up elsewhere: this round is missed
            due += step
            continue
        start = due + timedelta(minutes=rng.uniform(-1, 4))
        moment = start + timedelta(minutes=1)
        waiting = [w for w in walkins if w.at < moment and (w.stops_waiting or closes) > moment]
        waiting.sort(key=lambda w: w.at)
        round_id = new_uuid(rng)
        at = moment
        for w in waiting[:15]:
            waited = (moment - w.at).total_seconds() / 60
            kinds = _care_for(rng, w, waited, settings.wait_amber_min)
            if Care.INTEREST not in w.care and rng.random() < 0.03:
                kinds.append(Care.INTEREST)
            for kind in kinds:
                at += timedelta(seconds=rng.randint(15, 40))
                if at >= (w.stops_waiting or closes):
                    break  # called to the counter before the manager got to them
                product = rng.choice(products) if kind == Care.INTEREST else None
                _care_row(rng, rows, round_id, w, kind, at, product)
        completed = max(at, start + timedelta(minutes=rng.uniform(3, 6))) + timedelta(minutes=1)
        crowd = len(waiting)
        observations = {
            "crowding": "calm" if crowd <= 8 else ("busy" if crowd <= 20 else "crowded"),
            "seating": "ok",
            "tidiness": "ok",
            "devices": "ok",
        }
        rows["rounds"].append(
            {
                "id": round_id,
                "shift_id": shift_id,
                "business_day": day.isoformat(),
                "due_at": iso(due),
                "started_at": iso(start),
                "completed_at": iso(completed),
                "crowding": observations["crowding"],
                "observations": json.dumps(observations),
                "note": None,
            }
        )
        due = start + step
    # Between rounds the dashboard turns a wait amber, and the manager goes over (R3.2).
    for w in walkins:
        amber_at = w.at + timedelta(minutes=settings.wait_amber_min + rng.uniform(0, 5))
        still_waiting = amber_at < (w.stops_waiting or closes)
        if still_waiting and Care.APOLOGY not in w.care and rng.random() < 0.55:
            _care_row(rng, rows, None, w, Care.APOLOGY, amber_at)


def _care_row(
    rng: random.Random,
    rows: dict[str, list[Row]],
    round_id: str | None,
    w: Walkin,
    kind: str,
    at: datetime,
    product: str | None = None,
) -> None:
    w.care.append(kind)
    rows["care_actions"].append(
        {
            "id": new_uuid(rng),
            "round_id": round_id,
            "arrival_id": w.id,
            "kind": str(kind),
            "at": iso(at),
            "note": None,
            "product": product,
            "consent": None if product is None else int(rng.random() < 0.6),
            "asked": int(product is not None and rng.random() < 0.3),
            "hall_day": None,  # a walk-in's care is on their day
        }
    )
