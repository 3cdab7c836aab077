"""The live floor the quote is made from (R2.3, R2.7): customers at a counter, machines that
work, the day's walk-aways, and closing the day."""

from __future__ import annotations

from datetime import date

import pytest

from lobby_tui.content import needs_catalogue
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.services import tasks
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival, undo_move
from lobby_tui.services.dayplan import set_counters
from lobby_tui.services.triage import ChannelState, channel_state, close_day, suggest
from lobby_tui.store import FixedClock, Store, StoreError

DAY = date(2026, 11, 28)
PREFIX = {"cash": "A", "non_cash": "B", "priority": "V", "self_service": "S", "wealth": "W"}


def walk_in(store: Store, need: str, channel: str, *, priority: bool = False) -> str:
    arrival_id, _ = record_arrival(
        store,
        NewArrival(None, DAY.isoformat(), need, channel, PREFIX[channel], priority=priority),
    )
    return arrival_id


def state(store: Store, settings: Settings) -> ChannelState:
    return channel_state(store, settings, needs_catalogue(), DAY)


def test_a_consultation_at_the_one_wealth_counter_is_in_the_quote(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    # covers: R2.6, R2.7
    set_counters(store, DAY, "wealth", 1)
    move_arrival(store, walk_in(store, "wealth_consultation", "wealth"), "called")
    clock.advance(minutes=2)
    estimate = state(store, settings).estimate("wealth")
    assert estimate.minutes == 23 and estimate.band == "gt20"


def test_both_non_cash_counters_just_called_is_not_under_five_minutes(
    store: Store, settings: Settings
) -> None:
    # covers: R2.7
    set_counters(store, DAY, "non_cash", 2)
    set_counters(store, DAY, "priority", 0)  # open, it would call non-cash customers too
    for _ in range(2):
        move_arrival(store, walk_in(store, "account_opening", "non_cash"), "called")
    assert state(store, settings).estimate("non_cash").band == "10to20"


def test_a_priority_newcomer_waits_only_for_priority_customers_ahead(
    store: Store, settings: Settings
) -> None:
    # covers: R2.5, R2.7
    set_counters(store, DAY, "wealth", 1)
    walk_in(store, "wealth_consultation", "wealth")
    walk_in(store, "wealth_consultation", "wealth")
    now = state(store, settings)
    assert now.estimate("wealth").minutes == 50
    assert now.estimate("wealth", priority=True).minutes == 0
    elderly = suggest(now, needs_catalogue().by_id("wealth_consultation"), ["elderly"], settings)
    assert (elderly.channel, elderly.priority) == ("wealth", True)


def test_machines_are_the_terminals_in_service(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    # covers: R1.2, R2.4
    assert state(store, settings).counters["self_service"] == 3  # the checklist's terminals
    for key in ("sst_1", "sst_2"):
        tasks.report_device_fault(
            store,
            settings,
            shift_id=None,
            device_key=key,
            channel="self_service",
            label={"zh": "自助机", "en": "machine"},
            note="paper jam",
        )
    clock.advance(minutes=1)
    now = state(store, settings)
    assert now.counters["self_service"] == 1 and "self_service" not in now.down_since
    tasks.report_device_fault(
        store,
        settings,
        shift_id=None,
        device_key="sst_3",
        channel="self_service",
        label={"zh": "自助机 3", "en": "machine 3"},
        note="no network",
    )
    clock.advance(minutes=1)
    down = state(store, settings)
    assert down.counters["self_service"] == 0 and "self_service" in down.down_since
    assert down.estimate("self_service").band is None  # no band promised for it
    bills = suggest(down, needs_catalogue().by_id("bill_payment"), [], settings)
    assert bills.channel == "non_cash"


def test_walk_aways_today_shorten_the_queue_ahead(store: Store, settings: Settings) -> None:
    # covers: R2.7, R3.2
    set_counters(store, DAY, "cash", 1)
    set_counters(store, DAY, "priority", 0)  # open, it would call cash customers too
    for _ in range(4):
        walk_in(store, "foreign_exchange", "cash")  # 10 minutes each
    assert state(store, settings).estimate("cash").minutes == 40
    for _ in range(30):  # served at the machines: says nothing of the cash queue
        move_arrival(store, walk_in(store, "cash_deposit", "self_service"), "done")
    for _ in range(10):
        move_arrival(store, walk_in(store, "cash_withdrawal", "cash"), "left")
    # Nobody at the cash counter was served yet and 10 walked away: (0 + 20) / (10 + 20) stay.
    assert state(store, settings).estimate("cash").minutes == pytest.approx(40 * 20 / 30)


def test_closing_the_day_ends_the_wait_of_those_still_waiting_only(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    # covers: R2.7
    waiting = walk_in(store, "transfer", "non_cash")
    at_counter = walk_in(store, "transfer", "non_cash")
    move_arrival(store, at_counter, "called")
    clock.advance(minutes=5)
    assert close_day(store, DAY) == 1
    rows = {r["id"]: r for r in store.query("SELECT id, status, left_at FROM arrivals")}
    assert rows[waiting]["status"] == "not_seen"
    assert rows[waiting]["left_at"] == "2026-11-28T02:35:00Z"
    assert rows[at_counter]["status"] == "called" and rows[at_counter]["left_at"] is None


def test_undo_puts_the_customer_back_in_one_unit_of_work(
    store: Store, clock: FixedClock
) -> None:  # covers: R2.3
    customer = walk_in(store, "transfer", "non_cash")
    move_arrival(store, customer, "called")
    clock.advance(seconds=10)
    assert move_arrival(store, customer, "left") == "called"
    assert undo_move(store, customer, "left") == "B001"
    row = store.query_one(
        "SELECT status, called_at, left_at FROM arrivals WHERE id = ?", (customer,)
    )
    assert row is not None and row[0] == "called" and row[1] is not None and row[2] is None
    with pytest.raises(StoreError):  # already undone: it is called now, not left
        undo_move(store, customer, "left")
    clock.advance(seconds=31)
    with pytest.raises(Invalid) as caught:  # the call itself is 41 s old
        undo_move(store, customer, "called")
    assert caught.value.key == "undo_too_late"
