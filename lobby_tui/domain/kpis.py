"""The day's figures (DESIGN "KPIs"), one rule for the handover screen, the report and the
tests: arrivals, the chart per hour, the checklist, rounds, complaints and incidents. Rates are
0–1; None where there is nothing to measure, never a made-up zero."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

from lobby_tui.domain.complaints import Clock, clock_state
from lobby_tui.domain.day import open_at
from lobby_tui.domain.rounds import CareFigures
from lobby_tui.domain.waits import told_against

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
    served: int  # service done at a counter or a machine
    by_need: dict[str, int]
    by_channel: dict[str, int]
    walkaways: int
    walkaway_rate: float | None
    self_service_rate: float | None
    wait_mean: float | None
    wait_median: float | None
    wait_p90: float | None
    wait_max: float | None
    service_level: float | None
    quote_hit_rate: float | None
    quote_longer_rate: float | None  # of those told a band, waited longer than it said
    quote_shorter_rate: float | None
    triage_seconds_median: float | None
    triage_within_target: float | None


# A wait is counted in whole seconds: every instant is stored to the second, so nothing is
# lost. A day keeps its waits (and triage times) as a sorted list rather than a histogram:
# at one-second resolution waits seldom repeat, so a histogram would be as long, and a
# period's list — its days' put together and sorted — gives the exact median and p90.
@dataclass
class ArrivalCounts:
    """What the arrival figures are computed from: counts, sums and histograms that add up
    day by day. A day's are kept in its rollup; a period's are its days' added together."""

    total: int = 0
    served: int = 0  # status done
    by_need: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    walkaways: int = 0
    left_uncalled: int = 0  # walked away or not seen, never called: waited to the end
    machine: int = 0  # machine-doable needs
    diverted: int = 0  # of those, routed to self-service
    quoted: int = 0  # called customers who were told a band
    hits: int = 0  # of those, whose wait fell inside it
    longer: int = 0  # of those, who waited longer than it said
    shorter: int = 0  # of those, who were called sooner
    waits: list[int] = field(default_factory=list)  # whole seconds from arrival to call, sorted
    triage: list[float] = field(default_factory=list)  # seconds at triage as stored, sorted
    # Per local hour of arrival: arrivals, of those called, and their waits' seconds summed.
    hours: dict[int, list[int]] = field(default_factory=dict)


def count_arrivals(arrivals: Iterable[ArrivalFacts], zone: tzinfo = UTC) -> ArrivalCounts:
    """One pass over the arrivals (a year's report may feed a year through here): what each
    adds to the counts the figures are made of. `zone` places each in its local hour."""
    c = ArrivalCounts()
    by_need, by_channel, waits, triage, hours = c.by_need, c.by_channel, c.waits, c.triage, c.hours
    for a in arrivals:
        c.total += 1
        by_need[a.need] = by_need.get(a.need, 0) + 1
        by_channel[a.channel] = by_channel.get(a.channel, 0) + 1
        hour = a.arrived_at.astimezone(zone).hour
        tally = hours.get(hour)
        if tally is None:
            tally = hours[hour] = [0, 0, 0]
        tally[0] += 1
        if a.called_at is not None:  # wait = called − arrived, in whole seconds
            waited = round((a.called_at - a.arrived_at).total_seconds())
            waits.append(waited)
            tally[1] += 1
            tally[2] += waited
            if a.quoted_band:
                c.quoted += 1
                verdict = told_against(a.quoted_band, waited / 60)
                c.hits += verdict == 0
                c.longer += verdict > 0
                c.shorter += verdict < 0
        c.served += a.status == "done"
        if a.status == "left":
            c.walkaways += 1
            c.left_uncalled += a.called_at is None
        elif a.status == "not_seen" and a.called_at is None:
            c.left_uncalled += 1  # waited all day and was never served: not within the mark
        if a.machine_doable:
            c.machine += 1
            c.diverted += a.channel == "self_service"
        if a.triage_seconds is not None:
            triage.append(a.triage_seconds)
    waits.sort()
    triage.sort()
    return c


def arrival_figures(arrivals: Iterable[ArrivalFacts], red_min: int) -> ArrivalFigures:
    return arrival_figures_from(count_arrivals(arrivals), red_min)


