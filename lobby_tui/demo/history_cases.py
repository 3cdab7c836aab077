"""The rest of a synthetic past day (`lobby demo --days`): the opening checklist and the tasks
it raised, complaints from intake to callback, enquiries, reminders, appointments and cash movements
(incidents: history_incidents.py). Nothing after `horizon` (the start of today)
happens: a case still running then is left open, as it would be in the branch."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from lobby_tui.demo.history_floor import Row, Walkin, new_uuid, pick
from lobby_tui.demo.history_text import COMPLAINTS, TEXT
from lobby_tui.domain.checklist import Template
from lobby_tui.domain.complaints import PROFILES, REFERRALS, decision_due
from lobby_tui.domain.day import at_local
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import OWNER_FALLBACK_ROLE, TaskText, checklist_problem, role_owner
from lobby_tui.services.tasks import say
from lobby_tui.store import iso

Rows = dict[str, list[Row]]


@dataclass(frozen=True)
class Day:
    """One past business day as the generators see it."""

    day: date
    settings: Settings
    lang: str
    shift_id: str
    manager: str
    horizon: datetime  # nothing synthetic happens from here on (the start of today)

    def at(self, clock: time) -> datetime:
        return at_local(self.day, clock, self.settings.timezone)

    @property
    def opened(self) -> datetime:
        return self.at(self.settings.opening_time)

    @property
    def closes(self) -> datetime:
        return self.at(self.settings.closing_time)

    def during_opening(self, rng: random.Random) -> datetime:
        seconds = (self.closes - self.opened).total_seconds()
        return self.opened + timedelta(seconds=round(rng.uniform(0, seconds)))

    def text(self, key: str) -> Any:
        return TEXT[self.lang][key]


def poisson(rng: random.Random, mean: float) -> int:
    """Events in a day at `mean` per day (Knuth's method: the means here are small)."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def task_row(
    rng: random.Random,
    rows: Rows,
    d: Day,
    *,
    source: str,
    source_id: str | None,
    text: TaskText,
    created: datetime,
    fixed_after: timedelta,
    fixed_note: str,
    due_at: datetime,
    device: tuple[str, str | None] | None = None,
) -> None:
    """A task as services/tasks.open_task writes it: with a due time and an owner (the
    history names no staff: the floor's role, as the rule does when nobody is signed in)."""
    resolved = created + fixed_after
    done = resolved < d.horizon
    rows["tasks"].append(
        {
            "id": new_uuid(rng),
            "shift_id": d.shift_id,
            "source": source,
            "source_id": source_id,
            "device_key": device[0] if device else None,
            "device_channel": device[1] if device else None,
            "what": say(text, text.key),  # as the app writes it (services/tasks.open_task)
            "what_key": text.key,
            "what_params": text.params_json(),
            "owner": role_owner(OWNER_FALLBACK_ROLE),
            "due_at": iso(due_at),
            "status": "resolved" if done else "open",
            "created_at": iso(created),
            "resolved_at": iso(resolved) if done else None,
            "resolution_note": fixed_note if done else None,
        }
    )


