"""A complaint's life after intake (R4.5–R4.6): status moves, escalation, notes, the
extension, the callback, and the logged look at who the customer is. Every change is a
`complaint_updates` row and an event in the same transaction."""

from __future__ import annotations

import json
from datetime import datetime

from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.complaints import (
    NAME_MAX,
    OPEN,
    PROFILES,
    REASON_MAX,
    TEXT_MAX,
    Profile,
    callback_days_tried,
    callback_due,
    check_callback,
    check_escalation,
    check_extension,
    check_handoff,
    check_handoff_move,
    check_move,
    check_progress_update,
    deadline_in_force,
    decision_due,
)
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
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


def note_draft(complaint_id: str) -> str:
    return f"complaint:{complaint_id}:note"


def _row(uow: UnitOfWork, complaint_id: str) -> dict[str, object]:
    cursor = uow.execute("SELECT * FROM complaints WHERE id = ?", (complaint_id,))
    row = cursor.fetchone()
    if row is None:
        raise StoreError("complaint.not_found")
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def timeline_line(
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
        "actor": uow.actor,
    }
    uow.insert("complaint_updates", row)
    uow.event(
        f"complaint.{kind}",
        "complaint",
        complaint_id,
        {k: v for k, v in row.items() if k not in ("id", "complaint_id")},
    )


def _failed_callbacks(
    uow: UnitOfWork, complaint_id: str, due: datetime | None, settings: Settings
) -> int:
    """Days (the branch's) on which the customer was called, once the callback was due, and
    not reached (domain/complaints.callback_days_tried)."""
    unanswered = [
        parse_iso(str(at))
        for (at,) in uow.execute(
            "SELECT at FROM complaint_updates WHERE complaint_id = ? AND kind = 'callback'"
            " AND json_extract(payload, '$.reached') = 0",
            (complaint_id,),
        ).fetchall()
    ]
    return callback_days_tried(unanswered, due, settings.timezone)


def set_status(
    store: Store,
    settings: Settings,
    complaint_id: str,
    wanted: str,
    note: str = "",
    *,
    root_cause: str | None = None,
    catalogue: ComplaintCatalogue | None = None,
) -> None:
    """Move a complaint along its lifecycle (domain/complaints.MOVES). Closing takes the
    root cause, one of the catalogue's."""
    if root_cause and catalogue is not None:
        catalogue.check("root_cause", root_cause)
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        current = str(row["status"])
        callback_due_at = parse_iso_or_none(row["callback_due_at"])  # type: ignore[arg-type]
        cleaned = check_move(
            current,
            wanted,
            note,
            failed_callbacks=_failed_callbacks(uow, complaint_id, callback_due_at, settings),
            callback_due_at=callback_due_at,
            root_cause=root_cause,
        )
        changes: dict[str, object] = {"status": wanted, "updated_at": uow.now}
        if wanted == "resolved":
            changes["resolved_at"] = uow.now
            changes["callback_due_at"] = iso(
                callback_due(store.clock.now(), settings.callback_days)
            )
        elif wanted == "closed":
            changes["closed_at"] = uow.now
            changes["root_cause"] = root_cause
        else:  # in progress: new → in progress, or reopened
            profile = PROFILES.get(str(row["profile"]), PROFILES[settings.complaint_profile])
            if profile.in_progress_days and not row["extended_by"]:  # CFPB: 60 days now
                received = parse_iso(str(row["received_at"]))
                changes["decision_due_at"] = iso(decision_due(profile, received, in_progress=True))
            if current not in OPEN:  # reopened: open again, the last callback no longer holds
                changes.update(REOPENED)
        uow.update("complaints", complaint_id, changes)
        kind = "reopened" if wanted == "in_progress" and current not in OPEN else "status"
        timeline_line(
            uow,
            complaint_id,
            kind,
            from_status=current,
            to_status=wanted,
            note=cleaned,
            payload={"root_cause": root_cause} if wanted == "closed" else None,
        )


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
        check_escalation(received, departments, cleaned_owner, promised_by, _in_force(row, profile))
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
        timeline_line(
            uow,
            complaint_id,
            "escalated",
            from_status=current,
            to_status="in_progress",
            payload={"departments": list(departments), "owner": cleaned_owner},
        )


def add_note(store: Store, complaint_id: str, note: str) -> None:
    """A follow-up note (who was called, what the back office said); its draft goes too."""
    cleaned = check_text(note, "note", TEXT_MAX)
    if not cleaned:
        raise Invalid("note", "note_missing")
    with store.unit_of_work() as uow:
        _row(uow, complaint_id)
        uow.execute("UPDATE complaints SET updated_at = ? WHERE id = ?", (uow.now, complaint_id))
        timeline_line(uow, complaint_id, "note", note=cleaned)
        drop_draft(uow, note_draft(complaint_id))


def _extensions(row: dict[str, object]) -> int:
    return 2 if row.get("further_extended_by") else 1 if row.get("extended_by") else 0


