"""The app as the tests build it, and what they ask of it: the test supervisor signed in,
others on the roster, the row a test expects, the screen in front, a settled frame."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any, Protocol, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from lobby_tui.app import LobbyApp
from lobby_tui.domain.staff import StaffMember
from lobby_tui.store import Store, new_id

S = TypeVar("S", bound=Screen[Any])


class Build(Protocol):
    """What the `build_app` fixture hands a test."""

    def __call__(
        self, language: str = "en", demo: bool = False, signed_in: bool = True
    ) -> LobbyApp: ...


# The supervisor every app test starts signed in as (R6.5). The hash is made once per test
# process: scrypt is slow on purpose, and hundreds of tests need the same person.
SUPERVISOR_NAME = "Wang"
SUPERVISOR_PIN = "2580"
_supervisor_hash: list[str] = []


def signed_in_supervisor(store: Store) -> StaffMember:
    """The test supervisor, on the roster and signed in on `store`."""
    from lobby_tui.domain.staff import hash_pin
    from lobby_tui.services.staff import roster

    found = [p for p in roster(store) if p.name == SUPERVISOR_NAME]
    if found:
        person = found[0]
    else:
        if not _supervisor_hash:
            _supervisor_hash.append(hash_pin(SUPERVISOR_PIN))
        person = StaffMember(new_id(), SUPERVISOR_NAME, "supervisor", True)
        with store.unit_of_work() as uow:
            uow.insert(
                "staff",
                {"id": person.id, "name": person.name, "role": person.role, "active": 1,
                 "pin_hash": _supervisor_hash[0], "created_at": uow.now,
                 "updated_at": uow.now},
            )  # fmt: skip
            uow.event("staff.added", "staff", person.id, {"name": person.name})
    store.actor = person.id
    return person


def on_roster(store: Store, name: str, role: str = "teller") -> StaffMember:
    """Another person on the roster (the test supervisor's PIN), not signed in."""
    from lobby_tui.domain.staff import hash_pin

    if not _supervisor_hash:
        _supervisor_hash.append(hash_pin(SUPERVISOR_PIN))
    person = StaffMember(new_id(), name, role, True)
    with store.unit_of_work() as uow:
        uow.insert(
            "staff",
            {"id": person.id, "name": name, "role": role, "active": 1,
             "pin_hash": _supervisor_hash[0], "created_at": uow.now, "updated_at": uow.now},
        )  # fmt: skip
        uow.event("staff.added", "staff", person.id, {"name": name, "role": role})
    return person


def one_row(store: Store, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Row:
    """The row a test expects to be there: its absence fails here, naming the query, rather
    than as "'NoneType' object is not subscriptable" on the line that reads it."""
    row = store.query_one(sql, params)
    assert row is not None, f"no row for {sql}"
    return row


def on_screen(app: LobbyApp, kind: type[S]) -> S:
    """The screen in front, as the kind the test drove the app to."""
    screen = app.screen
    assert isinstance(screen, kind), f"{type(screen).__name__} in front, not {kind.__name__}"
    return screen


async def settle(app: LobbyApp, pilot: Pilot[None]) -> None:
    """Let background reads finish and the screen repaint before asserting on it.

    A read's result can start the next read (the case list shown, the case in hand reads its
    timeline and hand-offs): those are waited for too, round after round, until no read is
    under way. `pilot.pause()` alone is no such wait: Textual takes the process as idle when
    it used little CPU for a moment, which on a loaded machine it does while a read runs."""
    from lobby_tui.screens.base import DEBOUNCE_SECONDS, LobbyScreen

    for _round in range(20):  # a bound, never reached: reads chain two or three deep
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, LobbyScreen) and screen.reads.waiting:
            await pilot.pause(DEBOUNCE_SECONDS)  # a debounced search still to run
        running = [worker for worker in app.workers if not worker.is_finished]
        if not running:
            break
        for worker in running:
            with suppress(WorkerCancelled):  # replaced by a newer read of its kind (exclusive)
                await worker.wait()
    await pilot.pause()
