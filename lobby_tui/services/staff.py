"""The roster and signing in (R6.5): who may hold the tablet, and who holds it now.

The store names the signed-in person (`store.actor`); every event written while they are
signed in carries their id. A wrong PIN is an event of its own (`staff.pin_failed`, with its
time), so the lockout is counted from the journal and survives a restart of the app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_text
from lobby_tui.domain.staff import (
    NAME_MAX,
    ROLES,
    SUPERVISOR,
    StaffMember,
    check_pin,
    hash_pin,
    locked_until,
    pin_matches,
)
from lobby_tui.store import Store, UnitOfWork, new_id, parse_iso

# A right PIN, a new PIN or a new person ends a run of wrong ones (a right PIN that signs
# nobody in, for a handover or a vouching, is `staff.pin_accepted`).
ACCEPTED = "staff.pin_accepted"
FRESH_START = ("staff.added", "staff.pin_changed", "staff.signed_in", "staff.unlocked", ACCEPTED)
# The roster screen and the sign-in list: the people of the floor first.
ROLE_ORDER = {role: i for i, role in enumerate(("lobby_manager", SUPERVISOR, *ROLES[2:]))}


def _member(row: tuple[object, ...]) -> StaffMember:
    return StaffMember(str(row[0]), str(row[1]), str(row[2]), bool(row[3]))


def roster(store: Store, *, active_only: bool = False) -> list[StaffMember]:
    rows = store.rows(
        "SELECT id, name, role, active FROM staff"
        + (" WHERE active = 1" if active_only else "")
        + " ORDER BY name"
    )
    people = [_member(r) for r in rows]
    return sorted(people, key=lambda m: (not m.active, ROLE_ORDER.get(m.role, 9), m.name))


def member(store: Store, staff_id: str | None) -> StaffMember | None:
    if staff_id is None:
        return None
    rows = store.rows("SELECT id, name, role, active FROM staff WHERE id = ?", (staff_id,))
    return _member(rows[0]) if rows else None


def needs_first_supervisor(store: Store) -> bool:
    """A new database: nobody on the roster yet, so the first start asks for a supervisor."""
    return not store.rows("SELECT 1 FROM staff LIMIT 1")


def last_signed_in(store: Store) -> str | None:
    """Who last signed in on this database: preselected, so their sign-in is PIN + Enter."""
    rows = store.rows(
        "SELECT e.actor FROM events e JOIN staff s ON s.id = e.actor AND s.active = 1"
        " WHERE e.kind IN ('staff.signed_in', 'staff.unlocked') ORDER BY e.seq DESC LIMIT 1"
    )
    return str(rows[0][0]) if rows else None


# The roster ------------------------------------------------------------------------------


def _require_supervisor(store: Store, uow: UnitOfWork) -> None:
    """Only a signed-in supervisor changes the roster; the very first one is the exception
    (there is nobody yet to sign in)."""
    if uow.execute("SELECT 1 FROM staff LIMIT 1").fetchone() is None:
        return
    row = uow.execute(
        "SELECT role, active FROM staff WHERE id = ?", (store.actor or "",)
    ).fetchone()
    if row is None or row[0] != SUPERVISOR or not row[1]:
        raise Invalid("staff", "supervisor_only")


def add_staff(store: Store, name: str, role: str, pin: str, pin_again: str | None = None) -> str:
    name = check_text(name, "name", NAME_MAX, key="name_too_long")
    if not name:
        raise Invalid("name", "staff_name_missing")
    if role not in ROLES:
        raise Invalid("role", "role_unknown")
    check_pin(pin)
    if pin_again is not None and pin_again != pin:
        raise Invalid("pin_again", "pin_mismatch")
    hashed = hash_pin(pin)  # slow on purpose: outside the write lock
    staff_id = new_id()
    with store.unit_of_work() as uow:
        _require_supervisor(store, uow)
        uow.insert(
            "staff",
            {"id": staff_id, "name": name, "role": role, "active": 1, "pin_hash": hashed,
             "created_at": uow.now, "updated_at": uow.now},
        )  # fmt: skip
        uow.event("staff.added", "staff", staff_id, {"name": name, "role": role})
    return staff_id


def set_active(store: Store, staff_id: str, active: bool) -> None:
    """Deactivate (they can no longer sign in) or bring back. The last active supervisor
    stays: without one, nobody could change the roster again."""
    with store.unit_of_work() as uow:
        _require_supervisor(store, uow)
        row = uow.execute("SELECT role, active FROM staff WHERE id = ?", (staff_id,)).fetchone()
        if row is None:
            raise Invalid("staff", "staff_unknown")
        if bool(row[1]) == active:
            return
        if not active and row[0] == SUPERVISOR:
            others = uow.execute(
                "SELECT count(*) FROM staff WHERE role = ? AND active = 1 AND id != ?",
                (SUPERVISOR, staff_id),
            ).fetchone()[0]
            if not others:
                raise Invalid("staff", "last_supervisor")
        uow.update("staff", staff_id, {"active": int(active), "updated_at": uow.now})
        kind = "staff.reactivated" if active else "staff.deactivated"
        uow.event(kind, "staff", staff_id, {})


def change_pin(store: Store, staff_id: str, pin: str) -> None:
    check_pin(pin)
    hashed = hash_pin(pin)
    with store.unit_of_work() as uow:
        _require_supervisor(store, uow)
        if uow.execute("SELECT 1 FROM staff WHERE id = ?", (staff_id,)).fetchone() is None:
            raise Invalid("staff", "staff_unknown")
        uow.update("staff", staff_id, {"pin_hash": hashed, "updated_at": uow.now})
        uow.event("staff.pin_changed", "staff", staff_id, {})


# Signing in ------------------------------------------------------------------------------


# Each PIN typed is claimed in the journal, under the write lock, before its hash is
# checked (`staff.pin_tried`): four browser tabs guessing at once each wait for the lock and
# see the others' claims, so no more PINs are checked than the limit allows (issue 25). A
# right PIN is followed by a fresh start; a claim with none after it was a wrong PIN, or a
# check that never finished, and counts as one. `staff.pin_failed` is how databases from
# before the claim recorded a wrong PIN: those still count.
TRIED, FAILED_BEFORE = "staff.pin_tried", "staff.pin_failed"


def _failures(execute: Callable[[str, tuple[str]], list[Any]], staff_id: str) -> list[datetime]:
    rows = execute(
        "SELECT kind, at FROM events WHERE entity = 'staff' AND entity_id = ?"
        " ORDER BY seq DESC LIMIT 500",
        (staff_id,),
    )
    failures: list[datetime] = []
    for kind, at in rows:
        if kind in FRESH_START:
            break
        if kind in (TRIED, FAILED_BEFORE):
            failures.append(parse_iso(str(at)))
    return failures[::-1]


def failures_in_a_row(store: Store, staff_id: str) -> list[datetime]:
    """The times of this person's wrong PINs since their last right one, oldest first."""
    return _failures(store.rows, staff_id)


