"""Shared fixtures: a frozen clock, a fresh database per test, and the app built the way the
command line builds it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from lobby_tui.app import LobbyApp, make_app
from lobby_tui.domain.settings import Settings
from lobby_tui.services.settings import load_settings
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store, open_store
from tests.helpers.app import Build, signed_in_supervisor
from tests.helpers.clock import MORNING, TEST_NOW

# Property tests: 1000 examples each in CI (.ci/run sets CI=true), 100 on a developer's
# machine, where the whole suite is run often; `--hypothesis-profile=long` for a deeper search
# by hand. No deadline: a loaded 2-core machine must not fail a pure rule.
hypothesis_settings.register_profile("ci", max_examples=1000, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.register_profile("long", max_examples=20_000, deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

# Every command a test runs, and every `wall_clock()` in this process, runs from 10:30 in
# Shanghai on the test day (TEST_NOW, tests/helpers/clock.py), never the real date.
os.environ["LOBBY_NOW"] = TEST_NOW.isoformat()
os.environ.pop("LOBBY_CLOCK_SHIFT", None)  # set again from LOBBY_NOW at its first read


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): two workers a core. A Pilot test waits about half its
    time (Textual's pauses sleep until the process goes quiet, a draft's timer runs out, a
    command's process exits); a second worker on each core works meanwhile."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cores or 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The app's tests first: they take seconds each, the rest a fraction of one, so a long
    one started last does not leave the other workers idle while it finishes. Each file's
    tests keep their order (a module's shared fixtures are made once)."""
    items.sort(key=lambda item: not item.nodeid.startswith(("tests/ui/", "tests/browser/")))


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


@pytest.fixture
def build_app(store: Store, settings: Settings) -> Build:
    """The app as `lobby` builds it: shift opened, language settled, on the test's store,
    with the test supervisor signed in (`signed_in=False`: on the sign-in screen)."""

    def build(language: str = "en", demo: bool = False, signed_in: bool = True) -> LobbyApp:
        person = signed_in_supervisor(store) if signed_in else None
        shift = open_shift_today(store, settings)
        return make_app(store, settings, language, shift=shift, demo=demo, signed_in=person)

    return build


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
