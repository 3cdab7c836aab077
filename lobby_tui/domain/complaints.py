"""Complaints (R4): the regulator's clock under the branch's profile, the deadline promised to
the customer, the lifecycle from intake to callback, and what makes an entry acceptable.
Pure rules, used alike by the complaint screen, the dashboard, the report and the tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

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
# How a complaint reached the branch; the last two are referred by the regulator (NFRA's 12378
# hotline, or a local NFRA office's letter) and keep the referral's reference and reply
# deadline. The bank's own hotline and online channels are the bank's, not the regulator's.
VIA = ("in_person", "phone", "letter", "hotline", "online", "nfra_12378", "nfra_office")
REFERRALS = ("nfra_12378", "nfra_office")
REFERENCE_MAX = 40  # the regulator's reference: a case number, not personal data
# How the customer was told (an extension, a progress update): recorded with each step.
TOLD_HOW = ("phone", "sms", "in_person", "letter", "online")
# Who approved the further extension: the institution's higher-level office, or a senior
# manager of its head office (the measures' words: 上级机构或者总行、总公司高级管理人员).
APPROVER_LEVELS = ("superior", "head_office")
OUTCOMES = ("on_spot", "escalated")
STATUSES = ("new", "in_progress", "resolved", "callback_done", "closed")
OPEN = ("new", "in_progress")
CALLBACK_ATTEMPTS = 2  # days with an unanswered callback, once due, before closing without one


@dataclass(frozen=True)
class Profile:
    """A regulator's decision deadline in calendar days from acceptance."""

    key: str
    days: int
    # The deadline, in days from receipt, after each extension in turn (NFRA): each step
    # needs an approver, a reason and the customer told.
    extensions: tuple[int, ...] = ()
    in_progress_days: int | None = None  # once marked in progress (CFPB)


PROFILES = {
    # China: 银行业保险业消费投诉处理管理办法 (CBIRC, published 2020-01-17, in force
    # 2020-03-01), its rule on time limits: a decision within 15 days of receiving the
    # complaint, and the complainant told; a complex case may be extended to 30 days; an
    # especially complex case, or one with other special reasons, by a further 30 days,
    # approved by the institution's higher-level office or a senior manager of its head
    # office, and the complainant told: 60 days at most. Checked against press reports
    # quoting that text (Caixin, Xinhua, 2020-01-17), which give no article number; so none
    # is cited here.
    "nfra": Profile("nfra", 15, extensions=(30, 60)),
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
    extensions: int = 0,
    in_progress: bool = False,
) -> datetime:
    """The regulator's deadline: after `extensions` approved extensions, or (CFPB) once the
    complaint is in progress."""
    days = profile.days
    if extensions:
        if extensions > len(profile.extensions):
            raise Invalid("extension", "extension_not_allowed")
        days = profile.extensions[extensions - 1]
    elif in_progress and profile.in_progress_days is not None:
        days = profile.in_progress_days
    return received_at + timedelta(days=days)


def deadline_in_force(
    profile: Profile,
    received_at: datetime,
    *,
    extensions: int = 0,
    referral_due: datetime | None = None,
) -> datetime:
    """What a promise to the customer may not pass: the regulator's deadline as extended so
    far (in progress, for CFPB), and a referral's own reply deadline when it is sooner."""
    due = decision_due(profile, received_at, extensions=extensions, in_progress=True)
    return min(due, referral_due) if referral_due is not None else due


@dataclass(frozen=True)
class Extension:
    """One extension of the measures' time limit: 1 = complex (to 30 days), 2 = especially
    complex or special (a further 30 days, approved above the branch)."""

    step: int
    approver: str
    approver_level: str | None  # the further step: superior or head_office
    reason: str
    told_how: str  # how the complainant was told of it


