"""No input from the keyboard, a content file or the command line ends in a traceback, and no
instant that cannot be read back reaches the store (issue 14, crashes 1, 4 and 5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui import content
from lobby_tui.content import ContentError, channels, content_warnings, data_dir, needs_catalogue
from lobby_tui.domain.complaints import RECEIVED_BACK_DAYS, check_promise
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings, SettingsError, build_settings
from lobby_tui.services.dayplan import PLAN_DAYS_AHEAD, add_appointment, add_cash_movement
from lobby_tui.store import FixedClock, Store, StoreError, iso, parse_iso
from tests.helpers.app import signed_in_supervisor
from tests.helpers.cli import lobby, one_clear_line

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated

DAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


# Instants ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        datetime(999, 6, 1, 2, 0, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai")),  # overflows into year 0
    ],
)
def test_iso_refuses_what_it_could_not_read_back(at: datetime) -> None:
    with pytest.raises(ValueError):
        iso(at)


def test_iso_and_parse_iso_agree_at_the_edges() -> None:
    for at in (datetime(1000, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)):
        assert parse_iso(iso(at)) == at


def test_a_stored_time_that_cannot_be_read_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError) as caught:
        parse_iso("999-06-01T02:00:00Z")
    assert caught.value.key == "db.bad_instant"
    assert isinstance(caught.value, ValueError)  # callers that expected ValueError still work


async def test_a_bad_time_written_behind_the_back_does_not_brick_the_app(
    store: Store, settings: Settings, db_path: Path
) -> None:
    from lobby_tui.demo.morning import write_demo_morning
    from lobby_tui.services.shift import open_shift_today
    from tests.helpers.app import settle

    write_demo_morning(store, settings, DAY, seed=3, lang="en")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(
        "UPDATE complaints SET received_at = '999-06-01T02:00:00Z',"
        " decision_due_at = '999-06-16T02:00:00Z' WHERE status != 'closed'"
    )
    conn.close()
    from lobby_tui.app import make_app

    app = make_app(
        store,
        settings,
        "en",
        shift=open_shift_today(store, settings),
        signed_in=signed_in_supervisor(store),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert any("cannot read (999-06-16T02:00:00Z)" in m for m in said), said
        await pilot.press("f3")  # the rest of the app keeps working
        await settle(app, pilot)
        assert app.screen.PLACE == "triage"  # type: ignore[attr-defined]
    assert app.return_code in (None, 0)


def test_a_complaint_cannot_be_received_in_another_era() -> None:
    check_promise(NOW - timedelta(days=RECEIVED_BACK_DAYS - 1), None, NOW)
    with pytest.raises(Invalid) as caught:
        check_promise(NOW - timedelta(days=RECEIVED_BACK_DAYS + 1), None, NOW)
    assert (caught.value.field, caught.value.key) == ("received_at", "received_too_old")
    with pytest.raises(Invalid, match="received_in_future"):
        check_promise(NOW + timedelta(hours=1), None, NOW)


def test_the_day_plan_takes_today_and_the_days_just_ahead(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    add_appointment(store, settings, DAY + timedelta(days=PLAN_DAYS_AHEAD), time(10), "x", False)
    for day in (
        DAY - timedelta(days=1),
        DAY + timedelta(days=PLAN_DAYS_AHEAD + 1),
        date(2099, 1, 1),
    ):
        with pytest.raises(Invalid) as caught:
            add_appointment(store, settings, day, time(10), "loan", False)
        assert (caught.value.field, caught.value.key) == ("time", "plan_day_range")
        with pytest.raises(Invalid, match="plan_day_range") as caught:
            add_cash_movement(store, settings, day, time(10), 1000)
        assert caught.value.field == "day"  # the cash form's own day field


def test_the_new_messages_exist_in_both_languages() -> None:
    from lobby_tui.i18n import CATALOGS

    for key in ("invalid.received_too_old", "invalid.plan_day_range", "error.db.bad_instant",
                "error.content.override_empty", "content.fallback", "cli.db_empty"):  # fmt: skip
        assert key in CATALOGS["en"] and key in CATALOGS["zh"], key


# Content files ------------------------------------------------------------------------------


@pytest.fixture
def own_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A branch's own content folder (LOBBY_DATA), a copy of the packaged one."""
    folder = tmp_path / "content"
    folder.mkdir()
    for source in data_dir().glob("*.toml"):
        (folder / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("LOBBY_DATA", str(folder))
    caches = (data_dir, channels, needs_catalogue)
    for cached in caches:
        cached.cache_clear()
    content._WARNINGS.clear()
    yield folder
    for cached in caches:
        cached.cache_clear()
    content._WARNINGS.clear()


def packaged_keys() -> list[str]:
    return ["cash", "non_cash", "priority", "self_service", "wealth"]


@pytest.mark.parametrize(
    ("change", "line", "problem"),
    [
        (lambda t: t.replace("counters = 2", 'counters = "two"', 1), 10, "whole number"),
        (lambda t: t.replace("counters = 2", "counters = -1", 1), 10, "expected 0 to 30"),
        (lambda t: t.replace('key = "non_cash"', 'key = "cash"'), 14, "used by two channels"),
        (lambda t: t.replace("[[channel]]", "[[channel]", 1), 7, "cannot be read"),
        (lambda t: t.replace('label = { zh = "现金柜台", en = "Cash counter" }', ""), 7, "label"),
    ],
)
def test_a_broken_channels_file_is_said_and_the_packaged_one_used(
    own_content: Path, change: object, line: int, problem: str
) -> None:
    path = own_content / "channels.toml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    assert [c.key for c in channels()] == packaged_keys()
    [warning] = content_warnings()
    assert str(warning.params["file"]) == str(path)
    if warning.key == "content.bad_value":
        assert warning.params["line"] == line
        assert problem in str(warning.params["problem"])
    else:
        assert warning.key == "content.bad_file" and f"line {line}" in str(warning.params)


def test_a_missing_channels_file_is_said_too(own_content: Path) -> None:
    (own_content / "channels.toml").unlink()
    assert [c.key for c in channels()] == packaged_keys()
    assert [w.key for w in content_warnings()] == ["content.missing_file"]


def test_the_cli_says_the_fallback_and_goes_on(own_content: Path, tmp_path: Path) -> None:
    path = own_content / "channels.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("counters = 2", "counters = -3", 1))
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--no-ui", "--db", str(db)).returncode == 0
    result = lobby("report", "--db", str(db), env={"LOBBY_DATA": str(own_content)})
    assert result.returncode == 0 and "# Day report" in result.stdout
    assert f"{path}, line 10: counters: expected 0 to 30, got -3" in result.stderr
    assert "packaged content is used instead" in result.stderr and "Traceback" not in result.stderr


async def test_the_app_shows_the_fallback(own_content: Path, build_app: object) -> None:
    path = own_content / "channels.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('key = "wealth"', 'key = "cash"'))
    app = build_app()  # type: ignore[operator]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        said = [(n.message, n.severity) for n in app._notifications]
    assert any("used by two channels" in m and s == "warning" for m, s in said), said


def test_two_needs_on_one_key_letter_are_refused(own_content: Path) -> None:
    path = own_content / "needs.toml"
    text = path.read_text(encoding="utf-8")
    first, second = [line for line in text.splitlines() if line.startswith("key = ")][:2]
    path.write_text(text.replace(second, first, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        needs_catalogue()
    assert caught.value.key == "content.bad_value" and "two needs on key" in str(
        caught.value.params["problem"]
    )


def test_closing_before_opening_is_refused() -> None:
    from lobby_tui.content import load_toml

    defaults = {k: v for k, v in load_toml("settings.toml").items() if k != "version"}
    with pytest.raises(SettingsError) as caught:
        build_settings(defaults, {"opening_time": "17:00", "closing_time": "09:00"})
    assert caught.value.key == "closing_time"


def test_a_content_folder_with_none_of_the_files_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--no-ui", "--db", str(db)).returncode == 0
    line = one_clear_line(lobby("report", "--db", str(db), env={"LOBBY_DATA": str(empty)}))
    assert f"LOBBY_DATA names {empty}, which holds none of the app's content files" in line


# The command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--db", ""], ["--db="], ["verify", "--db", ""], ["report", "--db", ""]],
)
def test_an_empty_db_is_an_error_not_the_default(args: list[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    line = one_clear_line(lobby(*args, env={"HOME": str(home), "XDG_DATA_HOME": str(home)}))
    assert "--db needs the path of a database file" in line
    assert not home.exists()  # no default database was created


def test_an_empty_date_is_an_error_not_today(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--no-ui", "--db", str(db)).returncode == 0
    for args in (["--date", ""], ["--from", "", "--to", "2026-11-28"]):
        line = one_clear_line(lobby("report", "--db", str(db), *args))
        assert "given empty" in line
