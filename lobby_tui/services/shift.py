"""Shifts: one is opened automatically the first time the app starts on a business day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lobby_tui.domain.day import business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.settings import Settings
from lobby_tui.store import Store, StoreError, new_id, parse_iso


@dataclass(frozen=True)
class Shift:
    id: str
    business_day: date
    opened_at: datetime


def open_shift_today(store: Store, settings: Settings) -> Shift:
    """The open shift of today's business day, opened now if there is none."""
    with store.unit_of_work() as uow:
        today = business_day(store.clock.now(), settings.timezone).isoformat()
        row = uow.execute(
            "SELECT id, business_day, opened_at FROM shifts"
            " WHERE business_day = ? AND closed_at IS NULL ORDER BY opened_at LIMIT 1",
            (today,),
        ).fetchone()
        if row is None:
            shift_id = new_id()
            uow.insert(
                "shifts",
                {"id": shift_id, "business_day": today, "opened_at": uow.now,
                 "opened_by": store.actor},
            )  # fmt: skip
            uow.event("shift.opened", "shift", shift_id, {"business_day": today})
            row = (shift_id, today, uow.now)
        elif store.actor is not None:
            # Opened before anyone signed in (the app starts on the sign-in screen): the
            # first person to sign in opened it.
            uow.execute(
                "UPDATE shifts SET opened_by = ? WHERE id = ? AND opened_by IS NULL",
                (store.actor, row[0]),
            )
    return Shift(row[0], date.fromisoformat(row[1]), parse_iso(row[2]))


NAME_MAX = 40
NOTE_MAX = 2000
HANDOVER_SHOWN_HOURS = 72  # a Friday evening's note still greets Monday's first shift


@dataclass(frozen=True)
class Handover:
    closed_at: datetime
    closed_by: str
    note: str
    accepted_by: str = ""
    """The incoming manager's name, who accepted with their PIN ('' before the roster)."""


@dataclass(frozen=True)
class StillOpen:
    """What the incoming manager takes on when they accept (issue 31.11): the handover's
    open list, counted."""

    complaints: int
    incidents: int
    tasks: int
    waiting: int  # walk-ins still waiting to be called


def check_receiver(store: Store, settings: Settings, receiver: str) -> None:
    """The incoming manager is someone else, except at the day's close, when the last
    manager may close it with their own PIN (nobody comes after them)."""
    now = store.clock.now()
    day_over = now.astimezone(settings.timezone).time() >= settings.closing_time
    if receiver == store.actor and not day_over:
        raise Invalid("who", "receiver_same")


def hand_over(
    store: Store,
    settings: Settings,
    shift_id: str,
    name: str,
    note: str,
    *,
    receiver: str | None = None,
) -> Shift | None:
    """Sign the shift off: closed with who handed over and their note, and the next shift
    opened in the same commit, so the floor is never without an open shift. After closing
    time the day is over: no shift is opened (tomorrow's first start opens one), so no
    empty shift is left open overnight. Returns the next shift, if any.

    `receiver` (a staff id, their PIN already checked: services.staff.authenticate) accepts
    the shift: the events from the acceptance on are theirs, and they are signed in."""
    name = check_text(name, "signer", NAME_MAX, key="name_too_long")
    if not name:
        raise Invalid("signer", "name_missing")
    note = check_text(note, "handover_note", NOTE_MAX)
    if receiver is not None:
        check_receiver(store, settings, receiver)
    with store.unit_of_work() as uow:
        row = uow.execute(
            "SELECT closed_at, business_day FROM shifts WHERE id = ?", (shift_id,)
        ).fetchone()
        if row is None:
            raise StoreError("shift.not_found")
        if row[0] is not None:
            raise Invalid("signer", "shift_closed")
        now = store.clock.now()
        if now.astimezone(settings.timezone).time() >= settings.closing_time:
            # The day is signed off only once every walk-in is settled (served, left, not
            # seen): else its figures would leave out whoever was still "waiting" (issue 26).
            open_now = uow.execute(
                "SELECT count(*) FROM arrivals WHERE business_day = ?"
                " AND status IN ('waiting', 'called')",
                (row[1],),
            ).fetchone()[0]
            if open_now:
                raise Invalid("signer", "queue_still_open", count=open_now)
        uow.update(
            "shifts",
            shift_id,
            {"closed_at": uow.now, "closed_by": name, "handover_note": note or None},
        )
        uow.event("shift.handed_over", "shift", shift_id, {"by": name, "note": note or None})
        uow.execute("DELETE FROM drafts WHERE key = ?", (handover_draft(shift_id),))
        if receiver is not None:
            uow.update("shifts", shift_id, {"accepted_by": receiver, "accepted_at": uow.now})
            uow.actor = receiver  # from here on, the incoming manager acts
            uow.event("shift.accepted", "shift", shift_id, {})
            uow.event("staff.signed_in", "staff", receiver, {"via": "handover"})
        now = store.clock.now()
        today = business_day(now, settings.timezone).isoformat()
        day_over = now.astimezone(settings.timezone).time() >= settings.closing_time
        if not day_over:
            next_id = new_id()
            uow.insert(
                "shifts",
                {"id": next_id, "business_day": today, "opened_at": uow.now,
                 "opened_by": uow.actor},
            )  # fmt: skip
            uow.event("shift.opened", "shift", next_id, {"business_day": today, "after": shift_id})
    if receiver is not None:
        store.actor = receiver
    from lobby_tui.services.verify import anchor_now  # only here: not on the start's path

    anchor_now(store, "handover")  # the head as signed off, outside the file (issue 14)
    if day_over:  # the day is closed: its rollup is kept for the report
        from lobby_tui.services.rollup import day_closed

        day_closed(store, settings, date.fromisoformat(today))
        return None
    return Shift(next_id, date.fromisoformat(today), parse_iso(uow.now))


def handover_draft(shift_id: str) -> str:
    return f"handover:{shift_id}"


def last_handover(store: Store, now: datetime) -> Handover | None:
    """The note the previous shift left, for the dashboard of the one that follows."""
    row = store.query_one(
        "SELECT s.closed_at, s.closed_by, s.handover_note, staff.name FROM shifts s"
        " LEFT JOIN staff ON staff.id = s.accepted_by WHERE s.closed_at IS NOT NULL"
        " ORDER BY s.closed_at DESC LIMIT 1"
    )
    if row is None:
        return None
    closed_at = parse_iso(row[0])
    if now - closed_at > timedelta(hours=HANDOVER_SHOWN_HOURS):
        return None
    return Handover(closed_at, row[1] or "", row[2] or "", row[3] or "")
