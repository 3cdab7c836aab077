"""What a person types (domain/parse.py): any text gives a value in range or `Invalid` with a
catalog key, never another exception (issue 14 item 2). Property tests run ~1000 examples
each under the CI profile (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import (
    AMOUNT_MAX,
    COUNT_MAX,
    COUNTERS_MAX,
    FIRST_DAY,
    LAST_DAY,
    PARTY_MAX,
    check_party,
    check_phone,
    check_text,
    check_ticket,
    parse_amount,
    parse_count,
    parse_counters,
    parse_date,
    parse_plan_day,
    parse_received,
    parse_time,
)
from lobby_tui.i18n import t

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)

# Text near what the parsers look for: ASCII and full-width digits, digits int() refuses or
# str.isdigit() takes (①, ², Arabic-Indic), separators, letters and spaces.
NEAR = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３４５６７８９①²٣ ,，:：.-+AaＡzZ\t\u3000")),
    max_size=24,
)
LONG_DIGITS = st.integers(4_000, 6_000).map(lambda n: "9" * n)
ANY_TEXT = st.one_of(st.text(), NEAR, LONG_DIGITS)


def outcome(parse: Callable[[str], Any], text: str) -> Any:
    """The parsed value, or the Invalid raised (its key must be in the catalog)."""
    try:
        return parse(text)
    except Invalid as exc:
        assert t(f"invalid.{exc.key}", **exc.params) != f"invalid.{exc.key}"
        return exc


@given(ANY_TEXT)
@example("①")
@example("²")
@example("9" * 4301)
@example("0" * 5000 + "7")
def test_counts_are_whole_numbers_in_range(text: str) -> None:  # covers: R1.3
    value = outcome(parse_count, text)
    assert isinstance(value, Invalid) or (type(value) is int and 0 <= value <= COUNT_MAX)


@given(ANY_TEXT)
@example("²")
@example("9" * 4301)
def test_a_party_is_one_to_the_most(text: str) -> None:  # covers: R2.2
    value = outcome(check_party, text)
    assert isinstance(value, Invalid) or (type(value) is int and 1 <= value <= PARTY_MAX)


@given(ANY_TEXT)
@example("①")
def test_counters_open_are_in_range(text: str) -> None:  # covers: R1.6
    value = outcome(parse_counters, text)
    assert isinstance(value, Invalid) or (type(value) is int and 0 <= value <= COUNTERS_MAX)


@given(ANY_TEXT)
@example("1,000,000")
@example("9" * 4301)
@example("9" * 4301 + "万")
@example("-3万")
def test_amounts_are_positive_and_bounded(text: str) -> None:  # covers: R1.6
    value = outcome(parse_amount, text)
    assert isinstance(value, Invalid) or (type(value) is int and 0 < value <= AMOUNT_MAX)


@given(ANY_TEXT)
def test_tickets_look_like_a_ticket(text: str) -> None:
    value = outcome(check_ticket, text)
    assert (
        value is None
        or isinstance(value, Invalid)
        or (value.isascii() and value[0].isupper() and len(value) <= 6)
    )


@given(ANY_TEXT)
def test_phones_keep_digits_only(text: str) -> None:  # covers: R4.6
    value = outcome(check_phone, text)
    if isinstance(value, str) and value:
        digits = value.removeprefix("+")
        assert digits.isascii() and digits.isdigit() and 5 <= len(digits) <= 15


@given(ANY_TEXT)
@example("２３：５９")
@example("٣:00")
def test_times_are_clock_times(text: str) -> None:
    value = outcome(parse_time, text)
    assert isinstance(value, Invalid | time)


@given(st.one_of(ANY_TEXT, st.dates().map(date.isoformat)))
@example("0001-01-01")
@example("9999-12-31")
def test_dates_are_in_this_century(text: str) -> None:
    value = outcome(lambda s: parse_date(s, "promised_by"), text)
    assert isinstance(value, Invalid) or FIRST_DAY <= value <= LAST_DAY


@given(ANY_TEXT)
@example("02-29")
@example("13-45")
def test_a_plan_day_is_a_date_or_refused_with_a_message(text: str) -> None:  # covers: R1.6
    value = outcome(lambda s: parse_plan_day(s, date(2026, 11, 28)), text)
    assert isinstance(value, Invalid | date)


@pytest.mark.parametrize(
    ("typed", "today", "day"),
    [
        ("", date(2026, 11, 28), date(2026, 11, 28)),
        ("tomorrow", date(2026, 11, 28), date(2026, 11, 29)),
        (" Tomorrow ", date(2026, 11, 30), date(2026, 12, 1)),
        ("明天", date(2026, 12, 31), date(2027, 1, 1)),
        ("11-30", date(2026, 11, 28), date(2026, 11, 30)),
        ("１２-０１", date(2026, 11, 28), date(2026, 12, 1)),
        ("01-02", date(2026, 12, 30), date(2027, 1, 2)),  # the next such day: next year's
        ("11-27", date(2026, 11, 28), date(2027, 11, 27)),  # gone by: the plan's range refuses
        ("02-29", date(2027, 3, 1), date(2028, 2, 29)),
        ("2026-12-05", date(2026, 11, 28), date(2026, 12, 5)),
    ],
)
def test_the_plan_day_reads_blank_tomorrow_and_month_day(
    typed: str, today: date, day: date
) -> None:  # covers: R1.6
    assert parse_plan_day(typed, today) == day


@pytest.mark.parametrize("typed", ["13-45", "day after", "2026-02-30", "11/30"])
def test_a_plan_day_that_is_not_one_says_how_to_type_it(typed: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_plan_day(typed, date(2026, 11, 28))
    assert (caught.value.field, caught.value.key) == ("day", "plan_day_format")


@given(st.one_of(ANY_TEXT, st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M"))))
@example("0001-01-01 00:00")
@example("9999-12-31 23:59")
def test_received_is_an_instant_that_can_be_stored(text: str) -> None:  # covers: R4.1
    value = outcome(lambda s: parse_received(s, NOW, SHANGHAI), text)
    if isinstance(value, datetime):
        assert value.tzinfo is not None
        assert value.astimezone(UTC).year in range(1999, 2101)  # no overflow on the way


@given(st.text(), st.integers(0, 600))
def test_text_is_trimmed_and_within_its_limit(text: str, limit: int) -> None:
    value = outcome(lambda s: check_text(s, "note", limit), text)
    assert isinstance(value, Invalid) or (len(value) <= limit and value == value.strip())


# Examples a person really types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (parse_count, " 35 ", 35),
        (parse_count, "３５", 35),  # a Chinese input method's full-width digits
        (parse_count, "0035", 35),
        (check_party, "", 1),
        (parse_counters, "0", 0),
        (parse_amount, "1,000,000", 1_000_000),
        (parse_amount, "50０，000", 500_000),
        (parse_amount, "8万", 80_000),  # as a Chinese manager says it, and triage reads it
        (parse_amount, "¥8.5万", 85_000),
        (check_ticket, " ａ012 ", "A012"),
        (check_phone, "138 1234 5678", "13812345678"),
        (parse_time, "９：３０", time(9, 30)),
        (parse_time, "14.05", time(14, 5)),
    ],
)
def test_what_a_person_types(parse: Callable[[str], Any], text: str, expected: Any) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("parse", "text", "key"),
    [
        (parse_count, "", "count_missing"),
        (parse_count, "①", "count_not_number"),
        (parse_count, "²", "count_not_number"),
        (parse_count, "9" * 4301, "count_range"),
        (parse_count, str(COUNT_MAX + 1), "count_range"),
        (check_party, "²", "party_range"),
        (check_party, "0", "party_range"),
        (parse_counters, "9" * 4301, "counters_range"),
        (parse_amount, "0", "amount_range"),
        (parse_amount, "0.00001万", "amount_range"),  # not whole yuan
        (parse_amount, "8万 USD", "amount_range"),  # the plan books yuan
        (parse_time, "24:00", "time_format"),
        (lambda s: parse_date(s, "promised_by"), "2026-02-30", "date_format"),
        (lambda s: parse_date(s, "promised_by"), "0001-01-01", "date_range"),
        (lambda s: check_text(s, "note", 3, key="note_too_long"), "abcd", "note_too_long"),
    ],
)
def test_what_is_refused_and_why(parse: Callable[[str], Any], text: str, key: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse(text)
    assert caught.value.key == key


def test_received_today_at_a_time_and_on_an_earlier_day() -> None:  # covers: R4.1
    assert parse_received("", NOW, SHANGHAI) == NOW
    assert parse_received("09:15", NOW, SHANGHAI) == datetime(2026, 11, 28, 1, 15, tzinfo=UTC)
    assert parse_received("2026-11-27 16:00", NOW, SHANGHAI) == datetime(
        2026, 11, 27, 8, 0, tzinfo=UTC
    )
