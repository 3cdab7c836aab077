"""The day's arrival figures (DESIGN "KPIs"), one rule for the handover screen, the report and
the tests. Rates are 0–1; None where there is nothing to measure, never a made-up zero."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lobby_tui.domain.triage import band_contains

TRIAGE_TARGET_SECONDS = 30  # R2.8


@dataclass(frozen=True)
class ArrivalFacts:
    arrived_at: datetime
    called_at: datetime | None
    left_at: datetime | None
    status: str
    need: str
    machine_doable: bool
    channel: str
    quoted_band: str | None
    triage_seconds: float | None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2  # ties: the mean of the middle two


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of values at or
    below it (p90 of ten waits is the ninth)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass(frozen=True)
class ArrivalFigures:
    total: int
    by_need: dict[str, int]
    by_channel: dict[str, int]
    walkaways: int
    walkaway_rate: float | None
    self_service_rate: float | None
    wait_median: float | None
    wait_p90: float | None
    wait_max: float | None
    service_level: float | None
    quote_hit_rate: float | None
    triage_seconds_median: float | None
    triage_within_target: float | None


def arrival_figures(arrivals: Sequence[ArrivalFacts], red_min: int) -> ArrivalFigures:
    """Wait = called − arrived. Service level = share of those who waited to the end (called
    or walked away) who were called within the red threshold. Walk-away rate = left ÷
    arrivals. Self-service diversion = routed to self-service ÷ machine-doable arrivals.
    Quote hit rate = called customers whose wait fell inside the band they were told."""
    by_need: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    for arrival in arrivals:
        by_need[arrival.need] = by_need.get(arrival.need, 0) + 1
        by_channel[arrival.channel] = by_channel.get(arrival.channel, 0) + 1
    waits = [(a.called_at - a.arrived_at).total_seconds() / 60 for a in arrivals if a.called_at]
    walkaways = sum(1 for a in arrivals if a.status == "left")
    ended = len(waits) + sum(1 for a in arrivals if a.status == "left" and not a.called_at)
    within = sum(1 for w in waits if w <= red_min)
    machine = [a for a in arrivals if a.machine_doable]
    quoted = [
        (a.quoted_band, (a.called_at - a.arrived_at).total_seconds() / 60)
        for a in arrivals
        if a.called_at and a.quoted_band
    ]
    triage = [a.triage_seconds for a in arrivals if a.triage_seconds is not None]
    return ArrivalFigures(
        total=len(arrivals),
        by_need=by_need,
        by_channel=by_channel,
        walkaways=walkaways,
        walkaway_rate=rate(walkaways, len(arrivals)),
        self_service_rate=rate(
            sum(1 for a in machine if a.channel == "self_service"), len(machine)
        ),
        wait_median=median(waits),
        wait_p90=percentile(waits, 0.9),
        wait_max=max(waits) if waits else None,
        service_level=rate(within, ended),
        quote_hit_rate=rate(
            sum(1 for band, waited in quoted if band_contains(band, waited)), len(quoted)
        ),
        triage_seconds_median=median(triage),
        triage_within_target=rate(
            sum(1 for s in triage if s <= TRIAGE_TARGET_SECONDS), len(triage)
        ),
    )
