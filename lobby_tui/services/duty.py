"""Who is on duty today (R1.6): each person of the roster at a window of a channel or in a
zone, with their lunch. The plan is the one source of the windows open: triage's wait
estimate, the day plan's counters and the dashboard all read it (services/dayplan.py).

A change that would take a channel below its minimum of windows (channels.toml
`min_counters`) is refused, saying which channel and when; the lunch rotation
(domain/duty.py) never plans one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lobby_tui.content import ContentError, channels, checklist_template
from lobby_tui.domain.day import at_local, local
from lobby_tui.domain.duty import ZONES, Duty, LunchRule, Short, plan_lunches, shortfalls, staffed
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import language, t
from lobby_tui.store import Store, UnitOfWork, iso, new_id, parse_iso

OFF = "off"  # the post that takes a person off today's plan
COPY_WEEKS = 8  # the usual weekday plan: the same weekday's, up to this many weeks back
COPY_DAYS = 14  # else the latest plan of the last two weeks (yesterday's, usually)


def window_channels() -> list[str]:
    """The channels served at staffed windows: not those whose devices serve (the
    self-service terminals count the machines working, R1.2)."""
    try:
        machines = {d.channel for d in checklist_template().devices() if d.channel}
    except ContentError:
        machines = set()
    return [c.key for c in channels() if c.key not in machines]


def posts() -> list[str]:
    """Where a person can be: a channel's window, or a zone of the floor."""
    return [*window_channels(), *ZONES]


def post_label(post: str, lang: str | None = None) -> str:
    lang = lang or language()
    for channel in channels():
        if channel.key == post:
            return channel.label.get(lang) or post
    return t(f"duty.post.{post}")


def minimums() -> dict[str, int]:
    return {c.key: c.min_counters for c in channels() if c.key in window_channels()}


@dataclass(frozen=True)
class OnDuty:
    """A line of the plan: the duty and who it is."""

    duty: Duty
    name: str
    role: str


def _duty(row: tuple[object, ...]) -> Duty:
    staff_id, post, starts, ends, b_starts, b_ends, manual = row[:7]
    return Duty(
        str(staff_id),
        str(post),
        parse_iso(str(starts)),
        parse_iso(str(ends)),
        parse_iso(str(b_starts)) if b_starts else None,
        parse_iso(str(b_ends)) if b_ends else None,
        bool(manual),
    )


_COLUMNS = "d.staff_id, d.post, d.starts_at, d.ends_at, d.break_starts_at, d.break_ends_at,"
_COLUMNS += " d.break_manual"


def duty_plan(store: Store, day: date) -> list[OnDuty]:
    """The day's plan, by post (in the order of `posts`), then start, then name."""
    rows = store.rows(
        f"SELECT {_COLUMNS}, s.name, s.role FROM duty d JOIN staff s ON s.id = d.staff_id"
        " WHERE d.business_day = ? ORDER BY d.starts_at, s.name",
        (day.isoformat(),),
    )
    order = {post: i for i, post in enumerate(posts())}
    plan = [OnDuty(_duty(r), str(r[7]), str(r[8])) for r in rows]
    return sorted(plan, key=lambda p: (order.get(p.duty.post, 99), p.duty.starts, p.name))


def has_plan(store: Store, day: date) -> bool:
    found = store.query_one("SELECT 1 FROM duty WHERE business_day = ? LIMIT 1", (day.isoformat(),))
    return found is not None


def opening_hours(settings: Settings, day: date) -> tuple[datetime, datetime]:
    zone = settings.timezone
    return at_local(day, settings.opening_time, zone), at_local(day, settings.closing_time, zone)


def lunch_rule(settings: Settings, day: date) -> LunchRule:
    zone = settings.timezone
    return LunchRule(
        at_local(day, settings.lunch_from, zone),
        at_local(day, settings.lunch_until, zone),
        timedelta(minutes=settings.lunch_min),
    )


# Reading the plan at a moment ----------------------------------------------------------


def windows_at(store: Store, day: date, at: datetime) -> dict[str, int] | None:
    """Windows staffed per channel at `at`; None when the day has no duty plan."""
    duties = [p.duty for p in duty_plan(store, day)]
    if not duties:
        return None
    count = staffed(duties, at)
    return {channel: count[channel] for channel in window_channels()}


def windows_by_hour(
    store: Store, day: date, hours: range, settings: Settings
) -> dict[int, dict[str, int]] | None:
    """Per hour of the branch's day, the windows staffed per channel at the thinnest moment
    of that hour (a lunch from 12:30 leaves both 12 and 13 short for half an hour: the
    hour is as short as its worst moment). None when the day has no plan."""
    duties = [p.duty for p in duty_plan(store, day)]
    if not duties:
        return None
    out: dict[int, dict[str, int]] = {}
    for hour in hours:
        start = at_local(day, time(hour), settings.timezone)
        end = start + timedelta(hours=1)
        moments = {start} | {
            m
            for d in duties
            for m in (d.starts, d.ends, d.break_starts, d.break_ends)
            if m is not None and start < m < end
        }
        out[hour] = {
            channel: min(staffed(duties, m)[channel] for m in moments)
            for channel in window_channels()
        }
    return out