def _claim(store: Store, staff_id: str | None) -> tuple[StaffMember, str]:
    """Claim one try for this person inside the write lock, or refuse it (unknown, inactive,
    locked out). Returns the person and their stored hash."""
    if not staff_id:
        raise Invalid("who", "who_missing")
    with store.unit_of_work() as uow:
        row = uow.execute(
            "SELECT id, name, role, active, pin_hash FROM staff WHERE id = ?", (staff_id,)
        ).fetchone()
        if row is None:
            raise Invalid("who", "staff_unknown")
        person = _member(tuple(row)[:4])
        if not person.active:
            raise Invalid("who", "staff_inactive", name=person.name)
        until = locked_until(_failures(lambda q, p: uow.execute(q, p).fetchall(), staff_id))
        now = parse_iso(uow.now)
        if until is not None and until > now:
            raise Invalid("pin", "locked_out", seconds=_seconds(until - now))
        uow.event(TRIED, "staff", staff_id, {})
    return person, str(row[4])


def _check(store: Store, staff_id: str | None, pin: str) -> StaffMember:
    """The person if `pin` is theirs; their claim stays a failure otherwise."""
    check_pin(pin)  # a PIN of the wrong shape is a slip of the finger, not a guess
    person, stored = _claim(store, staff_id)
    if pin_matches(pin, stored):  # slow on purpose: outside the write lock
        return person
    until = locked_until(failures_in_a_row(store, person.id))
    now = store.clock.now()
    if until is not None and until > now:
        raise Invalid("pin", "locked_out", seconds=_seconds(until - now))
    raise Invalid("pin", "pin_wrong")


def authenticate(store: Store, staff_id: str | None, pin: str) -> StaffMember:
    """The person, if `pin` is theirs, they are active and not locked out; nobody is signed
    in by this alone (a handover's acceptance, a supervisor's confirmation). The right PIN
    is recorded, so it ends the run of wrong ones."""
    person = _check(store, staff_id, pin)
    with store.unit_of_work() as uow:
        uow.event(ACCEPTED, "staff", person.id, {})
    return person


def _seconds(left: timedelta) -> int:
    return max(1, int(left.total_seconds() + 0.999))


def sign_in(
    store: Store, staff_id: str | None, pin: str, *, unlocking: bool = False
) -> StaffMember:
    """Sign the person in: from now on every event says it was them. Unlocking the tablet
    as someone else than who locked it is said in the event (`from`)."""
    person = _check(store, staff_id, pin)
    before = store.actor
    store.actor = person.id
    with store.unit_of_work() as uow:
        if unlocking:
            uow.event("staff.unlocked", "staff", person.id, {"from": before})
        else:
            uow.event("staff.signed_in", "staff", person.id, {})
    return person


def add_first_supervisor(store: Store, name: str, pin: str, pin_again: str) -> StaffMember:
    """The first start of a new database: its first supervisor, signed in at once."""
    if not needs_first_supervisor(store):
        raise Invalid("staff", "supervisor_only")
    staff_id = add_staff(store, name, SUPERVISOR, pin, pin_again)
    return sign_in(store, staff_id, pin)


def supervisor_by_name(store: Store, name: str, pin: str) -> StaffMember:
    """A supervisor vouching for a bulk read of personal data (the export), by name and
    PIN typed on the terminal. Same lockout and records as signing in."""
    rows = store.rows(
        "SELECT id, role FROM staff WHERE lower(name) = lower(?) ORDER BY active DESC",
        (name.strip(),),
    )
    if not rows:
        raise Invalid("who", "staff_unknown")
    supervisors = [str(r[0]) for r in rows if r[1] == SUPERVISOR]
    if not supervisors:
        raise Invalid("who", "supervisor_only")
    last: Invalid | None = None
    for staff_id in supervisors:  # two supervisors may share a name
        try:
            return authenticate(store, staff_id, pin)
        except Invalid as exc:
            last = exc
    assert last is not None
    raise last
