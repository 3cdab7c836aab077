"""Daily rollups (issue 12, item 7): a period's report merged from one kept row a day equals
the report recomputed from the raw rows, field by field; a changed row forgets its day's
rollup; changed settings ignore them; a read-only report still works and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lobby_tui.content import needs_catalogue
from lobby_tui.domain.day import day_bounds_utc
from lobby_tui.domain.kpis import (
    ArrivalFacts,
    RunFacts,
    arrival_figures,
    checklist_counts,
    checklist_figures,
    count_arrivals,
    hourly_figures,
    median,
    percentile,
    round_figures,
)
from lobby_tui.domain.rollup import DayRollup, from_row, merge, to_row
from lobby_tui.domain.settings import Settings
from lobby_tui.services import rollup
from lobby_tui.services.report import DayReport, period_report
from lobby_tui.services.rounds import figures_by_day
from lobby_tui.services.settings import load_settings, save_setting
from lobby_tui.services.tasks import tasks_open_at
from lobby_tui.store import FixedClock, Store, iso, new_id, open_store, parse_iso

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated

DAY = date(2026, 11, 28)  # the fixtures' clock: 10:30 in Shanghai on this day
PAST = [DAY - timedelta(days=n) for n in (3, 2, 1)]


def history(store: Store, settings: Settings) -> None:
    from lobby_tui.demo.history import write_history
    from lobby_tui.demo.morning import write_demo_morning

    write_demo_morning(store, settings, DAY, lang="en")
    write_history(store, settings, DAY, days=len(PAST), per_day=80, seed=5, lang="en")


def recomputed(store: Store, settings: Settings, first: date, last: date) -> dict[str, Any]:
    """The figures straight from the rows, the whole period at once: no rollup, no merge."""
    span = (first.isoformat(), last.isoformat())
    machine = {n.id: n.machine for n in needs_catalogue().need}
    facts = [
        ArrivalFacts(
            parse_iso(arrived),
            parse_iso(called) if called else None,
            parse_iso(left) if left else None,
            status,
            need,
            machine.get(need, False),
            channel,
            band,
            triage,
        )
        for arrived, called, left, status, need, channel, band, triage in store.rows(
            "SELECT arrived_at, called_at, left_at, status, need, channel, quoted_band,"
            " triage_seconds FROM arrivals WHERE business_day BETWEEN ? AND ?",
            span,
        )
    ]
    runs = []
    for run_id, items, signed in store.rows(
        "SELECT id, items_total, signed_off_at FROM checklist_runs r"
        " WHERE business_day BETWEEN ? AND ? AND started_at = (SELECT max(started_at)"
        " FROM checklist_runs s WHERE s.business_day = r.business_day)",
        span,
    ):
        answers = [a for (a,) in store.rows("SELECT answer FROM checklist_answers"
                                            " WHERE run_id = ?", (run_id,))]  # fmt: skip
        runs.append(RunFacts(items, signed is not None, answers))
    cut = min(day_bounds_utc(last, settings.timezone)[1], store.clock.now())
    last_hour = max(settings.opening_time.hour, min(23, settings.closing_time.hour))
    waits = [wait for f in facts if f.called_at for wait in [(f.called_at - f.arrived_at)]]
    minutes = [w.total_seconds() / 60 for w in waits]
    return {
        "arrivals": arrival_figures(facts, settings.wait_red_min),
        "hourly": hourly_figures(facts, settings.timezone, settings.opening_time.hour, last_hour),
        "checklist": checklist_figures(runs, len(tasks_open_at(store, cut))),
        "rounds": round_figures(figures_by_day(store, settings, first, last, cut).values()),
        # The percentiles by the list rule itself, over every wait of the period.
        "wait_median": median(minutes),
        "wait_p90": percentile(minutes, 0.9),
        "wait_max": max(minutes, default=None),
    }


def assert_matches_the_rows(report: DayReport, raw: dict[str, Any]) -> None:
    for name in ("arrivals", "hourly", "checklist", "rounds"):
        assert getattr(report, name) == raw[name], name
    for name in ("wait_median", "wait_p90", "wait_max"):
        assert getattr(report.arrivals, name) == pytest.approx(raw[name], rel=1e-12), name


def counted_in_memory(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The days a report counts from their rows rather than reading their rollup."""
    counted: list[date] = []
    real = rollup.count_days

    def spy(store: Store, settings: Settings, days: Any, cut: Any) -> Any:
        days = list(days)
        counted.extend(days)
        return real(store, settings, days, cut)

    monkeypatch.setattr(rollup, "count_days", spy)
    return counted


