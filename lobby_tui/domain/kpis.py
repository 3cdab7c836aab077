"""The day's figures (DESIGN "KPIs"), one rule for the handover screen, the report and the
tests: arrivals, the chart per hour, the checklist, rounds, complaints and incidents. Rates are
0–1; None where there is nothing to measure, never a made-up zero."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from lobby_tui.domain.complaints import Clock, clock_state
from lobby_tui.domain.day import open_at
from lobby_tui.domain.lobby import arrivals_per_hour
from lobby_tui.domain.rounds import CareFigures
from lobby_tui.domain.triage import band_contains

TRIAGE_TARGET_SECONDS = 30  # R2.8


class ArrivalFacts(NamedTuple):
    """One arrival as the figures need it. A NamedTuple, not a dataclass: a year's report
    builds one per arrival of the year, and this is four times cheaper to make."""

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


def wait_min(arrival: ArrivalFacts) -> float | None:
    """Wait = called − arrived, in minutes; None until the customer is called."""
    if arrival.called_at is None:
        return None
    return (arrival.called_at - arrival.arrived_at).total_seconds() / 60


def arrival_figures(arrivals: Iterable[ArrivalFacts], red_min: int) -> ArrivalFigures:
    """Wait = called − arrived. Service level = share of those who waited to the end (called,
    walked away, or still waiting when the day was closed: "not seen") who were called within
    the red threshold. Walk-away rate = left ÷
    arrivals. Self-service diversion = routed to self-service ÷ machine-doable arrivals.
    Quote hit rate = called customers whose wait fell inside the band they were told.
    One pass: a year's report feeds every arrival of the year through here."""
    total = walkaways = left_uncalled = machine = diverted = quoted = hits = 0
    by_need: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    waits: list[float] = []
    triage: list[float] = []
    for a in arrivals:
        total += 1
        by_need[a.need] = by_need.get(a.need, 0) + 1
        by_channel[a.channel] = by_channel.get(a.channel, 0) + 1
        waited = wait_min(a)
        if waited is not None:
            waits.append(waited)
            if a.quoted_band:
                quoted += 1
                hits += band_contains(a.quoted_band, waited)
        if a.status == "left":
            walkaways += 1
            left_uncalled += a.called_at is None
        elif a.status == "not_seen" and a.called_at is None:
            left_uncalled += 1  # waited all day and was never served: not within the mark
        if a.machine_doable:
            machine += 1
            diverted += a.channel == "self_service"
        if a.triage_seconds is not None:
            triage.append(a.triage_seconds)
    within = sum(1 for w in waits if w <= red_min)
    return ArrivalFigures(
        total=total,
        by_need=by_need,
        by_channel=by_channel,
        walkaways=walkaways,
        walkaway_rate=rate(walkaways, total),
        self_service_rate=rate(diverted, machine),
        wait_median=median(waits),
        wait_p90=percentile(waits, 0.9),
        wait_max=max(waits) if waits else None,
        service_level=rate(within, len(waits) + left_uncalled),
        quote_hit_rate=rate(hits, quoted),
        triage_seconds_median=median(triage),
        triage_within_target=rate(
            sum(1 for s in triage if s <= TRIAGE_TARGET_SECONDS), len(triage)
        ),
    )


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# The chart per hour ------------------------------------------------------------------


@dataclass(frozen=True)
class HourFigures:
    hour: int  # local hour of arrival: 9 is 09:00–09:59
    arrivals: int
    wait_mean: float | None  # minutes, over those of the hour who were called


def hourly_figures(
    arrivals: Sequence[ArrivalFacts], zone: ZoneInfo, first_hour: int, last_hour: int
) -> list[HourFigures]:
    """Arrivals and mean wait per local hour of arrival, from first_hour to last_hour —
    widened to any hour someone came in, so the bars always add up to the day's total."""
    local = [a.arrived_at.astimezone(zone) for a in arrivals]
    first = min([first_hour, *(at.hour for at in local)])
    last = max([last_hour, *(at.hour for at in local)])
    counts = arrivals_per_hour(local, first, last)
    waits: list[list[float]] = [[] for _ in counts]
    for at, a in zip(local, arrivals, strict=True):
        waited = wait_min(a)
        if waited is not None:
            waits[at.hour - first].append(waited)
    return [HourFigures(first + i, count, mean(waits[i])) for i, count in enumerate(counts)]


