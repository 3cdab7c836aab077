"""A complaint as the screens and the handover read it (personal data masked), the
complaints list with its filters, and a case's timeline."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lobby_tui.domain.complaints import (
    LATE,
    PROFILES,
    STATUSES,
    Progress,
    Urgency,
    deadline_in_force,
    due_on_list,
    progress_state,
    urgency,
)
from lobby_tui.domain.privacy import mask, mask_phone
from lobby_tui.domain.settings import Settings
from lobby_tui.store import (
    Store,
    StoreError,
    iso,
    parse_iso,
    parse_iso_or_none,
)


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


@dataclass(frozen=True)
class Complaint:
    id: str
    case_no: str
    received_at: datetime
    via: str
    name_masked: str  # personal data leaves the store masked; reveal() is the only way
    phone_masked: str
    category: str
    severity: str
    responsibility: str | None
    subject: str
    description: str
    wants: str
    arrival_ticket: str | None
    incident_id: str | None
    status: str
    owner: str
    profile: str
    decision_due_at: datetime | None
    promised_by: datetime | None
    resolved_at: datetime | None
    callback_due_at: datetime | None
    outcome: str | None
    action_taken: str
    departments: tuple[str, ...]
    contact_given: str
    empathy: tuple[str, ...]
    extended_by: str | None
    extension_reason: str | None
    callback_at: datetime | None
    satisfaction: int | None
    referral_ref: str | None = None  # a regulator's referral (12378, a local NFRA office)
    referral_due_at: datetime | None = None  # its own reply deadline
    further_extended_by: str | None = None  # the further extension (to 60 days)
    further_approver_level: str | None = None
    further_extension_reason: str | None = None
    progress_told_at: datetime | None = None  # the last progress update (R4.4)
    root_cause: str | None = None

    @property
    def extensions(self) -> int:
        """Extensions approved so far: 0, 1 (complex) or 2 (especially complex)."""
        return 2 if self.further_extended_by else 1 if self.extended_by else 0

    def deadline_in_force(self) -> datetime:
        """What a promise may not pass as the case stands: the regulator's deadline as
        extended so far, and a referral's own when sooner (the service checks the same)."""
        return deadline_in_force(
            PROFILES.get(self.profile, PROFILES["nfra"]),
            self.received_at,
            extensions=self.extensions,
            referral_due=self.referral_due_at,
        )

    def urgency(self, now: datetime, soon_days: int) -> Urgency:
        return urgency(
            self.status,
            self.decision_due_at,
            self.promised_by,
            self.callback_due_at,
            now,
            soon_days,
            self.referral_due_at,
        )

    def progress(self, now: datetime, days: int, zone: ZoneInfo) -> Progress | None:
        """Whether the customer is due an update on how it stands (R4.4)."""
        told = self.progress_told_at or self.received_at
        return progress_state(self.status, told, now, days, zone)


# Named as Complaint's fields, so a row is read by name (sqlite3.Row), never by position.
COLUMNS = (
    "c.id, c.case_no, c.received_at, c.received_via AS via,"
    " c.customer_name AS name, c.customer_phone AS phone, c.category, c.severity,"
    " c.responsibility, c.subject, c.description, c.wants, a.ticket AS arrival_ticket,"
    " c.incident_id, c.status, c.owner, c.profile, c.decision_due_at, c.promised_by,"
    " c.resolved_at, c.callback_due_at, c.outcome, c.action_taken, c.departments,"
    " c.contact_given, c.empathy, c.extended_by, c.extension_reason, c.callback_at,"
    " c.satisfaction, c.referral_ref, c.referral_due_at, c.further_extended_by,"
    " c.further_approver_level, c.further_extension_reason, c.progress_told_at, c.root_cause"
    " FROM complaints c LEFT JOIN arrivals a ON a.id = c.arrival_id"
)


def _complaint(r: sqlite3.Row) -> Complaint:
    def s(name: str) -> str:
        value = r[name]
        return str(value) if value is not None else ""

    def when(name: str) -> datetime | None:
        return parse_iso_or_none(s(name) or None)

    return Complaint(
        id=s("id"),
        case_no=s("case_no"),
        received_at=parse_iso(s("received_at")),
        via=s("via"),
        name_masked=mask(s("name")),
        phone_masked=mask_phone(s("phone")),
        category=s("category"),
        severity=s("severity"),
        responsibility=s("responsibility") or None,
        subject=s("subject"),
        description=s("description"),
        wants=s("wants"),
        arrival_ticket=s("arrival_ticket") or None,
        incident_id=s("incident_id") or None,
        status=s("status"),
        owner=s("owner"),
        profile=s("profile") or "nfra",
        decision_due_at=when("decision_due_at"),
        promised_by=when("promised_by"),
        resolved_at=when("resolved_at"),
        callback_due_at=when("callback_due_at"),
        outcome=s("outcome") or None,
        action_taken=s("action_taken"),
        departments=_list(s("departments") or None),
        contact_given=s("contact_given"),
        empathy=_list(s("empathy") or None),
        extended_by=s("extended_by") or None,
        extension_reason=s("extension_reason") or None,
        callback_at=when("callback_at"),
        satisfaction=int(r["satisfaction"]) if r["satisfaction"] is not None else None,
        referral_ref=s("referral_ref") or None,
        referral_due_at=when("referral_due_at"),
        further_extended_by=s("further_extended_by") or None,
        further_approver_level=s("further_approver_level") or None,
        further_extension_reason=s("further_extension_reason") or None,
        progress_told_at=when("progress_told_at"),
        root_cause=s("root_cause") or None,
    )


