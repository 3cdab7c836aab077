"""A day bundle (issue 18, R6.6): what of a branch's day leaves the tablet for head office, and
the checks head office makes before it believes one. Pure: the files are written and read in
services/bundle.py.

The columns are an ALLOW-LIST, kept here and nowhere else: ids, foreign ids, keys, statuses,
instants and the numbers the figures need. Personal fields (domain/privacy.PERSONAL), names
(a manager's, an approver's, an owner's) and free text (notes, descriptions, scripts,
labels, payloads) are never listed, so a column added to the schema tomorrow stays on the
tablet until someone lists it here on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

FORMAT = "lobby-bundle/1"
MANIFEST = "manifest.json"
TABLET_SETTING = "tablet_id"
BRANCH_SETTING = "branch_id"
# Goes into a folder name and head office's keys: letters, digits, '-' and '_'.
BRANCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


class BundleRefused(Exception):
    """A bundle head office must not take, and why: `reason_key` is an i18n key under
    `bundle.refused.` and `params` fill it in."""

    def __init__(self, reason_key: str, **params: object) -> None:
        super().__init__(f"{reason_key}: {params}" if params else reason_key)
        self.reason_key = reason_key
        self.params = params


@dataclass(frozen=True)
class Column:
    """A column as written: its name in the bundle and the SQL that reads it from the row
    (the column itself, or a number taken out of a JSON payload that never leaves)."""

    name: str
    sql: str


def _cols(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, n) for n in names)


# Day tables: the rows of the business day (how each is placed in the day: services/bundle.py).
DAY_TABLES: dict[str, tuple[Column, ...]] = {
    "shifts": _cols("id", "business_day", "opened_at", "closed_at", "accepted_at"),
    "checklist_runs": _cols(
        "id",
        "shift_id",
        "business_day",
        "template_key",
        "template_version",
        "started_at",
        "items_total",
        "signed_off_at",
    ),  # fmt: skip
    "checklist_answers": _cols(
        "id", "run_id", "item_key", "section", "answer", "count", "minimum", "answered_at"
    ),
    "tasks": _cols(
        "id",
        "shift_id",
        "source",
        "source_id",
        "device_key",
        "device_channel",
        "what_key",
        "status",
        "due_at",
        "created_at",
        "resolved_at",
    ),  # fmt: skip
    # Not the flags or cues (age, disability, what the manager noticed about the person), not
    # the note, the script told, or the reasons typed for a move.
    "arrivals": _cols(
        "id",
        "shift_id",
        "business_day",
        "ticket",
        "arrived_at",
        "need",
        "channel",
        "suggested_channel",
        "moved_from",
        "priority",
        "party_size",
        "status",
        "quoted_wait_min",
        "quoted_band",
        "called_at",
        "done_at",
        "left_at",
        "triage_seconds",
        "appointment_id",
    ),  # fmt: skip
    "rounds": _cols(
        "id", "shift_id", "business_day", "due_at", "started_at", "completed_at", "crowding"
    ),
    "care_actions": _cols(
        "id", "round_id", "arrival_id", "kind", "at", "product", "consent", "asked"
    ),
    "appointments": _cols("id", "business_day", "due_at", "vip", "arrival_id", "created_at"),
    "cash_movements": _cols("id", "business_day", "due_at", "amount", "created_at"),
    "counter_plans": _cols("id", "business_day", "channel", "counters", "at"),
    "enquiries": _cols("id", "shift_id", "business_day", "at", "topic", "complaint_id"),
    "reminders": _cols("id", "shift_id", "business_day", "kind", "at"),
}

# Case tables: every case received on the day or touched on it, as it stands when bundled,
# with its whole timeline (head office keeps, per id, the row of the newest bundle).
CASE_TABLES: dict[str, tuple[Column, ...]] = {
    "complaints": _cols(
        "id",
        "case_no",
        "shift_id",
        "business_day",
        "received_at",
        "received_via",
        "category",
        "severity",
        "responsibility",
        "arrival_id",
        "incident_id",
        "status",
        "profile",
        "outcome",
        "decision_due_at",
        "promised_by",
        "resolved_at",
        "callback_due_at",
        "callback_at",
        "callback_reached",
        "callback_solved",
        "satisfaction",
        "closed_at",
        "created_at",
        "updated_at",
        # A regulator's referral's reply deadline: a deadline the figures judge (the day's
        # overdue); its reference stays on the tablet. Last, so an older warehouse adds it
        # where its tables already end (warehouse.missing_columns).
        "referral_due_at",
    ),  # fmt: skip
    # A callback's answers live in its payload: the two numbers the figures count are taken
    # out of it (R4.6), read as the report reads them (services/report._callbacks): reached
    # only when it says true, a satisfaction only when it is a whole number. The payload
    # itself stays.
    "complaint_updates": (
        *_cols("id", "complaint_id", "at", "recorded_at", "kind", "from_status", "to_status"),
        Column(
            "reached",
            "CASE WHEN json_valid(payload) THEN"
            " (CASE json_type(payload, '$.reached') WHEN 'true' THEN 1 ELSE 0 END) END",
        ),
        Column(
            "satisfaction",
            "CASE WHEN json_valid(payload) AND json_type(payload, '$.satisfaction') = 'integer'"
            " THEN json_extract(payload, '$.satisfaction') END",
        ),
    ),
    "incidents": _cols(
        "id",
        "shift_id",
        "business_day",
        "raised_at",
        "type",
        "zone",
        "severity",
        "status",
        "resolved_at",
    ),  # fmt: skip
    "incident_updates": _cols("id", "incident_id", "at", "recorded_at", "kind", "party", "step"),
}

# The journal without its payloads: enough for head office to check every link.
EVENTS: tuple[Column, ...] = _cols(
    "seq", "id", "at", "kind", "entity", "entity_id", "prev_hash", "hash"
)

ALLOWED: dict[str, tuple[Column, ...]] = {**DAY_TABLES, **CASE_TABLES, "events": EVENTS}


def folder_name(branch_id: str, day: date, tablet_id: str) -> str:
    return f"lobby-{branch_id}-{day.isoformat()}-{tablet_id[:8]}"


def branch_id_problem(value: object) -> str | None:
    """Why a branch id cannot be used (an i18n key under `bundle.`), or None."""
    if value is None or value == "":
        return "no_branch"
    if not isinstance(value, str) or not BRANCH_ID.match(value):
        return "bad_branch"
    return None


def open_day_reason(day: date, today: date, shifts_open: int, shifts_closed: int) -> str | None:
    """Why a day cannot be bundled yet (an i18n key under `bundle.`), or None when it is
    closed: a day before today in the branch's zone, or today once the day's last handover
    is done (no shift of the day left open)."""
    if day > today:
        return "future_day"
    if day < today:
        return None
    if shifts_open or not shifts_closed:
        return "day_open"
    return None


@dataclass(frozen=True)
class Chain:
    head: str | None
    """The hash of the journal's last event at or before the day's end (None: no event yet)."""
    first_prev: str | None
    """The prev_hash of the day's first event (None: the day has none)."""
    events: int