def write_checklist(rng: random.Random, d: Day, template: Template, rows: Rows) -> None:
    """Answered from 08:30, item by item, and signed off before opening (R1). A faulty
    device is fixed within hours; a shortage is restocked within a day."""
    run_id = new_uuid(rng)
    at = d.at(time(8, 30))
    rows["checklist_runs"].append(
        {
            "id": run_id,
            "shift_id": d.shift_id,
            "business_day": d.day.isoformat(),
            "template_key": template.key,
            "template_version": template.version,
            "started_at": iso(at),
            "items_total": len(template.items()),
            "signed_off_at": None,  # set below, once every answer is in
            "signed_off_by": d.manager,
        }
    )
    for section in template.section:
        for item in section.item:
            at += timedelta(seconds=rng.randint(25, 60))
            answer, count, note = "ok", None, None
            if item.kind == "count":
                assert item.minimum is not None
                count = item.minimum + rng.randint(5, 60)
                if rng.random() < 0.04:
                    answer, count, note = "problem", rng.randint(0, item.minimum - 1), "count"
            elif item.kind in ("device", "check") and rng.random() < (
                0.015 if item.kind == "device" else 0.01
            ):
                answer, note = "problem", item.kind
            elif not item.required and rng.random() < 0.1:
                answer = "na"
            answer_id = new_uuid(rng)
            label = item.label.text(d.lang)
            written = d.text(f"{note}_problem") if note else None
            rows["checklist_answers"].append(
                {
                    "id": answer_id,
                    "run_id": run_id,
                    "item_key": item.key,
                    "section": section.key,
                    "label": label,
                    "answer": answer,
                    "count": count,
                    "minimum": item.minimum,
                    "note": written,
                    "answered_at": iso(at),
                }
            )
            if answer == "problem":
                hours = rng.uniform(1, 5) if item.kind == "device" else rng.uniform(1, 24)
                task_row(
                    rng,
                    rows,
                    d,
                    source="checklist",
                    source_id=answer_id,
                    # The note in both languages: the task reads whole in either.
                    text=checklist_problem(
                        item.kind,
                        item.label.model_dump(),
                        count,
                        item.minimum,
                        {lang: TEXT[lang][f"{note}_problem"] for lang in ("zh", "en")},
                    ),  # fmt: skip
                    created=at,
                    fixed_after=timedelta(hours=hours),
                    fixed_note=d.text(f"{note}_fixed"),
                    due_at=d.opened,
                    device=(item.key, item.channel) if item.kind == "device" else None,
                )
    rows["checklist_runs"][-1]["signed_off_at"] = iso(at + timedelta(minutes=rng.randint(1, 3)))


@dataclass
class _Case:
    """A complaint's state as its timeline is played up to the horizon."""

    row: Row
    updates: list[Row]


CATEGORIES = (
    ("waiting", 30),
    ("attitude", 15),
    ("fees", 15),
    ("error", 12),
    ("device", 12),
    ("product", 8),
    ("other", 8),
)
# The ids of data/complaints.toml, so the synthetic past is labelled like real entries.
CATEGORY_IDS = {
    "waiting": "waiting_time",
    "attitude": "staff_attitude",
    "error": "transaction_error",
    "device": "device_fault",
}
# Why each kind of case happened, found at closing (no draw of its own: the history stays
# the same day for day).
ROOT_CAUSES = {
    "waiting": "process",
    "attitude": "staff_conduct",
    "fees": "pricing",
    "error": "staff_conduct",
    "device": "systems",
    "product": "sales_practice",
}
RESPONSIBILITIES = ("counter", "back_office", "it", "third_party", "misunderstanding", "unknown")
DEPARTMENTS = ("operations", "cards", "wealth", "it", "compliance", "consumer_protection")
EMPATHY = ("listened", "acknowledged", "apologised")


def write_complaints(
    rng: random.Random, d: Day, walkins: Sequence[Walkin], mean: float, rows: Rows
) -> int:
    """Complaints of the day, each played from intake to callback as far as the horizon:
    some solved on the spot, others escalated with departments, an owner and a promised
    date (now and then extended, now and then late), then called back (R4)."""
    count = poisson(rng, mean)
    for n in range(1, count + 1):
        category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        case = _complaint(rng, d, n, category, walkins)
        rows["complaints"].append(case.row)
        rows["complaint_updates"].extend(case.updates)
    return count


