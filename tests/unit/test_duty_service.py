"""The duty plan on a real database: the windows open come from the people at them, the
counters follow, a change below a minimum is refused, appointments check in and become
no-shows on time, and a large withdrawal booked ahead gets its cash-preparation task."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lobby_tui.domain.duty import shortfalls
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import set_language
from lobby_tui.services import dayplan, duty
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import on_roster, one_row

DAY = date(2026, 11, 28)  # the fixtures' clock: 10:30 in Shanghai on this day


def two_tellers_at_cash(store: Store, settings: Settings) -> tuple[str, str]:
    chen, liu = on_roster(store, "Chen").id, on_roster(store, "Liu").id
    for who in (chen, liu):
        duty.set_duty(store, settings, DAY, who, "cash", time(8, 30), time(17, 30), None)
    return chen, liu


def test_the_windows_open_are_the_people_at_them(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    typed = dayplan.counters_now(store, DAY)  # no plan yet: the day plan's numbers
    chen, liu = two_tellers_at_cash(store, settings)
    zhao = on_roster(store, "Zhao").id
    duty.set_duty(store, settings, DAY, zhao, "non_cash", time(8, 30), time(17, 30), None)
    duty.set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
                  (time(12), time(13)))  # fmt: skip
    now = dayplan.counters_now(store, DAY)
    assert (now["cash"], now["non_cash"], now["priority"]) == (2, 1, 0)
    assert now["self_service"] == typed["self_service"]  # machines are not people
    clock.set(datetime(2026, 11, 28, 4, 30, tzinfo=UTC))  # 12:30: Chen at lunch
    assert dayplan.counters_now(store, DAY)["cash"] == 1
    hours = dayplan.counters_by_hour(store, DAY)
    assert hours[11]["cash"] == 2 and hours[12]["cash"] == 1 and hours[13]["cash"] == 2
    assert min(hours) == settings.opening_time.hour and max(hours) == settings.closing_time.hour
    # The counters typed on the day plan no longer open a window without a person.
    with pytest.raises(Invalid, match="counters_from_duty"):
        dayplan.set_counters(store, DAY, "cash", 3)
    # Taken off the plan: the window closes.
    duty.set_duty(store, settings, DAY, zhao, duty.OFF, time(0), time(23, 59))
    assert dayplan.counters_now(store, DAY)["non_cash"] == 0


def test_without_a_plan_every_hour_has_todays_counters(store: Store) -> None:  # covers: R1.6
    now = dayplan.counters_now(store, DAY)
    assert all(hour == now for hour in dayplan.counters_by_hour(store, DAY).values())


def test_a_lunch_below_the_minimum_is_refused_with_the_channel_and_time(
    store: Store, settings: Settings
) -> None:  # covers: R1.6
    set_language("en")
    chen, liu = two_tellers_at_cash(store, settings)
    duty.set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
                  (time(12), time(13)))  # fmt: skip
    with pytest.raises(Invalid) as refused:
        duty.set_duty(store, settings, DAY, liu, "cash", time(8, 30), time(17, 30),
                      (time(12, 30), time(13, 30)))  # fmt: skip
    assert refused.value.field == "lunch" and refused.value.key == "duty_short"
    assert refused.value.params == {"channel": "Cash counter", "start": "12:30", "end": "13:00",
                                    "minimum": 1}  # fmt: skip
    lunch = one_row(store, "SELECT break_starts_at FROM duty WHERE staff_id = ?", (liu,))
    assert lunch[0] is None  # nothing written
    # The rotation finds Liu a lunch that keeps a window open.
    assert duty.rotate_lunches(store, settings, DAY) == []
    starts = one_row(store, "SELECT break_starts_at FROM duty WHERE staff_id = ?", (liu,))[0]
    assert starts is not None and not "04:00" <= starts[11:16] < "05:00"


def test_the_day_starts_from_the_usual_weekdays_plan(
    store: Store, settings: Settings
) -> None:  # covers: R1.6
    last_week, yesterday = DAY - timedelta(weeks=1), DAY - timedelta(days=1)
    chen, liu = on_roster(store, "Chen").id, on_roster(store, "Liu").id
    duty.set_duty(store, settings, last_week, chen, "priority", time(8), time(16),
                  (time(11, 30), time(12, 30)))  # fmt: skip
    duty.set_duty(store, settings, yesterday, liu, "non_cash", time(9), time(17), None)
    assert duty.copy_source(store, DAY) == last_week  # same weekday first
    assert duty.copy_source(store, DAY + timedelta(days=1)) == DAY - timedelta(days=1)
    assert duty.copy_plan(store, settings, DAY, last_week) == 1
    [line] = duty.duty_plan(store, DAY)
    assert line.name == "Chen" and line.duty.post == "priority" and line.duty.manual
    assert line.duty.starts == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    assert line.duty.break_starts == datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    with pytest.raises(Invalid, match="duty_exists"):
        duty.copy_plan(store, settings, DAY, yesterday)


def test_a_copied_plan_never_leaves_a_channel_below_its_minimum_at_lunch(
    store: Store, settings: Settings
) -> None:  # covers: R1.6
    last_week = DAY - timedelta(weeks=1)
    chen, liu = on_roster(store, "Chen").id, on_roster(store, "Liu").id
    zhao = on_roster(store, "Zhao").id
    for who in (chen, liu, zhao):
        duty.set_duty(store, settings, last_week, who, "cash", time(8, 30), time(17, 30), None)
    duty.rotate_lunches(store, settings, last_week)
    usual = {p.duty.staff_id: p.duty.break_starts for p in duty.duty_plan(store, last_week)}
    assert len(set(usual.values())) == 3  # three lunches, one after the other
    with store.unit_of_work() as uow:  # Liu has left the branch since
        uow.execute("UPDATE staff SET active = 0 WHERE id = ?", (liu,))
    assert duty.copy_plan(store, settings, DAY, last_week) == 2
    plan = [p.duty for p in duty.duty_plan(store, DAY)]
    assert shortfalls(plan, duty.minimums(), *duty.opening_hours(settings, DAY)) == []
    assert all(d.break_starts is not None for d in plan)  # two at cash: both still lunch
    # Alone at the cash counter, Chen gets no lunch the minimum would not allow.
    solo = DAY + timedelta(days=1)
    with store.unit_of_work() as uow:
        uow.execute("UPDATE staff SET active = 0 WHERE id = ?", (zhao,))
    assert duty.copy_plan(store, settings, solo, last_week) == 1
    [alone] = [p.duty for p in duty.duty_plan(store, solo)]
    assert alone.staff_id == chen and alone.break_starts is None


def test_who_is_where_now_and_who_is_on_a_break_until_when(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    chen, liu = two_tellers_at_cash(store, settings)
    duty.set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
                  (time(12), time(13)))  # fmt: skip
    clock.set(datetime(2026, 11, 28, 4, 15, tzinfo=UTC))  # 12:15
    [cash] = duty.who_is_where(store, DAY, clock.now())
    assert cash.post == "cash" and cash.here == ["Liu"]
    assert cash.away == [("Chen", datetime(2026, 11, 28, 5, 0, tzinfo=UTC))]


# Appointments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_due", "now_utc", "marked"),
    [
        # 16:50, the grace running past closing (17:00): a no-show at 17:05, not before.
        (time(16, 50), datetime(2026, 11, 28, 9, 4, 59, tzinfo=UTC), False),
        (time(16, 50), datetime(2026, 11, 28, 9, 5, tzinfo=UTC), True),
        # 08:00 in Shanghai is midnight UTC: the grace crosses the UTC date.
        (time(8, 0), datetime(2026, 11, 27, 23, 59, tzinfo=UTC), False),
        (time(8, 0), datetime(2026, 11, 28, 0, 15, tzinfo=UTC), True),
    ],
)
def test_no_shows_are_marked_when_the_grace_runs_out(
    store: Store,
    settings: Settings,
    clock: FixedClock,
    local_due: time,
    now_utc: datetime,
    marked: bool,
) -> None:  # covers: R1.6
    clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))  # booked the evening before
    dayplan.add_appointment(store, settings, DAY, local_due, "Fund review", True, "Wang")
    clock.set(now_utc)
    assert dayplan.mark_no_shows(store, settings) == int(marked)
    [meeting] = dayplan.appointments(store, DAY)
    assert meeting.no_show is marked
    if marked:  # at the moment the grace ran out, whenever the app looked
        due = meeting.due_at + timedelta(minutes=settings.appointment_grace_min)
        assert one_row(store, "SELECT no_show_at FROM appointments")[0] == due.strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        assert (
            one_row(store, "SELECT COUNT(*) FROM events WHERE kind = 'appointment.no_show'")[0] == 1
        )
        assert dayplan.mark_no_shows(store, settings) == 0  # once


def test_the_next_days_appointment_is_never_a_no_show_today(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    dayplan.add_appointment(store, settings, DAY + timedelta(days=1), time(9), "Loan", False)
    clock.set(datetime(2026, 11, 28, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    assert dayplan.mark_no_shows(store, settings) == 0


def test_check_in_finds_an_appointment_by_reference_or_time(
    store: Store, settings: Settings
) -> None:  # covers: R1.6
    dayplan.add_appointment(store, settings, DAY, time(11, 0), "Fund review", True, "Wang")
    dayplan.add_appointment(store, settings, DAY, time(14, 30), "Company account", False, "Li")

    def found(typed: str) -> list[str]:
        return [a.purpose for a in dayplan.find_appointments(store, settings, DAY, typed)]

    assert found("") == ["Fund review", "Company account"]
    assert found("wang") == ["Fund review"]
    assert found("14") == ["Company account"]
    assert found("11:00") == ["Fund review"]
    assert found("9") == []


# Large cash ------------------------------------------------------------------------------


def test_a_large_withdrawal_booked_the_day_before_gets_its_cash_ready(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    chen, liu = two_tellers_at_cash(store, settings)
    duty.set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
                  (time(10), time(11)))  # fmt: skip
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # the day before, 16:00
    below = dayplan.add_cash_movement(store, settings, DAY, time(10, 30), 49_999, "small")
    big = dayplan.add_cash_movement(store, settings, DAY, time(10, 30), 50_000, "payroll")
    assert store.query_one("SELECT 1 FROM tasks WHERE source_id = ?", (below,)) is None
    task = one_row(store, "SELECT owner, due_at, what_key, source FROM tasks WHERE source_id = ?",
                   (big,))  # fmt: skip
    # Chen is at lunch at 10:30: the cash is Liu's to get ready, an hour before.
    assert task["owner"] == liu and task["what_key"] == "task.cash_prep"
    assert task["due_at"] == "2026-11-28T01:30:00Z" and task["source"] == "cash_movement"
    [_small, shown] = dayplan.cash_movements(store, DAY)
    assert shown.owner == "Liu" and shown.ready_by == datetime(2026, 11, 28, 1, 30, tzinfo=UTC)


def test_without_anyone_at_the_cash_counter_the_supervisor_gets_it_ready(
    store: Store, settings: Settings
) -> None:  # covers: R1.6
    boss = on_roster(store, "Wang", "supervisor").id
    moved = dayplan.add_cash_movement(store, settings, DAY, time(15), 200_000)
    assert one_row(store, "SELECT owner FROM tasks WHERE source_id = ?", (moved,))[0] == boss
