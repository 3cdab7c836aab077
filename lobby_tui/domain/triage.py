"""Arrival triage (R2): what the customer needs, where to send them and why, and how long
they will honestly wait. Pure rules; the catalogues come from data/ (needs.toml, cues.toml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from pydantic import BaseModel, ConfigDict, Field

from lobby_tui.domain.checklist import Label
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text

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


class NeedCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    need: list[Need] = Field(min_length=1)

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

BANDS = ("lt5", "5to10", "10to20", "gt20")
SMOOTHING = 0.3  # weight of the newest service in the running mean


def band(minutes: float) -> str:
    """The range told to the customer: never a false exact minute (R2.7)."""
    if minutes < 5:
        return "lt5"
    if minutes < 10:
        return "5to10"
    if minutes < 20:
        return "10to20"
    return "gt20"


def band_contains(quoted: str, waited_min: float) -> bool:
    """Did the actual wait fall inside the band the customer was told? (quote accuracy)"""
    return band(waited_min) == quoted


def smoothed_service_min(durations_min: Iterable[float], fallback: float) -> float:
    """Exponentially smoothed mean of today's completed services, oldest first; the catalogue's
    default until the channel has served anyone today."""
    mean: float | None = None
    for value in durations_min:
        mean = value if mean is None else SMOOTHING * value + (1 - SMOOTHING) * mean
    return fallback if mean is None else mean


@dataclass(frozen=True)
class Estimate:
    channel: str
    ahead: int
    service_min: float
    counters: int
    minutes: float | None  # None: the channel is closed (no counter open)

    @property
    def band(self) -> str | None:
        return None if self.minutes is None else band(self.minutes)


def estimate_wait(channel: str, ahead: int, service_min: float, counters: int) -> Estimate:
    """People ahead × recent mean service time ÷ counters open now (R2.7)."""
    if counters <= 0:
        return Estimate(channel, ahead, service_min, counters, None)
    return Estimate(channel, ahead, service_min, counters, ahead * service_min / counters)


# Routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    channel: str
    reason: str  # catalog key under "route."
    params: dict[str, str] = field(default_factory=dict)


def route(
    need: Need,
    flags: Iterable[str],
    estimates: Mapping[str, Estimate],
    down_since: Mapping[str, datetime],
    clock_text: Mapping[str, str] | None = None,
) -> Route:
    """Where to send this customer, and why (R2.3–R2.6).

    `estimates` has one estimate per channel (a closed channel has minutes None);
    `down_since` the channels out of service, `clock_text` their times as shown."""
    flagged = set(flags)
    shown = clock_text or {}

    def usable(channel: str) -> bool:
        est = estimates.get(channel)
        return channel not in down_since and est is not None and est.minutes is not None

    def told(channel: str) -> int:
        est = estimates[channel]
        return len(BANDS) if est.minutes is None else BANDS.index(band(est.minutes))

    if flagged & PRIORITY_FLAGS and usable(PRIORITY):
        return Route(PRIORITY, "priority")
    if need.channel == WEALTH:
        if usable(WEALTH):
            return Route(WEALTH, "wealth")
        return Route(NON_CASH, "wealth_closed")
    fallback = need.channel if usable(need.channel) else _open_counter(need.channel, usable)
    if need.machine:
        if flagged:
            return Route(fallback, "flagged_counter")
        if SELF_SERVICE in down_since:
            return Route(fallback, "self_service_down", {"since": shown.get(SELF_SERVICE, "")})
        # Compared by the band the customer would be told: within the same band the machine
        # wins, which builds the self-service habit (R2.4).
        if usable(SELF_SERVICE) and told(SELF_SERVICE) <= told(fallback):
            return Route(SELF_SERVICE, "machine")
        if usable(SELF_SERVICE):
            return Route(fallback, "counter_shorter")
    if fallback != need.channel:
        return Route(fallback, "default_closed")
    return Route(need.channel, "default")


def _open_counter(channel: str, usable: Callable[[str], bool]) -> str:
    """A closed counter's customers go to the other kind of counter."""
    other = {"cash": NON_CASH, NON_CASH: "cash"}.get(channel, NON_CASH)
    return other if usable(other) else channel


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
