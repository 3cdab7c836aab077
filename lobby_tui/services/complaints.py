"""Complaints (R4): taken down once, then every change a `complaint_updates` row and an
event in the same transaction; the clocks come from domain/complaints.py."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.complaints import (
    LATE,
    NAME_MAX,
    OPEN,
    PROFILES,
    REASON_MAX,
    STATUSES,
    TEXT_MAX,
    Intake,
    Urgency,
    callback_due,
    check_callback,
    check_escalation,
    check_extension,
    check_intake,
    check_move,
    decision_due,
    due_on_list,
    status_at_intake,
    urgency,
)
from lobby_tui.domain.day import business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.privacy import mask, mask_phone
from lobby_tui.domain.settings import Settings
from lobby_tui.services.drafts import drop_draft
from lobby_tui.store import (
    Store,
    StoreError,
    UnitOfWork,
    iso,
    new_id,
    parse_iso,
    parse_iso_or_none,
)

NEW_DRAFT = "complaint:new"


def note_draft(complaint_id: str) -> str:
    return f"complaint:{complaint_id}:note"


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

    def urgency(self, now: datetime, soon_days: int) -> Urgency:
        return urgency(
            self.status,
            self.decision_due_at,
            self.promised_by,
            self.callback_due_at,
            now,
            soon_days,
        )


# Named as Complaint's fields, so a row is read by name (sqlite3.Row), never by position.
COLUMNS = (
    "c.id, c.case_no, c.received_at, c.received_via AS via,"
    " c.customer_name AS name, c.customer_phone AS phone, c.category, c.severity,"
    " c.responsibility, c.subject, c.description, c.wants, a.ticket AS arrival_ticket,"
    " c.incident_id, c.status, c.owner, c.profile, c.decision_due_at, c.promised_by,"
    " c.resolved_at, c.callback_due_at, c.outcome, c.action_taken, c.departments,"
    " c.contact_given, c.empathy, c.extended_by, c.extension_reason, c.callback_at,"
    " c.satisfaction"
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
    )


def get(store: Store, complaint_id: str) -> Complaint:
    row = store.query_one(f"SELECT {COLUMNS} WHERE c.id = ?", (complaint_id,))
    if row is None:
        raise StoreError("complaint.not_found")
    return _complaint(row)


def _row(uow: UnitOfWork, complaint_id: str) -> dict[str, object]:
    cursor = uow.execute("SELECT * FROM complaints WHERE id = ?", (complaint_id,))
    row = cursor.fetchone()
    if row is None:
        raise StoreError("complaint.not_found")
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _update(
    uow: UnitOfWork,
    complaint_id: str,
    kind: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    payload: dict[str, object] | None = None,
) -> None:
    """A line of the complaint's timeline and its event, in the caller's transaction."""
    row = {
        "id": new_id(),
        "complaint_id": complaint_id,
        "at": uow.now,
        "recorded_at": uow.now,
        "kind": kind,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
        "payload": None if payload is None else json.dumps(payload),
    }
    uow.insert("complaint_updates", row)
    uow.event(
        f"complaint.{kind}",
        "complaint",
        complaint_id,
        {k: v for k, v in row.items() if k not in ("id", "complaint_id")},
    )


def take_complaint(
    store: Store,
    settings: Settings,
    catalogue: ComplaintCatalogue,
    intake: Intake,
    *,
    shift_id: str | None,
    arrival_ticket: str = "",
    incident_id: str | None = None,
    enquiry_id: str | None = None,
) -> tuple[str, str]:
    """Save a complaint as taken down; its draft goes in the same commit. Returns the id
    and the case number the customer is given."""
    now = store.clock.now()
    profile = PROFILES[settings.complaint_profile]
    checked = check_intake(intake, profile, now)
    catalogue.check("category", checked.category)
    catalogue.check("responsibility", checked.responsibility)
    for department in checked.departments:
        catalogue.check("department", department)
    for step in checked.empathy:
        catalogue.check("empathy", step)
    day = business_day(checked.received_at, settings.timezone)
    status = status_at_intake(checked.outcome)
    with store.unit_of_work() as uow:
        arrival_id = None
        ticket = arrival_ticket.strip().upper()
        if ticket:
            found = uow.execute(
                "SELECT id FROM arrivals WHERE business_day = ? AND ticket = ?",
                (day.isoformat(), ticket),
            ).fetchone()
            if found is None:
                raise Invalid("arrival", "arrival_unknown", ticket=ticket)
            arrival_id = found[0]
        # The highest number of the day + 1, not the count: rows merged from another tablet
        # or a gap never make two cases share a number.
        highest = uow.execute(
            "SELECT MAX(CAST(substr(case_no, 11) AS INTEGER)) FROM complaints"
            " WHERE business_day = ?",
            (day.isoformat(),),
        ).fetchone()[0]
        case_no = f"C{day.strftime('%Y%m%d')}-{(highest or 0) + 1:02d}"
        complaint_id = new_id()
        resolved_at = uow.now if status == "resolved" else None
        row: dict[str, object] = {
            "id": complaint_id,
            "case_no": case_no,
            "shift_id": shift_id,
            "business_day": day.isoformat(),
            "received_at": iso(checked.received_at),
            "received_via": checked.via,
            "customer_name": checked.name or None,
            "customer_phone": checked.phone or None,
            "category": checked.category,
            "severity": checked.severity,
            "responsibility": checked.responsibility,
            "subject": checked.subject or None,
            "description": checked.description,
            "wants": checked.wants or None,
            "arrival_id": arrival_id,
            "incident_id": incident_id,
            "status": status,
            "owner": checked.owner or None,
            "profile": profile.key,
            "decision_due_at": iso(
                decision_due(profile, checked.received_at, in_progress=status == "in_progress")
            ),
            "promised_by": iso(checked.promised_by) if checked.promised_by else None,
            "resolved_at": resolved_at,
            "callback_due_at": (
                iso(callback_due(now, settings.callback_days)) if resolved_at else None
            ),
            "outcome": checked.outcome,
            "action_taken": checked.action_taken or None,
            "departments": json.dumps(list(checked.departments)),
            "contact_given": checked.contact_given or None,
            "empathy": json.dumps(list(checked.empathy)),
            "created_at": uow.now,
            "updated_at": uow.now,
        }
        uow.insert("complaints", row)
        # The journal keeps what happened, not who the customer is (kept to the minimum).
        private = ("id", "customer_name", "customer_phone")
        payload = {k: v for k, v in row.items() if k not in private}
        payload["customer_given"] = bool(checked.name or checked.phone)
        uow.event("complaint.received", "complaint", complaint_id, payload)
        uow.insert(
            "complaint_updates",
            {
                "id": new_id(),
                "complaint_id": complaint_id,
                "at": iso(checked.received_at),
                "recorded_at": uow.now,
                "kind": "received",
                "to_status": status,
            },
        )
        if checked.outcome == "on_spot":
            _update(
                uow,
                complaint_id,
                "resolved",
                from_status="new",
                to_status="resolved",
                note=checked.action_taken,
            )
        elif checked.outcome == "escalated":
            _update(
                uow,
                complaint_id,
                "escalated",
                from_status="new",
                to_status="in_progress",
                payload={"departments": list(checked.departments), "owner": checked.owner},
            )
        if enquiry_id:
            uow.execute(
                "UPDATE enquiries SET complaint_id = ? WHERE id = ?", (complaint_id, enquiry_id)
            )
            uow.event("enquiry.became_complaint", "enquiry", enquiry_id, {"complaint": case_no})
        drop_draft(uow, NEW_DRAFT)
    return complaint_id, case_no


def _failed_callbacks(uow: UnitOfWork, complaint_id: str, due: object) -> int:
    """Days on which the customer was called, once the callback was due, and not reached:
    two calls a minute apart are one try."""
    return int(
        uow.execute(
            "SELECT COUNT(DISTINCT substr(at, 1, 10)) FROM complaint_updates"
            " WHERE complaint_id = ? AND kind = 'callback'"
            " AND json_extract(payload, '$.reached') = 0 AND at >= ?",
            (complaint_id, due or ""),
        ).fetchone()[0]
    )


def set_status(
    store: Store, settings: Settings, complaint_id: str, wanted: str, note: str = ""
) -> None:
    """Move a complaint along its lifecycle (domain/complaints.MOVES)."""
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        current = str(row["status"])
        cleaned = check_move(
            current,
            wanted,
            note,
            failed_callbacks=_failed_callbacks(uow, complaint_id, row["callback_due_at"]),
            callback_due_at=parse_iso_or_none(row["callback_due_at"]),  # type: ignore[arg-type]
        )
        changes: dict[str, object] = {"status": wanted, "updated_at": uow.now}
        if wanted == "resolved":
            changes["resolved_at"] = uow.now
            changes["callback_due_at"] = iso(
                callback_due(store.clock.now(), settings.callback_days)
            )
        elif wanted == "closed":
            changes["closed_at"] = uow.now
        else:  # in progress: new → in progress, or reopened
            profile = PROFILES.get(str(row["profile"]), PROFILES[settings.complaint_profile])
            if profile.in_progress_days and not row["extended_by"]:  # CFPB: 60 days now
                received = parse_iso(str(row["received_at"]))
                changes["decision_due_at"] = iso(decision_due(profile, received, in_progress=True))
            if current not in OPEN:  # reopened: open again, the last callback no longer holds
                changes.update(REOPENED)
        uow.update("complaints", complaint_id, changes)
        kind = "reopened" if wanted == "in_progress" and current not in OPEN else "status"
        _update(uow, complaint_id, kind, from_status=current, to_status=wanted, note=cleaned)


REOPENED: dict[str, object] = {
    "resolved_at": None,
    "callback_due_at": None,
    "closed_at": None,
    "callback_at": None,
    "callback_reached": None,
    "callback_solved": None,
    "satisfaction": None,
}


def escalate(
    store: Store,
    settings: Settings,
    catalogue: ComplaintCatalogue,
    complaint_id: str,
    *,
    departments: tuple[str, ...],
    owner: str,
    promised_by: datetime | None,
    contact: str = "",
) -> None:
    """A complaint taken down undecided, escalated later: the same checks as at intake."""
    cleaned_owner = check_text(owner, "owner", NAME_MAX)
    cleaned_contact = check_text(contact, "contact_given", REASON_MAX)
    for department in departments:
        catalogue.check("department", department)
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        current = str(row["status"])
        if current not in OPEN or row["outcome"] is not None:
            raise Invalid("escalate", "escalate_not_open")
        profile = PROFILES.get(str(row["profile"]), PROFILES[settings.complaint_profile])
        received = parse_iso(str(row["received_at"]))
        check_escalation(profile, received, departments, cleaned_owner, promised_by)
        changes: dict[str, object] = {
            "outcome": "escalated",
            "departments": json.dumps(list(departments)),
            "owner": cleaned_owner,
            "promised_by": iso(promised_by) if promised_by else None,
            "contact_given": cleaned_contact or None,
            "status": "in_progress",
            "updated_at": uow.now,
        }
        if profile.in_progress_days and not row["extended_by"]:
            changes["decision_due_at"] = iso(decision_due(profile, received, in_progress=True))
        uow.update("complaints", complaint_id, changes)
        _update(
            uow,
            complaint_id,
            "escalated",
            from_status=current,
            to_status="in_progress",
            payload={"departments": list(departments), "owner": cleaned_owner},
        )


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


def add_note(store: Store, complaint_id: str, note: str) -> None:
    """A follow-up note (who was called, what the back office said); its draft goes too."""
    cleaned = check_text(note, "note", TEXT_MAX)
    if not cleaned:
        raise Invalid("note", "note_missing")
    with store.unit_of_work() as uow:
        _row(uow, complaint_id)
        uow.execute("UPDATE complaints SET updated_at = ? WHERE id = ?", (uow.now, complaint_id))
        _update(uow, complaint_id, "note", note=cleaned)
        drop_draft(uow, note_draft(complaint_id))


def extend(store: Store, complaint_id: str, approver: str, reason: str) -> None:
    """A complex case gets the longer deadline only with who approved it and why (NFRA)."""
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        if row["status"] not in OPEN:
            raise Invalid("extension", "extension_closed")
        if row["extended_by"]:
            raise Invalid("extension", "already_extended")
        profile = PROFILES[str(row["profile"] or "nfra")]
        who, why = check_extension(profile, approver, reason)
        received = parse_iso(str(row["received_at"]))
        due = iso(decision_due(profile, received, extended=True))
        uow.update(
            "complaints",
            complaint_id,
            {
                "extended_by": who,
                "extension_reason": why,
                "decision_due_at": due,
                "updated_at": uow.now,
            },
        )
        _update(uow, complaint_id, "extended", note=why, payload={"approver": who, "due": due})


def record_callback(
    store: Store,
    complaint_id: str,
    *,
    reached: bool,
    solved: bool | None,
    satisfaction: int | None,
    note: str = "",
) -> str:
    """The call after resolution (R4.6). Returns the status it leaves: callback done,
    reopened when the problem is not really solved, or still resolved when not reached."""
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        current = str(row["status"])
        callback = check_callback(current, reached, solved, satisfaction, note)
        status = callback.next_status()
        changes: dict[str, object] = {
            "callback_at": uow.now,
            "callback_reached": int(callback.reached),
            "updated_at": uow.now,
        }
        if callback.reached:
            changes.update(
                callback_solved=int(bool(callback.solved)),
                satisfaction=callback.satisfaction,
                status=status,
            )
        if status == "in_progress":
            changes.update(resolved_at=None, callback_due_at=None, closed_at=None)
        uow.update("complaints", complaint_id, changes)
        _update(
            uow,
            complaint_id,
            "callback",
            from_status=current,
            to_status=status,
            note=callback.note,
            payload={
                "reached": callback.reached,
                "solved": callback.solved,
                "satisfaction": callback.satisfaction,
            },
        )
    return status


def reveal(store: Store, complaint_id: str) -> tuple[str, str]:
    """The customer's name and phone, shown on purpose (to call back); the look is logged."""
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        uow.event("complaint.revealed", "complaint", complaint_id, {})
    return str(row["customer_name"] or ""), str(row["customer_phone"] or "")


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
        due = due_on_list(level, c.decision_due_at, c.promised_by, c.callback_due_at)
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


def timeline(store: Store, complaint_id: str) -> list[Update]:
    return [
        Update(
            parse_iso(r["at"]),
            r["kind"],
            r["from_status"],
            r["to_status"],
            r["note"],
            json.loads(r["payload"]) if r["payload"] else None,
        )
        for r in store.query(
            "SELECT at, kind, from_status, to_status, note, payload FROM complaint_updates"
            " WHERE complaint_id = ? ORDER BY at, recorded_at",
            (complaint_id,),
        )
    ]
