"""Synthetic history for the demo and the benchmarks (`lobby demo --days`): deterministic,
plausible, fast, and honest in the journal."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from lobby_tui.content import forecast_config, holiday_calendar
from lobby_tui.demo.history import CALENDAR_TRUTH, TABLES, write_history
from lobby_tui.domain.forecast import Calendar, learn_factors
from lobby_tui.domain.settings import Settings
from lobby_tui.services.report import day_report, period_report
from lobby_tui.services.settings import load_settings
from lobby_tui.services.verify import verify_store
from lobby_tui.store import FixedClock, Store, StoreError, open_store
from tests.helpers.app import one_row

DAY = date(2026, 11, 28)


def rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {t: [tuple(r) for r in store.query(f"SELECT * FROM {t} ORDER BY id")] for t in TABLES}


def test_the_same_seed_writes_the_same_rows(tmp_path: Path, clock: FixedClock) -> None:
    written = []
    for name, seed in (("a.db", 3), ("b.db", 3), ("c.db", 4)):
        store = open_store(tmp_path / name, clock)
        settings = load_settings(store)
        write_history(store, settings, DAY, days=4, per_day=60, seed=seed, lang="en")
        written.append(rows(store))
        store.close()
    assert written[0] == written[1]  # ids included
    assert written[0]["arrivals"] != written[2]["arrivals"]


def test_progress_is_told_after_each_day(tmp_path: Path, clock: FixedClock) -> None:
    store = open_store(tmp_path / "lobby.db", clock)
    told: list[tuple[int, int]] = []
    write_history(
        store, load_settings(store), DAY, days=3, per_day=30, progress=lambda *a: told.append(a)
    )
    store.close()
    assert told == [(1, 3), (2, 3), (3, 3)]


def test_history_is_plausible_and_the_journal_holds(store: Store, settings: Settings) -> None:
    # covers: R1.2, R2.4, R2.7, R3.1, R3.2, R4.4, R4.6, R5.3
    counts = write_history(store, settings, DAY, days=21, per_day=250, seed=7, lang="en")
    assert counts["arrivals"] == one_row(store, "SELECT COUNT(*) FROM arrivals")[0] > 21 * 150
    first, last = DAY - timedelta(days=21), DAY - timedelta(days=1)
    assert one_row(store, "SELECT MIN(business_day), MAX(business_day) FROM arrivals")[:] == (
        first.isoformat(),
        last.isoformat(),
    )
    report = period_report(store, settings, first, last, "en")
    a = report.arrivals
    assert 0.01 < (a.walkaway_rate or 0) < 0.15
    assert 0.3 < (a.self_service_rate or 0) < 0.8  # the machines, but not for everyone
    assert 0.7 < (a.service_level or 0) < 1 and 0.6 < (a.quote_hit_rate or 0) < 1
    assert 5 < (a.wait_p90 or 0) < 30 and 8 < (a.triage_seconds_median or 0) < 25
    assert set(a.by_channel) == {"cash", "non_cash", "priority", "self_service", "wealth"}
    # The morning and lunchtime peaks: 10:00 and 12:00 are busier than 14:00 on weekdays.
    weekdays = [day_report(store, settings, first + timedelta(days=n), "en") for n in range(21)]
    weekdays = [r for r in weekdays if r.first_day.weekday() < 5]
    by_hour = {h: sum(r.hourly[h - 9].arrivals for r in weekdays) for h in (10, 12, 14)}
    assert by_hour[10] > by_hour[14] and by_hour[12] > by_hour[14]
    # Weekends are quieter: ordinary Sundays than ordinary weekdays (a pension day on a
    # Sunday brings half as many again: the calendar's effects are the forecast's to learn).
    cal = Calendar.of(holiday_calendar(), settings.pension_days, settings.payroll_days)
    sundays = [first + timedelta(days=n) for n in range(21)]
    sundays = [d for d in sundays if d.weekday() == 6 and not cal.effects(d)]
    weekend = [day_report(store, settings, d, "en").arrivals.total for d in sundays]
    assert len(weekend) >= 2
    assert max(weekend) < min(r.arrivals.total for r in weekdays if not cal.effects(r.first_day))
    r = report.rounds
    assert r.done > 0.85 * r.due and r.missed > 0 and 0.2 < (r.apology_rate or 0) < 1
    c = report.checklist
    assert c.runs == c.signed_off == 21 and c.completed == c.items and c.problems >= 1
    statuses = {row[0] for row in store.query("SELECT DISTINCT status FROM complaints")}
    assert {"in_progress", "callback_done", "closed"} <= statuses
    assert {"on_spot", "escalated"} == {
        row[0] for row in store.query("SELECT DISTINCT outcome FROM complaints")
    }
    assert one_row(
        store,
        "SELECT COUNT(*) FROM complaints WHERE departments IS NOT NULL AND owner IS NOT NULL"
        " AND promised_by IS NOT NULL",
    )[0]
    callbacks = [
        json.loads(row[0])
        for row in store.query("SELECT payload FROM complaint_updates WHERE kind = 'callback'")
    ]
    assert any(cb["reached"] for cb in callbacks) and not all(cb["reached"] for cb in callbacks)
    assert report.complaints.satisfaction_avg is not None
    assert (
        report.incidents.total > 0
        and one_row(store, "SELECT COUNT(*) FROM incident_updates")[0] > report.incidents.total
    )
    assert report.enquiries > 0 and report.reminders["belongings"] > 0
    # The consumer-protection print has something to show (issue 20): a regulator's
    # referral with its reference and reply deadline, and a fraud case with its amount.
    assert one_row(
        store,
        "SELECT COUNT(*) FROM complaints WHERE received_via IN ('nfra_12378', 'nfra_office')"
        " AND referral_ref IS NOT NULL AND referral_due_at > received_at",
    )[0]
    assert one_row(store, "SELECT COUNT(*) FROM complaints WHERE referral_ref IS NOT NULL"
                   " AND received_via NOT IN ('nfra_12378', 'nfra_office')")[0] == 0  # fmt: skip
    assert report.protection.prevented > 0 and report.protection.money_saved > 0
    # Every task, as the app opens them (domain/tasks.RULES): an owner and a due time.
    assert one_row(store, "SELECT COUNT(*) FROM tasks")[0] > 0
    assert (
        one_row(store, "SELECT COUNT(*) FROM tasks WHERE owner IS NULL OR due_at IS NULL")[0] == 0
    )
    shifts = store.query("SELECT closed_at, handover_note FROM shifts")
    assert len(shifts) == 21 and all(s[0] and s[1] for s in shifts)
    # The journal: one event says what was written, then the digests of every row it wrote
    # in pieces (issue 14); the chain, the file and every row are sound.
    event = store.query("SELECT kind, payload FROM events ORDER BY seq")
    assert event[0][0] == "demo.history_written"
    assert {e[0] for e in event[1:]} == {"rows.written"}
    assert json.loads(event[0][1])["rows"]["arrivals"] == counts["arrivals"]
    vouched = [json.loads(e[1])["digests"] for e in event[1:]]
    assert sum(len(d.get("arrivals", {}).get("rows", {})) for d in vouched) == counts["arrivals"]
    assert verify_store(store).ok


def test_a_history_never_goes_into_a_database_with_a_past(store: Store, settings: Settings) -> None:
    write_history(store, settings, DAY, days=2, per_day=30, seed=1, lang="en")
    with pytest.raises(StoreError, match="demo.not_empty"):
        write_history(store, settings, DAY, days=2, per_day=30, seed=1, lang="en")
    assert write_history(store, settings, DAY, days=0, per_day=30)["arrivals"] == 0  # nothing asked


def test_history_complaints_use_the_branch_lists_and_open_on_screen(
    store: Store, settings: Settings
) -> None:  # covers: R4.3
    from lobby_tui.content import complaint_catalogue
    from lobby_tui.services import complaints

    write_history(store, settings, DAY, days=20, per_day=250, seed=5, lang="zh")
    catalogue = complaint_catalogue()
    ids = {k: {e.id for e in getattr(catalogue, k)} for k in
           ("category", "responsibility", "department", "empathy")}  # fmt: skip
    listed = complaints.find(store, settings, complaints.Filter(status="all"))
    assert len(listed) >= 5
    for c in listed:  # read back as the complaint screen reads them
        assert c.category in ids["category"]
        assert c.responsibility is None or c.responsibility in ids["responsibility"]
        assert set(c.departments) <= ids["department"]
        assert set(c.empathy) <= ids["empathy"]
        assert c.name_masked.endswith("*") and "*" in c.phone_masked


def test_history_after_the_demo_morning_numbers_cases_after_its_own(
    store: Store, settings: Settings
) -> None:
    from lobby_tui.demo.morning import write_demo_morning

    write_demo_morning(store, settings, DAY, lang="en")  # with its earlier days' complaints
    write_history(store, settings, DAY, days=20, per_day=200, seed=2, lang="en")
    numbers = [r[0] for r in store.query("SELECT case_no FROM complaints")]
    assert len(numbers) == len(set(numbers)) > 6


def test_the_same_seed_writes_the_same_history_in_either_language(
    tmp_path: Path, clock: FixedClock
) -> None:
    shapes = []
    for lang in ("zh", "en"):
        store = open_store(tmp_path / f"{lang}.db", clock)
        write_history(store, load_settings(store), DAY, days=10, per_day=120, seed=3, lang=lang)
        shapes.append(
            [
                tuple(store.query(f"SELECT COUNT(*), MIN(id), MAX(id) FROM {table}")[0])
                for table in ("arrivals", "complaints", "incidents", "rounds", "care_actions")
            ]
        )
        store.close()
    assert shapes[0] == shapes[1]


def test_no_round_is_missed_on_a_day_the_lobby_was_not_open(
    store: Store, settings: Settings
) -> None:  # covers: R3.1
    write_history(store, settings, DAY, days=3, per_day=100, seed=1, lang="en")
    before = period_report(store, settings, DAY - timedelta(days=30), DAY - timedelta(days=4))
    assert (before.rounds.due, before.rounds.missed) == (0, 0)  # no shift: nothing due
    with_history = period_report(store, settings, DAY - timedelta(days=30), DAY - timedelta(days=1))
    only = period_report(store, settings, DAY - timedelta(days=3), DAY - timedelta(days=1))
    assert with_history.rounds == only.rounds and only.rounds.due > 0


def test_the_history_has_the_calendar_the_forecast_learns(store: Store, settings: Settings) -> None:
    # covers: R1.6
    # Ninety days to 28 November 2026: National Day, three pension days, six pay days.
    write_history(store, settings, DAY, days=90, per_day=120, seed=7, lang="en")
    # Each day's total as one "hour": the effects scale the whole day.
    by_day = {
        date.fromisoformat(d): {int(h): n}
        for d, h, n in store.rows(
            "SELECT business_day, 12, COUNT(*) FROM arrivals GROUP BY business_day"
        )
    }
    weather = dict(store.rows("SELECT business_day, weather FROM day_weather"))
    assert len(weather) == 90
    cal = Calendar.of(
        holiday_calendar(),
        settings.pension_days,
        settings.payroll_days,
        {date.fromisoformat(d): w for d, w in weather.items()},
    )
    factors = learn_factors(by_day, cal, forecast_config(), 12, 12)
    for effect in ("pension_day", "payroll_day", "holiday"):
        assert factors[effect].learned and factors[effect].observations >= 3
        assert factors[effect].value == pytest.approx(CALENDAR_TRUTH[effect], rel=0.2)