def arrival_figures_from(counts: ArrivalCounts, red_min: int) -> ArrivalFigures:
    """Wait = called − arrived. Served = service done. Service level: see service_level.
    Walk-away rate = left ÷ arrivals. Self-service diversion = routed to self-service ÷
    machine-doable arrivals.
    Quote hit rate = called customers whose wait fell inside the band they were told; the
    longer and shorter rates are those whose wait fell in a later or an earlier band. Triage
    within target = share of walk-ins triaged within 30 seconds (R2.8)."""
    c = counts
    waits, triage = c.waits, c.triage  # sorted
    return ArrivalFigures(
        total=c.total,
        served=c.served,
        by_need=dict(c.by_need),
        by_channel=dict(c.by_channel),
        walkaways=c.walkaways,
        walkaway_rate=rate(c.walkaways, c.total),
        self_service_rate=rate(c.diverted, c.machine),
        wait_mean=_minutes(mean(waits)),
        wait_median=_minutes(median(waits)),
        wait_p90=_minutes(percentile(waits, 0.9)),
        wait_max=_minutes(waits[-1] if waits else None),
        service_level=service_level(waits, c.left_uncalled, red_min),
        quote_hit_rate=rate(c.hits, c.quoted),
        quote_longer_rate=rate(c.longer, c.quoted),
        quote_shorter_rate=rate(c.shorter, c.quoted),
        triage_seconds_median=median(triage),
        triage_within_target=rate(bisect_right(triage, TRIAGE_TARGET_SECONDS), len(triage)),
    )


# The service level (服务水平（15 分钟内叫号率）) has this one definition; README, `lobby report`
# and the handover state it in the same words (report.arrivals.service_level.means).
def service_level(waits: Sequence[int], left_uncalled: int, red_min: int) -> float | None:
    """Customers called within the red wait ÷ every customer whose wait has ended: called,
    walked away before being called, or closed as "not seen" at the end of the day without
    being called — those count against the branch, for they were not called within the mark.
    Someone still waiting counts once their wait ends. `waits`: seconds from arrival to
    call, sorted; `left_uncalled`: those who left or were not seen without being called."""
    return rate(bisect_right(waits, red_min * 60), len(waits) + left_uncalled)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# The chart per hour ------------------------------------------------------------------


@dataclass(frozen=True)
class HourFigures:
    hour: int  # local hour of arrival: 9 is 09:00–09:59
    arrivals: int
    wait_mean: float | None  # minutes, over those of the hour who were called


def chart_hours(opening: time, closing: time) -> tuple[int, int]:
    """The hours a day's chart always shows (opening to closing); hourly_figures_from
    widens them to any hour someone came in."""
    return opening.hour, max(opening.hour, min(23, closing.hour))


def hourly_figures(
    arrivals: Sequence[ArrivalFacts], zone: ZoneInfo, first_hour: int, last_hour: int
) -> list[HourFigures]:
    return hourly_figures_from(count_arrivals(arrivals, zone), first_hour, last_hour)


def hourly_figures_from(
    counts: ArrivalCounts, first_hour: int, last_hour: int
) -> list[HourFigures]:
    """Arrivals and mean wait per local hour of arrival, from first_hour to last_hour —
    widened to any hour someone came in, so the bars always add up to the day's total."""
    hours = counts.hours
    first = min([first_hour, *hours])
    last = max([last_hour, *hours])
    out = []
    for hour in range(first, last + 1):
        arrived, called, seconds = hours.get(hour, (0, 0, 0))
        out.append(HourFigures(hour, arrived, seconds / 60 / called if called else None))
    return out


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


@dataclass(frozen=True)
class ChecklistCounts:
    """The checklist figures but the tasks open at the cut: what adds up day by day."""

    runs: int = 0
    signed_off: int = 0
    completed: int = 0
    items: int = 0
    problems: int = 0


def checklist_counts(runs: Iterable[RunFacts]) -> ChecklistCounts:
    listed = list(runs)
    return ChecklistCounts(
        runs=len(listed),
        signed_off=sum(1 for r in listed if r.signed_off),
        completed=sum(len(r.answers) for r in listed),
        items=sum(r.items_total for r in listed),
        problems=sum(r.answers.count("problem") for r in listed),
    )


def checklist_figures(runs: Iterable[RunFacts], tasks_open: int) -> ChecklistFigures:
    return checklist_figures_from(checklist_counts(runs), tasks_open)


def checklist_figures_from(counts: ChecklistCounts, tasks_open: int) -> ChecklistFigures:
    c = counts
    return ChecklistFigures(c.runs, c.signed_off, c.completed, c.items, c.problems, tasks_open)


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
    return pool_rounds(day_rounds(d) for d in days)


