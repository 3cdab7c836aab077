"""Rounds (R3): due, done and missed; attention; the over-selling guard; the day's figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lobby_tui.domain.rounds import (
    Care,
    RoundTally,
    Waiting,
    care_figures,
    longest_first,
    may_mention_product,
    minutes_waited,
    needs_attention,
    tally_day,
    tally_rounds,
)

OPEN = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 09:00 in the branch


def at(minutes: int) -> datetime:
    return OPEN + timedelta(minutes=minutes)


def test_rounds_due_done_and_missed_over_a_played_morning() -> None:  # covers: R3.1
    # Rounds at 09:14, 09:31, (09:45 missed), 10:05, 10:22; looked at 10:30.
    tally = tally_rounds(OPEN, 15, [at(14), at(31), at(65), at(82)], at(90))
    assert (tally.done, tally.missed, tally.due) == (4, 1, 5)
    assert tally.next_due == at(97)  # 10:37


def test_no_round_at_all() -> None:  # covers: R3.1
    assert tally_rounds(OPEN, 15, [], at(29)).missed == 0  # 09:15 due, not yet missed
    late = tally_rounds(OPEN, 15, [], at(31))
    assert (late.missed, late.next_due) == (1, at(30))
    assert tally_rounds(OPEN, 15, [], at(90)).missed == 4  # 09:15 … 10:00; 10:15 is due


def test_a_late_round_is_not_missed() -> None:
    # Due 09:15, done at 09:29: late but done; the next is due at 09:44.
    tally = tally_rounds(OPEN, 15, [at(29)], at(40))
    assert (tally.missed, tally.next_due) == (0, at(44))


def test_rounds_in_progress_count_as_started_but_not_done() -> None:
    tally = tally_rounds(OPEN, 15, [at(14), at(29)], at(35), completed=1)
    assert (tally.done, tally.missed) == (1, 0)


def test_needs_attention_until_apology() -> None:  # covers: R3.2
    fresh = Waiting("a", 4, frozenset())
    long = Waiting("b", 12, frozenset({Care.WATER}))
    assert not needs_attention(fresh, 10)
    assert needs_attention(long, 10)
    assert not needs_attention(Waiting("b", 12, frozenset({Care.APOLOGY})), 10)
    assert [w.arrival_id for w in longest_first([fresh, long])] == ["b", "a"]


def test_over_selling_guard() -> None:  # covers: R3.6
    assert may_mention_product([], customer_asked=False)
    assert not may_mention_product([Care.INTEREST], customer_asked=False)
    assert may_mention_product([Care.INTEREST], customer_asked=True)
    assert not may_mention_product([Care.NOT_INTERESTED], customer_asked=True)


def test_care_figures_for_the_handover() -> None:  # covers: R3.2, R3.3, R3.4, R3.6
    tally = tally_rounds(OPEN, 15, [at(14)], at(20))
    waits = [("a", 12.0), ("b", 15.5), ("c", 3.0), ("d", 10.0)]
    care = [
        ("a", Care.APOLOGY),
        ("a", Care.WATER),
        ("c", Care.FORM_CHECK),
        ("c", Care.SELF_SERVICE),
        ("d", Care.INTEREST),
        ("d", Care.APOLOGY),
    ]
    figures = care_figures(tally, waits, care, amber_min=10)
    assert figures.waited_past_amber == 3 and figures.apologised == 2
    assert figures.apology_rate == 2 / 3
    assert (figures.forms_checked, figures.self_service_assists, figures.needs_noted) == (1, 1, 1)
    assert care_figures(tally, [("c", 3.0)], [], 10).apology_rate is None  # nothing to measure


def test_minutes_waited_until_called_or_gone_or_still_waiting() -> None:  # covers: R3.2
    assert minutes_waited(at(0), at(12), at(40)) == 12
    assert minutes_waited(at(5), None, at(40)) == 35  # still waiting: counted until now


# One day's rule (issue 15): within opening hours, from the day's first use. -------------

CLOSE = at(8 * 60)  # 17:00


def day(starts: list[datetime], until: datetime, first_use: datetime | None = OPEN) -> RoundTally:
    return tally_day(OPEN, CLOSE, 15, starts, until, first_use)


def test_a_database_first_opened_after_closing_has_missed_no_round() -> None:  # covers: R3.1
    first_use = at(9 * 60 + 3)  # 18:03
    tally = day([], first_use, first_use)
    assert (tally.due, tally.missed, tally.next_due) == (0, 0, None)
    walked = day([at(9 * 60 + 8)], at(9 * 60 + 10), first_use)  # a round at 18:08
    assert (walked.done, walked.missed, walked.next_due) == (1, 0, None)


def test_after_closing_nothing_is_due_and_a_late_round_moves_no_due_time() -> None:
    # covers: R3.1
    starts = [at(15 + 15 * n) for n in range(31)]  # every round to 16:45 walked on time
    assert day(starts[:-1], at(8 * 60 - 20)).next_due == at(8 * 60 - 15)  # 16:40: 16:45 due
    before = day(starts, at(8 * 60 - 5))  # 16:55: a round at 17:00 would be after hours
    assert (before.missed, before.next_due) == (0, None)
    late = day([*starts, at(9 * 60 + 8)], at(9 * 60 + 10))  # one walked at 18:08
    assert (late.done, late.missed, late.next_due) == (32, 0, None)


def test_rounds_fall_due_from_the_first_use_not_from_opening() -> None:  # covers: R3.1
    first_use = at(2 * 60)  # the app first opened at 11:00
    tally = day([], at(2 * 60 + 10), first_use)
    assert (tally.missed, tally.next_due) == (0, at(2 * 60 + 15))
    later = day([], at(2 * 60 + 50), first_use)  # 11:15 and 11:30 missed by 11:50
    assert later.missed == 2


def test_before_opening_no_round_is_due_or_missed() -> None:  # covers: R3.1
    early = day([], at(-30), at(-31))  # 08:30, the shift opened at 08:29
    assert (early.due, early.missed, early.next_due) == (0, 0, at(15))
    walked = day([at(-20)], at(-10), at(-31))  # a round walked before opening counts
    assert (walked.done, walked.missed, walked.next_due) == (1, 0, at(15))


def test_a_day_the_app_was_not_used_has_no_round_due() -> None:  # covers: R3.1
    assert day([], CLOSE, None) == RoundTally(0, 0, 0, None)


def test_a_late_first_use_keeps_the_day_s_round_times() -> None:  # covers: R3.1
    tally = day([], at(10), at(10))  # the app first opened at 09:10
    assert (tally.missed, tally.next_due) == (0, at(15))  # 09:15, as on any day
