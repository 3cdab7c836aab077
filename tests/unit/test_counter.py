"""The counters call (R2.9, issue 26): Next, Recall, Start, Done, No-show and Transfer at a
numbered window, under the teller's name; which windows are open; the window's figures."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from lobby_tui.content import windows
from lobby_tui.domain.errors import Invalid
from lobby_tui.services import counter
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.dayplan import set_counters
from lobby_tui.services.quality import rate_service
from lobby_tui.store import FixedClock, Store, open_store, wall_clock
from tests.helpers.app import on_roster, one_row
from tests.helpers.floor import walk_in_ticket
from tests.unit import writers

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated

DAY = date(2026, 11, 28)  # MORNING's business day


def test_the_branch_has_numbered_windows_each_serving_its_channels() -> None:  # covers: R2.9
    numbers = {w.number: w.serves for w in windows()}
    assert numbers[1] == ("cash",) and numbers[4] == ("non_cash",)
    assert numbers[7] == ("priority", "cash", "non_cash")  # the priority window serves both
    assert numbers[8] == ("wealth",)


def test_next_calls_priority_first_then_the_longest_waiting(
    store: Store, clock: FixedClock
) -> None:  # covers: R2.9, R2.5
    teller = on_roster(store, "Zhou Tao")
    store.actor = teller.id
    first = walk_in_ticket(store, "cash")
    clock.advance(minutes=1)
    other = walk_in_ticket(store, "non_cash")
    clock.advance(minutes=1)
    elderly = walk_in_ticket(store, "cash", priority=True)
    called = counter.call_next(store, DAY, 1)
    assert called is not None and called.ticket == elderly  # priority first
    with pytest.raises(Invalid) as busy:  # one customer at a time
        counter.call_next(store, DAY, 1)
    assert busy.value.key == "window_busy" and busy.value.params == {"ticket": elderly}
    counter.done(store, DAY, 1)
    assert counter.call_next(store, DAY, 1).ticket == first  # type: ignore[union-attr]
    counter.done(store, DAY, 1)
    assert counter.call_next(store, DAY, 1) is None  # the non-cash customer is not window 1's
    assert counter.call_next(store, DAY, 4).ticket == other  # type: ignore[union-attr]
    row = one_row(store, "SELECT status, window_no, called_at FROM arrivals WHERE ticket = ?",
                  (other,))  # fmt: skip
    assert (row[0], row[1]) == ("called", 4) and row[2]
    actors = store.rows(
        "SELECT DISTINCT actor FROM events WHERE kind IN ('arrival.called', 'arrival.done')"
    )
    assert [a for (a,) in actors] == [teller.id]  # every call under the teller's name


def test_recall_then_no_show_counts_as_walked_away(store: Store) -> None:  # covers: R2.9
    ticket = walk_in_ticket(store, "cash")
    counter.call_next(store, DAY, 2)
    with pytest.raises(Invalid) as caught:
        counter.no_show(store, DAY, 2)
    assert caught.value.key == "no_show_recall_first" and caught.value.params == {"ticket": ticket}
    assert counter.recall(store, DAY, 2).recalls == 1
    assert counter.recall(store, DAY, 2).recalls == 2
    counter.no_show(store, DAY, 2)
    row = one_row(store, "SELECT status, no_show, left_at FROM arrivals WHERE ticket = ?",
                  (ticket,))  # fmt: skip
    assert (row[0], row[1]) == ("left", 1) and row[2]
    figures = counter.window_figures(store, DAY, 2)
    assert (figures.served, figures.no_shows) == (0, 1)
    kinds = [k for (k,) in store.rows("SELECT kind FROM events WHERE entity = 'arrival'")]
    assert kinds[-3:] == ["arrival.recalled", "arrival.recalled", "arrival.no_show"]


def test_done_then_a_rating_and_the_windows_figures(store: Store, clock: FixedClock) -> None:
    # covers: R2.9, R3.5
    for _ in range(3):
        walk_in_ticket(store, "cash")
    for minutes in (4, 8):
        called = counter.call_next(store, DAY, 1)
        assert called is not None
        clock.advance(minutes=1)
        counter.start(store, DAY, 1)
        clock.advance(minutes=minutes)
        counter.done(store, DAY, 1)
        rate_service(store, called.id, 5)
    figures = counter.window_figures(store, DAY, 1)
    assert (figures.served, figures.mean_service_min, figures.waiting) == (2, 6.0, 1)
    rated = store.rows("SELECT satisfaction FROM arrivals WHERE status = 'done'")
    assert [r[0] for r in rated] == [5, 5]


def test_transfer_to_a_channel_or_to_one_window(store: Store, clock: FixedClock) -> None:
    # covers: R2.9
    first = walk_in_ticket(store, "cash")
    clock.advance(minutes=1)
    later = walk_in_ticket(store, "cash")
    counter.call_next(store, DAY, 1)
    with pytest.raises(Invalid) as caught:
        counter.transfer(store, DAY, 1, "", channel="non_cash")
    assert caught.value.key == "move_reason_missing"
    counter.transfer(store, DAY, 1, "needs a card replaced", to_window=5)
    row = one_row(store, "SELECT status, channel, for_window, window_no, moved_reason"
                  " FROM arrivals WHERE ticket = ?", (first,))  # fmt: skip
    assert tuple(row) == ("waiting", "non_cash", 5, None, "needs a card replaced")
    assert counter.call_next(store, DAY, 4) is None  # sent to window 5: not window 4's
    assert counter.call_next(store, DAY, 5).ticket == first  # type: ignore[union-attr]
    assert counter.call_next(store, DAY, 1).ticket == later  # type: ignore[union-attr]


def test_windows_open_by_the_days_counters_and_by_hand(store: Store) -> None:  # covers: R2.9
    set_counters(store, DAY, "cash", 1)
    opened = {w.number for w in counter.open_windows(store, DAY, {"cash": 1, "non_cash": 2})}
    assert opened == {1, 4, 5}
    counter.set_window_open(store, DAY, 4, False)
    walk_in_ticket(store, "cash")
    assert counter.call_next(store, DAY, 3) is not None  # a teller calling opens window 3
    opened = {w.number for w in counter.open_windows(store, DAY, {"cash": 1, "non_cash": 2})}
    assert opened == {1, 3, 5}
    with pytest.raises(Invalid) as caught:
        counter.call_next(store, DAY, 42)
    assert caught.value.key == "window_unknown"


def test_two_windows_pressing_next_at_once_never_call_one_customer(db_path: Path) -> None:
    # covers: R2.9
    store = open_store(db_path, wall_clock())
    today = store.clock.now().date()
    for _ in range(30):
        record_arrival(store, NewArrival(None, today.isoformat(), "deposit", "cash", "A"))
    store.close()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    children = [
        ctx.Process(target=writers.next_at_window, args=(str(db_path), today, n, barrier, 15))
        for n in (1, 2)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    assert [child.exitcode for child in children] == [0, 0]
    store = open_store(db_path, wall_clock())
    try:
        rows = store.rows("SELECT window_no, count(*) FROM arrivals GROUP BY window_no")
        assert dict(rows) == {1: 15, 2: 15}  # thirty calls, thirty customers
        calls = store.rows("SELECT count(*) FROM events WHERE kind = 'arrival.called'")
        assert calls[0][0] == 30
    finally:
        store.close()


def test_the_day_plan_puts_each_person_at_a_numbered_window(
    store: Store, clock: FixedClock
) -> None:  # covers: R2.9, R1.6
    """The plan's people at a channel take its windows in number order, in the plan's
    order; a window is open while its person is at their post and closed over their lunch,
    so a teller's lunch closes their own window, not the first of the channel."""
    from datetime import time

    from lobby_tui.domain.duty import assign_windows
    from lobby_tui.services.duty import set_duty
    from lobby_tui.services.settings import load_settings
    from tests.helpers.app import signed_in_supervisor

    settings = load_settings(store)
    signed_in_supervisor(store)
    chen, liu, zhao = (on_roster(store, name).id for name in ("Chen Jing", "Liu Yang", "Zhao Lei"))
    set_duty(store, settings, DAY, liu, "cash", time(9, 0), time(17, 30), None)
    set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
             (time(10, 0), time(11, 0)))  # fmt: skip
    set_duty(store, settings, DAY, zhao, "non_cash", time(8, 30), time(17, 30), None)
    assert counter.seats(store, DAY) == {chen: 1, liu: 2, zhao: 4}
    clock.set(clock.now().replace(hour=1, minute=0))  # 09:00 in Shanghai: all at their posts
    assert {w.number for w in counter.open_windows(store, DAY, {})} == {1, 2, 4}
    clock.set(clock.now().replace(hour=2, minute=30))  # 10:30: Chen at lunch
    assert {w.number for w in counter.open_windows(store, DAY, {})} == {2, 4}
    walk_in_ticket(store, "cash")
    assert counter.call_next(store, DAY, 2) is not None
    # Two windows for three people: the last has none, and the rule says so.
    desks = [(1, "cash"), (2, "cash")]
    from lobby_tui.domain.duty import Duty

    duties = [Duty(s, "cash", clock.now(), clock.now().replace(hour=9)) for s in (chen, liu, zhao)]
    assert assign_windows(duties, desks) == {chen: 1, liu: 2}
    # Someone who calls from a window sits there; the others fill the rest in order.
    assert assign_windows(duties, desks, {liu: 1}) == {liu: 1, chen: 2}