def day_rounds(day: CareFigures) -> RoundFigures:
    """A day's rounds and care as they add up into a period's."""
    r = day.rounds
    return RoundFigures(r.due, r.done, r.missed, day.waited_past_amber, day.apologised)


def pool_rounds(days: Iterable[RoundFigures]) -> RoundFigures:
    listed = list(days)
    return RoundFigures(
        due=sum(d.due for d in listed),
        done=sum(d.done for d in listed),
        missed=sum(d.missed for d in listed),
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
    referral_due: datetime | None = None  # a regulator's referral: its own reply deadline


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
            clock = clock_state(c.decision_due_at, c.promised_by, cut, referral_due=c.referral_due)
            overdue += clock == Clock.OVERDUE
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


# Service quality (R3.3-R3.5, issue 20) -------------------------------------------------


class QualityFacts(NamedTuple):
    """One walk-in as the service-quality figures need it."""

    status: str
    counter_returns: int  # forms the counter sent back (R3.3)
    prechecked: bool  # the manager pre-checked their form on a round (R3.5)
    satisfaction: int | None  # 1-5 given at done
    rating_skipped: bool  # asked at done, no score given


@dataclass
class QualityCounts:
    """What the service-quality figures are made of; adds up day by day (kept in the
    day's rollup beside the arrival counts)."""

    counter_returns: int = 0
    prechecked: int = 0  # served walk-ins whose form was pre-checked
    machine_help_queued: int = 0  # help at a machine for someone in the queue (R3.4)
    machine_help_hall: int = 0  # ... for someone in the hall without a ticket
    ratings: dict[int, int] = field(default_factory=dict)  # score 1-5: how many gave it
    rating_skipped: int = 0


def count_quality(
    arrivals: Iterable[QualityFacts], machine_help_queued: int = 0, machine_help_hall: int = 0
) -> QualityCounts:
    c = QualityCounts(machine_help_queued=machine_help_queued, machine_help_hall=machine_help_hall)
    for a in arrivals:
        c.counter_returns += a.counter_returns
        c.prechecked += a.prechecked and a.status == "done"
        if a.satisfaction in (1, 2, 3, 4, 5):
            c.ratings[a.satisfaction] = c.ratings.get(a.satisfaction, 0) + 1
        elif a.rating_skipped:
            c.rating_skipped += 1
    return c


def add_quality(into: QualityCounts, more: QualityCounts) -> None:
    """A period's counts: its days' added together."""
    into.counter_returns += more.counter_returns
    into.prechecked += more.prechecked
    into.machine_help_queued += more.machine_help_queued
    into.machine_help_hall += more.machine_help_hall
    into.rating_skipped += more.rating_skipped
    for score, n in more.ratings.items():
        into.ratings[score] = into.ratings.get(score, 0) + n


@dataclass(frozen=True)
class QualityFigures:
    counter_returns: int
    rework_rate: float | None
    forms_prechecked: int
    precheck_share: float | None
    machine_help: int
    machine_help_hall: int
    satisfaction_rated: int
    satisfaction_skipped: int
    satisfaction_mean: float | None
    satisfaction_response_rate: float | None


def quality_figures_from(counts: QualityCounts, served: int) -> QualityFigures:
    """The one definition of each service-quality figure; `served` is the walk-ins served
    (ArrivalFigures.served) over the same days.
    Rework rate (返工率, R3.3) = forms the counter sent back ÷ walk-ins served.
    Pre-checked share (R3.5) = walk-ins served whose form the manager pre-checked ÷ walk-ins
    served: the two side by side say whether pre-checking spares the counter.
    Machine help (R3.4) = every help at a self-service machine, for the queued or anyone in
    the hall (of which: without a ticket).
    Satisfaction (服务评价) = the mean of the 1-5 scores given at done; its response rate =
    walk-ins who gave one ÷ walk-ins served (a skipped or unasked rating is no answer)."""
    c = counts
    rated = sum(c.ratings.values())
    total = sum(score * n for score, n in c.ratings.items())
    return QualityFigures(
        counter_returns=c.counter_returns,
        rework_rate=rate(c.counter_returns, served),
        forms_prechecked=c.prechecked,
        precheck_share=rate(c.prechecked, served),
        machine_help=c.machine_help_queued + c.machine_help_hall,
        machine_help_hall=c.machine_help_hall,
        satisfaction_rated=rated,
        satisfaction_skipped=c.rating_skipped,
        satisfaction_mean=None if rated == 0 else total / rated,
        satisfaction_response_rate=rate(rated, served),
    )
