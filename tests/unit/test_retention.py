"""Retention (issue 16, R6.5; PIPL: personal information kept no longer than needed): the
rule, the purge, its journal event, and `lobby verify` after it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lobby_tui.domain.retention import RULES, cutoff, erasable
from lobby_tui.domain.settings import Settings
from lobby_tui.services import complaints as service
from lobby_tui.services.retention import plan, purge
from lobby_tui.services.rollup import roll_up
from lobby_tui.services.verify import verify_store
from lobby_tui.store import FixedClock, Store
from tests.helpers.clock import MORNING, SHANGHAI
from tests.helpers.floor import OLD, old_and_new_records

RULE = {rule.table: rule for rule in RULES}


def test_the_cutoff_is_the_start_of_the_business_day_retention_days_back() -> None:
    cut = cutoff(MORNING, 180, SHANGHAI)  # 10:30 in Shanghai, 28 November
    assert cut.day == date(2026, 6, 1)
    assert cut.instant == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)  # midnight in Shanghai


@pytest.mark.parametrize(
    ("table", "status", "ended", "erased"),
    [
        ("complaints", "closed", OLD, True),
        ("complaints", "closed", MORNING - timedelta(days=179), False),  # not long enough
        ("complaints", "new", OLD, False),  # open: never, however old
        ("complaints", "in_progress", OLD, False),
        ("complaints", "resolved", OLD, False),  # the callback still to make
        ("complaints", "closed", None, False),  # no end known: kept
        ("arrivals", "done", OLD, True),
        ("arrivals", "left", OLD, True),
        ("arrivals", "waiting", OLD, False),
        ("arrivals", "called", OLD, False),
        ("appointments", None, OLD, True),
        ("care_actions", None, MORNING, False),
    ],
)
def test_old_enough_and_closed(
    table: str, status: str | None, ended: datetime | None, erased: bool
) -> None:  # covers: R6.5
    assert erasable(RULE[table], status, ended, cutoff(MORNING, 180, SHANGHAI)) is erased


def _rows(store: Store, table: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: dict(r) for r in store.query(f"SELECT * FROM {table}")}


def test_a_purge_erases_exactly_what_it_should_and_verify_still_holds(
    store: Store, settings: Settings, clock: FixedClock, db_path: Path
) -> None:  # covers: R6.5
    ids = old_and_new_records(store, settings, clock)
    roll_up(store, settings, OLD.astimezone(SHANGHAI).date(), OLD.astimezone(SHANGHAI).date())
    rollups = [tuple(r) for r in store.query("SELECT * FROM day_rollups")]
    assert len(rollups) == 1
    before = {t: _rows(store, t) for t in ("complaints", "arrivals", "appointments")}
    events_before = store.query_one("SELECT COUNT(*) FROM events")[0]  # type: ignore[index]

    seen = plan(store, settings)
    assert seen.cut.day == date(2026, 6, 1)
    assert seen.counts == {"complaints": 1, "arrivals": 1, "appointments": 1,
                           "care_actions": 1, "drafts": 1}  # fmt: skip
    assert store.query_one("SELECT COUNT(*) FROM events")[0] == events_before  # type: ignore[index]

    done = purge(store, settings)
    assert done.counts == seen.counts and done.total == 5
    after = {t: _rows(store, t) for t in ("complaints", "arrivals", "appointments")}
    closed = after["complaints"][ids["closed"]]
    assert closed["customer_name"] is None and closed["customer_phone"] is None
    # The case itself stays, every other field as it was.
    was = before["complaints"][ids["closed"]]
    assert {k: v for k, v in closed.items() if not k.startswith("customer_")} == {
        k: v for k, v in was.items() if not k.startswith("customer_")
    }
    for kept in ("open", "late", "today"):  # open however old; closed lately; new
        assert after["complaints"][ids[kept]] == before["complaints"][ids[kept]]
    assert after["arrivals"][ids["served"]]["note"] is None
    assert after["arrivals"][ids["waiting"]] == before["arrivals"][ids["waiting"]]
    assert after["appointments"][ids["meeting"]]["who"] is None
    assert store.query_one("SELECT note FROM care_actions")[0] is None  # type: ignore[index]
    assert store.query_one("SELECT COUNT(*) FROM drafts")[0] == 0  # type: ignore[index]

    events = store.query("SELECT kind, payload FROM events WHERE seq > ?", (events_before,))
    erased = [json.loads(e["payload"]) for e in events if e["kind"] == "personal.erased"]
    assert len(erased) == 1 and erased[0]["cutoff"] == "2026-06-01"
    assert erased[0]["retention_days"] == 180 and erased[0]["erased"] == seen.counts
    assert verify_store(store).ok  # the digests recorded match the rows as they now stand
    # The day's rollup counts nothing erased: kept as it was, not forgotten by the triggers.
    assert [tuple(r) for r in store.query("SELECT * FROM day_rollups")] == rollups

    # Gone from the file, not only from the rows: no old page or log frame keeps them, even
    # with the database still open (its write-ahead log still there).
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(f"{db_path.name}*"))
    for gone in ("周可删", "13900001111", "穿红衣的王先生", "刘女士", "Mr Sun"):
        assert gone.encode() not in raw, gone
    assert "李仍开".encode() in raw and "钱今天".encode() in raw


def test_a_second_purge_finds_nothing_and_writes_nothing(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    old_and_new_records(store, settings, clock)
    purge(store, settings)
    count = store.query_one("SELECT COUNT(*) FROM events")[0]  # type: ignore[index]
    again = purge(store, settings)
    assert again.total == 0
    assert store.query_one("SELECT COUNT(*) FROM events")[0] == count  # type: ignore[index]


def test_a_longer_retention_keeps_more(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R6.5
    old_and_new_records(store, settings, clock)
    assert plan(store, replace(settings, retention_days=3650)).total == 0
    # The case closed 397 days ago: gone after 396 days, kept for 398.
    assert plan(store, replace(settings, retention_days=396)).counts["complaints"] == 1
    assert plan(store, replace(settings, retention_days=398)).counts["complaints"] == 0
    assert plan(store, replace(settings, retention_days=30)).counts["complaints"] == 1


def _old_lobby_file(tmp_path: Path) -> Path:
    """A database holding the lobby of 400 days ago (closed then), as a file to run on."""
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import open_store

    path = tmp_path / "lobby.db"
    clock = FixedClock(MORNING)
    store = open_store(path, clock)
    old_and_new_records(store, load_settings(store), clock)
    store.close()
    return path


def test_lobby_purge_dry_run_shows_what_would_go_in_both_languages_then_purge(
    tmp_path: Path,
) -> None:  # covers: R6.5
    from tests.helpers.cli import lobby, one_clear_line

    db = _old_lobby_file(tmp_path)
    digest = db.read_bytes()
    english = lobby("purge", "--dry-run", "--db", str(db))
    assert english.returncode == 0, english.stderr
    assert "Personal information of records that ended before" in english.stdout
    assert "(kept 180 days)" in english.stdout
    assert "Complaints (customer's name and phone): 1" in english.stdout
    assert "Unsaved drafts (deleted): 1" in english.stdout
    assert "Dry run: nothing was erased (5 records would be)" in english.stdout
    chinese = lobby("--lang", "zh", "purge", "--dry-run", "--db", str(db))
    assert "投诉（客户姓名和电话）：1" in chinese.stdout and "试运行" in chinese.stdout
    assert db.read_bytes() == digest  # a dry run writes nothing

    done = lobby("purge", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Erased from 5 records" in done.stdout
    assert lobby("verify", "--db", str(db)).returncode == 0
    again = lobby("--lang", "zh", "purge", "--db", str(db))
    assert "没有到期需要删除的个人信息。" in again.stdout

    missing = lobby("purge", "--db", str(tmp_path / "typo.db"))
    assert "There is no database at" in one_clear_line(missing)
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("value", ["7", "0", "99999", "'half a year'"])
def test_a_retention_outside_30_to_3650_days_is_refused_clearly(tmp_path: Path, value: str) -> None:
    from tests.helpers.cli import lobby, one_clear_line

    data = tmp_path / "data"
    data.mkdir()
    packaged = Path(__file__).resolve().parents[2] / "data" / "settings.toml"
    text = packaged.read_text(encoding="utf-8").replace(
        "retention_days = 180", f"retention_days = {value}"
    )
    (data / "settings.toml").write_text(text, encoding="utf-8")
    db = _old_lobby_file(tmp_path)
    for language, words in (("en", "The setting retention_days"), ("zh", "设置项 retention_days")):
        result = lobby("--lang", language, "purge", "--db", str(db), env={"LOBBY_DATA": str(data)})
        line = one_clear_line(result)
        assert words in line and "30" in line and "3650" in line


def test_a_case_reopened_between_the_plan_and_the_purge_keeps_its_phone(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R6.5
    ids = old_and_new_records(store, settings, clock)
    planned = plan(store, settings)
    assert planned.counts["complaints"] == 1
    service.set_status(store, settings, ids["closed"], "in_progress", "customer came back")
    done = purge(store, settings, planned)
    assert done.counts["complaints"] == 0 and done.counts["arrivals"] == 1
    row = store.query_one("SELECT customer_phone FROM complaints WHERE id = ?", (ids["closed"],))
    assert row is not None and row[0] == "13900001111"
