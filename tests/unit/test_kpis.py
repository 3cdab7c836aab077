"""The day's arrival figures on small hand-computed days (for the handover and the report)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lobby_tui.domain.kpis import ArrivalFacts, arrival_figures, median, percentile

T0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def arrival(
    wait: float | None,
    *,
    left: bool = False,
    need: str = "enquiry",
    machine: bool = False,
    channel: str = "non_cash",
    band: str | None = None,
    triage: float | None = 10.0,
) -> ArrivalFacts:
    called = None if wait is None or left else T0 + timedelta(minutes=wait)
    return ArrivalFacts(
        arrived_at=T0,
        called_at=called,
        left_at=T0 + timedelta(minutes=wait or 0) if left else None,
        status="left" if left else ("done" if called else "waiting"),
        need=need,
        machine_doable=machine,
        channel=channel,
        quoted_band=band,
        triage_seconds=triage,
    )


def test_median_and_p90_with_ties() -> None:
    assert median([4, 1, 3, 2]) == 2.5  # even: the mean of the middle two
    assert median([5, 5, 1]) == 5
    assert percentile(list(range(1, 11)), 0.9) == 9  # nearest rank
    assert median([]) is None and percentile([], 0.9) is None


def test_a_hand_computed_day() -> None:
    day = [
        arrival(2, band="lt5", machine=True, channel="self_service", need="bill_payment"),
        arrival(7, band="5to10", triage=25),
        arrival(12, band="5to10", triage=40),
        arrival(16, band="10to20", machine=True, channel="cash", need="cash_withdrawal"),
        arrival(20, left=True, triage=31),
    ]
    figures = arrival_figures(day, red_min=15)
    assert figures.total == 5 and figures.walkaways == 1
    assert figures.walkaway_rate == pytest.approx(0.2)
    assert (figures.wait_median, figures.wait_p90, figures.wait_max) == (9.5, 16, 16)
    # called within 15 min: 2, 7, 12 of the four called plus the walk-away → 3 / 5
    assert figures.service_level == pytest.approx(0.6)
    # quotes: 2 in <5 ✓, 7 in 5–10 ✓, 12 in 5–10 ✗, 16 in 10–20 ✓
    assert figures.quote_hit_rate == pytest.approx(0.75)
    assert figures.self_service_rate == pytest.approx(0.5)  # 1 of 2 machine-doable
    assert figures.triage_seconds_median == 25  # 10, 10, 25, 31, 40
    assert figures.triage_within_target == pytest.approx(0.6)  # 10, 10, 25 within 30 s
    assert figures.by_channel == {"self_service": 1, "non_cash": 3, "cash": 1}


def test_an_empty_day_measures_nothing() -> None:
    figures = arrival_figures([], red_min=15)
    assert figures.total == 0
    assert figures.walkaway_rate is None and figures.service_level is None
    assert figures.wait_median is None and figures.quote_hit_rate is None
    assert figures.self_service_rate is None and figures.triage_seconds_median is None


def test_a_day_with_only_walkaways() -> None:
    figures = arrival_figures([arrival(25, left=True), arrival(18, left=True)], red_min=15)
    assert figures.walkaway_rate == 1.0
    assert figures.service_level == 0.0  # they waited and nobody was called in time
    assert figures.wait_median is None and figures.quote_hit_rate is None
