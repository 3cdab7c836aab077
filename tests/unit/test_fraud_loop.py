"""Issue 20: every task has an owner and a due time; the fraud case, closed loop; large cash
and AML concerns; the consumer-protection figures; what never leaves the tablet."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.content import cash_rates, fraud_script, incident_catalogue
from lobby_tui.domain.cash import (
    LARGE_CASH,
    SUITABILITY,
    counter_prompts,
    is_large_cash,
    large_cash_at_triage,
    parse_money,
)
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.fraud import CaseTyped, check_case, fraud_figures, needs_supervisor
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import RULES, TaskText, task_due
from lobby_tui.services import incidents, rounds, tasks
from lobby_tui.services.export import export
from lobby_tui.services.lobby import read_lobby
from lobby_tui.services.report import day_report
from lobby_tui.services.shift import open_shift_today
from lobby_tui.services.staff import failures_in_a_row
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import SUPERVISOR_PIN, on_roster, one_row, signed_in_supervisor
from tests.helpers.clock import local

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 28)  # the fixtures' clock: 10:30 in Shanghai
SCRIPT = fraud_script()
ALL_NO = {q.id: ("words" if q.open else "no") for q in SCRIPT.question}
ALL_YES = {q.id: ("to a safe account" if q.open else "yes") for q in SCRIPT.question}
CASE = CaseTyped(amount_at_risk="86000", payee="safe_account", channel="phone")


# Every task has an owner and a due time ---------------------------------------------------


def test_each_kind_of_task_falls_due_by_its_rule(settings: Settings) -> None:
    # covers: R1.3, R3.1, R5.4 (issue 20: round and fraud tasks have a due time too)
    at = local(10, 30)
    assert task_due("checklist", at, settings) == local(9)  # found late: overdue at once
    assert task_due("round", at, settings) == at + timedelta(minutes=15)  # before the next
    assert task_due("fraud_follow_up", at, settings) == local(17)  # the same day
    assert task_due("fraud_follow_up", local(17, 40), settings) == local(17, 0, DAY.replace(day=29))
    assert task_due("device", at, settings) == local(17)
    assert task_due("appointment", at, settings) == at + timedelta(minutes=5)
    assert task_due("escalation", at, settings) == at + timedelta(hours=1)
    assert task_due("accompany", at, settings) == at + timedelta(minutes=10)
    assert task_due("home_visit", at, settings) == local(17, 0, date(2026, 11, 30))
    assert set(RULES) >= {"checklist", "round", "fraud_follow_up", "appointment", "escalation"}


def test_a_task_without_an_owner_or_a_due_time_is_refused(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(ValueError, match="owner and a due time"):
        tasks.open_task(
            uow, shift_id=None, source="round", source_id=None, text=TaskText("x"),
            due_at="", owner="someone",
        )  # fmt: skip


def test_the_owner_is_the_role_s_person_else_who_is_signed_in_else_the_role(
    store: Store, settings: Settings
) -> None:
    with store.unit_of_work() as uow:
        assert tasks.assign(uow, "escalation", settings)[0] == "role:supervisor"
        assert tasks.assign(uow, "round", settings)[0] == "role:lobby_manager"
    wang = signed_in_supervisor(store)
    li = on_roster(store, "Li", "lobby_manager")
    store.actor = li.id
    with store.unit_of_work() as uow:
        assert tasks.assign(uow, "escalation", settings)[0] == wang.id  # the supervisor
        assert tasks.assign(uow, "round", settings)[0] == li.id  # who walked it
        assert tasks.assign(uow, "appointment", settings)[0] == li.id  # no wealth manager


def test_every_source_gives_its_task_an_owner_and_a_due_time(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.3, R3.1, R5.4
    from lobby_tui.content import checklist_template
    from lobby_tui.services import checklist

    person = signed_in_supervisor(store)
    shift = open_shift_today(store, settings)
    template = checklist_template()
    item = template.item("deposit_slips")
    checklist.answer_item(
        store, settings, day=DAY, shift_id=shift.id, template=template, item=item,
        label=item.label.en, answer=None, count=3,
    )  # fmt: skip
    walked = rounds.start_round(store, settings, DAY, shift.id)
    rounds.complete_round(store, walked.id, {"seating": "problem"}, "", shift.id, settings=settings)
    fraud = incidents.raise_incident(
        store, incident_catalogue(), day=DAY, shift_id=shift.id, type_id="fraud", zone=None,
        severity=None,
    )  # fmt: skip
    incidents.record_fraud(
        store, SCRIPT, fraud, answers=ALL_NO, outcome="prevented", settings=settings, case=CASE,
        follow_up=True,
    )  # fmt: skip
    incidents.raise_incident(
        store, incident_catalogue(), day=DAY, shift_id=shift.id, type_id="aml", zone=None,
        severity=None, settings=settings,
    )  # fmt: skip
    tasks.request_care(store, settings, shift_id=shift.id, kind="home_visit", note="A012")
    tasks.report_device_fault(
        store, settings, shift_id=shift.id, device_key="sst_1", channel="self_service",
        label={"zh": "自助终端 1 号", "en": "Self-service terminal 1"},
    )  # fmt: skip
    listed = tasks.open_tasks(store)
    assert sorted(t.source for t in listed) == [
        "care", "checklist", "device", "incident", "incident", "round",
    ]  # fmt: skip
    assert all(t.owner and t.due_at for t in listed)
    assert all(tasks.task_owner(t) == "Wang" for t in listed)  # the one person on the roster
    due = {t.text.key if t.text else "": t.due_at for t in listed}
    now = clock.now()
    assert due["task.round.seating"] == now + timedelta(minutes=15)
    assert due["fraud.follow_up_task"] == local(17)
    assert due["task.escalate.aml"] == now + timedelta(hours=1)
    assert due["task.care.home_visit"] == local(17, 0, date(2026, 11, 30))
    assert person.id == one_row(store, "SELECT DISTINCT owner FROM tasks")[0]


# Large cash --------------------------------------------------------------------------------


def test_large_cash_is_at_or_above_the_threshold_in_yuan_or_its_equivalent() -> None:
    # covers: R2.5, R5.4 (issue 20)
    rates = cash_rates()
    assert is_large_cash("50000", 50000, rates) is True
    assert is_large_cash("49,999.99", 50000, rates) is False
    assert is_large_cash("¥5万", 50000, rates) is True
    # Foreign cash: from the equivalent of USD 10,000, not of the yuan threshold (issue 31.2).
    assert is_large_cash("7100 USD", 50000, rates) is False  # 50,410 yuan, but USD 7,100
    assert is_large_cash("10000 USD", 50000, rates) is True
    assert is_large_cash("9999美元", 50000, rates) is False
    assert is_large_cash("9,300 EUR", 50000, rates) is True  # 71,610 yuan = USD 10,085
    assert is_large_cash("9,000 EUR", 50000, rates) is False  # USD 9,761
    assert is_large_cash("", 50000, rates) is None
    assert parse_money("60,000.50 元", "cash") == (Decimal("60000.50"), "CNY")
    for typed, key in (
        ("lots", "amount_not_a_number"),
        ("0", "amount_not_positive"),
        ("10.123", "amount_cents"),
        ("2000000000", "amount_too_large"),
        ("9" * 23 + "万", "amount_too_large"),  # 24 typed at triage: said, not a traceback
        ("100 XYZ", "currency_unknown"),
    ):
        with pytest.raises(Invalid) as caught:
            is_large_cash(typed, 50000, rates)
        assert (caught.value.field, caught.value.key) == ("cash", key)


def test_the_counter_prompts_follow_the_need_the_flags_and_the_channel() -> None:
    # covers: R2.5, R2.6 (suitability for an older customer to wealth)
    rates = cash_rates()
    assert large_cash_at_triage("cash", "60000", 50000, rates) is True
    with pytest.raises(Invalid) as caught:
        large_cash_at_triage("non_cash", "60000", 50000, rates)
    assert caught.value.key == "cash_need_only"
    assert large_cash_at_triage("non_cash", "", 50000, rates) is False
    assert counter_prompts("cash", "cash", [], True) == [LARGE_CASH]
    assert counter_prompts("wealth", "wealth", ["elderly"], False) == [SUITABILITY]
    assert counter_prompts("non_cash", "wealth", ["elderly"], False) == [SUITABILITY]
    assert counter_prompts("wealth", "wealth", ["pregnant"], False) == []


# The fraud case, closed loop ---------------------------------------------------------------


def test_the_case_is_checked_beside_each_field() -> None:  # covers: R5.4
    def refused(outcome: str, **typed: Any) -> tuple[str, str]:
        with pytest.raises(Invalid) as caught:
            check_case(SCRIPT, outcome, replace(CASE, **typed))
        return caught.value.field, caught.value.key

    assert refused("prevented", amount_at_risk="") == ("fraud-amount", "fraud_amount_missing")
    assert refused("prevented", amount_at_risk="a lot") == ("fraud-amount", "amount_not_a_number")
    assert refused("prevented", amount_at_risk="100 USD") == ("fraud-amount", "amount_in_yuan")
    assert refused("prevented", payee=None) == ("fraud-payee", "fraud_payee_missing")
    assert refused("prevented", channel="pigeon") == ("fraud-channel", "fraud_channel_missing")
    assert refused("prevented", reported=("110",)) == ("fraud-receipt", "fraud_receipt_missing")
    assert refused("prevented", reported=("110",), receipt_no="no 1!") == (
        "fraud-receipt", "fraud_receipt_shape",
    )  # fmt: skip
    assert refused("partial") == ("fraud-saved", "fraud_saved_missing")
    assert refused("partial", amount_saved="86000") == ("fraud-saved", "fraud_saved_too_much")
    prevented = check_case(
        SCRIPT,
        "prevented",
        replace(CASE, reported=("110", "96110"), receipt_no="JJ-2026-0931"),
    )
    assert prevented["amount_saved"] == prevented["amount_at_risk"] == "86000.00"
    assert prevented["reported"] == ["96110", "110"] and prevented["receipt_no"] == "JJ-2026-0931"
    partial = check_case(SCRIPT, "partial", replace(CASE, amount_saved="30000"))
    assert partial["amount_saved"] == "30000.00"
    assert check_case(SCRIPT, "lost", CASE)["amount_saved"] == "0.00"
    assert check_case(SCRIPT, "delayed", CASE)["amount_saved"] is None


def test_yes_to_every_risk_question_and_going_ahead_needs_a_supervisor() -> None:
    # covers: R5.4
    assert needs_supervisor(SCRIPT, ALL_YES, "went_ahead")
    assert not needs_supervisor(SCRIPT, ALL_YES, "prevented")
    assert not needs_supervisor(SCRIPT, {**ALL_YES, "phone": "unsure"}, "went_ahead")
    assert not needs_supervisor(SCRIPT, ALL_NO, "went_ahead")


def test_going_ahead_is_recorded_only_with_a_supervisor_s_pin(
    store: Store, settings: Settings
) -> None:  # covers: R5.4, R6.5
    wang = signed_in_supervisor(store)
    li = on_roster(store, "Li", "lobby_manager")
    store.actor = li.id
    incident = incidents.raise_incident(
        store, incident_catalogue(), day=DAY, shift_id=None, type_id="fraud", zone=None,
        severity=None,
    )  # fmt: skip

    def record(confirm: tuple[str | None, str] | None) -> bool:
        return incidents.record_fraud(
            store, SCRIPT, incident, answers=ALL_YES, outcome="went_ahead", settings=settings,
            case=CASE, confirm=confirm,
        )  # fmt: skip

    with pytest.raises(Invalid) as caught:
        record(None)
    assert caught.value.key == "fraud_supervisor_needed"
    with pytest.raises(Invalid) as caught:
        record((wang.id, "0000"))
    assert caught.value.key == "pin_wrong"
    assert len(failures_in_a_row(store, wang.id)) == 1  # it counts towards the lockout
    with pytest.raises(Invalid) as caught:
        record((li.id, SUPERVISOR_PIN))  # the right PIN, but not a supervisor
    assert caught.value.key == "fraud_supervisor_only"
    assert one_row(store, "SELECT COUNT(*) FROM incident_updates")[0] == 0  # nothing yet
    assert record((wang.id, SUPERVISOR_PIN)) is True
    update = one_row(store, "SELECT payload, actor FROM incident_updates WHERE kind = 'fraud'")
    assert json.loads(update["payload"])["confirmed_by"] == wang.id
    assert update["actor"] == li.id  # recorded by the manager, confirmed by the supervisor
    assert record(None) is False  # unchanged and confirmed: nothing to ask again
    assert failures_in_a_row(store, wang.id) == []  # the right PIN ended the run, as at sign-in


# The figures -------------------------------------------------------------------------------


def test_fraud_figures_count_each_case_as_it_last_stands() -> None:  # covers: R5.4
    figures = fraud_figures(
        [
            {"outcome": "prevented", "amount_saved": "86000.00"},
            {"outcome": "stopped", "amount_saved": None},  # recorded before the closed loop
            {"outcome": "partial", "amount_saved": "30000.50"},
            {"outcome": "lost", "amount_saved": "0.00"},
            {"outcome": "went_ahead", "amount_saved": "0.00"},
            {"outcome": "delayed", "amount_saved": None},
        ],
        aml_concerns=2,
        large_cash=3,
    )
    assert (figures.prevented, figures.partial, figures.lost) == (2, 1, 2)
    assert figures.money_saved == Decimal("116000.50")
    assert (figures.aml_concerns, figures.large_cash) == (2, 3)
    assert fraud_figures([], 0, 0).money_saved == 0


def test_the_report_counts_prevented_money_saved_aml_and_large_cash(
    store: Store, settings: Settings
) -> None:  # covers: R5.4
    from lobby_tui.services.arrivals import NewArrival, record_arrival

    catalogue = incident_catalogue()
    for outcome, saved in (("prevented", ""), ("partial", "20000"), ("lost", "")):
        incident = incidents.raise_incident(
            store, catalogue, day=DAY, shift_id=None, type_id="fraud", zone=None, severity=None
        )
        incidents.record_fraud(
            store, SCRIPT, incident, answers=ALL_NO, outcome="delayed", settings=settings,
            case=CASE,
        )  # fmt: skip
        incidents.record_fraud(  # how it ended, recorded later: the last record counts
            store, SCRIPT, incident, answers=ALL_NO, outcome=outcome, settings=settings,
            case=replace(CASE, amount_saved=saved),
        )  # fmt: skip
    incidents.raise_incident(
        store, catalogue, day=DAY, shift_id=None, type_id="aml", zone=None, severity=None,
        settings=settings,
    )  # fmt: skip
    for large in (True, False):
        record_arrival(
            store,
            NewArrival(
                shift_id=None, business_day=DAY.isoformat(), need="cash_withdrawal",
                channel="cash", ticket_prefix="A", priority=False, flags=(), party_size=1,
                note=None, large_cash=large,
            ),
        )  # fmt: skip
    block = day_report(store, settings, DAY, "en").to_json_dict()["protection"]
    assert block == {
        "fraud_prevented": 1,
        "fraud_partial": 1,
        "fraud_lost": 1,
        "money_saved": 106000.0,
        "aml_concerns": 1,
        "large_cash": 1,
    }
    rows = [r[0] for r in store.query("SELECT large_cash FROM arrivals ORDER BY ticket")]
    assert rows == [1, None]  # only the mark; no amount column at all
    columns = {r[1] for r in store.query("PRAGMA table_info(arrivals)")}
    assert not any("amount" in c for c in columns)


# Nothing of it where a customer could see, nothing of it off the tablet --------------------


def test_an_aml_concern_is_not_counted_where_the_hall_can_see(
    store: Store, settings: Settings
) -> None:  # covers: R5.4 (no tipping off)
    catalogue = incident_catalogue()
    incidents.raise_incident(
        store, catalogue, day=DAY, shift_id=None, type_id="aml", zone=None, severity=None,
        settings=settings,
    )  # fmt: skip
    keys = ["cash", "non_cash"]
    assert read_lobby(store, settings, keys).incidents_open == 1  # the manager's dashboard
    wall = read_lobby(store, settings, keys, catalogue.discreet())
    assert wall.incidents_open == 0 and wall.incidents == []


def test_amounts_receipts_and_aml_words_never_leave_in_an_export(
    store: Store, settings: Settings, tmp_path: Path
) -> None:  # covers: R5.4, R6.5
    catalogue = incident_catalogue()
    fraud = incidents.raise_incident(
        store, catalogue, day=DAY, shift_id=None, type_id="fraud", zone=None, severity=None
    )
    incidents.record_fraud(
        store, SCRIPT, fraud, answers=ALL_NO, outcome="prevented", settings=settings,
        case=replace(CASE, amount_at_risk="86123.45", reported=("110",), receipt_no="JJ77331"),
    )  # fmt: skip
    aml = incidents.raise_incident(
        store, catalogue, day=DAY, shift_id=None, type_id="aml", zone=None, severity=None,
        note="Zhang Wei split 49000 three times", settings=settings,
    )  # fmt: skip
    incidents.set_status(store, aml, "resolved", "Zhang Wei reported to compliance")
    for personal in (False, True):
        out = tmp_path / f"export-{personal}"
        export(store, settings, DAY, DAY, out, include_personal=personal)
        written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
        for secret in ("86123", "JJ77331", "Zhang Wei", "49000"):
            assert secret not in written, (personal, secret)
        assert '"type": "aml"' in written and '"prevented"' in written  # the cases are there
        assert "never_exported" in (out / "manifest.json").read_text(encoding="utf-8")
    assert one_row(store, "SELECT note FROM incidents WHERE id = ?", (aml,))[0].startswith("Zhang")