def check_extension(
    profile: Profile,
    done: int,
    approver: str,
    reason: str,
    told_how: str,
    approver_level: str | None = None,
    *,
    received_at: datetime | None = None,
    now: datetime | None = None,
) -> Extension:
    """The next extension after `done` of them, only with who approved it, why, and how the
    complainant was told; the further one also with the approver's level. It is recorded
    before the limit in force passes (R4.4): a case already overdue stays overdue."""
    if not profile.extensions:
        raise Invalid("extension", "extension_not_allowed")
    if done >= len(profile.extensions):
        raise Invalid("extension", "already_extended", days=profile.extensions[-1])
    if received_at is not None and now is not None:
        in_force = decision_due(profile, received_at, extensions=done)
        if now > in_force:
            days = profile.extensions[done - 1] if done else profile.days
            raise Invalid("extension", "extension_too_late", days=days)
    step = done + 1
    approver = check_text(approver, "approver", NAME_MAX, key="name_too_long")
    reason = reason.strip()
    if not approver:
        raise Invalid("approver", "approver_missing")
    if step >= 2 and approver_level not in APPROVER_LEVELS:
        raise Invalid("approver_level", "approver_level_missing")
    if not reason:
        raise Invalid("reason", "extension_reason_missing")
    if told_how not in TOLD_HOW:
        raise Invalid("told_how", "told_how_missing")
    return Extension(
        step,
        approver,
        approver_level if step >= 2 else None,
        check_text(reason, "reason", REASON_MAX),
        told_how,
    )


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
    decision_due_at: datetime,
    promised_by: datetime | None,
    now: datetime,
    soon_days: int = 3,
    referral_due: datetime | None = None,
) -> Clock:
    """The tightest deadline decides (the regulator's, the promise, a referral's): overdue
    is red everywhere (R4)."""
    deadline = min(d for d in (decision_due_at, promised_by, referral_due) if d is not None)
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
    referral_ref: str = ""  # a regulator's referral: its reference and reply deadline
    referral_due: datetime | None = None


def parse_promise(
    text: str, settings: Settings, received_at: datetime, limit: datetime | None = None
) -> datetime | None:
    """A promise is a day ("by 2 December"): kept by closing time, or by the deadline in
    force itself (`limit`; the regulator's unextended one if not given) when that falls on
    the same day."""
    if not text.strip():
        return None
    day = parse_date(text, "promised_by")
    promised = at_local(day, settings.closing_time, settings.timezone)
    if limit is None:
        limit = deadline_in_force(PROFILES[settings.complaint_profile], received_at)
    if business_day(limit, settings.timezone) == day:
        return min(promised, limit)
    return promised


def parse_referral_due(text: str, settings: Settings) -> datetime | None:
    """The reply deadline in the regulator's referral letter: a day, kept by closing time."""
    if not text.strip():
        return None
    day = parse_date(text, "referral_due")
    return at_local(day, settings.closing_time, settings.timezone)


def check_referral(
    profile: Profile, via: str, reference: str, due: datetime | None, received_at: datetime
) -> tuple[str, datetime | None]:
    """A regulator's referral keeps its reference and its own reply deadline: both given,
    the deadline not before the complaint came in nor past the longest the regulation
    allows. Other channels keep neither."""
    if via not in REFERRALS:
        return "", None
    reference = check_text(reference, "referral_ref", REFERENCE_MAX)
    if not reference:
        raise Invalid("referral_ref", "referral_ref_missing")
    if due is None:
        raise Invalid("referral_due", "referral_due_missing")
    if due < received_at:
        raise Invalid("referral_due", "referral_due_before_receipt")
    longest = decision_due(profile, received_at, extensions=len(profile.extensions))
    if due > longest:
        raise Invalid("referral_due", "referral_due_too_late", date=longest.date().isoformat())
    return reference, due


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
    reference, referral_due = check_referral(
        profile, intake.via, intake.referral_ref, intake.referral_due, intake.received_at
    )
    if intake.outcome == "escalated":
        limit = deadline_in_force(profile, intake.received_at, referral_due=referral_due)
        check_escalation(intake.received_at, intake.departments, owner, intake.promised_by, limit)
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
        referral_ref=reference,
        referral_due=referral_due,
    )


def check_escalation(
    received_at: datetime,
    departments: Sequence[str],
    owner: str,
    promised_by: datetime | None,
    limit: datetime,
) -> None:
    """Escalated (R4.4, R4.5): who is involved, who owns it, and by when the customer will
    hear, no later than the deadline in force (`limit`: as extended so far, and a referral's
    own deadline). At intake or later."""
    if not departments:
        raise Invalid("departments", "departments_missing")
    if not owner.strip():
        raise Invalid("owner", "owner_missing")
    if promised_by is None:
        raise Invalid("promised_by", "promise_missing")
    if promised_by < received_at:
        raise Invalid("promised_by", "promise_before_receipt")
    if promised_by > limit:
        raise Invalid("promised_by", "promise_after_deadline", date=limit.date().isoformat())


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
    root_cause: str | None = None,
) -> str | None:
    """Check a status change; returns the note as stored. Reopening and resolving need a
    note (why, and what was done); closing needs the callback first (R4.6), unless the
    customer could not be reached on CALLBACK_ATTEMPTS different days once it was due, and
    the root cause found (溯源整改; counted in the month's consumer-protection print)."""
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
    if wanted == "closed" and not root_cause:
        raise Invalid("root_cause", "root_cause_missing")
    return cleaned