def _in_force(row: dict[str, object], profile: Profile) -> datetime:
    """The deadline a promise may not pass, as this complaint stands."""
    referral_due = parse_iso_or_none(row.get("referral_due_at"))  # type: ignore[arg-type]
    received = parse_iso(str(row["received_at"]))
    return deadline_in_force(
        profile, received, extensions=_extensions(row), referral_due=referral_due
    )


def extend(
    store: Store,
    complaint_id: str,
    approver: str,
    reason: str,
    *,
    told_how: str,
    approver_level: str | None = None,
) -> None:
    """The next extension of the time limit (complex: to 30 days; especially complex or special:
    a further 30, approved above the branch), each with who approved it, why, and how the
    complainant was told; a step of the timeline."""
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        if row["status"] not in OPEN:
            raise Invalid("extension", "extension_closed")
        profile = PROFILES[str(row["profile"] or "nfra")]
        received = parse_iso(str(row["received_at"]))
        step = check_extension(
            profile, _extensions(row), approver, reason, told_how, approver_level,
            received_at=received, now=store.clock.now(),
        )  # fmt: skip
        due = iso(decision_due(profile, received, extensions=step.step))
        changes: dict[str, object] = {"decision_due_at": due, "updated_at": uow.now}
        if step.step == 1:
            changes.update(extended_by=step.approver, extension_reason=step.reason)
        else:
            changes.update(
                further_extended_by=step.approver,
                further_approver_level=step.approver_level,
                further_extension_reason=step.reason,
            )
        uow.update("complaints", complaint_id, changes)
        timeline_line(
            uow,
            complaint_id,
            "extended",
            note=step.reason,
            payload={
                "step": step.step,
                "approver": step.approver,
                "approver_level": step.approver_level,
                "told_how": step.told_how,
                "due": due,
            },
        )


def progress_update(store: Store, complaint_id: str, told_how: str, note: str = "") -> None:
    """The customer told how the case stands (R4.4 及时反馈): the reminder clock starts again."""
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        cleaned = check_progress_update(str(row["status"]), told_how, note)
        uow.update("complaints", complaint_id, {"progress_told_at": uow.now, "updated_at": uow.now})
        timeline_line(uow, complaint_id, "progress", note=cleaned, payload={"told_how": told_how})


def hand_off(
    store: Store,
    catalogue: ComplaintCatalogue,
    complaint_id: str,
    department: str,
    note: str = "",
) -> str:
    """The case handed to a department (R4.5): sent now, its own status from here on."""
    cleaned = check_text(note, "note", TEXT_MAX)
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        check_handoff(str(row["status"]), department)
        catalogue.check("department", department)
        handoff_id = new_id()
        uow.insert(
            "complaint_handoffs",
            {
                "id": handoff_id,
                "complaint_id": complaint_id,
                "department": department,
                "status": "sent",
                "sent_at": uow.now,
                "note": cleaned or None,
                "updated_at": uow.now,
            },
        )
        uow.update("complaints", complaint_id, {"updated_at": uow.now})
        timeline_line(
            uow,
            complaint_id,
            "handoff",
            note=cleaned or None,
            payload={"department": department, "status": "sent"},
        )
    return handoff_id


def move_handoff(store: Store, handoff_id: str, wanted: str, note: str = "") -> None:
    """A hand-off accepted, answered (what the department said) or returned (why)."""
    with store.unit_of_work() as uow:
        found = uow.execute(
            "SELECT complaint_id, department, status FROM complaint_handoffs WHERE id = ?",
            (handoff_id,),
        ).fetchone()
        if found is None:
            raise StoreError("complaint.handoff_not_found")
        complaint_id, department, current = (str(v) for v in found)
        cleaned = check_handoff_move(current, wanted, note)
        changes: dict[str, object] = {
            "status": wanted,
            f"{wanted}_at": uow.now,
            "updated_at": uow.now,
        }
        if cleaned:
            changes["note"] = cleaned
        uow.update("complaint_handoffs", handoff_id, changes)
        uow.update("complaints", complaint_id, {"updated_at": uow.now})
        timeline_line(
            uow,
            complaint_id,
            "handoff",
            note=cleaned,
            payload={"department": department, "status": wanted},
        )


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
        timeline_line(
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


def reveal(store: Store, settings: Settings, complaint_id: str) -> tuple[str, str]:
    """The customer's name and phone, shown on purpose (to call back); the look is logged
    under the signed-in person, and nobody else may look (R6.5). Only the roles in the
    `reveal_roles` setting may: anyone else is refused, and the refused try is recorded
    too (a guard asking for a customer's phone is worth knowing about)."""
    if store.actor is None:
        raise Invalid("reveal", "not_signed_in")
    with store.unit_of_work() as uow:
        row = _row(uow, complaint_id)
        found = uow.execute("SELECT role FROM staff WHERE id = ?", (store.actor,)).fetchone()
        role = str(found[0]) if found else ""
        allowed = role in settings.reveal_roles
        kind = "complaint.revealed" if allowed else "complaint.reveal_refused"
        uow.event(kind, "complaint", complaint_id, {} if allowed else {"role": role})
    if not allowed:
        raise Invalid("reveal", "reveal_role", role=role, roles=settings.reveal_roles)
    return str(row["customer_name"] or ""), str(row["customer_phone"] or "")
