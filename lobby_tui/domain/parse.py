"""What a person types into a field, read once. Every parser here answers any string with a
value in range or `Invalid` (the field and the catalog key that says why), never another
exception: a form shows the message beside the field and keeps what was typed.

Chinese input methods often type full-width characters (１２：３０, Ａ０１２); they are read as
their ASCII twins. Other digits (①, ², Arabic-Indic) are refused: `str.isdigit()` would take
them and `int()` would then raise."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lobby_tui.domain.day import at_local, business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.inert import control_in, direction_in

# How much a field may hold; the services check the same limits on what they are given.
PARTY_MAX = 20  # people arriving together
COUNT_MAX = 100_000  # a checklist count (forms, pens, brochures)
COUNTERS_MAX = 30  # counters open on one channel
AMOUNT_MAX = 10_000_000_000  # a large cash movement, in yuan
# A branch's records lie in this century; far dates would overflow the day's bounds.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, to their ASCII twins.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}
_DIGITS = re.compile(r"[0-9]+")
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TICKET = re.compile(r"[A-Z]{1,2}[0-9]{1,4}")
_PHONE = re.compile(r"\+?[0-9][0-9 -]{3,18}[0-9]")


def _plain(text: str) -> str:
    return text.translate(_HALF_WIDTH).strip()


def _whole(text: str, high: int) -> int | None:
    """A whole number of ASCII digits up to `high`, or None. Leading zeros are dropped before
    `int()` so no length of typing reaches its digit limit."""
    if not _DIGITS.fullmatch(text):
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(high)):
        return None
    value = int(significant)
    return value if value <= high else None


def check_text(value: str, field: str, maximum: int, *, key: str = "text_too_long") -> str:
    """The one rule for free text: trimmed, at most `maximum` characters, and no control
    characters (a NUL, an escape sequence pasted in) except line breaks and tabs: stored, they
    would reach every screen and report that shows the text (issue 16); nor the invisible
    characters that reverse the direction of what follows them (issue 25). `key` picks the
    length message (a note says how long it is now; a name says it is a name)."""
    cleaned = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    found = control_in(cleaned)
    if found is not None:
        raise Invalid(field, "text_control", at=found[0] + 1, char=found[1])
    found = direction_in(cleaned)
    if found is not None:  # would reorder what a colleague reads (issue 25)
        raise Invalid(field, "text_direction", at=found[0] + 1, char=found[1])
    if len(cleaned) > maximum:
        raise Invalid(field, key, max=maximum, length=len(cleaned))
    return cleaned


def parse_count(text: str) -> int:
    """A checklist count: 0 to COUNT_MAX (R1.3)."""
    cleaned = _plain(text)
    if not cleaned:
        raise Invalid("count", "count_missing")
    if not _DIGITS.fullmatch(cleaned):
        raise Invalid("count", "count_not_number")
    value = _whole(cleaned, COUNT_MAX)
    if value is None:
        raise Invalid("count", "count_range", max=COUNT_MAX)
    return value


def check_party(text: str) -> int:
    """How many arrive together: blank is one (R2)."""
    value = _whole(_plain(text) or "1", PARTY_MAX)
    if value is None or value < 1:
        raise Invalid("party", "party_range", max=PARTY_MAX)
    return value


def parse_counters(text: str) -> int:
    """Counters open on a channel: 0 (closed) to COUNTERS_MAX (R1.6)."""
    value = _whole(_plain(text), COUNTERS_MAX)
    if value is None:
        raise Invalid("counters", "counters_range", max=COUNTERS_MAX)
    return value


def parse_amount(text: str) -> int:
    """A cash movement in whole yuan; thousands may be grouped with commas, or the amount
    typed in 万 as triage reads one (`8万`, `¥8.5万`: domain/cash.parse_yuan) (R1.6)."""
    plain = _plain(text)
    if "万" in plain:
        from lobby_tui.domain.cash import parse_yuan

        try:
            amount = parse_yuan(plain, "amount")
        except Invalid as exc:
            raise Invalid("amount", "amount_range") from exc
        if amount is None or amount != amount.to_integral_value() or amount > AMOUNT_MAX:
            raise Invalid("amount", "amount_range")
        plain = str(int(amount))
    value = _whole(plain.replace(",", ""), AMOUNT_MAX)
    if value is None or value < 1:
        raise Invalid("amount", "amount_range")
    return value


def check_ticket(text: str) -> str | None:
    """A number from the branch's own ticket machine (A012), or None to give our own."""
    cleaned = _plain(text).upper()
    if not cleaned:
        return None
    if not _TICKET.fullmatch(cleaned):
        raise Invalid("ticket", "ticket_format")
    return cleaned