def test_a_teller_sits_where_they_call_from(store: Store, clock: FixedClock) -> None:
    # covers: R2.9
    """The plan seats Chen at window 1; she calls from window 3 (her usual one): she sits
    there, and window 1 stands closed rather than counted open with nobody at it."""
    from datetime import time

    from lobby_tui.services.duty import set_duty
    from lobby_tui.services.settings import load_settings
    from tests.helpers.app import signed_in_supervisor

    settings = load_settings(store)
    signed_in_supervisor(store)
    chen, liu = (on_roster(store, name).id for name in ("Chen Jing", "Liu Yang"))
    set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30), None)
    set_duty(store, settings, DAY, liu, "cash", time(8, 30), time(17, 30), None)
    clock.set(clock.now().replace(hour=1, minute=0))  # 09:00
    assert {w.number for w in counter.open_windows(store, DAY, {})} == {1, 2}
    walk_in_ticket(store, "cash")
    store.actor = chen
    assert counter.call_next(store, DAY, 3) is not None
    assert counter.seats(store, DAY) == {chen: 3, liu: 1}
    opened = {w.number for w in counter.open_windows(store, DAY, {})}
    assert opened == {1, 3}  # Liu now holds the first free one: two open, as two are here
    counter.done(store, DAY, 3)
    set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
             (time(10, 0), time(11, 0)))  # fmt: skip
    clock.set(clock.now().replace(hour=2, minute=30))  # 10:30: Chen at lunch, her window shut
    assert {w.number for w in counter.open_windows(store, DAY, {})} == {1}


