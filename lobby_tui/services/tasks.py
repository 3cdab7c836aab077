"""Tasks: every problem found becomes one, and stays on the dashboard until resolved with a
note and a time. Faulty devices are tasks too: a device is out of service while its task is
open (R1.2). Every task has an owner and a due time (issue 20): `assign` gives both by the
rule of its kind (domain/tasks.RULES), and `open_task` refuses a task without them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row

from lobby_tui.domain.day import open_at
from lobby_tui.domain.devices import DeviceFault, channels_out, devices_out
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import (
    OWNER_FALLBACK_ROLE,
    RULES,
    Param,
    TaskText,
    in_language,
    named,
    owner_role,
    role_owner,
    task_due,
)
from lobby_tui.i18n import CATALOGS, language, t
from lobby_tui.store import Store, StoreError, UnitOfWork, iso, new_id, parse_iso

RESOLUTION_MAX = 500
NOTE_MAX = 500  # what is wrong with a device: as long as a checklist note (domain/checklist)


@dataclass(frozen=True)
class Task:
    id: str
    source: str  # what raised it: checklist, device, round, incident, arrival
    what: str  # the text as written when it was opened (older rows: the only text)
    owner: str | None
    due_at: datetime | None
    created_at: datetime
    device_key: str | None
    text: TaskText | None = None  # what it says, in any language (domain/tasks.py)
    owner_name: str | None = None  # the owner's name on the roster, when a person

    def overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now


def say(text: TaskText | None, fallback: str = "") -> str:
    """A task's text in the current language; `fallback` (its text as written) for an older
    row or a key this version does not know. A parameter the manager typed stays as typed."""
    if text is None or text.key not in CATALOGS["en"]:
        return fallback
    lang = language()
    params = {k: in_language(v, lang) for k, v in text.params.items()}
    key = (
        f"{text.key}.noted"
        if params.get("note") and f"{text.key}.noted" in CATALOGS["en"]
        else text.key
    )
    try:
        return t(key, **params)
    except (KeyError, IndexError, ValueError):  # parameters of another version
        return fallback


def task_text(task: Task) -> str:
    """What the task says, in the language of whoever reads it now."""
    return say(task.text, task.what)


def raised_by(task: Task) -> str:
    """What raised the task, in a word (the check, a round, …); nothing for a source this
    version has no word for."""
    key = f"tasks.source.{task.source}"
    return t(key) if key in CATALOGS["en"] else ""


def task_owner(task: Task) -> str:
    """Who answers for the task, as shown: the person's name, else the role's word (no one
    in that role on the roster), else the owner as an older version wrote it."""
    if task.owner_name:
        return task.owner_name
    role = owner_role(task.owner)
    if role is not None:
        key = f"staff.role.{role}"
        return t(key) if key in CATALOGS["en"] else role
    return task.owner or ""


def assign(uow: UnitOfWork, kind: str, settings: Settings) -> tuple[str, str]:
    """(owner, due time) of a new task of `kind` (domain/tasks.RULES), raised now.

    The owner is a staff id: the role's first active person by name, or the person signed
    in; with neither (no roster yet) the role itself, so no task is ever nobody's."""
    rule = RULES[kind]
    owner: str | None = None
    if rule.role is not None:
        row = uow.execute(
            "SELECT id FROM staff WHERE role = ? AND active = 1 ORDER BY name, id LIMIT 1",
            (rule.role,),
        ).fetchone()
        owner = str(row[0]) if row else None
    owner = owner or uow.actor or role_owner(rule.role or OWNER_FALLBACK_ROLE)
    return owner, iso(task_due(kind, parse_iso(uow.now), settings))


def device_name(task: Task) -> str:
    """The device a device task is about and what is wrong with it, in the current language
    (older rows: their text)."""
    item = task.text.params.get("item") if task.text else None
    if task.text is None or not item:
        return task.what
    lang = language()
    note = task.text.params.get("note")
    name = str(in_language(item, lang))
    return t("tasks.device_what", item=name, note=in_language(note, lang)) if note else name


def open_task(
    uow: UnitOfWork,
    *,
    shift_id: str | None,
    source: str,
    source_id: str | None,
    text: TaskText,
    due_at: str,
    owner: str,
    device_key: str | None = None,
    device_channel: str | None = None,
) -> str:
    """Inside the caller's transaction: the task is saved together with what caused it.
    Its text is kept as a key and parameters, and written out once in the language of
    the moment for anyone reading the file with other tools. No task without an owner and
    a due time (`assign` gives both)."""
    if not owner or not due_at:
        raise ValueError("a task needs an owner and a due time (services/tasks.assign)")
    task_id = new_id()
    row = {
        "id": task_id,
        "shift_id": shift_id,
        "source": source,
        "source_id": source_id,
        "device_key": device_key,
        "device_channel": device_channel,
        "what": say(text, text.key),
        "what_key": text.key,
        "what_params": text.params_json(),
        "owner": owner,
        "due_at": due_at,
        "status": "open",
        "created_at": uow.now,
    }
    uow.insert("tasks", row)
    uow.event("task.opened", "task", task_id, {k: v for k, v in row.items() if k != "id"})
    return task_id


def close_task(uow: UnitOfWork, task_id: str, note: str) -> None:
    uow.update(
        "tasks", task_id, {"status": "resolved", "resolved_at": uow.now, "resolution_note": note}
    )
    uow.event("task.resolved", "task", task_id, {"note": note})


