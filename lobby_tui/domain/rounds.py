"""Waiting-area rounds (R3): when a round is due, which were missed, who needs attention,
the over-selling guard, and the day's figures of care. No pydantic here: the dashboard reads
the round clock at start-up."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Care(StrEnum):
    """What the manager does for a waiting customer; each has its key on the round screen."""

    APOLOGY = "apology"  # apologise and explain (R3.2)
    WATER = "water"  # R3.2
    READING = "reading"  # newspapers, magazines (R3.2)
    CALM = "calm"  # a short conversation to calm (R3.2)
    FORM_HELP = "form_help"  # help filling forms (R3.3)
    FORM_CHECK = "form_check"  # form pre-check, so the counter need not send them back (R3.3)
    SELF_SERVICE = "self_service"  # help at the machines (R3.4)
    DOCUMENTS = "documents"  # ID ready, copies made (R3.5)
    INTEREST = "interest"  # a need noted (R3.6)
    NOT_INTERESTED = "not_interested"  # R3.6: no more prompts this visit


CARE_KEYS: dict[str, Care] = {
    "a": Care.APOLOGY,
    "w": Care.WATER,
    "r": Care.READING,
    "c": Care.CALM,
    "f": Care.FORM_HELP,
    "p": Care.FORM_CHECK,
    "s": Care.SELF_SERVICE,
    "d": Care.DOCUMENTS,
}


@dataclass(frozen=True)
class RoundTally:
    due: int
    done: int
    missed: int
    next_due: datetime | None  # None: no round falls due any more today (closed, or unused)


def tally_rounds(
    opened: datetime,
    interval_min: int,
    starts: Iterable[datetime],
    until: datetime,
    completed: int | None = None,
) -> RoundTally:
    """Rounds due, done and missed from opening until `until`.

    The first round is due one interval after opening, each next one an interval after the
    last started. A due round is missed when the next one falls due without it: the day then
    counts on from that later due time. `completed` (default: every start) are the rounds done.
    """
    step = timedelta(minutes=interval_min)
    due_at = opened + step
    missed = 0
    started = sorted(s for s in starts if s <= until)
    for start in started:
        while start > due_at + step:
            missed += 1
            due_at += step
        due_at = max(start, opened) + step
    while until > due_at + step:
        missed += 1
        due_at += step
    done = len(started) if completed is None else completed
    return RoundTally(due=done + missed, done=done, missed=missed, next_due=due_at)


def minutes_late(due_at: datetime, now: datetime) -> int:
    """How many whole minutes a round is overdue (0 while it is not): the lobby, the wall and
    the handover say the same lateness."""
    return max(0, int((now - due_at).total_seconds() // 60))


def rounds_begin(
    opening: datetime, first_use: datetime | None, interval_min: int
) -> datetime | None:
    """When the day's round clock starts: at opening, or, if the app was first used later,
    at the last round time (opening + n intervals) not after that first use — the schedule
    keeps its times, and nothing before the first use is due (a branch that first opens
    the app at 09:10 has the 09:15 round due, and missed none before).
    None: the app was not used that day, so no round fell due."""
    if first_use is None:
        return None
    if first_use <= opening:
        return opening
    step = timedelta(minutes=interval_min)
    return opening + (first_use - opening) // step * step


def tally_day(
    opening: datetime,
    closing: datetime,
    interval_min: int,
    starts: Iterable[datetime],
    until: datetime,
    first_use: datetime | None,
    completed: int | None = None,
) -> RoundTally:
    """The one rule of a day's rounds (R3.1), for the dashboard, the round screen, the
    reminder, the handover and the report: rounds fall due only within opening hours and
    after the day's first use (its first shift, or its first round), every interval after
    the last one started. A round walked before opening or after closing counts as done but
    moves no due time outside the hours; from closing on, nothing is due (next_due None)."""
    listed = sorted(starts)
    done = sum(1 for s in listed if s <= until) if completed is None else completed
    begin = rounds_begin(opening, first_use, interval_min)
    if begin is None or begin >= closing:
        return RoundTally(due=done, done=done, missed=0, next_due=None)
    within = [s for s in listed if s < closing]
    tally = tally_rounds(begin, interval_min, within, min(until, closing), completed=done)
    next_due = tally.next_due
    if next_due is not None and (next_due >= closing or until >= closing):
        next_due = None
    return RoundTally(tally.due, tally.done, tally.missed, next_due)


@dataclass(frozen=True)
class Waiting:
    """A customer on the waiting list during a round."""

    arrival_id: str
    minutes: int
    care: frozenset[str]  # care kinds already given this visit


def needs_attention(person: Waiting, amber_min: int) -> bool:
    """Past amber and no apology yet: the manager should go to them now (R3.2)."""
    return person.minutes >= amber_min and Care.APOLOGY not in person.care


def may_mention_product(care_given: Iterable[str], customer_asked: bool) -> bool:
    """The over-selling guard (R3.6): one product mention per customer per visit unless the
    customer asked; after "not interested", none."""
    given = set(care_given)
    if Care.NOT_INTERESTED in given:
        return False
    return customer_asked or Care.INTEREST not in given


def longest_first(people: Sequence[Waiting]) -> list[Waiting]:
    return sorted(people, key=lambda p: p.minutes, reverse=True)


@dataclass(frozen=True)
class CareFigures:
    rounds: RoundTally
    waited_past_amber: int
    apologised: int
    forms_checked: int
    self_service_assists: int
    needs_noted: int

    @property
    def apology_rate(self) -> float | None:
        """Share of customers past amber who got an apology; None when nobody waited so long."""
        if self.waited_past_amber == 0:
            return None
        return self.apologised / self.waited_past_amber


def minutes_waited(arrived_at: datetime, ended_at: datetime | None, until: datetime) -> float:
    """How long a customer waited: until called or gone, or until `until` if still there."""
    return ((ended_at or until) - arrived_at).total_seconds() / 60


def care_figures(
    rounds: RoundTally,
    waits_min: Iterable[tuple[Hashable, float]],
    care: Iterable[tuple[Hashable, str]],
    amber_min: int,
) -> CareFigures:
    """The day's care, for the handover (R3): `waits_min` is (arrival, minutes waited so far
    or until called), `care` is (arrival, kind) for every care action of the day; an arrival
    is named by anything unique (its id, or its rowid when a year is read at once)."""
    past_amber = {arrival for arrival, minutes in waits_min if minutes >= amber_min}
    given: dict[Hashable, set[str]] = {}
    kinds: list[str] = []
    for arrival, kind in care:
        given.setdefault(arrival, set()).add(kind)
        kinds.append(kind)
    apologised = sum(1 for a in past_amber if Care.APOLOGY in given.get(a, set()))
    return CareFigures(
        rounds=rounds,
        waited_past_amber=len(past_amber),
        apologised=apologised,
        forms_checked=kinds.count(Care.FORM_CHECK),
        self_service_assists=kinds.count(Care.SELF_SERVICE),
        needs_noted=kinds.count(Care.INTEREST),
    )