def _complaint(
    rng: random.Random, d: Day, n: int, category: str, walkins: Sequence[Walkin]
) -> _Case:
    subject, description, wants, on_spot, progress, resolution = COMPLAINTS[d.lang][category]
    received = d.during_opening(rng)
    profile = PROFILES[d.settings.complaint_profile]
    waited = [w for w in walkins if w.at < received and (w.called_at or w.left_at)]
    arrival = max(waited, key=lambda w: (w.called_at or w.left_at or w.at) - w.at, default=None)
    complaint_id = new_uuid(rng)
    row: Row = {
        "id": complaint_id,
        "case_no": f"C{d.day:%Y%m%d}-{n:02d}",
        "shift_id": d.shift_id,
        "business_day": d.day.isoformat(),
        "received_at": iso(received),
        "received_via": rng.choices(("in_person", "phone", "letter"), (75, 20, 5))[0],
        "customer_name": pick(rng, d.text("customers")),
        "customer_phone": f"13{rng.randint(0, 999_999_999):09d}",
        "category": CATEGORY_IDS.get(category, category),
        "severity": rng.choices(("low", "medium", "high", "critical"), (40, 40, 17, 3))[0],
        "responsibility": rng.choice(RESPONSIBILITIES),
        "subject": subject,
        "description": description,
        "wants": wants,
        "arrival_id": arrival.id if arrival and category == "waiting" else None,
        "incident_id": None,
        "status": "new",
        "owner": None,
        "profile": profile.key,
        "empathy": json.dumps(list(EMPATHY[: rng.randint(2, 3)])),
        "decision_due_at": iso(decision_due(profile, received)),
        "promised_by": None,
        "outcome": None,
        "action_taken": None,
        "departments": None,
        "contact_given": None,
        "extended_by": None,
        "extension_reason": None,
        "resolved_at": None,
        "callback_due_at": None,
        "callback_at": None,
        "callback_reached": None,
        "callback_solved": None,
        "satisfaction": None,
        "closed_at": None,
        "root_cause": None,
        "referral_ref": None,
        "referral_due_at": None,
        "created_at": iso(received),
        "updated_at": iso(received),
    }
    _referral(random.Random(complaint_id), d, row, received)
    case = _Case(row, [])

    def update(at: datetime, kind: str, to: str | None, note: str | None, **changes: Any) -> bool:
        """One step of the case, if it happened before the horizon; returns whether it did."""
        if at >= d.horizon:
            return False
        before = row["status"]
        payload = changes.pop("payload", None)
        row.update(changes, updated_at=iso(at))
        if to:
            row["status"] = to
        case.updates.append(
            {
                "id": new_uuid(rng),
                "complaint_id": complaint_id,
                "at": iso(at),
                "recorded_at": iso(at),
                "kind": kind,
                "from_status": before if to else None,
                "to_status": to,
                "note": note,
                "payload": None if payload is None else json.dumps(payload),
            }
        )
        return True

    update(received, "received", None, None)
    if row["received_via"] == "letter":  # read the next morning: new until then
        received = d.at(d.settings.opening_time) + timedelta(days=1, minutes=30)
    if row["received_via"] == "in_person" and rng.random() < 0.6:  # on the spot (R4.4)
        solved = received + timedelta(minutes=rng.randint(10, 40))
        if not update(
            solved, "status", "resolved", on_spot, outcome="on_spot", action_taken=on_spot
        ):
            return case
        row["resolved_at"] = iso(solved)
        happy = (2, 5, 15, 38, 40)
    else:  # escalated: departments, an owner, a promised date (R4.4, R4.5)
        promised = at_local(
            (received + timedelta(days=rng.randint(2, 10))).astimezone(d.settings.timezone).date(),
            d.settings.closing_time,
            d.settings.timezone,
        )
        escalated = received + timedelta(minutes=rng.randint(15, 45))
        if not update(
            escalated,
            "escalated",
            "in_progress",
            progress,
            outcome="escalated",
            departments=json.dumps(rng.sample(DEPARTMENTS, rng.randint(1, 2))),
            owner=pick(rng, d.text("owners")),
            contact_given=d.text("contact"),
            promised_by=iso(promised),
        ):
            return case
        if profile.extensions and rng.random() < 0.08:
            update(
                escalated + timedelta(days=rng.randint(5, 12)),
                "extended",
                None,
                d.text("extension"),
                extended_by=d.text("managers")[1],
                extension_reason=d.text("extension"),
                decision_due_at=iso(decision_due(profile, received, extensions=1)),
            )
        days = rng.lognormvariate(1.8, 0.7)  # a median of six days, now and then weeks
        solved = escalated + timedelta(days=days)
        if not update(solved, "status", "resolved", resolution):
            return case  # still running at the horizon: open, perhaps overdue
        row["resolved_at"] = iso(solved)
        happy = (5, 10, 20, 35, 30)
    due = solved + timedelta(days=d.settings.callback_days)
    row["callback_due_at"] = iso(due)
    _callbacks(rng, d, update, due, happy, ROOT_CAUSES.get(category, "other"))
    return case


REFERRED_SHARE = 0.35  # of complaints not made in person: sent on by the regulator


def _referral(side: random.Random, d: Day, row: Row, received: datetime) -> None:
    """Now and then a complaint the regulator referred (12378, or a local NFRA office's
    letter), with its reference and its own reply deadline, 10 to 15 days on: later than any
    promise the history makes (at most 10 days), within the regulator's limit. Drawn from
    the case's own generator, so the rest of the history stays as it was."""
    if row["received_via"] == "in_person" or side.random() >= REFERRED_SHARE:
        return
    via = side.choice(REFERRALS)
    row["received_via"] = via
    prefix = "12378" if via == "nfra_12378" else "SH"
    row["referral_ref"] = f"{prefix}-{d.day:%Y}-{side.randint(100, 9999):04d}"
    due = (received + timedelta(days=side.randint(10, 15))).astimezone(d.settings.timezone)
    row["referral_due_at"] = iso(at_local(due.date(), d.settings.closing_time, d.settings.timezone))