def get(store: Store, complaint_id: str) -> Complaint:
    row = store.query_one(f"SELECT {COLUMNS} WHERE c.id = ?", (complaint_id,))
    if row is None:
        raise StoreError("complaint.not_found")
    return _complaint(row)


def callbacks_due(store: Store, at: datetime) -> list[Complaint]:
    """Resolved complaints whose callback is due by `at` (the handover lists them)."""
    return [
        _complaint(r)
        for r in store.query(
            f"SELECT {COLUMNS} WHERE c.status = 'resolved' AND c.callback_due_at <= ?"
            " ORDER BY c.callback_due_at",
            (iso(at),),
        )
    ]


@dataclass(frozen=True)
class Filter:
    text: str = ""
    status: str = "active"  # active (not closed), all, or one status
    category: str | None = None
    severity: str | None = None
    overdue: bool = False


def find(store: Store, settings: Settings, wanted: Filter) -> list[Complaint]:
    """The complaints list: most pressing first (overdue, due soon, callback due, …), then
    by deadline. Text search: 3+ characters go through the trigram index (Chinese too);
    shorter ones scan the same text (a trigram index cannot match 1–2 characters)."""
    where: list[str] = []
    params: list[object] = []
    if wanted.status == "active":
        where += ["c.status != 'closed'"]
    elif wanted.status in STATUSES:
        where += ["c.status = ?"]
        params.append(wanted.status)
    if wanted.category:
        where += ["c.category = ?"]
        params.append(wanted.category)
    if wanted.severity:
        where += ["c.severity = ?"]
        params.append(wanted.severity)
    text = wanted.text.strip()
    if text:
        if len(text) >= 3:
            match = "c.id IN (SELECT complaint_id FROM complaint_search WHERE body MATCH ?)"
            params.append('"' + text.replace('"', '""') + '"')
        else:
            match = (
                "c.id IN (SELECT complaint_id FROM complaint_search"
                " WHERE instr(lower(body), lower(?)) > 0)"
            )
            params.append(text)
        where += [f"({match} OR c.case_no LIKE ?)"]
        params.append(f"%{text}%")
    sql = f"SELECT {COLUMNS}" + (" WHERE " + " AND ".join(where) if where else "")
    now = store.clock.now()
    found = [_complaint(r) for r in store.query(sql, params)]
    soon = settings.complaint_soon_days
    if wanted.overdue:
        found = [c for c in found if c.urgency(now, soon) in LATE]
    order = list(Urgency)
    far = now + timedelta(days=3650)

    def key(c: Complaint) -> tuple[int, datetime, datetime]:
        level = c.urgency(now, soon)
        due = due_on_list(
            level, c.decision_due_at, c.promised_by, c.callback_due_at, c.referral_due_at
        )
        return order.index(level), due or far, c.received_at

    return sorted(found, key=key)


@dataclass(frozen=True)
class Update:
    at: datetime
    kind: str
    from_status: str | None
    to_status: str | None
    note: str | None
    payload: dict[str, object] | None
    by: str = ""
    """Who recorded it: the signed-in person's name ('' before the roster, R6.5)."""


def timeline(store: Store, complaint_id: str) -> list[Update]:
    return [
        Update(
            parse_iso(r["at"]),
            r["kind"],
            r["from_status"],
            r["to_status"],
            r["note"],
            json.loads(r["payload"]) if r["payload"] else None,
            r["by"] or "",
        )
        for r in store.query(
            "SELECT u.at, u.kind, u.from_status, u.to_status, u.note, u.payload, s.name AS by"
            " FROM complaint_updates u LEFT JOIN staff s ON s.id = u.actor"
            " WHERE u.complaint_id = ? ORDER BY u.at, u.recorded_at",
            (complaint_id,),
        )
    ]


@dataclass(frozen=True)
class Handoff:
    """The case handed to a department (R4.5), with its own status and dates."""

    id: str
    department: str
    status: str  # sent, accepted, answered, returned
    sent_at: datetime
    accepted_at: datetime | None
    answered_at: datetime | None
    returned_at: datetime | None
    note: str


def handoffs(store: Store, complaint_id: str) -> list[Handoff]:
    return [
        Handoff(
            r["id"],
            r["department"],
            r["status"],
            parse_iso(r["sent_at"]),
            parse_iso_or_none(r["accepted_at"]),
            parse_iso_or_none(r["answered_at"]),
            parse_iso_or_none(r["returned_at"]),
            r["note"] or "",
        )
        for r in store.query(
            "SELECT id, department, status, sent_at, accepted_at, answered_at, returned_at, note"
            " FROM complaint_handoffs WHERE complaint_id = ? ORDER BY sent_at, id",
            (complaint_id,),
        )
    ]
