"""Service quality measured (issue 20): the figures' one definition on hand-made days, days
with none, and a period pooled from its days' rollups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.kpis import (
    QualityCounts,
    QualityFacts,
    add_quality,
    count_quality,
    quality_figures_from,
)
from lobby_tui.domain.rollup import from_row, merge, to_row
from lobby_tui.domain.settings import Settings
from lobby_tui.services import rollup
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival, undo_move
from lobby_tui.services.quality import (
    help_at_machine,
    quality_by_day,
    rate_service,
    return_form,
    undo_return,
)
from lobby_tui.services.report import day_report
from lobby_tui.store import FixedClock, Store, StoreError
from tests.helpers.app import one_row

DAY = date(2026, 11, 28)


def served(
    returns: int = 0, prechecked: bool = False, score: int | None = None, skipped: bool = False
) -> QualityFacts:
    return QualityFacts("done", returns, prechecked, score, skipped or score is not None)


def test_rework_rate_sits_beside_the_prechecked_share() -> None:  # covers: R3.3, R3.5
    day = [
        served(prechecked=True),
        served(prechecked=True),
        served(returns=2),  # sent back twice: two reworks
        served(),
        QualityFacts("left", 1, True, None, False),  # back once, then gave up: not served
    ]
    figures = quality_figures_from(count_quality(day), served=4)
    assert figures.counter_returns == 3
    assert figures.rework_rate == pytest.approx(3 / 4)
    assert figures.forms_prechecked == 2  # the walk-away's pre-check is not a served one
    assert figures.precheck_share == pytest.approx(2 / 4)


def test_satisfaction_mean_and_response_rate() -> None:
    day = [served(score=5), served(score=4), served(score=1), served(skipped=True), served()]
    figures = quality_figures_from(count_quality(day), served=5)
    assert figures.satisfaction_rated == 3 and figures.satisfaction_skipped == 1
    assert figures.satisfaction_mean == pytest.approx(10 / 3)
    assert figures.satisfaction_response_rate == pytest.approx(3 / 5)  # skipped: no answer


def test_machine_help_counts_the_queued_and_the_hall() -> None:  # covers: R3.4
    figures = quality_figures_from(count_quality([], machine_help_queued=2, machine_help_hall=3), 0)
    assert (figures.machine_help, figures.machine_help_hall) == (5, 3)


def test_a_day_with_none_measures_nothing() -> None:  # covers: R3.3, R3.4, R3.5
    figures = quality_figures_from(count_quality([]), served=0)
    assert (figures.counter_returns, figures.forms_prechecked, figures.machine_help) == (0, 0, 0)
    assert figures.rework_rate is None and figures.precheck_share is None
    assert figures.satisfaction_mean is None and figures.satisfaction_response_rate is None
    # Served but nobody rated and nothing came back: zero is measured, the mean is not.
    figures = quality_figures_from(count_quality([served(), served()]), served=2)
    assert figures.rework_rate == 0.0 and figures.satisfaction_response_rate == 0.0
    assert figures.satisfaction_mean is None


def test_a_period_pools_its_days_rather_than_averaging_them() -> None:
    monday = count_quality([served(score=5)], machine_help_hall=1)
    tuesday = count_quality([served(score=1), served(score=2), served(returns=1)])
    pooled = QualityCounts()
    for day in (monday, tuesday):
        add_quality(pooled, day)
    figures = quality_figures_from(pooled, served=4)
    assert figures.satisfaction_mean == pytest.approx(8 / 3)  # not (5 + 1.5) / 2
    assert figures.rework_rate == pytest.approx(1 / 4)
    # And through the stored rollup: the same counts come back and merge the same way.
    nothing = merge([])
    rolled = [
        from_row(*to_row(replace(nothing, quality=day)))  # as `day_rollups` keeps a day
        for day in (monday, tuesday)
    ]
    assert [r.quality for r in rolled] == [monday, tuesday]
    assert merge(rolled).quality == pooled


# The services: each key saves its row and event; the day's counts read them back ----------


def walk_in(store: Store, status: str = "called") -> str:
    arrival_id, _ticket = record_arrival(
        store, NewArrival(None, DAY.isoformat(), "transfer", "non_cash", "B")
    )
    if status != "waiting":
        move_arrival(store, arrival_id, "called")
    if status == "done":
        move_arrival(store, arrival_id, "done")
    return arrival_id


def test_a_form_comes_back_only_from_a_counter_and_undo_takes_it_back(
    store: Store, clock: FixedClock
) -> None:  # covers: R3.3
    waiting = walk_in(store, "waiting")
    with pytest.raises(Invalid) as refused:
        return_form(store, waiting)
    assert refused.value.key == "return_not_at_counter"
    at_counter = walk_in(store)
    assert return_form(store, at_counter) == ("B002", 1)
    assert return_form(store, at_counter) == ("B002", 2)
    clock.advance(seconds=10)
    assert undo_return(store, at_counter) == "B002"
    assert (
        one_row(store, "SELECT counter_returns FROM arrivals WHERE id = ?", (at_counter,))[0] == 1
    )
    clock.advance(seconds=31)
    with pytest.raises(Invalid) as late:
        undo_return(store, at_counter)
    assert late.value.key == "undo_too_late"
    kinds = [r[0] for r in store.query(
        "SELECT kind FROM events WHERE entity_id = ? ORDER BY seq", (at_counter,))]  # fmt: skip
    assert kinds[-3:] == ["arrival.returned", "arrival.returned", "arrival.undone"]


def test_a_rating_needs_a_done_and_goes_with_its_undo(store: Store) -> None:
    arrival_id = walk_in(store, "done")
    with pytest.raises(Invalid):
        rate_service(store, arrival_id, 6)
    rate_service(store, arrival_id, 4)
    row = one_row(store, "SELECT satisfaction, rated_at FROM arrivals WHERE id = ?", (arrival_id,))
    assert tuple(row) == (4, "2026-11-28T02:30:00Z")
    undo_move(store, arrival_id, "done")  # the done taken back: its rating with it
    row = one_row(store, "SELECT satisfaction, rated_at FROM arrivals WHERE id = ?", (arrival_id,))
    assert tuple(row) == (None, None)
    with pytest.raises(StoreError):
        rate_service(store, arrival_id, None)  # no longer done: nothing to rate


def test_the_days_counts_from_the_rows(store: Store, settings: Settings) -> None:
    # covers: R3.3, R3.4, R3.5
    rated = walk_in(store, "done")
    rate_service(store, rated, 5)
    skipped = walk_in(store, "done")
    rate_service(store, skipped, None)
    back = walk_in(store)
    return_form(store, back)
    help_at_machine(store, DAY)
    help_at_machine(store, DAY - timedelta(days=1))  # another day's
    counts = quality_by_day(store, (DAY.isoformat(), DAY.isoformat()))[DAY.isoformat()]
    assert counts == QualityCounts(
        counter_returns=1, machine_help_hall=1, ratings={5: 1}, rating_skipped=1
    )
    report = day_report(store, settings, DAY, "en")
    assert report.quality.rework_rate == pytest.approx(1 / 2)  # one back over two served
    assert report.quality.satisfaction_response_rate == pytest.approx(1 / 2)


def test_machine_help_in_the_hall_forgets_its_days_rollup(
    store: Store, settings: Settings
) -> None:  # covers: R3.4
    yesterday = DAY - timedelta(days=1)
    rollup.roll_up(store, settings, yesterday, yesterday)
    assert set(rollup.stored(store, settings, yesterday, yesterday)) == {yesterday}
    help_at_machine(store, yesterday)  # entered late, for yesterday's hall
    assert rollup.stored(store, settings, yesterday, yesterday) == {}
    report = day_report(store, settings, yesterday, "en")
    assert report.quality.machine_help_hall == 1


def test_the_months_block_is_the_period_reports(store: Store, settings: Settings) -> None:
    # covers: R3.3, R3.4, R3.5 — the consumer-protection print counts as the day report does
    from lobby_tui.demo.history import write_history
    from lobby_tui.demo.morning import write_demo_morning
    from lobby_tui.domain.day import day_bounds_utc
    from lobby_tui.services.report import period_report, quality_month

    write_demo_morning(store, settings, DAY, lang="en")
    write_history(store, settings, DAY, days=3, per_day=80, seed=5, lang="en")
    first = date(2026, 11, 1)
    cut = min(day_bounds_utc(DAY, settings.timezone)[1], store.clock.now())
    month = quality_month(store, settings, first, date(2026, 11, 30), cut)
    assert (
        month
        == period_report(store, settings, first, date(2026, 11, 30), "en").to_json_dict()["quality"]
    )
    assert month["satisfaction_rated"] > 0 and month["machine_help_hall"] > 0
    assert month["counter_returns"] > 0
