"""What the hall's calling display shows (R2.10): the calls made at the windows, newest
first, and how many wait per channel. Tickets and window numbers only: never a name, a
phone, a need or a case (the display faces every customer in the hall)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.store import Store
from lobby_tui.store.clock import parse_iso

# A call's moment is its last call or recall: a Recall puts the same customer on top again.
# The recall's time is its event's (events_entity index: a few rows per called arrival).
_CALLS = """
SELECT id, ticket, window_no, recalls, status, called_at,
    max(called_at, coalesce(recalled_at, '')) AS at
FROM (
    SELECT a.id, a.ticket, a.window_no, a.recalls, a.status, a.called_at,
        (SELECT max(e.at) FROM events e WHERE e.entity = 'arrival' AND e.entity_id = a.id
            AND e.kind = 'arrival.recalled') AS recalled_at
    FROM arrivals a
    WHERE a.business_day = ? AND a.called_at IS NOT NULL AND a.window_no IS NOT NULL
)
ORDER BY at DESC, ticket DESC
LIMIT ?
"""


@dataclass(frozen=True)
class HallCall:
    """One call as the hall sees it."""

    arrival_id: str
    ticket: str
    window: int
    recalls: int  # 0 on the first call; each Recall adds one
    called_at: datetime  # this call (a transfer and a new call make a new one)
    at: datetime  # the last call or recall
    current: bool  # still called (not yet served, gone or sent back to the queue)

    @property
    def key(self) -> str:
        """Changes on every call and recall of this customer: the display's cue to speak."""
        return f"{self.arrival_id}.{self.called_at.timestamp():.0f}.{self.recalls}"


def hall_calls(store: Store, day: date, limit: int = 7) -> list[HallCall]:
    """The day's calls at the windows, the newest call or recall first."""
    rows = store.rows(_CALLS, (day.isoformat(), limit))
    return [
        HallCall(str(r[0]), str(r[1]), int(r[2]), int(r[3] or 0), parse_iso(str(r[5])),
                 parse_iso(str(r[6])), str(r[4]) == "called")
        for r in rows
    ]  # fmt: skip


def call_by_key(store: Store, day: date, key: str) -> HallCall | None:
    """One of today's calls by its key (the display fetches its words by it): None for a
    key that is not a call made today, so nothing but a call is ever spoken."""
    parts = key.split(".")
    if len(parts) != 3 or not (parts[0] and parts[1].isdigit() and parts[2].isdigit()):
        return None
    arrival_id, called, recalls = parts
    rows = store.rows(
        "SELECT id, ticket, window_no, recalls, status, called_at FROM arrivals"
        " WHERE id = ? AND business_day = ? AND called_at IS NOT NULL AND window_no IS NOT NULL",
        (arrival_id, day.isoformat()),
    )
    if not rows:
        return None
    r = rows[0]
    called_at = parse_iso(str(r[5]))
    if f"{called_at.timestamp():.0f}" != called or int(r[3] or 0) < int(recalls):
        return None  # an older call of someone called again since: not said twice
    return HallCall(str(r[0]), str(r[1]), int(r[2]), int(recalls), called_at, called_at,
                    str(r[4]) == "called")  # fmt: skip
