"""The windows' one calling rule (domain/calling.py): who Next calls, and the same rule
played forward for the wait told at triage (R2.9, R2.5, R2.7)."""

from __future__ import annotations

import heapq

from hypothesis import given
from hypothesis import strategies as st

from lobby_tui.domain.calling import Queued, Window, next_for, play_forward
from lobby_tui.domain.waits import AtCounter, ChannelLoad, Waiting, wait_min


def q(key: str, channel: str, order: float, priority: bool = False, **kw: object) -> Queued:
    return Queued(key, channel, priority, order, **kw)  # type: ignore[arg-type]


def test_priority_first_among_the_needs_the_window_serves() -> None:  # covers: R2.9, R2.5
    waiting = [q("B1", "non_cash", 1), q("A1", "cash", 2), q("A2", "cash", 3, priority=True)]
    assert next_for(1, ("cash",), waiting) == waiting[2]  # priority, though the last come
    assert next_for(3, ("non_cash",), waiting) == waiting[0]  # a window calls its own needs
    assert next_for(6, ("wealth",), waiting) is None


def test_then_the_longest_waiting_across_the_windows_channels() -> None:  # covers: R2.9
    waiting = [q("A1", "cash", 5), q("V1", "priority", 7, priority=True), q("A0", "cash", 1)]
    # The priority window also serves cash: its priority customer first, then the cash
    # customer who has waited longest.
    first = next_for(5, ("priority", "cash"), waiting)
    assert first is not None and first.key == "V1"
    second = next_for(5, ("priority", "cash"), [w for w in waiting if w is not first])
    assert second is not None and second.key == "A0"


def test_a_transfer_to_a_window_is_called_by_that_window_only() -> None:  # covers: R2.9
    sent = q("A9", "cash", 1, for_window=4)
    waiting = [sent, q("A2", "cash", 2)]
    assert next_for(1, ("cash",), waiting) == waiting[1]
    assert next_for(4, ("non_cash",), waiting) == sent


def test_playing_forward_calls_by_the_same_rule() -> None:  # covers: R2.9, R2.7
    windows = [Window(1, ("cash",), 0.0), Window(5, ("priority", "cash"), 4.0)]
    waiting = [
        q("A1", "cash", 1, service_min=6),
        q("A2", "cash", 2, service_min=6),
        q("V1", "priority", 3, priority=True, service_min=10),
        q("W1", "wealth", 4, service_min=20),
    ]
    called = play_forward(windows, waiting)
    # Window 1 is free now and calls A1 (V1 is not its channel); window 5 frees at 4 and
    # calls V1 (priority first); window 1 frees at 6 and calls A2. Nobody serves wealth.
    assert called == {"A1": 0.0, "V1": 4.0, "A2": 6.0}


def _old_wait(servers: list[float], ahead: list[float]) -> float:
    """The estimator before the windows' rule (a heap of counters, each person ahead taking
    the next to free up): the rule must give a one-channel floor the same answer."""
    free = list(servers)
    heapq.heapify(free)
    for service in ahead:
        heapq.heapreplace(free, free[0] + service)
    return free[0]


@given(
    busy=st.lists(st.floats(0, 30), max_size=4),
    idle=st.integers(0, 3),
    waiting=st.lists(st.tuples(st.floats(1, 30), st.booleans()), max_size=25),
    priority=st.booleans(),
    stay=st.floats(0.3, 1.0),
)
def test_one_channel_quotes_as_before(
    busy: list[float],
    idle: int,
    waiting: list[tuple[float, bool]],
    priority: bool,
    stay: float,
) -> None:  # covers: R2.7
    servers = len(busy) + idle
    load = ChannelLoad(
        "cash",
        servers,
        tuple(AtCounter(b, 0.0) for b in busy),
        tuple(Waiting(s, p) for s, p in waiting),
        stay,
    )
    got = wait_min(load, priority=priority)
    if servers == 0:
        assert got is None
        return
    first = [s for s, p in waiting if p]
    ahead = first if priority else first + [s for s, p in waiting if not p]
    expected = _old_wait(busy + [0.0] * idle, [s * stay for s in ahead])
    assert got is not None and abs(got - expected) < 1e-9


@given(
    arrivals=st.lists(
        st.tuples(st.sampled_from(["cash", "non_cash", "priority"]), st.booleans()),
        min_size=1,
        max_size=30,
    ),
    service=st.floats(1, 20),
)
def test_the_quote_and_the_calls_agree(
    arrivals: list[tuple[str, bool]], service: float
) -> None:  # covers: R2.9, R2.7
    """Windows pressing Next whenever free, each calling by `next_for`, call everyone in
    the order, and at the minute, that `play_forward` told."""
    windows = [
        Window(1, ("cash",)),
        Window(3, ("non_cash",)),
        Window(5, ("priority", "cash")),
    ]
    waiting = [
        q(f"T{n}", channel, n, priority=flag, service_min=service)
        for n, (channel, flag) in enumerate(arrivals)
    ]
    told = play_forward(windows, waiting)
    # The floor as it happens: each window, as it frees, presses Next.
    left, at, calls = list(waiting), {w.number: 0.0 for w in windows}, {}
    while left:
        number = min(at, key=lambda n: (at[n], n))
        window = next(w for w in windows if w.number == number)
        person = next_for(number, window.serves, left)
        if person is None:
            del at[number]
            if not at:
                break
            continue
        calls[person.key] = at[number]
        left.remove(person)
        at[number] += service
    assert calls == told