# The checklist -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunFacts:
    """A day's opening checklist run (the latest, if it was started again)."""

    items_total: int
    signed_off: bool
    answers: Sequence[str]  # ok, problem, na — one per item answered


@dataclass(frozen=True)
class ChecklistFigures:
    runs: int  # days with a checklist started
    signed_off: int  # of those, signed off
    completed: int  # items answered
    items: int  # items on the runs
    problems: int  # answered "problem" (or a shortage): each became a task
    tasks_open: int  # every task still open at the cut, whatever raised it


def checklist_figures(runs: Iterable[RunFacts], tasks_open: int) -> ChecklistFigures:
    listed = list(runs)
    return ChecklistFigures(
        runs=len(listed),
        signed_off=sum(1 for r in listed if r.signed_off),
        completed=sum(len(r.answers) for r in listed),
        items=sum(r.items_total for r in listed),
        problems=sum(r.answers.count("problem") for r in listed),
        tasks_open=tasks_open,
    )


# Rounds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundFigures:
    due: int
    done: int
    missed: int
    waited_past_amber: int
    apologised: int

    @property
    def apology_rate(self) -> float | None:
        """Share of customers past amber who got an apology (R3.2), over the whole period."""
        return rate(self.apologised, self.waited_past_amber)


def round_figures(days: Iterable[CareFigures]) -> RoundFigures:
    """Each day's round tally and care, pooled: rates over the period, not a mean of rates."""
    listed = list(days)
    return RoundFigures(
        due=sum(d.rounds.due for d in listed),
        done=sum(d.rounds.done for d in listed),
        missed=sum(d.rounds.missed for d in listed),
        waited_past_amber=sum(d.waited_past_amber for d in listed),
        apologised=sum(d.apologised for d in listed),
    )


# Complaints --------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintFacts:
    business_day: date  # the branch-local day it was received
    received_at: datetime
    outcome: str | None  # on_spot, escalated, or not decided yet
    settled_at: datetime | None  # resolved (or closed without a resolution)
    decision_due_at: datetime
    promised_by: datetime | None


@dataclass(frozen=True)
class CallbackFacts:
    reached: bool
    satisfaction: int | None  # 1–5, when the customer gave one


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    resolved_on_spot: int
    open: int
    overdue: int
    callbacks_done: int
    satisfaction_avg: float | None


def complaint_figures(
    complaints: Iterable[ComplaintFacts],
    callbacks: Iterable[CallbackFacts],
    first_day: date,
    last_day: date,
    cut: datetime,
) -> ComplaintFigures:
    """Received and solved on the spot in the period (R4.4); open and overdue at the cut,
    whenever received — the clock's own rule decides overdue; callbacks that reached the
    customer in the period, and the mean satisfaction they gave (R4.6)."""
    received = on_spot = still_open = overdue = 0
    for c in complaints:
        if first_day <= c.business_day <= last_day:
            received += 1
            on_spot += c.outcome == "on_spot"
        if open_at(c.received_at, c.settled_at, cut):
            still_open += 1
            overdue += clock_state(c.decision_due_at, c.promised_by, cut) == Clock.OVERDUE
    reached = [c for c in callbacks if c.reached]
    scores = [float(c.satisfaction) for c in reached if c.satisfaction in (1, 2, 3, 4, 5)]
    return ComplaintFigures(
        received=received,
        resolved_on_spot=on_spot,
        open=still_open,
        overdue=overdue,
        callbacks_done=len(reached),
        satisfaction_avg=mean(scores),
    )


# Incidents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFacts:
    business_day: date
    raised_at: datetime
    type: str
    resolved_at: datetime | None


@dataclass(frozen=True)
class IncidentFigures:
    total: int
    by_type: dict[str, int]
    open: int


def incident_figures(
    incidents: Iterable[IncidentFacts], first_day: date, last_day: date, cut: datetime
) -> IncidentFigures:
    """Raised in the period, by type (R5); open at the cut, whenever raised."""
    by_type: dict[str, int] = {}
    still_open = 0
    for i in incidents:
        if first_day <= i.business_day <= last_day:
            by_type[i.type] = by_type.get(i.type, 0) + 1
        still_open += open_at(i.raised_at, i.resolved_at, cut)
    return IncidentFigures(sum(by_type.values()), by_type, still_open)