@dataclass(frozen=True)
class TableEntry:
    rows: int
    sha256: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    branch_id: str
    branch_name: Mapping[str, str]
    tablet_id: str
    business_day: date
    zone: str
    schema_version: int
    app_version: str
    created_at: str
    settings: Mapping[str, Any]
    chain: Chain
    tables: Mapping[str, TableEntry]
    format: str = FORMAT

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "branch_id": self.branch_id,
            "branch_name": dict(self.branch_name),
            "tablet_id": self.tablet_id,
            "business_day": self.business_day.isoformat(),
            "zone": self.zone,
            "schema_version": self.schema_version,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "settings": dict(self.settings),
            "chain": {
                "head": self.chain.head,
                "first_prev": self.chain.first_prev,
                "events": self.chain.events,
            },
            "tables": {
                name: {"rows": e.rows, "sha256": e.sha256, "columns": list(e.columns)}
                for name, e in self.tables.items()
            },
        }


def manifest_from_json(data: object) -> Manifest:
    """The manifest as written by `Manifest.to_json`; anything else is refused."""
    if not isinstance(data, dict):
        raise BundleRefused("bad_manifest", detail="not an object")
    if data.get("format") != FORMAT:
        raise BundleRefused("unknown_format", found=str(data.get("format")))
    try:
        chain = data["chain"]
        tables = {
            str(name): TableEntry(
                _int(entry["rows"]), str(entry["sha256"]), tuple(str(c) for c in entry["columns"])
            )
            for name, entry in dict(data["tables"]).items()
        }
        return Manifest(
            branch_id=str(data["branch_id"]),
            branch_name={str(k): str(v) for k, v in dict(data["branch_name"]).items()},
            tablet_id=str(data["tablet_id"]),
            business_day=date.fromisoformat(str(data["business_day"])),
            zone=str(data["zone"]),
            schema_version=_int(data["schema_version"]),
            app_version=str(data["app_version"]),
            created_at=str(data["created_at"]),
            settings=dict(data["settings"]),
            chain=Chain(
                None if chain["head"] is None else str(chain["head"]),
                None if chain["first_prev"] is None else str(chain["first_prev"]),
                _int(chain["events"]),
            ),
            tables=tables,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleRefused("bad_manifest", detail=str(exc)) from exc


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"expected a count, got {value!r}")
    return value


def chain_problem(
    events: Sequence[tuple[int, str, str]], chain: Chain
) -> tuple[str, dict[str, object]] | None:
    """Whether the day's events (seq, prev_hash, hash), in seq order, link up and end at the
    manifest's head: each prev_hash is the hash before it, the first is `first_prev`, the
    last hash is `head`. Returns the reason key and its parameters, or None."""
    if len(events) != chain.events:
        return "chain_count", {"found": len(events), "expected": chain.events}
    if not events:
        return None if chain.first_prev is None else ("chain_first", {"seq": "-"})
    if events[0][1] != chain.first_prev:
        return "chain_first", {"seq": events[0][0]}
    for (seq_before, _p, hash_before), (seq, prev, _h) in zip(events, events[1:], strict=False):
        if seq != seq_before + 1 or prev != hash_before:
            return "chain_link", {"seq": seq}
    if events[-1][2] != chain.head:
        return "chain_head", {"seq": events[-1][0]}
    return None
