"""Tasks: every problem found becomes one, and stays on the dashboard until resolved with a
note and a time. Faulty devices are tasks too: a device is out of service while its task is
open (R1.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row

from lobby_tui.domain.day import open_at
from lobby_tui.domain.devices import DeviceFault, channels_out, devices_out
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.tasks import Param, TaskText, in_language, named
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
    due_at: str | None = None,
    owner: str | None = None,
    device_key: str | None = None,
    device_channel: str | None = None,
) -> str:
    """Inside the caller's transaction: the task is saved together with what caused it.
    Its text is kept as a key and parameters, and written out once in the language of
    the moment for anyone reading the file with other tools."""
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


COLUMNS = "id, source, what, owner, due_at, created_at, device_key, what_key, what_params"


def open_tasks(store: Store) -> list[Task]:
    """Every open task, whatever raised it (the check, a device, a round, a fraud call-back,
    an appointment): the one list the dashboard counts and the Tasks tab shows."""
    rows = store.query(f"SELECT {COLUMNS} FROM tasks WHERE status = 'open' ORDER BY created_at")
    return [_task(r) for r in rows]


def tasks_open_at(store: Store, cut: datetime) -> list[Task]:
    """The tasks open at `cut` (the end of a reported day): the report and the handover."""
    rows = store.query(
        f"SELECT {COLUMNS}, resolved_at FROM tasks"
        " WHERE resolved_at IS NULL OR resolved_at >= ? ORDER BY created_at",
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
    )


def report_device_fault(
    store: Store,
    *,
    shift_id: str | None,
    device_key: str,
    channel: str | None,
    label: Mapping[str, str],
    note: str = "",
) -> tuple[str, bool]:
    """A device found faulty at any time of day: `label` names it in both languages, `note`
    says what is wrong. Returns (task id, newly reported)."""
    note = check_text(note, "fault-note", NOTE_MAX, key="note_too_long")
    params: dict[str, Param] = {"item": named(label)}
    if note:
        params["note"] = note
    with store.unit_of_work() as uow:
        existing = uow.execute(
            "SELECT id FROM tasks WHERE device_key = ? AND status = 'open' LIMIT 1",
            (device_key,),
        ).fetchone()
        if existing:
            return existing[0], False
        task_id = open_task(
            uow,
            shift_id=shift_id,
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
