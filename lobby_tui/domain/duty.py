"""Who is on duty (R1.6): each person of the roster at a window of a channel or in a zone of
the floor, from a start to an end, with one break; and the lunch rotation that staggers the
breaks so no channel drops below its minimum of open windows. Pure: no database, no Textual.

Every instant here is an aware datetime. A channel's windows staffed change only where
someone starts, ends, or starts or ends a break, so checking those instants (and the window
asked about) checks every moment in between.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# Where a person can be besides a channel's window: on the floor (the lobby manager, a
# greeter), at the door (security). The wealth zone is a channel of its own (channels.toml).
ZONES = ("floor", "security")
# The post a role usually takes, offered first when a person is put on the plan.
USUAL_POST = {
    "lobby_manager": "floor",
    "supervisor": "floor",
    "security": "security",
    "wealth_manager": "wealth",
    "teller": "cash",
}
STEP = timedelta(minutes=30)  # lunches start on the hour or the half hour


@dataclass(frozen=True)
class Duty:
    staff_id: str
    post: str
    """A channel key (a window of it) or a zone (ZONES)."""
    starts: datetime
    ends: datetime
    break_starts: datetime | None = None
    break_ends: datetime | None = None
    manual: bool = False
    """The break was set by hand: the rotation plans around it and never moves it."""

    def on_break(self, at: datetime) -> bool:
        return (
            self.break_starts is not None
            and self.break_ends is not None
            and self.break_starts <= at < self.break_ends
        )

    def at_post(self, at: datetime) -> bool:
        return self.starts <= at < self.ends and not self.on_break(at)

    def without_break(self) -> Duty:
        return replace(self, break_starts=None, break_ends=None, manual=False)


@dataclass(frozen=True)
class Short:
    """A channel below its minimum: from when to when, and how many windows it has then."""

    post: str
    starts: datetime
    ends: datetime
    staffed: int
    minimum: int


def staffed(duties: Iterable[Duty], at: datetime) -> Counter[str]:
    """People at each post at `at` (not on a break)."""
    return Counter(d.post for d in duties if d.at_post(at))


def _moments(duties: Sequence[Duty], start: datetime, end: datetime) -> list[datetime]:
    """The instants in [start, end) where some post's staffing can change."""
    cuts = {start}
    for d in duties:
        for at in (d.starts, d.ends, d.break_starts, d.break_ends):
            if at is not None and start < at < end:
                cuts.add(at)
    return sorted(cuts)


def shortfalls(
    duties: Sequence[Duty], minimums: Mapping[str, int], start: datetime, end: datetime
) -> list[Short]:
    """Where the breaks leave a channel below its minimum during [start, end) (the opening
    hours). A channel the plan itself staffs below its minimum (nobody planned, a shift
    ending early) is the plan's choice, not a break's: only what the breaks take away is
    counted — the floor is the smaller of the minimum and the people planned."""
    found: list[Short] = []
    open_short: dict[str, Short] = {}
    plain = [d.without_break() for d in duties]
    cuts = _moments(duties, start, end)
    for i, at in enumerate(cuts):
        until = cuts[i + 1] if i + 1 < len(cuts) else end
        now, planned = staffed(duties, at), staffed(plain, at)
        for post, minimum in minimums.items():
            floor = min(minimum, planned[post])
            if now[post] < floor:
                last = open_short.get(post)
                if last is not None and last.ends == at and last.staffed == now[post]:
                    open_short[post] = replace(last, ends=until)
                else:
                    if last is not None:
                        found.append(last)
                    open_short[post] = Short(post, at, until, now[post], minimum)
            elif post in open_short:
                found.append(open_short.pop(post))
    found.extend(open_short.values())
    return sorted(found, key=lambda s: (s.starts, s.post))


@dataclass(frozen=True)
class LunchRule:
    """When lunches are taken: a break of `length` inside [earliest, latest)."""

    earliest: datetime
    latest: datetime
    length: timedelta


def _slots(duty: Duty, rule: LunchRule) -> list[datetime]:
    first, last = max(rule.earliest, duty.starts), min(rule.latest, duty.ends)
    out, at = [], rule.earliest
    while at + rule.length <= last:
        if at >= first:
            out.append(at)
        at += STEP
    return out


def plan_lunches(
    duties: Sequence[Duty],
    minimums: Mapping[str, int],
    rule: LunchRule,
    opening: tuple[datetime, datetime],
) -> tuple[list[Duty], list[str]]:
    """Everyone gets a lunch inside the rule's window, staggered so no channel drops below
    its minimum during the opening hours; breaks set by hand stay where they are. Returns
    the plan, and the people (staff ids) who could not be given a lunch without breaking a
    minimum (the manager decides: another person, a shorter break).

    Greedy, most constrained post first: each person takes the slot that leaves their post
    the most people at its thinnest moment, then the one fewest others lunch in (so the
    floor stays full), then the earliest. A slot that would break a minimum is never taken,
    so the result never does (tests/unit/test_duty.py tries thousands of rosters)."""
    plan = [d if d.manual else d.without_break() for d in duties]
    start, end = opening
    slack = Counter({post: 0 for post in minimums})
    for d in plan:
        slack[d.post] += 1
    order = sorted(
        (i for i, d in enumerate(plan) if not d.manual),
        key=lambda i: (slack[plan[i].post] - minimums.get(plan[i].post, 0), plan[i].post, i),
    )
    left_out: list[str] = []
    for i in order:
        duty = plan[i]
        best: tuple[tuple[int, int, datetime], Duty] | None = None
        # A break at one post changes only that post's staffing: only its people are
        # checked (the plan was without shortfalls before this person's break).
        post = duty.post
        colleagues = [d for j, d in enumerate(plan) if j != i and d.post == post]
        for at in _slots(duty, rule):
            trial = replace(duty, break_starts=at, break_ends=at + rule.length)
            candidate = [*colleagues, trial]
            if shortfalls(candidate, {post: minimums.get(post, 0)}, start, end):
                continue
            thinnest = min(
                staffed(candidate, moment)[post]
                for moment in _moments(candidate, at, at + rule.length)
            )
            together = sum(
                1
                for other in plan
                if other is not duty
                and other.break_starts is not None
                and other.break_ends is not None
                and other.break_starts < at + rule.length
                and at < other.break_ends
            )
            score = (-thinnest, together, at)
            if best is None or score < best[0]:
                best = (score, trial)
        if best is None:
            if _slots(duty, rule):
                left_out.append(duty.staff_id)
            continue
        plan[i] = best[1]
    return plan, left_out


def assign_windows(
    duties: Iterable[Duty],
    windows: Sequence[tuple[int, str]],
    called_from: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Who sits at which numbered window all day (R2.9). Someone who has called from a
    window today sits there (`called_from`: the counters say where people really are);
    everyone else at a channel's post takes the next free one of that channel's windows
    (`windows`: number and own channel, in number order), in the order given (the plan's:
    start, then name). A window is open while its person is at their post, closed over their
    lunch. More people than windows: the last have none (the plan's counts still hold them)."""
    people = list(duties)
    known = called_from or {}
    seats = {d.staff_id: known[d.staff_id] for d in people if d.staff_id in known}
    taken = set(seats.values())
    free: dict[str, list[int]] = {}
    for number, channel in windows:
        if number not in taken:
            free.setdefault(channel, []).append(number)
    for duty in people:
        numbers = free.get(duty.post)
        if numbers and duty.staff_id not in seats:
            seats[duty.staff_id] = numbers.pop(0)
    return seats
