"""The command line in the manager's language, chosen as the app chooses it (--lang, then the
choice saved in the database, then the system's), click's own words included; and a
`--lang` typed once is remembered like the in-app switch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby_tui.cli_words import NO_LINE_START, columns, wrap_lines
from lobby_tui.start import prepare
from lobby_tui.store import FixedClock
from tests.helpers.cli import lobby
from tests.helpers.clock import MORNING

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated

CLICKS_ENGLISH = ("Usage:", "Options:", "Show this message", "Commands:", "Error:")


def starts_badly(line: str) -> bool:
    """A line that opens with a mark closing what the line before said."""
    return line.strip()[:1] != "" and line.strip()[0] in NO_LINE_START


def chinese_throughout(text: str) -> None:
    assert "用法:" in text, text
    for english in CLICKS_ENGLISH:
        assert english not in text, english


def test_help_in_chinese_by_lang_and_by_the_system_locale() -> None:
    chinese_throughout(lobby("--lang", "zh", "--help").stdout)
    chinese_throughout(lobby("verify", "--help", "--lang", "zh").stdout)
    chinese_throughout(lobby("report", "--help", env={"LANG": "zh_CN.UTF-8"}).stdout)
    english = lobby("--help").stdout
    assert "Usage:" in english and "Show this message and exit." in english


def test_lang_typed_once_is_remembered_by_the_next_commands(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui", "--lang", "zh").returncode == 0
    saved = sqlite3.connect(db).execute("SELECT value FROM settings WHERE key = 'language'")
    assert saved.fetchone() == ('"zh"',)
    # No --lang, an English system: the saved choice speaks.
    assert lobby("verify", "--db", str(db)).stdout.startswith("正常")
    chinese_throughout(lobby("--db", str(db), "--help").stdout)
    chinese_throughout(lobby("verify", "--help", env={"LOBBY_DB": str(db)}).stdout)
    # --lang still wins over it, and is remembered in turn.
    assert lobby("verify", "--db", str(db), "--lang", "en").stdout.startswith("OK")


def test_the_plain_start_remembers_lang(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    store, settings, language = prepare(db, "zh", FixedClock(MORNING))
    store.close()
    assert language == "zh" and settings.language == "zh"
    store, settings, language = prepare(db, None, FixedClock(MORNING))  # the next start
    store.close()
    assert language == "zh"


def test_reading_never_saves_a_language(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    assert lobby("report", "--db", str(db), "--lang", "zh").returncode == 0  # read-only
    saved = sqlite3.connect(db).execute("SELECT value FROM settings WHERE key = 'language'")
    assert saved.fetchone() is None


def test_clicks_errors_in_chinese() -> None:
    result = lobby("report", "--format", "xx", "--lang", "zh")
    assert result.returncode != 0
    assert "错误：" in result.stderr and "'xx' 不在" in result.stderr
    assert "Error" not in result.stderr and "Usage" not in result.stderr
    result = lobby("verify", "--bogus", "--lang", "zh")
    assert "没有选项 '--bogus'" in result.stderr


def test_chinese_help_fits_the_terminal_and_no_line_starts_with_a_closing_mark() -> None:
    for width in (60, 80):
        for command in ([], ["demo"], ["verify"], ["report"], ["export"], ["backup"]):
            text = lobby(*command, "--help", "--lang", "zh", env={"COLUMNS": str(width)}).stdout
            for line in text.splitlines():
                assert columns(line) <= width, (width, line)
                assert not starts_badly(line), line


def test_wrapping_examples() -> None:
    said = "界面语言：zh 或 en（默认取已保存的选择，其次取系统语言）。"
    assert wrap_lines(said, 57) == [
        "界面语言：zh 或 en（默认取已保存的选择，其次取系统语",
        "言）。",
    ]
    assert wrap_lines("也可用环境变量 LOBBY_DB。", 20) == ["也可用环境变量", "LOBBY_DB。"]
    assert wrap_lines("Show this message and exit.", 12, "  ", "  ") == [
        "  Show this",
        "  message",
        "  and exit.",
    ]


HAN = st.sampled_from("大堂经理巡视投诉分流等候")
MARK = st.sampled_from("，。）、")
WORD = st.text(alphabet="abcLOBY_0123", min_size=1, max_size=6)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """Chinese with English words and closing marks, never two marks in a row."""
    parts: list[str] = [draw(HAN)]
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["han", "han", "han", "mark", "word"]))
        if kind == "mark" and parts[-1] not in "，。）、":
            parts.append(draw(MARK))
        elif kind == "word":
            parts.append(f" {draw(WORD)} ")
        else:
            parts.append(draw(HAN))
    return "".join(parts).strip()


@given(sentences(), st.integers(12, 60))
def test_wrapped_lines_fit_keep_every_character_and_start_well(text: str, width: int) -> None:
    lines = wrap_lines(text, width, "  ", "    ")
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert columns(line) <= width, line
        assert not starts_badly(line), lines
