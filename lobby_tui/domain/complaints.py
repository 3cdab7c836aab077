"""The complaint clock (R4): the regulator's deadline for a decision under the branch's
profile, the deadline promised to the customer, and whether either is due soon or overdue.
(The complaint screens build on this; the rule lives here once.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from lobby_tui.domain.errors import Invalid

REASON_MAX = 200


@dataclass(frozen=True)
class Profile:
    """A regulator's decision deadline in calendar days from acceptance."""

    key: str
    days: int
    extended_days: int | None = None  # allowed with an approver and a reason (NFRA)
    in_progress_days: int | None = None  # once marked in progress (CFPB)


PROFILES = {
    # China, NFRA 2020: a decision within 15 days, complex cases extendable to 30.
    "nfra": Profile("nfra", 15, extended_days=30),
    # UK FCA DISP: a final response within 8 weeks.
    "fca": Profile("fca", 56),
    # US CFPB: 15 days, up to 60 when the company marks the complaint in progress.
    "cfpb": Profile("cfpb", 15, in_progress_days=60),
}


class Clock(StrEnum):
    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"


def decision_due(
    profile: Profile,
    received_at: datetime,
    *,
    extended: bool = False,
    in_progress: bool = False,
) -> datetime:
    days = profile.days
    if extended:
        if profile.extended_days is None:
            raise Invalid("extension", "extension_not_allowed")
        days = profile.extended_days
    elif in_progress and profile.in_progress_days is not None:
        days = profile.in_progress_days
    return received_at + timedelta(days=days)


def check_extension(profile: Profile, approver: str, reason: str) -> tuple[str, str]:
    """An extension only with the approver and the reason recorded."""
    if profile.extended_days is None:
        raise Invalid("extension", "extension_not_allowed")
    approver, reason = approver.strip(), reason.strip()
    if not approver:
        raise Invalid("approver", "approver_missing")
    if not reason:
        raise Invalid("reason", "extension_reason_missing")
    if len(reason) > REASON_MAX:
        raise Invalid("reason", "text_too_long", max=REASON_MAX)
    return approver, reason


def check_promise(received_at: datetime, promised_by: datetime | None, now: datetime) -> None:
    if received_at > now + timedelta(minutes=1):
        raise Invalid("received_at", "received_in_future")
    if promised_by is not None and promised_by < received_at:
        raise Invalid("promised_by", "promise_before_receipt")


def clock_state(
    decision_due_at: datetime, promised_by: datetime | None, now: datetime, soon_days: int = 3
) -> Clock:
    """The tighter of the two deadlines decides: overdue is red everywhere (R4)."""
    deadline = min(d for d in (decision_due_at, promised_by) if d is not None)
    if now > deadline:
        return Clock.OVERDUE
    if deadline - now <= timedelta(days=soon_days):
        return Clock.SOON
    return Clock.OK
