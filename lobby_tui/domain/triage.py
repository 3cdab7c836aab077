"""Arrival triage (R2): what the customer needs, where to send them and why, and how long
they will honestly wait. Pure rules; the catalogues come from data/ (needs.toml, cues.toml)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lobby_tui.domain.checklist import Label
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.vip import VipTier, need_kind
from lobby_tui.domain.waits import BANDS, band

# Channels the rules know by role; the catalogue (channels.toml) holds their labels.
PRIORITY = "priority"
SELF_SERVICE = "self_service"
WEALTH = "wealth"
NON_CASH = "non_cash"

# Customer flags (R2.5). The first three get the priority window.
FLAGS = ("elderly", "disabled", "pregnant", "vip", "children", "interpreter")
PRIORITY_FLAGS = frozenset({"elderly", "disabled", "pregnant"})

NOTE_MAX = 500


class Need(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    key: str = Field(pattern=r"^[a-z]$")
    channel: str
    machine: bool
    service_min: float = Field(gt=0, le=240)
    share: float = Field(ge=0)
    label: Label
    # Complex business (account opening, loans): one-to-one help with the documents (R2.5).
    complex: bool = False
    # Answered by the manager on the floor when they can (an enquiry: the quick answers),
    # logged as an enquiry and not queued (R4.2); a question that needs a counter is sent
    # to one by hand (issue 31.9).
    floor: bool = False


class NeedCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    need: list[Need] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_need_per_key(self) -> NeedCatalogue:
        """A key letter picks one need on the triage form; two on one letter, one of them
        could never be chosen (issue 14)."""
        for name in ("key", "id"):
            seen: dict[str, str] = {}
            for need in self.need:
                value = getattr(need, name)
                if value in seen:
                    raise ValueError(f"two needs on {name} {value!r}: {seen[value]}, {need.id}")
                seen[value] = need.id
        return self

    def by_id(self, need_id: str) -> Need:
        for need in self.need:
            if need.id == need_id:
                return need
        raise Invalid("need", "need_unknown")

    def by_key(self, key: str) -> Need | None:
        return next((n for n in self.need if n.key == key), None)


class Cue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    key: str = Field(pattern=r"^[A-Z]$")
    label: Label
    short: Label  # the word shown on the triage form's cue line
    weights: dict[str, float] = Field(default_factory=dict)


class CueTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    cue: list[Cue] = Field(default_factory=list)


def rank_needs(needs: Sequence[Need], cues: Iterable[Cue]) -> list[Need]:
    """The needs, most likely first given what the manager noticed (R2.2). Without cues the
    catalogue's order stands (the manager knows it by heart)."""
    chosen = list(cues)
    if not chosen:
        return list(needs)

    def likelihood(need: Need) -> float:
        score = need.share
        for cue in chosen:
            score *= cue.weights.get(need.id, 1.0)
        return score

    return sorted(needs, key=likelihood, reverse=True)


# Waiting ---------------------------------------------------------------------------------

SMOOTHING = 0.3  # weight of the newest service in the running mean


def smoothed_service_min(durations_min: Iterable[float], fallback: float) -> float:
    """Exponentially smoothed mean of today's completed services, oldest first; the catalogue's
    default until the channel has served anyone today."""
    mean: float | None = None
    for value in durations_min:
        mean = value if mean is None else SMOOTHING * value + (1 - SMOOTHING) * mean
    return fallback if mean is None else mean


@dataclass(frozen=True)
class Estimate:
    """A channel's wait as told to a newcomer (domain/waits.py computes `minutes`)."""

    channel: str
    ahead: int  # people who will be called first
    counters: int  # counters open, or machines working
    minutes: float | None  # None: nothing open there (no band may be promised)

    @property
    def band(self) -> str | None:
        return None if self.minutes is None else band(self.minutes)


# Routing ---------------------------------------------------------------------------------

FLOOR = "floor"  # no channel: answered by the manager where the customer stands
COUNTERS = ("cash", NON_CASH)


@dataclass(frozen=True)
class Route:
    channel: str
    reason: str  # catalog key under "route."
    params: dict[str, str] = field(default_factory=dict)
    priority: bool = False  # called before those without priority at that channel (R2.5)
    one_to_one: bool = False  # the manager helps in person before the counter (R2.5)


