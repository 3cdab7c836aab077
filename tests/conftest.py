"""Shared fixtures: a frozen clock, a fresh database per test, and the app built the way the
command line builds it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from lobby_tui.app import LobbyApp, make_app
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staff import StaffMember
from lobby_tui.services.settings import load_settings
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store, new_id, open_store

# Property tests: 1000 examples each in CI (.ci/run sets CI=true), 100 on a developer's
# machine, where the whole suite is run often; `--hypothesis-profile=long` for a deeper search
# by hand. No deadline: a loaded 2-core machine must not fail a pure rule.
hypothesis_settings.register_profile("ci", max_examples=1000, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.register_profile("long", max_examples=20_000, deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

S = TypeVar("S", bound=Screen[Any])

# The day the tests that build demo data (estates, histories, `lobby demo`) run on: never the
# real date, so the suite passes on any day of the year. CI runs those tests again on a
# month's end, a leap day and a Saturday (LOBBY_TEST_DAY). Every command a test starts, and
# every `wall_clock()` in this process, runs from 10:30 in Shanghai on that day (LOBBY_NOW).
TEST_DAY = date.fromisoformat(os.environ.get("LOBBY_TEST_DAY") or "2026-12-07")
TEST_NOW = datetime.combine(TEST_DAY, time(10, 30), ZoneInfo("Asia/Shanghai"))
os.environ["LOBBY_NOW"] = TEST_NOW.isoformat()
os.environ.pop("LOBBY_CLOCK_SHIFT", None)  # set again from LOBBY_NOW at its first read

# 10:30 in Shanghai on a Saturday: mid-morning, the demo's hour.
MORNING = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lobby.db"


@pytest.fixture
def store(db_path: Path, clock: FixedClock) -> Iterator[Store]:
    store = open_store(db_path, clock)
    yield store
    store.close()


@pytest.fixture
def settings(store: Store) -> Settings:
    return load_settings(store)


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


@pytest.fixture
def build_app(store: Store, settings: Settings) -> Build:
    """The app as `lobby` builds it: shift opened, language settled, on the test's store,
    with the test supervisor signed in (`signed_in=False`: on the sign-in screen)."""

    def build(language: str = "en", demo: bool = False, signed_in: bool = True) -> LobbyApp:
        person = signed_in_supervisor(store) if signed_in else None
        shift = open_shift_today(store, settings)
        return make_app(store, settings, language, shift=shift, demo=demo, signed_in=person)

    return build


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
    """Let background reads finish and the screen repaint before asserting on it."""
    from lobby_tui.screens.base import DEBOUNCE_SECONDS, LobbyScreen

    await pilot.pause()
    screen = app.screen
    if isinstance(screen, LobbyScreen) and screen.reads.waiting:
        await pilot.pause(DEBOUNCE_SECONDS)  # a debounced search still to run
    for worker in list(app.workers):
        with suppress(WorkerCancelled):  # replaced by a newer read of its kind (exclusive)
            await worker.wait()
    await pilot.pause()


@pytest.fixture(autouse=True)
def _rounds_reminded_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app looks for a due round every 30 s of wall time; a test on a loaded machine can
    run past that and get a toast it did not ask for. Tests that check the reminder call
    `app.remind_round()` themselves, on the fake clock."""
    monkeypatch.setattr("lobby_tui.app.ROUND_CHECK_SECONDS", 24 * 3600)


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """The language is process-wide; no test leaks its choice into the next."""
    from lobby_tui.i18n import set_language

    yield
    set_language("en")


def settle_the_queue(store: Store, day: date) -> None:
    """What the manager does before the day's last handover (issue 26): `E` closes those
    still waiting as not seen, and each one still at a counter is marked served."""
    from lobby_tui.services.arrivals import move_arrival
    from lobby_tui.services.triage import close_day

    close_day(store, day)
    for (still,) in store.rows(
        "SELECT id FROM arrivals WHERE business_day = ? AND status = 'called'", (day.isoformat(),)
    ):
        move_arrival(store, still, "done")