@pytest.mark.parametrize(
    ("first", "last"),
    [(PAST[1], PAST[1]), (PAST[0], PAST[-1]), (PAST[0], DAY)],
    ids=["one day", "three days", "three days and today"],
)
def test_the_report_from_rollups_equals_the_report_from_the_rows(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch, first: date, last: date
) -> None:  # covers: R6.2
    history(store, settings)
    assert set(rollup.stored(store, settings, PAST[0], DAY)) == set(PAST)  # the demo kept them
    counted = counted_in_memory(monkeypatch)
    report = period_report(store, settings, first, last, "en")
    assert counted == ([DAY] if last == DAY else [])  # only today is read from its rows
    assert report.arrivals.total > 0 and report.rounds.due > 0 and report.checklist.items > 0
    assert_matches_the_rows(report, recomputed(store, settings, first, last))
    # The same report with no rollup kept at all (each day counted from its rows).
    with store.unit_of_work() as uow:
        uow.execute("DELETE FROM day_rollups")
    assert period_report(store, settings, first, last, "en") == report


def test_merged_days_count_what_the_days_together_count() -> None:
    from datetime import UTC, datetime

    t0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)

    def arrival(wait_s: int, triage: float, need: str = "enquiry") -> ArrivalFacts:
        called = t0 + timedelta(seconds=wait_s)
        return ArrivalFacts(t0, called, None, "done", need, False, "cash", "lt5", triage)

    monday = [arrival(70, 12.5), arrival(400, 30.0, "transfer")]
    tuesday = [arrival(65, 8.1), arrival(400, 40.2), arrival(1201, 12.5)]
    rolled = [from_row(*to_row(DayRollup(count_arrivals(d), *EMPTY))) for d in (monday, tuesday)]
    merged = merge(rolled).arrivals
    assert merged == count_arrivals(monday + tuesday)
    assert merged.waits == [65, 70, 400, 400, 1201]  # every wait, to the second
    assert merged.by_need == {"enquiry": 4, "transfer": 1}


EMPTY: tuple[Any, Any] = (round_figures([]), checklist_counts([]))


def add(store: Store, table: str, **row: Any) -> str:
    row.setdefault("id", new_id())
    with store.unit_of_work() as uow:
        uow.insert(table, row)
    return str(row["id"])


def test_a_changed_row_forgets_its_days_rollup(store: Store, settings: Settings) -> None:
    history(store, settings)
    day = PAST[1]
    key = day.isoformat()

    def kept() -> set[date]:
        return set(rollup.stored(store, settings, PAST[0], PAST[-1]))

    ((arrival_id,),) = store.rows("SELECT id FROM arrivals WHERE business_day = ? LIMIT 1", (key,))
    ((run_id,),) = store.rows("SELECT id FROM checklist_runs WHERE business_day = ?", (key,))
    at = iso(day_bounds_utc(day, settings.timezone)[0] + timedelta(hours=11))
    changes: list[Callable[[], object]] = [
        lambda: store.conn.execute(
            "UPDATE arrivals SET status = 'left', left_at = ?, called_at = NULL WHERE id = ?",
            (at, arrival_id),
        ),
        lambda: add(store, "care_actions", arrival_id=arrival_id, kind="apology", at=at),
        lambda: add(store, "rounds", business_day=key, started_at=at),
        lambda: add(
            store,
            "checklist_answers",
            run_id=run_id,
            item_key="extra",
            section="hall",
            label="extra",
            answer="problem",
            answered_at=at,
        ),
        lambda: add(store, "shifts", business_day=key, opened_at=at),
    ]
    for change in changes:
        rollup.roll_up(store, settings, PAST[0], PAST[-1])
        assert kept() == set(PAST)
        change()
        assert kept() == set(PAST) - {day}  # the other days keep theirs
        assert_matches_the_rows(
            period_report(store, settings, PAST[0], PAST[-1], "en"),
            recomputed(store, settings, PAST[0], PAST[-1]),
        )


