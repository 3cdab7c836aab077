"""Erlang C and the windows an hour needs (R1.6), against published closed forms."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from lobby_tui.domain.staffing import (
    MOST_WINDOWS,
    LiveChannel,
    erlang_c,
    open_window_advice,
    projected_wait,
    service_level,
    wait_longer_than,
    windows_needed,
)


def erlang_c_by_the_book(load: Fraction, windows: int) -> Fraction:
    """Erlang's delay formula as printed (Kleinrock, Queueing Systems Vol. 1, 1975, eq. 3.42):
    C = (A^c/c! · c/(c−A)) / (Σ_{k<c} A^k/k! + A^c/c! · c/(c−A)), in exact fractions."""
    top = load**windows / math.factorial(windows) * Fraction(windows) / (windows - load)
    return top / (sum(load**k / math.factorial(k) for k in range(windows)) + top)


# covers: R1.6
def test_one_window_waits_with_the_utilisation() -> None:
    # M/M/1 (Kleinrock Vol. 1 §3.2): P(wait) = ρ and P(W > t) = ρ·e^{−(μ−λ)t}.
    assert erlang_c(0.75, 1) == pytest.approx(0.75)
    # 9 an hour, 5 minutes each: ρ = 0.75, μ − λ = 0.2 − 0.15 = 0.05 a minute.
    assert wait_longer_than(9, 5, 1, 10) == pytest.approx(0.75 * math.exp(-0.05 * 10))


def test_two_windows_match_the_closed_form() -> None:
    # M/M/2: C = 2ρ² / (1 + ρ) (Kleinrock Vol. 1 §3.5 with c = 2).
    for rho in (0.1, 0.5, 0.8, 0.95):
        assert erlang_c(2 * rho, 2) == pytest.approx(2 * rho**2 / (1 + rho))


@pytest.mark.parametrize(
    ("load", "windows"), [(Fraction(2), 3), (Fraction(7, 2), 5), (Fraction(48), 55)]
)
def test_the_recursion_agrees_with_the_printed_formula(load: Fraction, windows: int) -> None:
    # A=2, c=3 by hand: Σ = 1 + 2 + 2 = 5, top = 8/6 · 3 = 4, C = 4/9.
    assert erlang_c(float(load), windows) == pytest.approx(
        float(erlang_c_by_the_book(load, windows))
    )
    assert erlang_c(2, 3) == pytest.approx(4 / 9)


@pytest.mark.parametrize(
    ("agents", "waits", "answered"),
    [(11, 0.6821, 0.3896), (12, 0.4494, 0.6402), (13, 0.2853, 0.7956), (14, 0.1741, 0.8884)],
)
def test_the_published_call_centre_table(agents: int, waits: float, answered: float) -> None:
    # covers: R1.6
    # The worked example of Call Centre Helper's "Erlang C formula – made simple" (and of
    # many workforce-planning primers): 100 calls in 30 minutes, 180 s each (A = 10
    # Erlangs), a 20 s target. P(wait) per number of agents as its table prints it, to four
    # places; the share answered within 20 s is its SL = 1 − P(wait)·e^{−(c−A)·t/AHT}.
    assert erlang_c(10, agents) == pytest.approx(waits, abs=5e-5)
    assert service_level(200, 3, agents, 20 / 60) == pytest.approx(answered, abs=5e-4)
    # The fewest agents for 80 % within 20 s: 14 (13 fall just short, at 79.6 %).
    assert windows_needed(200, 3, 20 / 60, 0.8) == 14


def test_no_arrivals_no_wait_and_no_window() -> None:
    assert erlang_c(0, 2) == 0
    assert wait_longer_than(0, 5, 0, 15) == 0
    assert service_level(0, 5, 1, 15) == 1
    assert windows_needed(0, 5, 15, 0.8) == 0


def test_overload_means_everyone_waits() -> None:
    # ρ ≥ 1: the queue grows without bound.
    assert erlang_c(2, 2) == 1
    assert erlang_c(3, 2) == 1
    assert wait_longer_than(30, 5, 2, 15) == 1  # 2.5 Erlangs on two windows
    assert wait_longer_than(10, 5, 0, 15) == 1  # nothing open


def test_windows_needed_is_the_least_that_meets_the_target() -> None:
    # 40 walk-ins an hour at 6 minutes: 4 Erlangs.
    needed = windows_needed(40, 6, 15, 0.8)
    assert needed > 4
    assert service_level(40, 6, needed, 15) >= 0.8
    assert service_level(40, 6, needed - 1, 15) < 0.8
    # A higher target never needs fewer windows.
    assert windows_needed(40, 6, 15, 0.95) >= needed
    assert windows_needed(10_000, 30, 1, 0.99) == MOST_WINDOWS


def live(**changes: float) -> LiveChannel:
    base = dict(
        channel="cash",
        waiting=2,
        longest_min=3.0,
        arrived=6,
        expected=6.0,
        windows=2,
        service_min=4.0,
    )
    base.update(changes)
    return LiveChannel(**base)  # type: ignore[arg-type]


def test_no_advice_while_walk_ins_keep_to_the_forecast() -> None:
    assert open_window_advice(live(), 15, 0.8, 30) is None
    # A long queue the forecast expected is the plan's business, not a surprise.
    assert open_window_advice(live(waiting=9, arrived=20, expected=19.0), 15, 0.8, 30) is None


def test_a_surge_ahead_of_the_forecast_asks_for_a_window_before_red() -> None:
    surge = live(waiting=8, longest_min=6.0, arrived=16, expected=6.0)
    advice = open_window_advice(surge, 15, 0.8, 30)
    assert advice is not None
    assert advice.projected_min >= 15 and advice.needed >= 3
    # Ahead of the forecast, but the open windows keep up: nothing to say.
    assert open_window_advice(live(arrived=10, expected=6.0, windows=4), 15, 0.8, 30) is None


def test_the_projected_wait_grows_with_the_pace() -> None:
    slow, fast = live(arrived=6), live(arrived=30)
    assert projected_wait(fast, 30) > projected_wait(slow, 30)
    assert projected_wait(live(windows=0), 30) == math.inf
