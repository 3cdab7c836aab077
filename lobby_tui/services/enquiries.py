"""Enquiries (R4.2): a question answered on the floor, logged with one key and its topic.
One may later become a complaint (services/complaints.take_complaint links them)."""

from __future__ import annotations

from datetime import date

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.store import Store, new_id

TOPIC_MAX = 80


def log_enquiry(store: Store, *, day: date, shift_id: str | None, topic: str) -> tuple[str, int]:
    """One key on the floor: a question answered, with its topic. Returns its id (for an
    enquiry that turns into a complaint) and today's count."""
    cleaned = check_text(topic, "topic", TOPIC_MAX)
    if not cleaned:
        raise Invalid("topic", "topic_missing")
    with store.unit_of_work() as uow:
        enquiry_id = new_id()
        uow.insert(
            "enquiries",
            {
                "id": enquiry_id,
                "shift_id": shift_id,
                "business_day": day.isoformat(),
                "at": uow.now,
                "topic": cleaned,
            },
        )
        uow.event("enquiry.answered", "enquiry", enquiry_id, {"topic": cleaned})
        count = uow.execute(
            "SELECT COUNT(*) FROM enquiries WHERE business_day = ?", (day.isoformat(),)
        ).fetchone()[0]
    return enquiry_id, int(count)


def enquiries_today(store: Store, day: date) -> int:
    row = store.query_one(
        "SELECT COUNT(*) FROM enquiries WHERE business_day = ?", (day.isoformat(),)
    )
    return int(row[0]) if row else 0