def test_a_call_keeps_no_window_open_past_its_tellers_lunch(
    store: Store, clock: FixedClock
) -> None:  # covers: R2.9, R2.7
    """A window open by the plan needs no word of its own when it calls: one written then
    would keep it open over its teller's lunch, and the quotes would count it."""
    from datetime import time

    from lobby_tui.services.duty import set_duty
    from lobby_tui.services.settings import load_settings
    from tests.helpers.app import signed_in_supervisor

    settings = load_settings(store)
    signed_in_supervisor(store)
    chen, liu = (on_roster(store, name).id for name in ("Chen Jing", "Liu Yang"))
    set_duty(store, settings, DAY, liu, "cash", time(9, 0), time(17, 30), None)
    set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
             (time(11, 0), time(12, 0)))  # fmt: skip
    clock.set(clock.now().replace(hour=1, minute=0))  # 09:00: Chen at window 1 calls
    walk_in_ticket(store, "cash")
    assert counter.call_next(store, DAY, 1) is not None
    counter.done(store, DAY, 1)
    clock.set(clock.now().replace(hour=3, minute=30))  # 11:30: Chen at lunch
    assert {w.number for w in counter.open_windows(store, DAY, {})} == {2}
    counter.set_window_open(store, DAY, 2, False)  # Liu pauses, then calls again
    assert {w.number for w in counter.open_windows(store, DAY, {})} == set()
    walk_in_ticket(store, "cash")
    assert counter.call_next(store, DAY, 2) is not None
    assert {w.number for w in counter.open_windows(store, DAY, {})} == {2}