def route(
    need: Need,
    flags: Iterable[str],
    estimates: Mapping[str, Estimate],
    down_since: Mapping[str, datetime],
    clock_text: Mapping[str, str] | None = None,
    vip: VipTier | None = None,
    *,
    on_floor: bool = True,
) -> Route:
    """Where to send this customer, and why (R2.3–R2.6).

    A VIP of a tier (`vip`, data/vip.toml) goes where the tier serves what they came for
    (issue 31.3: a VIP withdrawing cash was sent to the wealth zone); with that channel
    closed, the usual route, never a machine (the "vip" flag).

    `estimates` has one estimate per channel (a closed channel has minutes None);
    `down_since` the channels out of service, `clock_text` their times as shown.
    A channel is only suggested when it is open, but for the last answer: no counter open
    at all (`nothing_open`), which the screen says rather than promising a band. A need the
    manager answers on the floor goes nowhere (`FLOOR`) unless `on_floor` is False: the
    simulations of the queue (the demo's history, the benches) route the enquiries that
    did queue."""
    flagged = set(flags)
    special = bool(flagged & PRIORITY_FLAGS)
    shown = clock_text or {}

    def usable(channel: str) -> bool:
        est = estimates.get(channel)
        return channel not in down_since and est is not None and est.minutes is not None

    def told(channel: str) -> int:
        est = estimates[channel]
        return len(BANDS) if est.minutes is None else BANDS.index(band(est.minutes))

    if need.floor and on_floor:  # a question the manager answers now beats any queue (R4.2)
        return Route(FLOOR, "floor")
    if vip is not None:
        kind = need_kind(need.channel)
        wanted = vip.channel_for(kind)
        if usable(wanted):
            # As for a priority customer: the need's own counter when it would call them
            # sooner (the demo at 10:30 sent a VIP to the priority window at ">20 min",
            # the cash counter idle).
            usual = need.channel if need.channel in COUNTERS else NON_CASH
            if (
                kind != "wealth"
                and usual != wanted
                and usable(usual)
                and _minutes(estimates, usual) < _minutes(estimates, wanted)
            ):
                return Route(usual, "vip_counter_sooner", priority=special, one_to_one=need.complex)
            return Route(wanted, f"vip_{kind}", priority=special, one_to_one=need.complex)
    # Priority service in the wealth zone, not the teller's priority window (R2.6, R2.5).
    if need.channel == WEALTH and usable(WEALTH):
        return Route(WEALTH, "wealth_priority" if special else "wealth", priority=special)
    if special and usable(PRIORITY):
        # Every window calls priority customers first among the needs it serves (R2.9): the
        # need's own counter is quoted beside the priority window, and the sooner wins (the
        # dedicated window on a tie). At 10:30 on the demo an elderly customer withdrawing
        # cash was sent to the priority window at ">20 min" with the cash counter empty.
        usual = need.channel if need.channel in COUNTERS else NON_CASH
        sooner = usable(usual) and _minutes(estimates, usual) < _minutes(estimates, PRIORITY)
        if sooner:
            return Route(usual, "priority_counter_sooner", priority=True, one_to_one=need.complex)
        return Route(PRIORITY, "priority", priority=True)

    # The counter that does this need: a machine-only need (bill payment) is done at the
    # non-cash counter; a closed counter's customers go to the other kind.
    usual = need.channel if need.channel in COUNTERS else NON_CASH
    counter = next((c for c in (usual, *COUNTERS) if usable(c)), None)
    if counter is None:
        if need.machine and not flagged and usable(SELF_SERVICE):
            return Route(SELF_SERVICE, "machine")
        return Route(usual, "nothing_open", priority=special)
    helped = special or need.complex  # R2.5: one-to-one help at the counter
    if need.channel == WEALTH:
        return Route(counter, "wealth_closed", priority=special, one_to_one=special)
    if special:
        return Route(counter, "priority_closed", priority=True, one_to_one=True)
    if need.machine:
        if flagged:
            return Route(counter, "flagged_counter", one_to_one=helped)
        if SELF_SERVICE in down_since:
            return Route(counter, "self_service_down", {"since": shown.get(SELF_SERVICE, "")})
        if not usable(SELF_SERVICE):
            return Route(counter, "self_service_closed")
        # Compared by the band the customer would be told: within the same band the machine
        # wins, which builds the self-service habit (R2.4).
        if told(SELF_SERVICE) <= told(counter):
            return Route(SELF_SERVICE, "machine")
        return Route(counter, "counter_shorter")
    if need.complex:
        return Route(counter, "complex", one_to_one=True)
    if counter != need.channel:
        return Route(counter, "default_closed")
    return Route(need.channel, "default")


def _minutes(estimates: Mapping[str, Estimate], channel: str) -> float:
    minutes = estimates[channel].minutes
    return float("inf") if minutes is None else minutes


# Bad input --------------------------------------------------------------------------------


def check_note(text: str) -> str | None:
    return check_text(text, "note", NOTE_MAX, key="note_too_long") or None


def greeting_part(at: time) -> str:
    """Which standard greeting fits the hour (R2.1)."""
    if at.hour < 12:
        return "morning"
    if at.hour < 18:
        return "afternoon"
    return "evening"
