"""A complaint taken down (R4.1–R4.4): checked, numbered, saved with its first timeline
lines and its event in one commit; the form's draft goes in the same commit."""

from __future__ import annotations

import json

from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.complaints import (
    PROFILES,
    Intake,
    callback_due,
    check_intake,
    decision_due,
    status_at_intake,
)
from lobby_tui.domain.day import business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.services.complaints.lifecycle import timeline_line
from lobby_tui.services.drafts import drop_draft
from lobby_tui.store import (
    Store,
    iso,
    new_id,
)

NEW_DRAFT = "complaint:new"


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
            "referral_ref": checked.referral_ref or None,
            "referral_due_at": iso(checked.referral_due) if checked.referral_due else None,
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
                "actor": uow.actor,
            },
        )
        if checked.outcome == "on_spot":
            timeline_line(
                uow,
                complaint_id,
                "resolved",
                from_status="new",
                to_status="resolved",
                note=checked.action_taken,
            )
        elif checked.outcome == "escalated":
            timeline_line(
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
