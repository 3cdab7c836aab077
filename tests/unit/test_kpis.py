"""The day's arrival figures on small hand-computed days (for the handover and the report)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.domain.day import open_at
from lobby_tui.domain.kpis import (
    ArrivalFacts,
    CallbackFacts,
    ComplaintFacts,
    IncidentFacts,
    RunFacts,
    arrival_figures,
    checklist_figures,
    complaint_figures,
    hourly_figures,
    incident_figures,
    median,
    percentile,
    round_figures,
)
from lobby_tui.domain.rounds import CareFigures, RoundTally

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
    # quotes: 2 in <5 ✓, 7 in 5–10 ✓, 12 in 5–10 ✗ (longer), 16 in 10–20 ✓
    assert figures.quote_hit_rate == pytest.approx(0.75)
    assert figures.quote_longer_rate == pytest.approx(0.25)
    assert figures.quote_shorter_rate == 0
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


def test_ties_in_the_median_wait_take_the_middle_two() -> None:  # covers: R2.7
    figures = arrival_figures([arrival(w) for w in (3, 3, 8, 8)], red_min=15)
    assert figures.wait_median == 5.5 and figures.wait_p90 == 8 and figures.wait_max == 8


def test_the_quote_counts_only_for_the_called_who_were_told_a_band() -> None:  # covers: R2.7
    day = [arrival(4, band="lt5"), arrival(6), arrival(30, left=True, band="10to20")]
    assert arrival_figures(day, red_min=15).quote_hit_rate == 1.0


def test_the_quote_is_scored_by_the_side_it_missed_on() -> None:  # covers: R2.7
    day = [
        arrival(3, band="5to10"),  # called sooner than told
        arrival(12, band="lt5"),  # longer: the customer was told under 5 minutes
        arrival(25, band="10to20"),  # longer
        arrival(7, band="5to10"),  # as told
    ]
    figures = arrival_figures(day, red_min=15)
    assert figures.quote_hit_rate == 0.25
    assert figures.quote_longer_rate == 0.5 and figures.quote_shorter_rate == 0.25


# The chart per hour: two at nine (waits 2 and 4), one at eleven not yet called, none at ten.
def test_arrivals_and_mean_wait_per_local_hour() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    at_nine = T0.replace(hour=1)  # 09:00 in Shanghai
    day = [
        arrival(2)._replace(arrived_at=at_nine, called_at=at_nine + timedelta(minutes=2)),
        arrival(4)._replace(
            arrived_at=at_nine + timedelta(minutes=50),
            called_at=at_nine + timedelta(minutes=54),
        ),
        arrival(None)._replace(arrived_at=at_nine + timedelta(hours=2, minutes=5)),
    ]
    hours = hourly_figures(day, shanghai, first_hour=9, last_hour=11)
    assert [(h.hour, h.arrivals, h.wait_mean) for h in hours] == [
        (9, 2, 3.0),
        (10, 0, None),
        (11, 1, None),
    ]
    # An early queue at 08:57 widens the chart, so the bars add up to the day's total.
    early = arrival(1)._replace(arrived_at=at_nine - timedelta(minutes=3))
    widened = hourly_figures([*day, early], shanghai, first_hour=9, last_hour=11)
    assert widened[0].hour == 8 and sum(h.arrivals for h in widened) == 4
    assert [h.arrivals for h in hourly_figures([], shanghai, 9, 17)] == [0] * 9


def test_open_at_the_cut() -> None:
    cut = T0 + timedelta(hours=10)
    assert open_at(T0, None, cut)
    assert open_at(T0, cut, cut)  # resolved at the stroke of midnight: the next day's work
    assert not open_at(T0, cut - timedelta(seconds=1), cut)
    assert not open_at(cut, None, cut)  # not received yet


DAY = date(2026, 11, 28)
END = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)  # midnight in Shanghai


def complaint(
    days_ago: int,
    *,
    outcome: str | None = None,
    settled: datetime | None = None,
    due_in_days: float = 15,
    promised_in_days: float | None = None,
) -> ComplaintFacts:
    received = END - timedelta(days=days_ago, hours=6)
    return ComplaintFacts(
        business_day=DAY - timedelta(days=days_ago),
        received_at=received,
        outcome=outcome,
        settled_at=settled,
        decision_due_at=received + timedelta(days=due_in_days),
        promised_by=None
        if promised_in_days is None
        else received + timedelta(days=promised_in_days),
    )


def test_a_hand_computed_complaint_day() -> None:  # covers: R4.4, R4.6
    complaints = [
        complaint(0, outcome="on_spot", settled=END - timedelta(hours=5)),  # received, solved
        complaint(0, outcome="escalated", promised_in_days=3),  # received, open, on time
        complaint(0),  # received, not decided yet: open
        complaint(20),  # open since 20 days: past the NFRA 15 days → overdue
        complaint(5, promised_in_days=2),  # the promise of 2 days is broken → overdue
        complaint(4, settled=END + timedelta(hours=9)),  # resolved tomorrow: open tonight
        complaint(3, settled=END - timedelta(days=1)),  # resolved yesterday
    ]
    callbacks = [CallbackFacts(True, 5), CallbackFacts(True, 4), CallbackFacts(False, None)]
    figures = complaint_figures(complaints, callbacks, DAY, DAY, END)
    assert (figures.received, figures.resolved_on_spot) == (3, 1)
    assert (figures.open, figures.overdue) == (5, 2)
    assert figures.callbacks_done == 2 and figures.satisfaction_avg == 4.5


def test_complaints_on_a_day_without_any() -> None:
    figures = complaint_figures([], [CallbackFacts(False, None)], DAY, DAY, END)
    assert (figures.received, figures.open, figures.callbacks_done) == (0, 0, 0)
    assert figures.satisfaction_avg is None  # nobody reached: nothing to average
    reached_silent = complaint_figures([], [CallbackFacts(True, None)], DAY, DAY, END)
    assert reached_silent.callbacks_done == 1 and reached_silent.satisfaction_avg is None


def test_incidents_by_type_and_open_at_the_cut() -> None:  # covers: R5.3
    def incident(days_ago: int, kind: str, resolved: datetime | None) -> IncidentFacts:
        return IncidentFacts(
            DAY - timedelta(days=days_ago), END - timedelta(hours=8), kind, resolved
        )

    figures = incident_figures(
        [
            incident(0, "fraud", END - timedelta(hours=7)),
            incident(0, "crowding", END - timedelta(hours=7)),
            incident(0, "crowding", None),
            incident(2, "lost_property", None),  # still open from two days ago
        ],
        DAY,
        DAY,
        END,
    )
    assert figures.total == 3 and figures.by_type == {"fraud": 1, "crowding": 2}
    assert figures.open == 2


def test_checklist_figures() -> None:  # covers: R1.2, R1.3
    runs = [RunFacts(24, True, ["ok"] * 21 + ["problem", "problem", "na"])]
    figures = checklist_figures(runs, tasks_open=3)
    assert (figures.runs, figures.signed_off, figures.completed, figures.items) == (1, 1, 24, 24)
    assert (figures.problems, figures.tasks_open) == (2, 3)
    none = checklist_figures([], tasks_open=0)
    assert (none.runs, none.completed, none.items, none.problems) == (0, 0, 0, 0)


def test_round_figures_pool_the_days() -> None:  # covers: R3.1, R3.2
    def day(done: int, missed: int, past_amber: int, apologised: int) -> CareFigures:
        tally = RoundTally(due=done + missed, done=done, missed=missed, next_due=END)
        return CareFigures(tally, past_amber, apologised, 0, 0, 0)

    pooled = round_figures([day(30, 2, 10, 9), day(28, 4, 0, 0), day(31, 1, 2, 0)])
    assert (pooled.due, pooled.done, pooled.missed) == (96, 89, 7)
    assert pooled.apology_rate == 9 / 12  # over the period, not the mean of 0.9 and 0
    assert round_figures([day(0, 0, 0, 0)]).apology_rate is None


def test_not_seen_at_closing_counts_against_the_service_level() -> None:
    # covers: R2.7 — two served in time, one never called all day
    unseen = arrival(None)._replace(status="not_seen")
    still_waiting = arrival(None)  # the day goes on: not counted yet
    figures = arrival_figures([arrival(5), arrival(10), unseen, still_waiting], red_min=15)
    assert figures.service_level == pytest.approx(2 / 3)


def test_served_and_the_mean_wait_over_those_called() -> None:  # covers: R2.7
    figures = arrival_figures([arrival(5), arrival(10), arrival(3, left=True), arrival(None)], 15)
    assert (figures.total, figures.served, figures.walkaways) == (4, 2, 1)
    assert figures.wait_mean == pytest.approx(7.5)  # 5 and 10: the walk-away was never called
