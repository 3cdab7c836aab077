"""Complaints (R4): the regulator's clock under the branch's profile, the deadline promised to
the customer, the lifecycle from intake to callback, and what makes an entry acceptable.
Pure rules, used alike by the complaint screen, the dashboard, the report and the tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from lobby_tui.domain.day import at_local, business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_phone, check_text, parse_date
from lobby_tui.domain.settings import Settings

REASON_MAX = 200
DESCRIPTION_MAX = 4000
TEXT_MAX = 500
SUBJECT_MAX = 80
NAME_MAX = 40
SEVERITIES = ("low", "medium", "high", "critical")
VIA = ("in_person", "phone", "letter")
OUTCOMES = ("on_spot", "escalated")
STATUSES = ("new", "in_progress", "resolved", "callback_done", "closed")
OPEN = ("new", "in_progress")
CALLBACK_ATTEMPTS = 2  # days with an unanswered callback, once due, before closing without one


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
    approver = check_text(approver, "approver", NAME_MAX, key="name_too_long")
    reason = reason.strip()
    if not approver:
        raise Invalid("approver", "approver_missing")
    if not reason:
        raise Invalid("reason", "extension_reason_missing")
    return approver, check_text(reason, "reason", REASON_MAX)


# How far back a complaint may be entered as received: a letter or a call taken down late,
# not a case from another era (issue 14). A year, not "since the branch's data begins": a
# branch starting with the app must still be able to enter yesterday's letter.
RECEIVED_BACK_DAYS = 365


def check_promise(received_at: datetime, promised_by: datetime | None, now: datetime) -> None:
    if received_at > now + timedelta(minutes=1):
        raise Invalid("received_at", "received_in_future")
    if received_at < now - timedelta(days=RECEIVED_BACK_DAYS):
        raise Invalid("received_at", "received_too_old", days=RECEIVED_BACK_DAYS)
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


# Intake ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """What the manager took down (R4.1, R4.3, R4.4). Ids are checked against the
    branch's lists in data/complaints.toml by the service."""

    received_at: datetime
    via: str
    category: str
    severity: str
    description: str
    subject: str = ""
    name: str = ""
    phone: str = ""
    responsibility: str | None = None
    wants: str = ""
    empathy: tuple[str, ...] = ()
    outcome: str | None = None  # None: not decided yet
    action_taken: str = ""
    departments: tuple[str, ...] = field(default=())
    owner: str = ""
    promised_by: datetime | None = None
    contact_given: str = ""


def parse_promise(text: str, settings: Settings, received_at: datetime) -> datetime | None:
    """A promise is a day ("by 2 December"): kept by closing time, or by the regulator's
    deadline itself when that falls on the same day."""
    if not text.strip():
        return None
    day = parse_date(text, "promised_by")
    promised = at_local(day, settings.closing_time, settings.timezone)
    due = decision_due(PROFILES[settings.complaint_profile], received_at, in_progress=True)
    if business_day(due, settings.timezone) == day:
        return min(promised, due)
    return promised


def check_intake(intake: Intake, profile: Profile, now: datetime) -> Intake:
    """The entry as it will be stored, or Invalid naming the first field to fix."""
    if intake.via not in VIA:
        raise Invalid("via", "via_unknown")
    if not intake.category:
        raise Invalid("category", "category_missing")
    if intake.severity not in SEVERITIES:
        raise Invalid("severity", "severity_unknown")
    description = check_text(intake.description, "description", DESCRIPTION_MAX)
    if not description:
        raise Invalid("description", "description_missing")
    name = check_text(intake.name, "name", NAME_MAX, key="name_too_long")
    check_promise(intake.received_at, intake.promised_by, now)
    action = check_text(intake.action_taken, "action_taken", TEXT_MAX)
    owner = check_text(intake.owner, "owner", NAME_MAX)
    if intake.outcome is not None and intake.outcome not in OUTCOMES:
        raise Invalid("outcome", "outcome_unknown")
    if intake.outcome == "on_spot" and not action:
        raise Invalid("action_taken", "action_missing")
    if intake.outcome == "escalated":
        check_escalation(profile, intake.received_at, intake.departments, owner, intake.promised_by)
    return Intake(
        received_at=intake.received_at,
        via=intake.via,
        category=intake.category,
        severity=intake.severity,
        description=description,
        subject=check_text(intake.subject, "subject", SUBJECT_MAX),
        name=name,
        phone=check_phone(intake.phone),
        responsibility=intake.responsibility or None,
        wants=check_text(intake.wants, "wants", TEXT_MAX),
        empathy=tuple(intake.empathy),
        outcome=intake.outcome,
        action_taken=action,
        departments=tuple(intake.departments),
        owner=owner,
        promised_by=intake.promised_by,
        contact_given=check_text(intake.contact_given, "contact_given", REASON_MAX),
    )


def check_escalation(
    profile: Profile,
    received_at: datetime,
    departments: Sequence[str],
    owner: str,
    promised_by: datetime | None,
) -> None:
    """Escalated (R4.4, R4.5): who is involved, who owns it, and by when the customer will
    hear, no later than the regulator's deadline. At intake or later."""
    if not departments:
        raise Invalid("departments", "departments_missing")
    if not owner.strip():
        raise Invalid("owner", "owner_missing")
    if promised_by is None:
        raise Invalid("promised_by", "promise_missing")
    if promised_by < received_at:
        raise Invalid("promised_by", "promise_before_receipt")
    due = decision_due(profile, received_at, in_progress=True)
    if promised_by > due:
        raise Invalid("promised_by", "promise_after_deadline", date=due.date().isoformat())


