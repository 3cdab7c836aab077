"""The day's report (issue 8): figures from the domain rules on hand-made days, the JSON head
office reads (exact keys, types, rates in 0–1 or null), the formats agreeing, and nothing
written while reading."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from lobby_tui.domain.settings import Settings
from lobby_tui.report_formats import (
    figures,
    readable_figures,
    render,
    render_month,
    service_level_means,
    shown,
)
from lobby_tui.services.report import DayReport, day_report, month_report, period_report
from lobby_tui.store import FixedClock, Store, iso, new_id

DAY = date(2026, 11, 28)  # the fixtures' clock: 10:30 in Shanghai on this day
END = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)  # its midnight

# The documented keys (README "lobby report"), nothing more, nothing less.
KEYS: dict[str, Any] = {
    "date": str,
    "branch": str,
    "arrivals": {
        "total": int,
        "served": int,
        "by_need": dict,
        "by_channel": dict,
        "walkaways": int,
        "walkaway_rate": "rate",
        "self_service_rate": "rate",
        "wait_min": {"mean": "minutes", "median": "minutes", "p90": "minutes", "max": "minutes"},
        "service_level": "rate",
        "quote_hit_rate": "rate",
        "quote_longer_rate": "rate",
        "quote_shorter_rate": "rate",
        "triage_seconds_median": "minutes",
        "triage_within_target": "rate",
        "sources": {"triaged": int, "joined": int, "machine_only": int},  # covers: R2.12
    },
    "checklist": {"completed": int, "items": int, "problems": int, "tasks_open": int},
    "rounds": {"done": int, "due": int, "missed": int, "apology_rate": "rate"},
    "complaints": {
        "received": int,
        "resolved_on_spot": int,
        "open": int,
        "overdue": int,
        "callbacks_done": int,
        "satisfaction_avg": "score",
    },
    "incidents": {"total": int, "by_type": dict, "open": int},
    "quality": {  # covers: R3.3, R3.4, R3.5
        "counter_returns": int,
        "rework_rate": "rate",
        "forms_prechecked": int,
        "precheck_share": "rate",
        "machine_help": int,
        "machine_help_hall": int,
        "satisfaction_rated": int,
        "satisfaction_skipped": int,
        "satisfaction_mean": "score",
        "satisfaction_response_rate": "rate",
    },
    "protection": {  # covers: R5.4 (issue 20)
        "fraud_prevented": int,
        "fraud_partial": int,
        "fraud_lost": int,
        "money_saved": "yuan",
        "aml_concerns": int,
        "large_cash": int,
    },
    "chain_head": "head",  # covers: issue 14 (anchors)
}


def check_shape(data: dict[str, Any], spec: dict[str, Any], path: str = "") -> None:
    assert set(data) == set(spec), f"{path}: {sorted(set(data) ^ set(spec))}"
    for key, kind in spec.items():
        value = data[key]
        where = f"{path}{key}"
        if isinstance(kind, dict):
            check_shape(value, kind, f"{where}.")
        elif kind == "rate":
            assert value is None or (isinstance(value, float | int) and 0 <= value <= 1), where
        elif kind == "minutes":
            assert value is None or (isinstance(value, float | int) and value >= 0), where
        elif kind == "head":
            assert value is None or (set(value) == {"seq", "hash"} and type(value["seq"]) is int), (
                where
            )
        elif kind == "yuan":
            assert isinstance(value, float | int) and value >= 0, where
        elif kind == "score":
            assert value is None or 1 <= value <= 5, where
        elif kind is dict:
            assert isinstance(value, dict), where
            assert all(isinstance(k, str) and type(v) is int for k, v in value.items()), where
        else:
            assert type(value) is kind, where


def at(hour: int, minute: int = 0, day: date = DAY) -> str:
    """A branch-local time on a day, as stored (Shanghai is UTC+8)."""
    return iso(
        datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)
    )


def add(store: Store, table: str, **row: Any) -> str:
    row.setdefault("id", new_id())
    with store.unit_of_work() as uow:
        uow.insert(table, row)
    return str(row["id"])


def arrival(store: Store, ticket: str, need: str, channel: str, arrived: str, **row: Any) -> str:
    return add(
        store,
        "arrivals",
        business_day=DAY.isoformat(),
        ticket=ticket,
        arrived_at=arrived,
        need=need,
        channel=channel,
        **row,
    )


def complaint(store: Store, case: str, received: str, **row: Any) -> str:
    received_at = datetime.strptime(received, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    defaults = {
        "business_day": (received_at + timedelta(hours=8)).date().isoformat(),
        "received_via": "in_person",
        "category": "waiting",
        "severity": "low",
        "description": "waited",
        "status": "new",
        "decision_due_at": iso(received_at + timedelta(days=15)),
        "created_at": received,
        "updated_at": received,
    }
    return add(store, "complaints", case_no=case, received_at=received, **{**defaults, **row})


def test_a_hand_made_day(store: Store, settings: Settings, clock: FixedClock) -> None:
    # covers: R2.7, R2.8, R3.2, R3.3, R3.4, R3.5, R4.4, R4.6, R5.3
    clock.set(END + timedelta(hours=1))  # read the next morning: the day is complete
    a1 = arrival(
        store,
        "A001",
        "cash_withdrawal",
        "cash",
        at(9, 0),
        status="done",
        called_at=at(9, 4),
        done_at=at(9, 8),
        quoted_band="lt5",
        triage_seconds=12.0,
        satisfaction=5,
        rated_at=at(9, 8),
    )
    arrival(
        store,
        "S001",
        "bill_payment",
        "self_service",
        at(9, 10),
        status="done",
        called_at=at(9, 11),
        done_at=at(9, 14),
        quoted_band="lt5",
        triage_seconds=20.0,
        rated_at=at(9, 14),  # asked, and skipped
    )
    a3 = arrival(
        store,
        "B001",
        "account_opening",
        "non_cash",
        at(10, 0),
        status="done",
        called_at=at(10, 20),
        done_at=at(10, 40),
        quoted_band="10to20",
        triage_seconds=40.0,
        counter_returns=2,  # the form came back twice
        satisfaction=2,
        rated_at=at(10, 40),
    )
    arrival(store, "B002", "transfer", "non_cash", at(10, 5), status="left", left_at=at(10, 30))
    # Care: an apology for the 20-minute wait; the walk-away (25 min) got none.
    add(store, "care_actions", arrival_id=a3, kind="apology", at=at(10, 12))
    add(store, "care_actions", arrival_id=a1, kind="form_check", at=at(9, 2))
    add(store, "care_actions", arrival_id=a3, kind="self_service", at=at(10, 3))
    add(store, "care_actions", kind="self_service", at=at(11, 0), hall_day=DAY.isoformat())
    add(store, "care_actions", kind="self_service", at=at(11, 0, DAY - timedelta(days=1)),
        hall_day=(DAY - timedelta(days=1)).isoformat())  # fmt: skip
    # One round at 09:14, none after: from 09:15 to closing the rest are missed.
    add(store, "rounds", business_day=DAY.isoformat(), started_at=at(9, 14), completed_at=at(9, 20))
    # Complaints: solved on the spot today; escalated today with a promise in 3 days; one
    # from 20 days ago still open (overdue under NFRA's 15 days); one resolved yesterday.
    complaint(store, "C1", at(11, 0), outcome="on_spot", status="resolved", resolved_at=at(11, 20))
    complaint(
        store,
        "C2",
        at(12, 0),
        outcome="escalated",
        status="in_progress",
        promised_by=at(17, 0, DAY + timedelta(days=3)),
    )
    complaint(store, "C3", at(10, 0, DAY - timedelta(days=20)), status="in_progress")
    old = complaint(
        store,
        "C4",
        at(10, 0, DAY - timedelta(days=5)),
        outcome="escalated",
        status="resolved",
        resolved_at=at(16, 0, DAY - timedelta(days=1)),
    )
    for when, payload in (
        (at(14, 0), {"reached": True, "solved": True, "satisfaction": 4}),
        (at(14, 5), {"reached": True, "satisfaction": 5}),
        (at(14, 10), {"reached": False}),
        (at(14, 0, DAY - timedelta(days=1)), {"reached": True, "satisfaction": 1}),  # yesterday
    ):
        add(
            store,
            "complaint_updates",
            complaint_id=old,
            at=when,
            kind="callback",
            payload=json.dumps(payload),
        )
    add(
        store,
        "incidents",
        business_day=DAY.isoformat(),
        raised_at=at(9, 30),
        type="crowding",
        severity="low",
        status="resolved",
        resolved_at=at(9, 50),
    )
    add(
        store,
        "incidents",
        business_day=DAY.isoformat(),
        raised_at=at(15, 0),
        type="lost_property",
        severity="low",
        status="open",
    )
    add(store, "tasks", source="manual", what="refill forms", created_at=at(9, 0))
    add(
        store,
        "tasks",
        source="manual",
        what="fixed",
        created_at=at(9, 0),
        status="resolved",
        resolved_at=at(9, 30),
    )
    add(store, "enquiries", business_day=DAY.isoformat(), at=at(9, 40), topic="rates")
    add(store, "reminders", business_day=DAY.isoformat(), kind="pin", at=at(9, 41))

    report = day_report(store, settings, DAY, "en")
    data = report.to_json_dict()
    check_shape(data, KEYS)
    assert data["date"] == "2026-11-28" and data["branch"] == "Demo Branch"
    arrivals = data["arrivals"]
    assert (arrivals["total"], arrivals["walkaways"], arrivals["walkaway_rate"]) == (4, 1, 0.25)
    waits = {"mean": 8.3, "median": 4.0, "p90": 20.0, "max": 20.0}  # waits 4, 1, 20
    assert arrivals["wait_min"] == waits
    assert arrivals["service_level"] == 0.5  # 4 and 1 of 3 called + 1 gone
    assert arrivals["self_service_rate"] == 0.3333  # machine-doable: A, S, transfer
    assert arrivals["quote_hit_rate"] == 0.6667  # 4 and 1 in <5; 20 not 10–20
    assert arrivals["quote_longer_rate"] == 0.3333  # the 20: told 10–20, waited over 20
    assert arrivals["quote_shorter_rate"] == 0.0
    assert arrivals["triage_seconds_median"] == 20.0
    assert data["rounds"]["done"] == 1 and data["rounds"]["missed"] > 20
    assert data["rounds"]["apology_rate"] == 0.5  # past amber: the 20 and the 25 minute waits
    assert data["complaints"] == {
        "received": 2,
        "resolved_on_spot": 1,
        "open": 2,  # C2 and C3
        "overdue": 1,  # C3
        "callbacks_done": 2,
        "satisfaction_avg": 4.5,
    }
    assert data["incidents"] == {
        "total": 2,
        "by_type": {"crowding": 1, "lost_property": 1},
        "open": 1,
    }
    assert data["quality"] == {
        "counter_returns": 2,
        "rework_rate": 0.6667,  # 2 forms back over 3 served
        "forms_prechecked": 1,  # A001
        "precheck_share": 0.3333,
        "machine_help": 2,  # B001 in the queue, and someone without a ticket
        "machine_help_hall": 1,  # yesterday's is yesterday's
        "satisfaction_rated": 2,
        "satisfaction_skipped": 1,
        "satisfaction_mean": 3.5,
        "satisfaction_response_rate": 0.6667,
    }
    assert data["checklist"] == {"completed": 0, "items": 0, "problems": 0, "tasks_open": 1}
    assert not report.partial and report.enquiries == 1 and report.reminders["pin"] == 1
    assert [c.case_no for c in report.open_complaints] == ["C3", "C2"]  # overdue first
    assert [h.arrivals for h in report.hourly][:2] == [2, 2]
    assert report.hourly[1].wait_mean == pytest.approx(20.0)


def test_an_empty_day_measures_nothing(store: Store, settings: Settings) -> None:
    data = day_report(store, settings, DAY, "en").to_json_dict()
    check_shape(data, KEYS)
    a = data["arrivals"]
    assert a["total"] == 0 and a["by_need"] == {} and a["wait_min"]["median"] is None
    for rate in ("walkaway_rate", "self_service_rate", "service_level", "quote_hit_rate"):
        assert a[rate] is None  # never a made-up zero
    assert data["complaints"]["satisfaction_avg"] is None
    assert data["rounds"]["apology_rate"] is None
    q = data["quality"]  # covers: R3.3, R3.5 — nothing served, nothing rated: no rates
    assert (q["counter_returns"], q["machine_help"], q["satisfaction_rated"]) == (0, 0, 0)
    for key in ("rework_rate", "precheck_share", "satisfaction_mean"):
        assert q[key] is None
    assert q["satisfaction_response_rate"] is None


def test_a_day_with_only_walkaways(store: Store, settings: Settings) -> None:
    for n in range(3):
        arrival(store, f"B00{n}", "enquiry", "non_cash", at(9, n), status="left", left_at=at(9, 30))
    a = day_report(store, settings, DAY, "en").to_json_dict()["arrivals"]
    assert (a["walkaway_rate"], a["service_level"]) == (1.0, 0.0)
    assert a["wait_min"] == {"mean": None, "median": None, "p90": None, "max": None}


def demo_db(store: Store, settings: Settings, days: int = 3) -> None:
    from lobby_tui.demo.history import write_history
    from lobby_tui.demo.morning import write_demo_morning

    write_demo_morning(store, settings, DAY, lang="en")
    write_history(store, settings, DAY, days=days, per_day=80, seed=5, lang="en")


def test_a_period_pools_its_days(store: Store, settings: Settings) -> None:
    # covers: R3.1 — a period's figures are its days' figures pooled, not averaged
    demo_db(store, settings)
    days = [DAY - timedelta(days=n) for n in (3, 2, 1)]
    each = [day_report(store, settings, d, "en") for d in days]
    period = period_report(store, settings, days[0], days[-1], "en")
    assert period.date == "2026-11-25/2026-11-27"
    assert period.arrivals.total == sum(r.arrivals.total for r in each) > 0
    assert period.rounds.done == sum(r.rounds.done for r in each)
    assert period.complaints.received == sum(r.complaints.received for r in each)
    assert period.incidents.by_type == {
        k: sum(r.incidents.by_type.get(k, 0) for r in each)
        for k in {k for r in each for k in r.incidents.by_type}
    }
    one = period_report(store, settings, days[1], days[1], "en")
    assert one.to_json_dict() == each[1].to_json_dict()
    check_shape(period.to_json_dict(), KEYS)


def test_the_formats_agree(store: Store, settings: Settings) -> None:
    # covers: R6.2 — the demo morning with its history, in JSON, CSV and Markdown
    demo_db(store, settings)
    report = day_report(store, settings, DAY, "en")
    assert report.partial  # read at 10:30
    flat: dict[str, Any] = {}

    def walk(values: dict[str, Any], prefix: str) -> None:
        for k, v in values.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            else:
                flat[f"{prefix}{k}"] = v

    data = json.loads(render(report, "json"))
    walk({k: v for k, v in data.items() if isinstance(v, dict) and k != "chain_head"}, "")
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    from_csv = {f"{r['section']}.{r['key']}": r["value"] for r in rows if r["section"] != "report"}
    assert set(from_csv) == set(flat)
    for key, value in flat.items():
        assert from_csv[key] == ("" if value is None else str(value)), key
    markdown = render(report, "md")
    for figure in figures(report):
        assert figure.label != f"report.{figure.section}.{figure.key}"  # every label exists
    read = readable_figures(report)
    for figure in read:
        assert f"| {figure.label} | {shown(figure)} |" in markdown
    # A branch without a ticket machine is not told "0 from the machine" (R2.12).
    assert {f.key for f in figures(report)} - {f.key for f in read} == {
        "sources.triaged",
        "sources.joined",
        "sources.machine_only",
    }
    assert data["arrivals"]["total"] == report.arrivals.total > 20
    # The journal's head, the same in all three (issue 14: anchors).
    head = f"{data['chain_head']['seq']}:{data['chain_head']['hash']}"
    assert [r["value"] for r in rows if r["key"] == "chain_head"] == [head]
    assert f"`{head}`" in markdown


def test_the_day_and_the_month_print_a_section_alike(store: Store, settings: Settings) -> None:
    # covers: R6.2, R4.6 — one Markdown layout for both prints, line by line
    demo_db(store, settings)
    report = day_report(store, settings, DAY, "en")
    day = render(report, "md").split("\n")
    month = render_month(month_report(store, settings, date(2026, 11, 1), "en"), "md")
    for lines in (day, month.split("\n")):
        headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
        assert len(headings) >= 3
        for i in headings:
            assert lines[i - 1] == "" and lines[i + 1] == ""
            assert lines[i + 2 : i + 4] == ["| Figure | Value |", "| --- | ---: |"]
            assert lines[i + 4].startswith("| ")  # a figure's row
        assert lines[-1] == "" and lines[-2] != ""  # one newline at the end, no blank line
    # What the service level counts: under the arrivals table, set apart by blank lines.
    means = day.index(service_level_means(report))
    assert day[means - 1] == "" and day[means + 1] == ""
    assert day[means - 2].startswith("| ") and day[means + 2] == "## Opening checklist"


def test_reading_writes_nothing(store: Store, settings: Settings) -> None:
    demo_db(store, settings, days=1)
    before = store.conn.total_changes
    day_report(store, settings, DAY, "en")
    period_report(store, settings, DAY - timedelta(days=1), DAY, "en")
    assert store.conn.total_changes == before


def test_chinese_labels(store: Store, settings: Settings) -> None:
    from lobby_tui.i18n import set_language

    set_language("zh")
    demo_db(store, settings, days=1)
    markdown = render(day_report(store, settings, DAY, "zh"), "md")
    assert "# 日报 — 示范支行 — 2026-11-28" in markdown
    assert "| 业务：现金取款 |" in markdown and "## 投诉" in markdown


def test_the_report_type_is_the_handover_interface() -> None:
    # The handover screen reads these fields; renaming one is a breaking change.
    fields = set(DayReport.__dataclass_fields__)
    assert {
        "first_day",
        "last_day",
        "branch",
        "as_of",
        "partial",
        "arrivals",
        "hourly",
        "checklist",
        "rounds",
        "complaints",
        "incidents",
        "quality",
        "enquiries",
        "reminders",
        "open_tasks",
        "open_complaints",
        "open_incidents",
        "chain_head",
        "red_min",
        "protection",
        "sources",
    } == fields


def test_a_complaint_reopened_later_was_settled_at_the_end_of_its_first_day(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.6
    from lobby_tui.content import complaint_catalogue
    from lobby_tui.domain.complaints import Intake
    from lobby_tui.services import complaints

    day = clock.now().date()
    complaint_id, _case = complaints.take_complaint(
        store,
        settings,
        complaint_catalogue(),
        Intake(
            clock.now(),
            "in_person",
            "fees",
            "low",
            "Fee taken twice",
            outcome="on_spot",
            action_taken="refunded",
        ),  # fmt: skip
        shift_id=None,
    )
    clock.advance(days=3)
    complaints.record_callback(
        store, complaint_id, reached=True, solved=False, satisfaction=2, note="charged again"
    )
    assert day_report(store, settings, day, "en").complaints.open == 0  # settled that day
    today = day_report(store, settings, day + timedelta(days=3), "en")
    assert today.complaints.open == 1 and [c.id for c in today.open_complaints] == [complaint_id]


def test_a_referral_past_its_own_deadline_is_overdue_in_the_report_and_handover(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4 — red everywhere: the referral letter's deadline is a deadline too
    from lobby_tui.content import complaint_catalogue
    from lobby_tui.domain.complaints import Clock, Intake
    from lobby_tui.domain.day import business_day
    from lobby_tui.services import complaints

    letter_due = clock.now() + timedelta(days=5)  # the regulator's own 15 days run longer
    complaints.take_complaint(
        store,
        settings,
        complaint_catalogue(),
        Intake(
            clock.now(),
            "nfra_12378",
            "fees",
            "medium",
            "Fee taken twice",
            referral_ref="12378-2026-0042",
            referral_due=letter_due,
        ),  # fmt: skip
        shift_id=None,
    )
    clock.advance(days=6)  # past the letter's deadline, within the 15 days
    report = day_report(store, settings, business_day(clock.now(), settings.timezone), "en")
    assert (report.complaints.open, report.complaints.overdue) == (1, 1)
    [case] = report.open_complaints
    assert case.clock == Clock.OVERDUE and case.referral_due == letter_due


def test_the_service_level_is_defined_once_in_readme_and_report(
    store: Store, settings: Settings
) -> None:  # covers: R2.7
    # Issue 15: the app counted "not seen" against the branch while README's formula did
    # not. The report says what the figure counts, in the words README uses.
    from pathlib import Path

    from lobby_tui.i18n import set_language, t

    # The reports' page for operators (docs/operators/reports.md) since the README is short.
    page = Path(__file__).parents[2] / "docs" / "operators" / "reports.md"
    stated = t("report.arrivals.service_level.means", red=settings.wait_red_min)
    assert "not seen" in stated and stated in page.read_text(encoding="utf-8")
    markdown = render(day_report(store, settings, DAY, "en"), "md")
    assert stated in markdown
    set_language("zh")
    chinese = render(day_report(store, settings, DAY, "zh"), "md")
    assert "服务水平 = 15 分钟内叫号的客户" in chinese and "营业结束时仍未叫号" in chinese