@dataclass(frozen=True)
class AtPost:
    """Who is at a post now, and who of it is on a break (until when)."""

    post: str
    here: list[str]
    away: list[tuple[str, datetime]]


def who_is_where(store: Store, day: date, now: datetime) -> list[AtPost]:
    """For the dashboard: per post, the names there now and those on a break. Staff names
    are not customer data: they are shown."""
    out: list[AtPost] = []
    plan = duty_plan(store, day)
    for post in posts():
        mine = [p for p in plan if p.duty.post == post and p.duty.starts <= now < p.duty.ends]
        here = [p.name for p in mine if p.duty.at_post(now)]
        away = [
            (p.name, p.duty.break_ends)
            for p in mine
            if p.duty.on_break(now) and p.duty.break_ends is not None
        ]
        if here or away:
            out.append(AtPost(post, here, away))
    return out


# Changing the plan ---------------------------------------------------------------------


def _plan_in(uow: UnitOfWork, day: date) -> list[Duty]:
    rows = uow.execute(
        f"SELECT {_COLUMNS} FROM duty d WHERE d.business_day = ? ORDER BY d.starts_at",
        (day.isoformat(),),
    ).fetchall()
    return [_duty(tuple(r)) for r in rows]


def _refuse_short(
    field: str, plan: list[Duty], settings: Settings, day: date, before: list[Duty]
) -> None:
    """Refuse a change that leaves a channel below its minimum where it was not before (a
    plan copied from a day with more people may already be short somewhere: that is said
    when the change is about it, not on every unrelated change)."""
    hours = opening_hours(settings, day)
    known = shortfalls(before, minimums(), *hours)
    new = [s for s in shortfalls(plan, minimums(), *hours) if s not in known]
    if new:
        raise _short(field, new[0], settings)


def _short(field: str, short: Short, settings: Settings) -> Invalid:
    zone = settings.timezone
    return Invalid(
        field,
        "duty_short",
        channel=post_label(short.post),
        start=local(short.starts, zone).strftime("%H:%M"),
        end=local(short.ends, zone).strftime("%H:%M"),
        minimum=short.minimum,
    )


def _row(day: date, duty: Duty, now: str) -> dict[str, object]:
    return {
        "business_day": day.isoformat(),
        "staff_id": duty.staff_id,
        "post": duty.post,
        "starts_at": iso(duty.starts),
        "ends_at": iso(duty.ends),
        "break_starts_at": iso(duty.break_starts) if duty.break_starts else None,
        "break_ends_at": iso(duty.break_ends) if duty.break_ends else None,
        "break_manual": int(duty.manual),
        "updated_at": now,
    }


def _write(uow: UnitOfWork, day: date, duty: Duty, kind: str = "duty.set") -> None:
    found = uow.execute(
        "SELECT id FROM duty WHERE business_day = ? AND staff_id = ?",
        (day.isoformat(), duty.staff_id),
    ).fetchone()
    row = _row(day, duty, uow.now)
    if found is None:
        duty_id = new_id()
        uow.insert("duty", {"id": duty_id, **row})
    else:
        duty_id = str(found[0])
        uow.update("duty", duty_id, row)
    uow.event(kind, "duty", duty_id, row)


KEEP = "keep"  # set_duty's lunch: leave the break as it is


def set_duty(
    store: Store,
    settings: Settings,
    day: date,
    staff_id: str,
    post: str,
    starts: time,
    ends: time,
    lunch: tuple[time, time] | None | str = KEEP,
) -> None:
    """Put a person on the plan (or change where, when, their lunch), or take them off it
    (post OFF). A lunch set here is the person's own: the rotation leaves it (None: none
    yet, the rotation may plan one; KEEP: as it was). Refused, with
    the channel and the time, when it would take a channel below its minimum."""
    if post != OFF and post not in posts():
        raise Invalid("post", "post_unknown")
    zone = settings.timezone
    begin, finish = at_local(day, starts, zone), at_local(day, ends, zone)
    if finish <= begin:
        raise Invalid("ends", "duty_ends_before")
    with store.unit_of_work() as uow:
        person = uow.execute("SELECT active FROM staff WHERE id = ?", (staff_id,)).fetchone()
        if person is None or not person[0]:
            raise Invalid("person", "staff_unknown")
        plan = _plan_in(uow, day)
        mine = next((d for d in plan if d.staff_id == staff_id), None)
        others = [d for d in plan if d.staff_id != staff_id]
        if post == OFF:
            if mine is None:
                return
            _refuse_short("post", others, settings, day, plan)
            duty_id = uow.execute(
                "SELECT id FROM duty WHERE business_day = ? AND staff_id = ?",
                (day.isoformat(), staff_id),
            ).fetchone()[0]
            uow.execute("DELETE FROM duty WHERE id = ?", (duty_id,))
            uow.event("duty.removed", "duty", str(duty_id), {"business_day": day.isoformat()})
            return
        if lunch == KEEP:
            duty = Duty(
                staff_id,
                post,
                begin,
                finish,
                mine.break_starts if mine else None,
                mine.break_ends if mine else None,
                mine.manual if mine else False,
            )
            b_start, b_end = duty.break_starts, duty.break_ends
            if b_start is not None and b_end is not None and not begin <= b_start < b_end <= finish:
                duty = duty.without_break()  # the shift moved off its lunch
        elif lunch is None:
            duty = Duty(staff_id, post, begin, finish)  # none yet: the rotation may plan one
        else:
            assert isinstance(lunch, tuple)
            b_start, b_end = at_local(day, lunch[0], zone), at_local(day, lunch[1], zone)
            if not begin <= b_start < b_end <= finish:
                raise Invalid("lunch", "lunch_outside")
            duty = Duty(staff_id, post, begin, finish, b_start, b_end, manual=True)
        field = "lunch" if lunch not in (KEEP, None) else "post"
        _refuse_short(field, [*others, duty], settings, day, plan)
        _write(uow, day, duty)