def status_at_intake(outcome: str | None) -> str:
    """Solved on the spot is resolved at once (its callback is then due); escalated is in
    progress; undecided is new."""
    return {"on_spot": "resolved", "escalated": "in_progress"}.get(outcome or "", "new")


# Lifecycle -----------------------------------------------------------------------------

# new → in progress → resolved → callback done → closed; reopening goes back to in progress.
# `callback_done` is reached only by a callback that found the problem solved.
MOVES = {
    "new": ("in_progress", "resolved"),
    "in_progress": ("resolved",),
    "resolved": ("in_progress", "closed"),
    "callback_done": ("in_progress", "closed"),
    "closed": ("in_progress",),
}


def check_move(
    current: str,
    wanted: str,
    note: str,
    *,
    failed_callbacks: int = 0,
    callback_due_at: datetime | None = None,
) -> str | None:
    """Check a status change; returns the note as stored. Reopening and resolving need a
    note (why, and what was done); closing needs the callback first (R4.6), unless the
    customer could not be reached on CALLBACK_ATTEMPTS different days once it was due."""
    if wanted not in STATUSES:
        raise Invalid("status", "status_unknown")
    if wanted == current:
        raise Invalid("status", "same_status")
    if wanted not in MOVES[current]:
        raise Invalid("status", "status_move")
    cleaned = check_text(note, "note", TEXT_MAX) or None
    reopening = wanted == "in_progress" and current in ("resolved", "callback_done", "closed")
    if reopening and not cleaned:
        raise Invalid("note", "reopen_reason_missing")
    if wanted == "resolved" and not cleaned:
        raise Invalid("note", "complaint_resolution_missing")
    if wanted == "closed" and current == "resolved" and failed_callbacks < CALLBACK_ATTEMPTS:
        due = callback_due_at.date().isoformat() if callback_due_at else ""
        raise Invalid("status", "callback_first", date=due)
    return cleaned


def callback_due(resolved_at: datetime, days: int) -> datetime:
    return resolved_at + timedelta(days=days)


@dataclass(frozen=True)
class Callback:
    reached: bool
    solved: bool | None
    satisfaction: int | None
    note: str | None

    def next_status(self) -> str:
        """Solved: callback done. Not solved: reopened. Not reached: still awaiting it."""
        if not self.reached:
            return "resolved"
        return "callback_done" if self.solved else "in_progress"


def check_callback(
    status: str, reached: bool, solved: bool | None, satisfaction: int | None, note: str
) -> Callback:
    if status != "resolved":
        raise Invalid("callback", "callback_not_resolved")
    cleaned = check_text(note, "callback_note", TEXT_MAX) or None
    if not reached:
        return Callback(False, None, None, cleaned)
    if solved is None:
        raise Invalid("solved", "callback_solved_missing")
    if satisfaction is None or not 1 <= satisfaction <= 5:
        raise Invalid("satisfaction", "satisfaction_range")
    if not solved and not cleaned:
        raise Invalid("callback_note", "callback_unsolved_note")
    return Callback(True, solved, satisfaction, cleaned)


# The list ------------------------------------------------------------------------------


class Urgency(StrEnum):
    """How a complaint stands, most pressing first: the list and the dashboard sort by it."""

    OVERDUE = "overdue"
    CALLBACK_LATE = "callback_late"  # a day or more past the callback's due time
    SOON = "soon"
    CALLBACK_DUE = "callback_due"
    OPEN = "open"
    AWAITING_CALLBACK = "awaiting_callback"
    DONE = "done"


URGENCY_ORDER = tuple(Urgency)
LATE = (Urgency.OVERDUE, Urgency.CALLBACK_LATE)  # red everywhere


def urgency(
    status: str,
    decision_due_at: datetime | None,
    promised_by: datetime | None,
    callback_due_at: datetime | None,
    now: datetime,
    soon_days: int = 3,
) -> Urgency:
    if status in OPEN and decision_due_at is not None:
        state = clock_state(decision_due_at, promised_by, now, soon_days)
        if state == Clock.OVERDUE:
            return Urgency.OVERDUE
        if state == Clock.SOON:
            return Urgency.SOON
        return Urgency.OPEN
    if status in OPEN:
        return Urgency.OPEN
    if status == "resolved":
        if callback_due_at is not None and callback_due_at <= now - timedelta(days=1):
            return Urgency.CALLBACK_LATE
        if callback_due_at is not None and callback_due_at <= now:
            return Urgency.CALLBACK_DUE
        return Urgency.AWAITING_CALLBACK
    return Urgency.DONE


def due_on_list(
    level: Urgency,
    decision_due_at: datetime | None,
    promised_by: datetime | None,
    callback_due_at: datetime | None,
) -> datetime | None:
    """What orders complaints of the same urgency, on the complaints list and the dashboard
    alike: the callback's due time when the callback is what is due, else the deadline."""
    if level in (Urgency.CALLBACK_DUE, Urgency.CALLBACK_LATE):
        return callback_due_at
    return deadline(decision_due_at, promised_by)


def deadline(decision_due_at: datetime | None, promised_by: datetime | None) -> datetime | None:
    """The tighter of the regulator's and the promised deadline."""
    dates: Sequence[datetime] = [d for d in (decision_due_at, promised_by) if d is not None]
    return min(dates) if dates else None