def callback_due(resolved_at: datetime, days: int) -> datetime:
    return resolved_at + timedelta(days=days)


def callback_days_tried(
    unanswered: Iterable[datetime], callback_due_at: datetime | None, zone: ZoneInfo
) -> int:
    """Different days, in the branch's own day (not UTC's), on which the customer was
    called once the callback was due and not reached: two calls a minute apart are one try,
    and a call at 23:50 and another at 00:10 the next local day are two."""
    return len(
        {
            business_day(at, zone)
            for at in unanswered
            if callback_due_at is None or at >= callback_due_at
        }
    )


# Progress updates to the customer (R4.4 及时反馈) ---------------------------------------------


class Progress(StrEnum):
    DUE = "due"  # today (the branch's day) is the day to tell the customer how it stands
    OVERDUE = "overdue"  # that day has passed without an update


def progress_due(last_told: datetime, days: int) -> datetime:
    return last_told + timedelta(days=days)


def progress_state(
    status: str, last_told: datetime, now: datetime, days: int, zone: ZoneInfo
) -> Progress | None:
    """Until it is decided, the customer hears how it stands every `days` days (counted from
    receipt or the last update): due on that day, overdue once the day has passed."""
    if status not in OPEN:
        return None
    due = progress_due(last_told, days)
    today, due_day = business_day(now, zone), business_day(due, zone)
    if today > due_day:
        return Progress.OVERDUE
    if today == due_day or now >= due:
        return Progress.DUE
    return None


def check_progress_update(status: str, told_how: str, note: str) -> str | None:
    """An update to the customer: only while the case is undecided, with how they were told."""
    if status not in OPEN:
        raise Invalid("progress", "progress_not_open")
    if told_how not in TOLD_HOW:
        raise Invalid("told_how", "told_how_missing")
    return check_text(note, "note", TEXT_MAX) or None


# Hand-offs to departments (R4.5) ------------------------------------------------------------

HANDOFF_STATUSES = ("sent", "accepted", "answered", "returned")
# Sent → accepted → answered; a department may send it back (returned) before answering.
HANDOFF_MOVES = {
    "sent": ("accepted", "returned"),
    "accepted": ("answered", "returned"),
    "answered": (),
    "returned": (),
}


def check_handoff(status: str, department: str) -> None:
    if status not in OPEN:
        raise Invalid("handoff", "handoff_not_open")
    if not department:
        raise Invalid("handoff_department", "handoff_department_missing")


def check_handoff_move(current: str, wanted: str, note: str) -> str | None:
    """A hand-off's next status; what the department answered, or why it came back, said."""
    if wanted not in HANDOFF_STATUSES or wanted not in HANDOFF_MOVES.get(current, ()):
        raise Invalid("handoff", "handoff_move")
    cleaned = check_text(note, "note", TEXT_MAX) or None
    if wanted in ("answered", "returned") and not cleaned:
        raise Invalid("note", f"handoff_{wanted}_note")
    return cleaned


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
    referral_due: datetime | None = None,
) -> Urgency:
    if status in OPEN and decision_due_at is not None:
        state = clock_state(decision_due_at, promised_by, now, soon_days, referral_due)
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
    referral_due: datetime | None = None,
) -> datetime | None:
    """What orders complaints of the same urgency, on the complaints list and the dashboard
    alike: the callback's due time when the callback is what is due, else the deadline."""
    if level in (Urgency.CALLBACK_DUE, Urgency.CALLBACK_LATE):
        return callback_due_at
    return deadline(decision_due_at, promised_by, referral_due)


def deadline(
    decision_due_at: datetime | None,
    promised_by: datetime | None,
    referral_due: datetime | None = None,
) -> datetime | None:
    """The tightest of the regulator's, the promised and a referral's deadline."""
    dates: Sequence[datetime] = [
        d for d in (decision_due_at, promised_by, referral_due) if d is not None
    ]
    return min(dates) if dates else None