def _callbacks(
    rng: random.Random, d: Day, update: Any, due: datetime, happy: tuple[int, ...], cause: str
) -> None:
    """Call the customer back after resolution; a second try when not reached (R4.6)."""
    zone = d.settings.timezone
    for attempt in range(2):
        day = (due + timedelta(days=attempt)).astimezone(zone).date()
        opened = at_local(day, d.settings.opening_time, zone)
        at = opened + timedelta(minutes=rng.randint(30, 400))
        reached = rng.random() < 0.85
        satisfaction = rng.choices((1, 2, 3, 4, 5), happy)[0] if reached else None
        solved = reached and satisfaction is not None and satisfaction >= 3
        payload = {"reached": reached, "solved": solved, "satisfaction": satisfaction}
        done = update(
            at,
            "callback",
            "callback_done" if reached else None,
            None,
            payload=payload,
            callback_at=iso(at),
            callback_reached=int(reached),
            callback_solved=int(solved) if reached else None,
            satisfaction=satisfaction,
        )
        if not done:
            return
        if reached:
            closed = at + timedelta(days=rng.randint(0, 2), minutes=30)
            if rng.random() < 0.8:
                update(closed, "status", "closed", None, closed_at=iso(closed), root_cause=cause)
            return


ENQUIRY_TOPICS = (
    ("rates", 20),
    ("fees", 12),
    ("documents", 18),
    ("hours", 8),
    ("products", 14),
    ("mobile_banking", 14),
    ("cards", 8),
    ("other", 6),
)


def write_floor_notes(
    rng: random.Random, d: Day, walkins: Sequence[Walkin], scale: float, rows: Rows
) -> None:
    """Questions answered on the floor (R4.2), reminders given (R5.1, R5.4), the day's
    appointments (R1.6) met by wealth customers, and a payroll cash movement now and then."""
    topics = [t for t, _ in ENQUIRY_TOPICS]
    weights = [w for _, w in ENQUIRY_TOPICS]
    for _ in range(poisson(rng, 10 * scale)):
        rows["enquiries"].append(
            {
                "id": new_uuid(rng),
                "shift_id": d.shift_id,
                "business_day": d.day.isoformat(),
                "at": iso(d.during_opening(rng)),
                "topic": rng.choices(topics, weights)[0],
                "complaint_id": None,
            }
        )
    for kind, mean in (("belongings", 5 * scale), ("pin", 3 * scale)):
        for _ in range(poisson(rng, mean)):
            rows["reminders"].append(
                {
                    "id": new_uuid(rng),
                    "shift_id": d.shift_id,
                    "business_day": d.day.isoformat(),
                    "kind": kind,
                    "at": iso(d.during_opening(rng)),
                }
            )
    wealth = [w for w in walkins if w.channel == "wealth"]
    for w in rng.sample(wealth, min(len(wealth), rng.randint(0, 2))):
        due = w.at.replace(minute=w.at.minute - w.at.minute % 15, second=0)
        appointment_id = new_uuid(rng)
        rows["appointments"].append(
            {
                "id": appointment_id,
                "business_day": d.day.isoformat(),
                "due_at": iso(due),
                "purpose": pick(rng, d.text("purposes")),
                "vip": int(rng.random() < 0.5),
                "who": pick(rng, d.text("who")),
                "arrival_id": w.id,
                "created_at": iso(d.at(time(8, 40))),
            }
        )
        arrival = next(r for r in rows["arrivals"] if r["id"] == w.id)
        arrival["appointment_id"] = appointment_id
    if d.day.weekday() < 5 and rng.random() < 0.25:
        rows["cash_movements"].append(
            {
                "id": new_uuid(rng),
                "business_day": d.day.isoformat(),
                "due_at": iso(d.at(time(10, 30))),
                "amount": rng.randrange(200_000, 900_000, 10_000),
                "note": d.text("payroll"),
                "created_at": iso(d.at(time(8, 45))),
            }
        )
