"""Answering the opening checklist, and signing it off (R1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.domain.checklist import (
    Answer,
    Given,
    Item,
    Template,
    check_answer,
    missing_for_sign_off,
)
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import checklist_problem
from lobby_tui.services.forecast import record_weather, weather_on
from lobby_tui.services.tasks import assign, close_task, open_task, say
from lobby_tui.store import Store, UnitOfWork, new_id, parse_iso

NAME_MAX = 40


@dataclass(frozen=True)
class Run:
    id: str
    template_version: int
    started_at: datetime
    signed_off_at: datetime | None
    signed_off_by: str | None


@dataclass(frozen=True)
class Checklist:
    run: Run | None
    given: dict[str, Given]
    weather: str | None = None  # the weather picked today (the forecast's effect)


def today(store: Store, day: date) -> Checklist:
    row = store.query_one(
        "SELECT id, template_version, started_at, signed_off_at, signed_off_by"
        " FROM checklist_runs WHERE business_day = ? ORDER BY started_at DESC LIMIT 1",
        (day.isoformat(),),
    )
    weather = weather_on(store, day)
    if row is None:
        return Checklist(None, {}, weather)
    run = Run(row[0], row[1], parse_iso(row[2]), parse_iso(row[3]) if row[3] else None, row[4])
    given = {
        r["item_key"]: Given(r["item_key"], Answer(r["answer"]), r["count"], r["note"])
        for r in store.query(
            "SELECT item_key, answer, count, note FROM checklist_answers WHERE run_id = ?",
            (run.id,),
        )
    }
    return Checklist(run, given, weather)


def _ensure_run(uow: UnitOfWork, day: date, shift_id: str | None, template: Template) -> str:
    row = uow.execute(
        "SELECT id FROM checklist_runs WHERE business_day = ? ORDER BY started_at DESC LIMIT 1",
        (day.isoformat(),),
    ).fetchone()
    if row:
        return str(row[0])
    run_id = new_id()
    uow.insert(
        "checklist_runs",
        {
            "id": run_id,
            "shift_id": shift_id,
            "business_day": day.isoformat(),
            "template_key": template.key,
            "template_version": template.version,
            "started_at": uow.now,
            "items_total": len(template.items()),
        },
    )
    uow.event(
        "checklist.started",
        "checklist_run",
        run_id,
        {"business_day": day.isoformat(), "template": template.key, "version": template.version},
    )
    return run_id


def answer_item(
    store: Store,
    settings: Settings,
    *,
    day: date,
    shift_id: str | None,
    template: Template,
    item: Item,
    label: str,
    answer: Answer | None,
    count: int | None = None,
    note: str | None = None,
    recheck_note: str = "",
    choice: str | None = None,
) -> Given:
    """Record one answer. A problem or shortage opens a task (a device goes out of service);
    answering OK or N/A afterwards closes that task with `recheck_note`. `choice`: one of the
    item's choices picked (the weather, kept for the forecast in the same transaction)."""
    note = (note or "").strip() or None
    final = check_answer(item, answer, count, note)
    if choice is not None and choice not in {c.key for c in item.choice}:
        raise Invalid("answer", "weather_unknown")
    with store.unit_of_work() as uow:
        run_id = _ensure_run(uow, day, shift_id, template)
        if choice is not None:
            record_weather(uow, day, choice)
        row = uow.execute(
            "SELECT id FROM checklist_answers WHERE run_id = ? AND item_key = ?",
            (run_id, item.key),
        ).fetchone()
        kept_count = count if item.kind == "count" else None
        values = {
            "section": next(s.key for s in template.section if item in s.item),
            "label": label,
            "answer": final.value,
            "count": kept_count,
            "minimum": item.minimum,
            "note": note,
            "answered_at": uow.now,
        }
        if row:
            answer_id = str(row[0])
            uow.update("checklist_answers", answer_id, values)
        else:
            answer_id = new_id()
            uow.insert(
                "checklist_answers",
                {"id": answer_id, "run_id": run_id, "item_key": item.key, **values},
            )
        uow.event(
            "checklist.answered",
            "checklist_answer",
            answer_id,
            {"run_id": run_id, "item_key": item.key, **values},
        )
        task = uow.execute(
            "SELECT id FROM tasks WHERE source = 'checklist' AND source_id = ? AND status = 'open'",
            (answer_id,),
        ).fetchone()
        text = checklist_problem(item.kind, item.label.model_dump(), kept_count, item.minimum, note)
        if final == Answer.PROBLEM:
            if task:
                changed = {
                    "what": say(text, label),
                    "what_key": text.key,
                    "what_params": text.params_json(),
                }
                uow.update("tasks", task[0], changed)
                uow.event("task.changed", "task", task[0], changed)
            else:
                # Due before the doors open: today's, or tomorrow's if found after closing;
                # owned by whoever is doing the check.
                owner, due = assign(uow, "checklist", settings)
                open_task(
                    uow,
                    shift_id=shift_id,
                    source="checklist",
                    source_id=answer_id,
                    text=text,
                    owner=owner,
                    due_at=due,
                    device_key=item.key if item.kind == "device" else None,
                    device_channel=item.channel,
                )
        elif task:
            close_task(uow, task[0], recheck_note)
    return Given(item.key, final, kept_count, note)


def sign_off(store: Store, *, day: date, template: Template, name: str) -> None:
    """The manager signs the checklist off once every required item has an answer."""
    name = check_text(name, "name", NAME_MAX, key="name_too_long")
    if not name:
        raise Invalid("name", "name_missing")
    state = today(store, day)
    missing = missing_for_sign_off(template, state.given)
    if state.run is None or missing:
        count = len(missing) if state.run else len(template.items())
        raise Invalid("sign_off", "sign_off_missing", count=count)
    if state.run.signed_off_at is not None:
        raise Invalid("sign_off", "already_signed", name=state.run.signed_off_by or "")
    with store.unit_of_work() as uow:
        uow.update(
            "checklist_runs", state.run.id, {"signed_off_at": uow.now, "signed_off_by": name}
        )
        uow.event("checklist.signed_off", "checklist_run", state.run.id, {"by": name})