def check_phone(phone: str) -> str:
    """Kept as digits only: the minimum needed to call back (R4.6)."""
    cleaned = _plain(phone)
    if not cleaned:
        return ""
    digits = re.sub(r"[^0-9]", "", cleaned)
    if not _PHONE.fullmatch(cleaned) or not 5 <= len(digits) <= 15:
        raise Invalid("phone", "phone_format")
    return ("+" if cleaned.startswith("+") else "") + digits


def parse_time(text: str, field: str = "time") -> time:
    """A wall-clock time as HH:MM (or HH.MM)."""
    match = _TIME.fullmatch(_plain(text))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise Invalid(field, "time_format")
    return time(int(match[1]), int(match[2]))


def parse_span(text: str, field: str = "lunch") -> tuple[time, time] | None:
    """A stretch of the day as HH:MM-HH:MM (a lunch break); empty: none."""
    plain = _plain(text).replace("–", "-").replace("—", "-").replace("~", "-")
    if not plain:
        return None
    parts = [p.strip() for p in plain.split("-")]
    if len(parts) != 2:
        raise Invalid(field, "span_format")
    try:
        start, end = parse_time(parts[0], field), parse_time(parts[1], field)
    except Invalid as exc:
        raise Invalid(field, "span_format") from exc
    if end <= start:
        raise Invalid(field, "span_order")
    return start, end


def parse_date(text: str, field: str) -> date:
    """A day as YYYY-MM-DD, in this century."""
    match = _DATE.fullmatch(_plain(text))
    try:
        day = date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        day = None
    if day is None:
        raise Invalid(field, "date_format")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(field, "date_range", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    return day


_MONTH_DAY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})")
# The word for tomorrow, as the manager types it in either language.
TOMORROW_WORDS = frozenset({"tomorrow", "明天", "明日"})


def parse_plan_day(text: str, today: date, field: str = "day") -> date:
    """The day a booking is for: blank is today; the word for tomorrow; "MM-DD" is the next
    such day on or after today (01-02 typed on 12-30 is next year's); else a full date as
    `parse_date` reads it. Whether the plan takes that day is the plan's rule, not this."""
    cleaned = _plain(text).lower()
    if not cleaned:
        return today
    if cleaned in TOMORROW_WORDS:
        return today + timedelta(days=1)
    short = _MONTH_DAY.fullmatch(cleaned)
    if short is None:
        try:
            return parse_date(cleaned, field)
        except Invalid as exc:
            if exc.key != "date_format":
                raise
            raise Invalid(field, "plan_day_format") from exc
    month, day = int(short[1]), int(short[2])
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue  # 02-29 in a year without it
        if found >= today:
            return found
    raise Invalid(field, "plan_day_format")


_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def parse_month(text: str, field: str = "month") -> tuple[date, date]:
    """A calendar month as YYYY-MM: its first and last day (the month's print, issue 20)."""
    match = _MONTH.fullmatch(_plain(text))
    if match is None or not 1 <= int(match[2]) <= 12:
        raise Invalid(field, "month_format")
    first = date(int(match[1]), int(match[2]), 1)
    if not FIRST_DAY <= first <= LAST_DAY:
        raise Invalid(field, "date_range", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def parse_received(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """When a complaint came in: blank is now; "HH:MM" is today; "YYYY-MM-DD HH:MM" for a
    letter or a call taken earlier."""
    cleaned = _plain(text)
    if not cleaned:
        return now
    day_part, _, time_part = cleaned.rpartition(" ")
    day = parse_date(day_part, "received_at") if day_part else business_day(now, zone)
    return at_local(day, parse_time(time_part, "received_at"), zone)
