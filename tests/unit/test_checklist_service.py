"""The checklist services on a real database: answers, tasks, devices, sign-off, day plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.content import channels, checklist_template
from lobby_tui.domain.checklist import Answer, Given, forecast_peaks
from lobby_tui.domain.day import day_bounds_utc
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import parse_amount, parse_time
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import set_language
from lobby_tui.services import checklist, dayplan, tasks
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import one_row

DAY = date(2026, 11, 28)
TEMPLATE = checklist_template()


def answer(
    store: Store,
    settings: Settings,
    key: str,
    value: Answer | None = None,
    count: int | None = None,
    note: str | None = None,
) -> Given:
    item = TEMPLATE.item(key)
    shift = open_shift_today(store, settings)
    return checklist.answer_item(
        store,
        settings,
        day=DAY,
        shift_id=shift.id,
        template=TEMPLATE,
        item=item,
        label=item.label.en,
        answer=value,
        count=count,
        note=note,
        recheck_note="re-checked",
    )


def self_service_devices() -> dict[str, list[str]]:
    return {"self_service": [d.key for d in TEMPLATE.devices() if d.channel == "self_service"]}


def test_a_faulty_terminal_is_a_task_and_out_of_service_until_resolved(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.2
    answer(store, settings, "sst_2", Answer.PROBLEM, note="card reader jammed")
    open_now = tasks.open_tasks(store)
    # The task says which device and what is wrong, in the reader's language (issue 15).
    assert [(tasks.task_text(t), t.device_key) for t in open_now] == [
        ("Have Self-service terminal 2 repaired: card reader jammed", "sst_2")
    ]
    set_language("zh")  # the conftest puts English back after the test
    assert tasks.task_text(open_now[0]) == "报修自助终端 2 号：card reader jammed"
    set_language("en")
    start, _ = day_bounds_utc(DAY, settings.timezone)
    state = tasks.out_of_service(store, self_service_devices(), clock.now(), start)
    assert state.devices == {"sst_2": clock.now()}
    assert state.channels == {}  # two terminals still work
    clock.advance(minutes=50)
    tasks.resolve_task(store, open_now[0].id, "engineer replaced the reader")
    assert tasks.open_tasks(store) == []
    later = tasks.out_of_service(store, self_service_devices(), clock.now(), start)
    assert later.devices == {}
    # ...but the record still knows it was down at 10:40.
    back_then = tasks.out_of_service(
        store, self_service_devices(), clock.now() - timedelta(minutes=10), start
    )
    assert "sst_2" in back_then.devices
    row = one_row(store, "SELECT resolution_note, resolved_at FROM tasks")
    assert row[0] == "engineer replaced the reader" and row[1] == "2026-11-28T03:20:00Z"


def test_all_terminals_down_closes_the_self_service_channel(
    store: Store, settings: Settings
) -> None:
    for key in ("sst_1", "sst_2", "sst_3"):
        answer(store, settings, key, Answer.PROBLEM)
    start, _ = day_bounds_utc(DAY, settings.timezone)
    state = tasks.out_of_service(store, self_service_devices(), store.clock.now(), start)
    assert set(state.channels) == {"self_service"}


def test_a_device_fault_later_in_the_day_uses_the_same_path(
    store: Store, settings: Settings
) -> None:
    task_id, new = tasks.report_device_fault(
        store,
        settings,
        shift_id=None,
        device_key="led_screen",
        channel=None,
        label={"zh": "LED 屏", "en": "LED screen"},
        note="blank",
    )
    again, new_again = tasks.report_device_fault(
        store,
        settings,
        shift_id=None,
        device_key="led_screen",
        channel=None,
        label={"zh": "LED 屏", "en": "LED screen"},
        note="blank",
    )
    assert new and not new_again and again == task_id
    start, _ = day_bounds_utc(DAY, settings.timezone)
    assert "led_screen" in tasks.out_of_service(store, {}, store.clock.now(), start).devices


def test_a_shortage_becomes_a_task_and_a_recount_closes_it(
    store: Store, settings: Settings
) -> None:
    # covers: R1.3
    given = answer(store, settings, "deposit_slips", count=12)
    assert given.answer == Answer.PROBLEM
    # What to do: the count found and the minimum (issue 15).
    assert [tasks.task_text(t) for t in tasks.open_tasks(store)] == [
        "Restock Deposit slips (sheets): 12 left, minimum 50"
    ]
    assert answer(store, settings, "deposit_slips", count=80).answer == Answer.OK
    assert tasks.open_tasks(store) == []
    row = one_row(store, "SELECT count, minimum, answer FROM checklist_answers")
    assert tuple(row) == (80, 50, "ok")
    kinds = [r[0] for r in store.query("SELECT kind FROM events WHERE kind != 'shift.opened'")]
    assert kinds == [
        "checklist.started",
        "checklist.answered",
        "task.opened",
        "checklist.answered",
        "task.resolved",
    ]


def test_answers_keep_the_label_they_were_given_under(store: Store, settings: Settings) -> None:
    item = TEMPLATE.item("seating")
    shift = open_shift_today(store, settings)
    checklist.answer_item(
        store,
        settings,
        day=DAY,
        shift_id=shift.id,
        template=TEMPLATE,
        item=item,
        label=item.label.zh,
        answer=Answer.OK,
    )
    assert one_row(store, "SELECT label FROM checklist_answers")[0] == "等候区座椅整洁、摆放整齐"


def test_sign_off_is_refused_until_every_required_item_is_answered(
    store: Store, settings: Settings
) -> None:
    with pytest.raises(Invalid) as caught:
        checklist.sign_off(store, day=DAY, template=TEMPLATE, name="Li Na")
    assert caught.value.params["count"] == 28
    for item in TEMPLATE.items():
        if item.key != "ready":
            answer(store, settings, item.key, Answer.OK, count=100)
    with pytest.raises(Invalid) as caught:
        checklist.sign_off(store, day=DAY, template=TEMPLATE, name="Li Na")
    assert caught.value.params["count"] == 1
    answer(store, settings, "ready", Answer.OK)
    with pytest.raises(Invalid, match="name_missing"):
        checklist.sign_off(store, day=DAY, template=TEMPLATE, name="  ")
    checklist.sign_off(store, day=DAY, template=TEMPLATE, name="Li Na")
    state = checklist.today(store, DAY)
    assert state.run and state.run.signed_off_by == "Li Na"


def test_counters_change_during_the_day(store: Store, clock: FixedClock) -> None:  # covers: R1.6
    defaults = {c.key: c.counters for c in channels()}
    assert dayplan.counters_now(store, DAY) == defaults
    dayplan.set_counters(store, DAY, "cash", 3)
    clock.advance(minutes=30)
    dayplan.set_counters(store, DAY, "cash", 1)
    assert dayplan.counters_now(store, DAY)["cash"] == 1
    with pytest.raises(Invalid, match="counters_range"):
        dayplan.set_counters(store, DAY, "cash", 31)


def test_appointments_and_cash_movements(store: Store, settings: Settings) -> None:  # covers: R1.6
    dayplan.add_appointment(store, settings, DAY, time(14, 0), "Fund review", True, "Mr Wang")
    dayplan.add_cash_movement(store, settings, DAY, time(10, 0), 500_000, "company payroll")
    [meeting] = dayplan.appointments(store, DAY)
    assert meeting.due_at == datetime(2026, 11, 28, 6, 0, tzinfo=UTC) and meeting.vip
    assert dayplan.cash_movements(store, DAY)[0].amount == 500_000
    # The journal keeps no personal reference.
    payload = one_row(store, "SELECT payload FROM events WHERE kind = 'appointment.added'")[0]
    assert "Wang" not in payload
    for bad, key in [("25:00", "time_format"), ("9", "time_format")]:
        with pytest.raises(Invalid, match=key):
            parse_time(bad)
    with pytest.raises(Invalid, match="purpose_missing"):
        dayplan.add_appointment(store, settings, DAY, time(9, 0), " ", False)
    with pytest.raises(Invalid, match="amount_range"):
        parse_amount("0")


def test_forecast_from_the_branchs_own_arrivals(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    assert not dayplan.peak_forecast(store, settings, DAY).has_history
    for weeks, hour in ((1, 10), (1, 10), (2, 10), (2, 14)):
        day = DAY - timedelta(weeks=weeks)
        clock.set(datetime(day.year, day.month, day.day, hour - 8, 5, tzinfo=UTC))
        record_arrival(
            store,
            NewArrival(
                shift_id=None,
                business_day=day.isoformat(),
                need="enquiry",
                channel="non_cash",
                ticket_prefix="B",
            ),
        )
    forecast = dayplan.peak_forecast(store, settings, DAY)
    assert forecast.days == 2
    assert forecast.per_hour[1] == 1.5 and forecast.per_hour[5] == 0.5
    assert forecast.peaks == [10]


def test_forecast_counts_each_arrival_in_its_local_hour_in_a_half_hour_zone(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    # The store counts arrivals per quarter hour; in a zone half an hour off a whole hour
    # (Kolkata, UTC+05:30) an arrival at 04:25 UTC is 09:55 there, one at 04:35 is 10:05.
    kolkata = replace(settings, timezone=ZoneInfo("Asia/Kolkata"))
    day = DAY - timedelta(weeks=1)
    times = [(4, 25), (4, 29), (4, 35), (4, 59), (5, 0), (5, 44)]
    for hour, minute in times:
        clock.set(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC))
        record_arrival(
            store,
            NewArrival(
                shift_id=None,
                business_day=day.isoformat(),
                need="enquiry",
                channel="non_cash",
                ticket_prefix="B",
            ),
        )
    forecast = dayplan.peak_forecast(store, kolkata, DAY)
    local_times = [
        datetime(day.year, day.month, day.day, h, m, tzinfo=UTC).astimezone(kolkata.timezone)
        for h, m in times
    ]
    last = max(kolkata.opening_time.hour, min(23, kolkata.closing_time.hour))
    assert forecast == forecast_peaks({day: local_times}, kolkata.opening_time.hour, last)
    hour = kolkata.opening_time.hour
    assert forecast.per_hour[9 - hour : 12 - hour] == [2.0, 3.0, 1.0]  # 09:55 09:59 | …


def test_care_figures_on_the_played_demo_morning(store: Store, settings: Settings) -> None:
    # covers: R3.1, R3.2 — the same figures the handover will show
    from lobby_tui.demo.morning import write_demo_morning
    from lobby_tui.services.rounds import figures

    write_demo_morning(store, settings, DAY, lang="en")
    day_figures = figures(store, settings, DAY, store.clock.now())
    assert (day_figures.rounds.done, day_figures.rounds.missed) == (4, 1)
    apologies = one_row(
        store, "SELECT COUNT(DISTINCT arrival_id) FROM care_actions WHERE kind = 'apology'"
    )[0]
    assert day_figures.apologised == apologies > 0
    assert day_figures.waited_past_amber >= apologies
    assert (
        day_figures.needs_noted
        == one_row(store, "SELECT COUNT(*) FROM care_actions WHERE kind = 'interest'")[0]
    )
