"""The month's complaint figures for the consumer-protection print (issue 20, R4): what came
in by channel, what was decided within the deadline in force, what ran past it, the
regulator's referrals against their own deadlines, and the root causes found at closing by
channel. Pure: the report gathers the facts, this counts them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.domain.complaints import REFERRALS, VIA

UNRECORDED = "unrecorded"  # closed before a root cause was asked for


@dataclass(frozen=True)
class ComplaintMonthFacts:
    business_day: date  # the branch-local day it was received
    via: str
    decision_due_at: datetime  # the deadline in force (as extended)
    decided_at: datetime | None  # first resolved or closed: the decision
    referral_due_at: datetime | None  # a regulator's referral: its own reply deadline
    closed_at: datetime | None
    root_cause: str | None  # found at closing


@dataclass(frozen=True)
class ComplaintMonth:
    received: int
    by_channel: dict[str, int]  # received, by channel
    decided: int  # decided in the month, whenever received
    decided_in_time: int  # of those, by the deadline in force
    decided_late: int
    open_overdue: int  # undecided at the cut and past the deadline in force
    referrals: int  # received in the month from the regulator
    referrals_met: int  # decided by the referral's own deadline
    referrals_missed: int  # decided after it, or undecided past it at the cut
    closed: int  # closed in the month: the root-cause table counts these
    causes: dict[tuple[str, str], int]  # (root cause or UNRECORDED, channel): closed in month

    @property
    def within_deadline_rate(self) -> float | None:
        return self.decided_in_time / self.decided if self.decided else None

    @property
    def referral_deadline_met_rate(self) -> float | None:
        judged = self.referrals_met + self.referrals_missed
        return self.referrals_met / judged if judged else None


def _in(at: datetime | None, start: datetime, end: datetime, cut: datetime) -> bool:
    return at is not None and start <= at < end and at <= cut


def complaint_month(
    facts: Iterable[ComplaintMonthFacts],
    first_day: date,
    last_day: date,
    start: datetime,
    end: datetime,
    cut: datetime,
) -> ComplaintMonth:
    """Received and referrals: by the day received, in the month. Decided: the first
    decision falling in the month (before the cut), judged against the deadline in force
    then stored. Overdue: undecided at the cut and past that deadline, whenever received.
    Referrals are judged once decided or once their deadline has passed. Root causes: the
    complaints closed in the month, by channel (UNRECORDED when none was)."""
    received: Counter[str] = Counter()
    causes: Counter[tuple[str, str]] = Counter()
    decided = in_time = late = open_overdue = 0
    referrals = met = missed = closed = 0
    for f in facts:
        decided_by_cut = f.decided_at if f.decided_at is not None and f.decided_at <= cut else None
        if first_day <= f.business_day <= last_day:
            received[f.via] += 1
            if f.via in REFERRALS:
                referrals += 1
                due = f.referral_due_at or f.decision_due_at
                if decided_by_cut is not None:
                    met += decided_by_cut <= due
                    missed += decided_by_cut > due
                elif cut > due:
                    missed += 1
        if _in(decided_by_cut, start, end, cut):
            assert decided_by_cut is not None
            decided += 1
            in_time += decided_by_cut <= f.decision_due_at
            late += decided_by_cut > f.decision_due_at
        elif decided_by_cut is None and cut > f.decision_due_at and f.business_day <= last_day:
            open_overdue += 1
        if _in(f.closed_at, start, end, cut):
            closed += 1
            causes[(f.root_cause or UNRECORDED, f.via)] += 1
    return ComplaintMonth(
        received=sum(received.values()),
        by_channel={v: received.get(v, 0) for v in VIA},
        decided=decided,
        decided_in_time=in_time,
        decided_late=late,
        open_overdue=open_overdue,
        referrals=referrals,
        referrals_met=met,
        referrals_missed=missed,
        closed=closed,
        causes=dict(causes),
    )
