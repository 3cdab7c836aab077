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
from lobby_tui.domain.settings import Settings

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


# Every task has an owner and a due time (issue 20) ------------------------------------------


@dataclass(frozen=True)
class TaskRule:
    """Who answers for a task of this kind and when it falls due.

    `role`: the roster role whose person owns it (the first active one by name); None, the
    person signed in. `due`: "opening" (before the doors open: a problem found at the
    check), "round" (put right before the next round is due), "closing" (today, before the
    doors close; after closing, tomorrow's), "minutes" (`minutes` after it was raised),
    "days" (at closing, `days` business days on)."""

    role: str | None
    due: str
    minutes: int = 0
    days: int = 0


RULES: dict[str, TaskRule] = {
    "checklist": TaskRule(None, "opening"),
    "device": TaskRule(None, "closing"),  # found in the day: repaired or called in by closing
    "round": TaskRule(None, "round"),
    # The fraud call-back: the same day, while the customer can still be stopped.
    "fraud_follow_up": TaskRule(None, "closing"),
    # A key customer's appointment arrived: the wealth manager greets them now.
    "appointment": TaskRule("wealth_manager", "minutes", minutes=5),
    # A VIP walked in: whoever their tier tells (services/vip.py) answers within 5 minutes;
    # a VIP appointment missed: the wealth manager calls them back today.
    "vip": TaskRule("wealth_manager", "minutes", minutes=5),
    "vip_no_show": TaskRule("wealth_manager", "closing"),
    # An incident that escalates (an AML concern, to compliance): the supervisor reports it
    # within the hour.
    "escalation": TaskRule("supervisor", "minutes", minutes=60),
    # Care for older customers (适老化): walked with at once; a home visit within two days.
    "accompany": TaskRule(None, "minutes", minutes=10),
    "home_visit": TaskRule("supervisor", "days", days=2),
}
OWNER_FALLBACK_ROLE = "lobby_manager"  # nobody signed in and nobody in the role: the floor's
ROLE_OWNER = "role:"  # an owner kept as a role, not a person ("role:supervisor")


def _closing_after(created: datetime, settings: Settings, days: int = 0) -> datetime:
    zone = settings.timezone
    day = business_day(created, zone)
    if created >= at_local(day, settings.closing_time, zone):
        day += timedelta(days=1)
    return at_local(day + timedelta(days=days), settings.closing_time, zone)


def task_due(kind: str, created: datetime, settings: Settings) -> datetime:
    """When a task of `kind` raised at `created` falls due (RULES)."""
    rule = RULES[kind]
    if rule.due == "opening":
        return due_by_opening(
            created, settings.opening_time, settings.closing_time, settings.timezone
        )
    if rule.due == "round":
        return created + timedelta(minutes=settings.round_interval_min)
    if rule.due == "minutes":
        return created + timedelta(minutes=rule.minutes)
    if rule.due == "closing":
        return _closing_after(created, settings)
    if rule.due == "days":
        return _closing_after(created, settings, rule.days)
    raise ValueError(f"no due rule {rule.due!r}")


def role_owner(role: str) -> str:
    return f"{ROLE_OWNER}{role}"


def owner_role(owner: str | None) -> str | None:
    """The role an owner names when no person could be named ("role:supervisor")."""
    return owner[len(ROLE_OWNER) :] if owner and owner.startswith(ROLE_OWNER) else None