def test_rollups_counted_under_other_settings_are_not_read(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(store, settings)
    save_setting(store, "wait_amber_min", settings.wait_amber_min - 5)
    changed = load_settings(store)
    assert rollup.stored(store, changed, PAST[0], PAST[-1]) == {}
    counted = counted_in_memory(monkeypatch)
    report = period_report(store, changed, PAST[0], PAST[-1], "en")
    assert counted == PAST
    assert_matches_the_rows(report, recomputed(store, changed, PAST[0], PAST[-1]))


def test_a_read_only_report_counts_in_memory_and_writes_nothing(
    store: Store, settings: Settings, db_path: Path, clock: FixedClock
) -> None:
    history(store, settings)
    with store.unit_of_work() as uow:
        uow.execute("DELETE FROM day_rollups WHERE business_day = ?", (PAST[0].isoformat(),))
    expected = period_report(store, settings, PAST[0], DAY, "en")
    store.close()
    reader = open_store(db_path, clock, read_only=True)
    try:
        assert period_report(reader, settings, PAST[0], DAY, "en") == expected
        assert reader.conn.total_changes == 0
    finally:
        reader.close()


def test_closing_the_day_keeps_its_rollup_and_the_weeks_before(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    from lobby_tui.services.arrivals import move_arrival
    from lobby_tui.services.shift import hand_over, open_shift_today
    from lobby_tui.services.triage import close_day

    history(store, settings)
    with store.unit_of_work() as uow:
        uow.execute("DELETE FROM day_rollups")
    close_day(store, DAY)  # the end-of-day action, at 10:30
    assert set(rollup.stored(store, settings, PAST[0], DAY)) == {*PAST, DAY}
    # The day's rollup counts it whole: tomorrow's report reads it and matches the rows.
    kept = rollup.stored(store, settings, DAY, DAY)[DAY]
    assert kept == rollup.count_days(store, settings, [DAY], clock.now() + timedelta(days=1))[DAY]
    # A customer arriving after all: the day's rollup is forgotten, and kept again at the
    # handover after closing time (a handover earlier in the day keeps nothing).
    shift = open_shift_today(store, settings)
    add(store, "arrivals", business_day=DAY.isoformat(), ticket="Z999", arrived_at=iso(clock.now()),
        need="enquiry", channel="non_cash")  # fmt: skip
    assert DAY not in rollup.stored(store, settings, DAY, DAY)
    following = hand_over(store, settings, shift.id, "Wang", "")
    assert following is not None and DAY not in rollup.stored(store, settings, DAY, DAY)
    clock.set(clock.now() + timedelta(hours=8))  # 18:30, after closing
    for (still,) in store.rows(  # settled: the day is signed off only then (issue 26)
        "SELECT id FROM arrivals WHERE business_day = ? AND status IN ('waiting', 'called')",
        (DAY.isoformat(),),
    ):
        move_arrival(store, still, "done")
    assert DAY not in rollup.stored(store, settings, DAY, DAY)
    assert hand_over(store, settings, following.id, "Li", "") is None
    assert DAY in rollup.stored(store, settings, DAY, DAY)
    clock.set(clock.now() + timedelta(days=1))
    assert_matches_the_rows(
        period_report(store, settings, PAST[0], DAY, "en"),
        recomputed(store, settings, PAST[0], DAY),
    )


def test_rebuilt_rollups_and_the_journal_still_verifies(tmp_path: Path) -> None:
    import json

    from tests.helpers.cli import lobby

    db = tmp_path / "lobby.db"
    assert (
        lobby("demo", "--db", str(db), "--no-ui", "--days", "3", "--per-day", "40").returncode == 0
    )
    first = json.loads(lobby("report", "--db", str(db), "--format", "json").stdout)["date"]
    span = ["--from", (date.fromisoformat(first) - timedelta(days=3)).isoformat(), "--to", first]
    before = lobby("report", "--db", str(db), *span, "--format", "json")
    rebuilt = lobby("report", "--db", str(db), *span, "--format", "json", "--rebuild-rollups")
    assert rebuilt.returncode == 0 and "Daily rollups rebuilt: 3 days." in rebuilt.stderr
    assert rebuilt.stdout == before.stdout
    assert lobby("verify", "--db", str(db)).returncode == 0


def test_verify_counts_each_kept_rollup_again_and_names_an_edited_one(
    store: Store, settings: Settings, db_path: Path
) -> None:  # covers: R6.2
    """Issue 25: a day's rollup edited behind the app's back (34 arrivals made 340) changed
    `lobby report` while verify said OK. Verify now counts every rollup it finds again from
    the rows and names the day that differs."""
    import json
    import sqlite3

    from lobby_tui.services.verify import verify_store
    from tests.helpers.cli import lobby

    history(store, settings)
    assert verify_store(store).ok and verify_store(store).rollups == []
    store.close()
    day = PAST[1].isoformat()
    shell = sqlite3.connect(db_path)
    counts = json.loads(shell.execute(
        "SELECT counts FROM day_rollups WHERE business_day = ?", (day,)).fetchone()[0])  # fmt: skip
    counts["arrivals"]["total"] *= 10
    shell.execute("UPDATE day_rollups SET counts = ? WHERE business_day = ?",
                  (json.dumps(counts), day))  # fmt: skip
    shell.commit()
    shell.close()
    result = lobby("verify", "--db", str(db_path))
    assert result.returncode == 1
    assert f"FAILED: the figures kept for {day} (day_rollups) differ from its rows" in result.stdout
    assert "lobby report --rebuild-rollups" in result.stdout
    assert PAST[0].isoformat() not in result.stdout and PAST[2].isoformat() not in result.stdout
