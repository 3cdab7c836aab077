"""How long personal information is kept (PIPL: no longer than needed; issue 16, R6.5).

A record's personal fields (domain/privacy.PERSONAL) are erased once the record has ended
and `retention_days` have passed since: a complaint once closed, an arrival once served or
gone, an appointment once its time passed, care once given. The clock starts when the record
ends, not when it began: a complaint open for months keeps the phone it must be called back
on. An open record is never touched, however old. Drafts (forms never saved) go whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from lobby_tui.domain.day import business_day, day_bounds_utc
from lobby_tui.domain.privacy import PERSONAL

DEFAULT_DAYS = 180
MIN_DAYS, MAX_DAYS = 30, 3650  # a month (never yesterday's cases by a slip) to ten years


@dataclass(frozen=True)
class Kept:
    """One table's personal fields and what says the record has ended."""

    table: str
    fields: tuple[str, ...]
    ended: str  # the column (or SQL expression over the row) holding when it ended
    closed: frozenset[str] | None = None  # statuses that are an end; None: any row ends


RULES: tuple[Kept, ...] = (
    Kept("complaints", PERSONAL["complaints"], "coalesce(closed_at, updated_at)",
         frozenset({"closed"})),
    Kept("arrivals", PERSONAL["arrivals"], "coalesce(done_at, left_at, arrived_at)",
         frozenset({"done", "left", "not_seen"})),
    Kept("appointments", PERSONAL["appointments"], "due_at"),
    Kept("care_actions", PERSONAL["care_actions"], "at"),
)  # fmt: skip
DRAFTS = "drafts"  # scratch: a draft untouched this long is dropped whole


@dataclass(frozen=True)
class Cutoff:
    day: date  # records that ended before this business day lose their personal fields
    instant: datetime  # the start of that day, UTC


def cutoff(now: datetime, days: int, zone: ZoneInfo) -> Cutoff:
    first_kept = business_day(now, zone) - timedelta(days=days)
    start, _end = day_bounds_utc(first_kept, zone)
    return Cutoff(first_kept, start)


def erasable(rule: Kept, status: str | None, ended: datetime | None, cut: Cutoff) -> bool:
    """Old enough and closed: ended before the cutoff, in a status that is an end."""
    if ended is None or ended >= cut.instant:
        return False
    return rule.closed is None or status in rule.closed
