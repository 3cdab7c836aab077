"""Tasks: what a task says and when it falls due.

A task's text is kept as a catalog key and its parameters, not as a sentence: it is then
read in the language of whoever reads it, today or at next week's handover. A parameter is
a number, what the manager typed (kept as typed), or a name from the branch's catalogues in
both languages ({"zh": …, "en": …}), picked when shown."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from lobby_tui.domain.day import at_local, business_day

Param = str | int | float | dict[str, str]


@dataclass(frozen=True)
class TaskText:
    key: str  # a catalog key: task.checklist.shortage, task.device, …
    params: Mapping[str, Param] = field(default_factory=dict)

    def params_json(self) -> str:
        return json.dumps(dict(self.params), ensure_ascii=False, sort_keys=True)

    @staticmethod
    def stored(key: str | None, params: str | None) -> TaskText | None:
        """As kept in the tasks table; None for an older row (its `what` is shown)."""
        if not key:
            return None
        try:
            loaded = json.loads(params or "{}")
        except ValueError:
            return None
        return TaskText(key, loaded) if isinstance(loaded, dict) else None


def named(label: Mapping[str, str]) -> dict[str, str]:
    """A catalogue name in both languages, as a parameter."""
    return {"zh": label["zh"], "en": label["en"]}


def in_language(value: Param, lang: str) -> str | int | float:
    """A parameter as shown in `lang`: a name in that language (else any it has)."""
    if isinstance(value, dict):
        return value.get(lang) or next(iter(value.values()), "")
    return value


def due_by_opening(created: datetime, opening: time, closing: time, zone: ZoneInfo) -> datetime:
    """When a problem found at the check must be put right: before the doors open. Found
    before closing, that is the day's opening (found during the day, it is already late:
    it shows as overdue at once); found after closing, the doors next open tomorrow, so it
    is due at tomorrow's opening (the calendar has no holidays: the next day it is)."""
    day = business_day(created, zone)
    if created >= at_local(day, closing, zone):
        day += timedelta(days=1)
    return at_local(day, opening, zone)


def checklist_problem(
    kind: str,
    label: Mapping[str, str],
    count: int | None,
    minimum: int | None,
    note: str | dict[str, str] | None,
) -> TaskText:
    """What to do about an item answered "problem" at the check (R1.2, R1.3): a shortage
    says how many are left and the minimum; a device, which one and what is wrong."""
    params: dict[str, Param] = {"item": named(label)}
    if note:
        params["note"] = note
    if kind == "count" and count is not None and minimum is not None:
        return TaskText("task.checklist.shortage", {**params, "count": count, "minimum": minimum})
    if kind == "device":
        return TaskText("task.device", params)
    return TaskText("task.checklist.problem", params)