def resolve_task(store: Store, task_id: str, note: str) -> None:
    """The manager closes a task: what was done is required (R1.2, R1.3)."""
    note = check_text(note, "note", RESOLUTION_MAX, key="note_too_long")
    if not note:
        raise Invalid("note", "resolution_missing")
    with store.unit_of_work() as uow:
        row = uow.execute("SELECT status FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise StoreError("task.not_found")
        if row[0] != "open":
            raise StoreError("task.already_resolved")
        close_task(uow, task_id, note)


COLUMNS = (
    "t.id, t.source, t.what, t.owner, t.due_at, t.created_at, t.device_key, t.what_key,"
    " t.what_params, s.name AS owner_name"
)
FROM = "tasks t LEFT JOIN staff s ON s.id = t.owner"


def open_tasks(store: Store) -> list[Task]:
    """Every open task, whatever raised it (the check, a device, a round, a fraud call-back,
    an appointment): the one list the dashboard counts and the Tasks tab shows."""
    rows = store.query(
        f"SELECT {COLUMNS} FROM {FROM} WHERE t.status = 'open' ORDER BY t.created_at"
    )
    return [_task(r) for r in rows]


def tasks_open_at(store: Store, cut: datetime) -> list[Task]:
    """The tasks open at `cut` (the end of a reported day): the report and the handover."""
    rows = store.query(
        f"SELECT {COLUMNS}, t.resolved_at FROM {FROM}"
        " WHERE t.resolved_at IS NULL OR t.resolved_at >= ? ORDER BY t.created_at",
        (iso(cut),),
    )
    return [
        _task(r)
        for r in rows
        if open_at(
            parse_iso(r["created_at"]),
            parse_iso(r["resolved_at"]) if r["resolved_at"] else None,
            cut,
        )
    ]


def _task(r: Row) -> Task:
    return Task(
        r["id"],
        r["source"],
        r["what"],
        r["owner"],
        parse_iso(r["due_at"]) if r["due_at"] else None,
        parse_iso(r["created_at"]),
        r["device_key"],
        TaskText.stored(r["what_key"], r["what_params"]),
        r["owner_name"],
    )


def report_device_fault(
    store: Store,
    settings: Settings,
    *,
    shift_id: str | None,
    device_key: str,
    channel: str | None,
    label: Mapping[str, str],
    note: str | Mapping[str, str] = "",
) -> tuple[str, bool]:
    """A device found faulty at any time of day: `label` names it in both languages, `note`
    says what is wrong — as typed (checked), or in both languages from the catalogs (the
    ticket printer's own fault). While its task is open, that one stands. Returns (task
    id, newly reported)."""
    params: dict[str, Param] = {"item": named(label)}
    if isinstance(note, str):
        typed = check_text(note, "fault-note", NOTE_MAX, key="note_too_long")
        if typed:
            params["note"] = typed
    else:
        params["note"] = named(note)
    with store.unit_of_work() as uow:
        existing = uow.execute(
            "SELECT id FROM tasks WHERE device_key = ? AND status = 'open' LIMIT 1",
            (device_key,),
        ).fetchone()
        if existing:
            return existing[0], False
        owner, due = assign(uow, "device", settings)
        task_id = open_task(
            uow,
            shift_id=shift_id,
            owner=owner,
            due_at=due,
            source="device",
            source_id=None,
            text=TaskText("task.device", params),
            device_key=device_key,
            device_channel=channel,
        )
    return task_id, True


def device_faults(store: Store, since: datetime) -> list[DeviceFault]:
    """Faults still open, or resolved after `since` (enough to answer for any time since)."""
    rows = store.query(
        "SELECT device_key, device_channel, created_at, resolved_at FROM tasks"
        " WHERE device_key IS NOT NULL AND (status = 'open' OR resolved_at >= ?)",
        (iso(since),),
    )
    return [
        DeviceFault(
            r["device_key"],
            r["device_channel"],
            parse_iso(r["created_at"]),
            parse_iso(r["resolved_at"]) if r["resolved_at"] else None,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class OutOfService:
    devices: dict[str, datetime]
    channels: dict[str, datetime]


def out_of_service(
    store: Store, devices_by_channel: dict[str, list[str]], at: datetime, day_start: datetime
) -> OutOfService:
    """Which devices and channels are out of service at `at` (triage asks this)."""
    faults = device_faults(store, day_start)
    return OutOfService(devices_out(faults, at), channels_out(devices_by_channel, faults, at))


# Care for older customers (适老化, issue 20) ------------------------------------------------

CARE_REQUESTS = ("accompany", "home_visit")  # walked through their business; a home visit


def request_care(
    store: Store, settings: Settings, *, shift_id: str | None, kind: str, note: str = ""
) -> str:
    """An older customer's request as a task with its owner and due time: accompanied
    service (the person signed in, now) or a home visit (the supervisor, within two days).
    The note says what is needed — a ticket, a time — not who: a name or an address stays
    in the bank's own customer record."""
    if kind not in CARE_REQUESTS:
        raise Invalid("care-kind", "care_kind_missing")
    note = check_text(note, "care-note", NOTE_MAX, key="note_too_long")
    with store.unit_of_work() as uow:
        owner, due = assign(uow, kind, settings)
        return open_task(
            uow,
            shift_id=shift_id,
            source="care",
            source_id=None,
            text=TaskText(f"task.care.{kind}", {"note": note} if note else {}),
            owner=owner,
            due_at=due,
        )
