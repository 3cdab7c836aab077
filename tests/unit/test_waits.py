"""The wait told to a walk-in, against queues worked out by hand (R2.7)."""

from __future__ import annotations

import pytest

from lobby_tui.domain.waits import AtCounter, ChannelLoad, Waiting, ahead_of, band, quotes, wait_min


def test_a_consultation_just_started_at_the_one_wealth_counter_is_waited_for() -> None:
    # covers: R2.7, R2.6
    load = ChannelLoad("wealth", 1, at_counter=(AtCounter(25, 0),))
    assert wait_min(load) == 25
    assert band(25) == "gt20"  # not "<5 min" as the old formula told


def test_both_non_cash_counters_just_called_means_the_next_waits_for_one_to_finish() -> None:
    # covers: R2.7
    load = ChannelLoad("non_cash", 2, at_counter=(AtCounter(15, 0), AtCounter(15, 1)))
    assert wait_min(load) == 14


def test_someone_at_every_counter_and_three_ahead() -> None:
    # covers: R2.7
    # Counters free at 3 and 10; the three ahead start at 3, 8 and 10 and free the counters
    # at 8, 13 and 15; the newcomer is called at 13.
    load = ChannelLoad(
        "cash",
        2,
        at_counter=(AtCounter(5, 2), AtCounter(12, 2)),
        waiting=(Waiting(5), Waiting(5), Waiting(5)),
    )
    assert wait_min(load) == 13


def test_a_counter_closing_while_serving_calls_nobody_else() -> None:
    # covers: R2.7
    load = ChannelLoad("cash", 1, at_counter=(AtCounter(6, 2), AtCounter(12, 3)))
    assert wait_min(load) == 4
    assert wait_min(ChannelLoad("cash", 1, waiting=(Waiting(4), Waiting(4)))) == 8


def test_priority_customers_are_called_first() -> None:
    # covers: R2.5, R2.7
    queue = (Waiting(10), Waiting(10), Waiting(5, priority=True))
    load = ChannelLoad("non_cash", 1, waiting=queue)
    assert wait_min(load, priority=True) == 5
    assert wait_min(load) == 25
    assert [w.service_min for w in ahead_of(queue, priority=False)] == [5, 10, 10]


def test_a_service_running_long_still_has_some_time_left() -> None:
    # covers: R2.7
    assert AtCounter(10, 15).remaining_min == 2.5
    assert AtCounter(10, 4).remaining_min == 6


def test_a_channel_with_nothing_open_promises_no_band() -> None:
    # covers: R2.7
    assert wait_min(ChannelLoad("self_service", 0, waiting=(Waiting(3),))) is None
    assert wait_min(ChannelLoad("self_service", -1)) is None


def test_an_idle_counter_means_no_wait() -> None:
    assert wait_min(ChannelLoad("cash", 2, at_counter=(AtCounter(4, 1),))) == 0


def test_quotes_every_channel() -> None:
    loads = [ChannelLoad("cash", 1, waiting=(Waiting(4),)), ChannelLoad("wealth", 0)]
    assert quotes(loads) == {"cash": 4, "wealth": None}


@pytest.mark.parametrize("servers", [1, 2, 5])
def test_more_people_ahead_never_shortens_the_wait(servers: int) -> None:
    shorter = ChannelLoad("cash", servers, waiting=tuple(Waiting(4) for _ in range(6)))
    longer = ChannelLoad("cash", servers, waiting=tuple(Waiting(4) for _ in range(7)))
    before, after = wait_min(shorter), wait_min(longer)
    assert before is not None and after is not None and after >= before


def test_the_floor_at_a_moment() -> None:
    # covers: R2.7
    from datetime import UTC, datetime, timedelta

    from lobby_tui.domain.waits import Visit, floor_at

    t0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)

    def minute(n: float) -> datetime:
        return t0 + timedelta(minutes=n)

    visits = [
        Visit("cash", 4, False, minute(0), minute(1), minute(5)),  # done before 10
        Visit("cash", 6, False, minute(2), minute(8), minute(14)),  # at the counter at 10
        Visit("cash", 4, True, minute(3), minute(12), minute(15)),  # waiting at 10
        Visit("cash", 4, False, minute(4), None, minute(9)),  # walked away before 10
        Visit("cash", 4, False, minute(6), None, None),  # still waiting, never called
        Visit("cash", 4, False, minute(11), minute(13), minute(16)),  # not here yet
    ]
    load = floor_at(minute(10), visits, {"cash": 1, "wealth": 1})
    assert load["cash"].at_counter == (AtCounter(6, 2),)
    assert load["cash"].waiting == (Waiting(4, priority=True), Waiting(4))
    assert load["wealth"] == ChannelLoad("wealth", 1)
    # At the counter 4 more minutes, then the priority customer (4), then the one who came
    # at minute 6 (4): the newcomer waits 12.
    assert wait_min(load["cash"]) == 12


def test_those_who_will_walk_away_take_no_counter_time() -> None:
    # covers: R2.7, R3.2
    from lobby_tui.domain.waits import stay_share

    assert stay_share(0, 0) == 1.0  # nothing known yet: everyone stays
    assert stay_share(20, 0) == 1.0
    assert stay_share(30, 10) == 50 / 60  # a fifth walked away, pulled towards 1 early on
    queue = tuple(Waiting(10) for _ in range(4))
    assert wait_min(ChannelLoad("cash", 1, waiting=queue, stay=0.75)) == 30