def rotate_lunches(store: Store, settings: Settings, day: date) -> list[str]:
    """Plan everyone's lunch (breaks set by hand stay); returns the names of those who
    could not be given one without taking a channel below its minimum."""
    with store.unit_of_work() as uow:
        plan = _plan_in(uow, day)
        lunched, left_out = plan_lunches(
            plan, minimums(), lunch_rule(settings, day), opening_hours(settings, day)
        )
        for before, after in zip(plan, lunched, strict=True):
            if after != before:
                _write(uow, day, after, "duty.lunch_planned")
        names = {str(r[0]): str(r[1]) for r in uow.execute("SELECT id, name FROM staff").fetchall()}
    return [names.get(staff_id, staff_id) for staff_id in left_out]


def copy_source(store: Store, day: date) -> date | None:
    """The plan to start the day from: the usual weekday's (the latest same weekday with a
    plan), else the latest plan of the last two weeks."""
    days = [
        date.fromisoformat(str(r[0]))
        for r in store.rows(
            "SELECT DISTINCT business_day FROM duty WHERE business_day < ? AND business_day >= ?"
            " ORDER BY business_day DESC",
            (day.isoformat(), (day - timedelta(weeks=COPY_WEEKS)).isoformat()),
        )
    ]
    same = [d for d in days if d.weekday() == day.weekday()]
    if same:
        return same[0]
    recent = [d for d in days if d >= day - timedelta(days=COPY_DAYS)]
    return recent[0] if recent else None


def copy_plan(store: Store, settings: Settings, day: date, source: date) -> int:
    """The plan of `source` for `day`, at the same clock times, for the people still on the
    roster; a day that already has a plan keeps it. Returns how many were put on."""
    zone = settings.timezone

    def moved(at: datetime | None) -> datetime | None:
        return None if at is None else at_local(day, local(at, zone).time(), zone)

    with store.unit_of_work() as uow:
        planned = uow.execute("SELECT 1 FROM duty WHERE business_day = ?", (day.isoformat(),))
        if planned.fetchone() is not None:
            raise Invalid("copy", "duty_exists")
        active = {str(r[0]) for r in uow.execute("SELECT id FROM staff WHERE active = 1")}
        copies: list[Duty] = []
        for old in _plan_in(uow, source):
            if old.staff_id not in active or old.post not in posts():
                continue
            starts, ends = moved(old.starts), moved(old.ends)
            assert starts is not None and ends is not None
            copies.append(Duty(old.staff_id, old.post, starts, ends, moved(old.break_starts),
                               moved(old.break_ends), old.manual))  # fmt: skip
        hours = opening_hours(settings, day)
        if shortfalls(copies, minimums(), *hours):
            # Someone of the usual plan is gone (or the minimum rose): the lunches as they
            # were would leave a channel short, so the rotation plans them again (a break
            # set by hand stays, and one that cannot fit is left for the manager).
            copies, _left_out = plan_lunches(copies, minimums(), lunch_rule(settings, day), hours)
        for duty in copies:
            _write(uow, day, duty, "duty.copied")
    return len(copies)


def on_post_at(store: Store, day: date, post: str, at: datetime) -> str | None:
    """The staff id of someone at `post` at `at` (the earliest to start), if any."""
    plan = [p for p in duty_plan(store, day) if p.duty.post == post and p.duty.at_post(at)]
    return plan[0].duty.staff_id if plan else None


def in_role_at(uow: UnitOfWork, day: date, role: str, at: datetime) -> str | None:
    """Inside the caller's transaction: the staff id of someone in `role` at their post at
    `at` by the day's plan (not on a break; the earliest to start), if any."""
    rows = uow.execute(
        f"SELECT {_COLUMNS} FROM duty d JOIN staff s ON s.id = d.staff_id"
        " WHERE d.business_day = ? AND s.role = ? AND s.active = 1 ORDER BY d.starts_at, s.name",
        (day.isoformat(), role),
    ).fetchall()
    return next((d.staff_id for d in map(_duty, map(tuple, rows)) if d.at_post(at)), None)
