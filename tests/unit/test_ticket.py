"""The printed ticket's words and layout (R2.11): a pure function of the walk-in saved."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.domain.ticket import Ticket, TicketLine, ticket_lines, window_ranges
from lobby_tui.i18n import CATALOGS
from lobby_tui.i18n import t_in as words
from lobby_tui.services.printing import lines_for, ticket_for
from lobby_tui.services.settings import load_settings
from lobby_tui.services.triage import Saved
from lobby_tui.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
BANDS = ("lt5", "5to10", "10to20", "gt20")


def a_ticket(**changes: object) -> Ticket:
    base: dict[str, object] = {
        "number": "B014",
        "branch": {"zh": "示范支行", "en": "Demo Branch"},
        "channel": {"zh": "非现金柜台", "en": "Non-cash counter"},
        "windows": (4, 5, 6, 7),
        "band": "10to20",
        "ahead": 3,
        "issued_at": datetime(2026, 12, 7, 10, 30, tzinfo=SHANGHAI),
    }
    base.update(changes)
    return Ticket(**base)  # type: ignore[arg-type]


def texts(lines: list[TicketLine]) -> list[str]:
    return [line.text for line in lines if line.text]


def test_chinese_first_then_english_under_each_line() -> None:  # covers: R2.11
    said = texts(ticket_lines(a_ticket(), ("zh", "en"), words))
    assert said == [
        "示范支行",
        "Demo Branch",
        "B014",
        "非现金柜台（4–7 号窗口）",
        "Non-cash counter · windows 4–7",
        "预计等候：10–20 分钟",
        "Expected wait: 10–20 min",
        "您前面还有 3 位",
        "3 people ahead of you",
        "2026-12-07 10:30",
        "请妥善保管号票，留意叫号",
        "Please keep this ticket and listen for your number",
    ]


def test_one_language_only_when_the_branch_says_so() -> None:  # covers: R2.11
    english = texts(ticket_lines(a_ticket(), ("en",), words))
    assert not any(re.search(r"[\u4e00-\u9fff]", line) for line in english)
    assert "Demo Branch" in english and "Expected wait: 10–20 min" in english
    chinese = texts(ticket_lines(a_ticket(), ("zh",), words))
    assert "Demo Branch" not in chinese and "示范支行" in chinese


def test_the_number_is_large_and_an_older_customers_ticket_all_double() -> None:
    # covers: R2.11
    usual = ticket_lines(a_ticket(), ("zh", "en"), words)
    [number] = [line for line in usual if line.text == "B014"]
    assert (number.size, number.bold, number.center) == (2, True, True)
    assert {line.size for line in usual if line.text != "B014"} == {1}
    older = ticket_lines(a_ticket(elderly=True), ("zh", "en"), words)
    assert texts(older) == texts(usual)  # the same text …
    [number] = [line for line in older if line.text == "B014"]
    assert number.size == 3
    assert {line.size for line in older if line.text and line.text != "B014"} == {2}  # … double


@pytest.mark.parametrize("band", BANDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_wait_is_the_band_told_in_the_triage_screens_words(band: str, lang: str) -> None:
    # covers: R2.11
    said = texts(ticket_lines(a_ticket(band=band), (lang,), words))
    told = CATALOGS[lang][f"band.{band}"]  # what triage shows and the script says
    assert [line for line in said if told in line] != []


def test_nothing_open_promises_no_wait() -> None:  # covers: R2.11
    said = texts(ticket_lines(a_ticket(band=None), ("zh", "en"), words))
    assert "请留意叫号" in said and "Please wait to be called" in said
    assert not any("min" in line or "分钟" in line for line in said)


@pytest.mark.parametrize(
    ("ahead", "zh", "en"),
    [(0, "下一位就是您", "You are next"), (1, "您前面还有 1 位", "1 person ahead of you"),
     (12, "您前面还有 12 位", "12 people ahead of you")],
)  # fmt: skip
def test_people_ahead(ahead: int, zh: str, en: str) -> None:  # covers: R2.11
    said = texts(ticket_lines(a_ticket(ahead=ahead), ("zh", "en"), words))
    assert zh in said and en in said


def test_a_reprint_says_so_and_a_zone_has_no_window_line() -> None:  # covers: R2.11
    said = texts(ticket_lines(a_ticket(reprint=True, windows=()), ("zh", "en"), words))
    assert said[-2:] == ["补打", "Reprinted"]
    assert "非现金柜台" in said and "Non-cash counter" in said
    one = texts(ticket_lines(a_ticket(windows=(8,)), ("en",), words))
    assert "Non-cash counter · window 8" in one


def test_window_groups_read_as_ranges() -> None:  # covers: R2.11
    assert window_ranges((7, 1, 2, 3), ", ") == "1–3, 7"
    assert window_ranges((4, 5), "、") == "4、5"
    assert window_ranges((), ", ") == ""


def test_the_ticket_of_a_saved_walk_in_never_shows_its_minutes(store: Store) -> None:
    # covers: R2.11
    settings = load_settings(store)
    saved = Saved("id", "A007", "10to20", 13, (), 4)  # 13 minutes estimated, "10–20" told
    at = datetime(2026, 12, 7, 2, 31, tzinfo=UTC)
    ticket = ticket_for(saved, "cash", ["elderly"], settings, at)
    assert ticket.windows == (1, 2, 3, 7)  # channels.toml: the windows that serve cash
    assert ticket.elderly and ticket.ahead == 4 and ticket.band == "10to20"
    said = texts(lines_for(ticket, settings))
    assert "10:31" in " ".join(said)  # the branch's time, not UTC's 02:31
    assert not any(re.search(r"\b13\b", line) for line in said)
    assert "现金柜台（1–3、7 号窗口）" in said and "预计等候：10–20 分钟" in said
