"""VIP customers and key appointments on the floor (issue 31.3, R1.6, R2.5, R2.6): the
wealth manager on duty is told when one arrives, and follows up one who did not come.

Told = a line of their own: a task owned by them, on every session's task list with their
name, due in 5 minutes; unanswered by then it is overdue (red) there and at the handover.
A task and not a message of its own, so it is answered (resolved, with a note) the way
every other line the floor owes someone is, and nothing new needs a table."""

from __future__ import annotations

from datetime import date

from lobby_tui.domain.day import local
from lobby_tui.domain.privacy import mask
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import Param, TaskText, named, role_owner
from lobby_tui.domain.vip import NOTIFIED_ROLE, VipTier
from lobby_tui.services.duty import in_role_at
from lobby_tui.services.tasks import assign, open_task
from lobby_tui.store import Store, UnitOfWork, parse_iso

# What a notice is: a task raised by a VIP walk-in or an appointment checked in.
NOTICE_SOURCES = ("vip", "arrival")


def waiting_for(store: Store, staff_id: str | None) -> int:
    """VIPs and appointments in the hall whose task this person has not answered yet: the
    line on their session's top bar, wherever they are signed in."""
    if staff_id is None:
        return 0
    marks = ", ".join("?" for _ in NOTICE_SOURCES)
    rows = store.rows(
        f"SELECT COUNT(*) FROM tasks WHERE status = 'open' AND owner = ? AND source IN ({marks})",
        (staff_id, *NOTICE_SOURCES),
    )
    return int(rows[0][0])


def owner_on_duty(
    uow: UnitOfWork, kind: str, settings: Settings, day: date, role: str
) -> tuple[str, str]:
    """(owner, due time) of a task of `kind` for `role`: the person at their post now by the
    day's duty plan, else the first active in the role on the roster, else the role itself
    (no task is ever nobody's)."""
    _, due = assign(uow, kind, settings)
    on_duty = in_role_at(uow, day, role, parse_iso(uow.now))
    if on_duty is None:
        row = uow.execute(
            "SELECT id FROM staff WHERE role = ? AND active = 1 ORDER BY name, id LIMIT 1",
            (role,),
        ).fetchone()
        on_duty = str(row[0]) if row else None
    return on_duty or role_owner(role), due


def tell_of_arrival(
    uow: UnitOfWork,
    settings: Settings,
    *,
    day: date,
    shift_id: str | None,
    arrival_id: str,
    ticket: str,
    channel: dict[str, str],
    tier: VipTier | None,
    appointment: tuple[str, str | None] | None,
) -> list[str]:
    """Inside the walk-in's transaction: a VIP (of `tier`, None: a VIP of no tier) or an
    appointment (purpose, who) checked in is told to the roles the tier names (an
    appointment: the wealth manager), each the person on duty now. Returns the tasks."""
    roles = list(tier.notify) if tier is not None else [NOTIFIED_ROLE]
    if appointment is not None and NOTIFIED_ROLE not in roles:
        roles.append(NOTIFIED_ROLE)
    params: dict[str, Param] = {"ticket": ticket, "channel": channel}
    if tier is not None:
        params["tier"] = named(tier.label.model_dump())
    if appointment is not None:
        purpose, who = appointment
        params["purpose"] = purpose
        key = "vip.task.appointment_masked" if who else "vip.task.appointment"
        if who:
            params["who"] = mask(who)  # the masked reference only: no name in a task
    else:
        key = "vip.task.arrived"
    opened: list[str] = []
    for role in roles:
        kind = "appointment" if appointment is not None else "vip"
        owner, due = owner_on_duty(uow, kind, settings, day, role)
        opened.append(
            open_task(
                uow,
                shift_id=shift_id,
                source="arrival" if appointment is not None else "vip",
                source_id=arrival_id,
                text=TaskText(key, params),
                due_at=due,
                owner=owner,
            )
        )
    return opened


def follow_up_no_show(
    uow: UnitOfWork,
    settings: Settings,
    *,
    day: date,
    appointment_id: str,
    due_at: str,
    purpose: str,
    who: str | None,
) -> str:
    """Inside the no-show's transaction: a VIP appointment missed becomes the wealth
    manager's follow-up (a call today), with the time, the purpose and the masked reference."""
    owner, due = owner_on_duty(uow, "vip_no_show", settings, day, NOTIFIED_ROLE)
    params: dict[str, Param] = {
        "time": local(parse_iso(due_at), settings.timezone).strftime("%H:%M"),
        "purpose": purpose,
    }
    if who:
        params["who"] = mask(who)
    return open_task(
        uow,
        shift_id=None,
        source="appointment",
        source_id=appointment_id,
        text=TaskText("vip.task.no_show_masked" if who else "vip.task.no_show", params),
        due_at=due,
        owner=owner,
    )
