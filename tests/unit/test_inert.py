"""Stored text is inert on the terminal, and control characters are refused at input
(issue 16): the pure rule, the input rule, and the command line's output."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.inert import control_in, inert
from lobby_tui.domain.parse import check_text
from lobby_tui.i18n import set_language, t
from tests.helpers.cli import lobby

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated

EVIL = "\x1b]0;PWNED\x07"


def test_every_control_character_becomes_one_visible_character() -> None:  # covers: R6.5
    assert inert(f"a{EVIL}b") == "a␛]0;PWNED␇b"
    assert inert("\x00\x08\r\x7f\x9b[2J") == "␀␈␍␡�[2J"
    assert inert("line\n\tnext") == "line\n\tnext"  # a note keeps its lines
    every = "".join(map(chr, range(0x00, 0xA0)))
    shown = inert(every)
    assert len(shown) == len(every)  # one for one: offsets into the text still hold
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown if c not in "\n\t")
    assert inert("王小明 ATM 2 [b]") == "王小明 ATM 2 [b]"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("typed", ["ab\x00cd", f"note {EVIL}", "x\x9by", "\x7f"])
def test_control_characters_are_refused_at_input_with_a_clear_message(
    language: str, typed: str
) -> None:  # covers: R6.5
    with pytest.raises(Invalid) as caught:
        check_text(typed, "note", 500)
    assert caught.value.field == "note" and caught.value.key == "text_control"
    found = control_in(typed)
    assert found is not None and caught.value.params["at"] == found[0] + 1
    set_language(language)
    said = t(f"invalid.{caught.value.key}", **caught.value.params)
    assert str(caught.value.params["char"]) in said and str(found[0] + 1) in said
    assert ("control character" in said) if language == "en" else ("控制字符" in said)


BIDI = [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("mark", BIDI)
def test_direction_overrides_are_refused_at_input_with_a_clear_message(
    language: str, mark: str
) -> None:  # covers: R6.5
    # "pay 100" with a right-to-left override before the digits would read "pay 001".
    with pytest.raises(Invalid) as caught:
        check_text(f"pay {mark}100", "note", 500)
    assert (caught.value.field, caught.value.key) == ("note", "text_direction")
    assert caught.value.params == {"at": 5, "char": f"U+{ord(mark):04X}"}
    set_language(language)
    said = t("invalid.text_direction", **caught.value.params)
    assert f"U+{ord(mark):04X}" in said and "5" in said
    assert ("changes the order" in said) if language == "en" else ("显示顺序" in said)


def test_direction_marks_stored_before_are_shown_inert() -> None:  # covers: R6.5
    shown = inert("pay \u202e100\u2069 yuan")
    assert shown == "pay \ufffd100\ufffd yuan" and len(shown) == len("pay \u202e100\u2069 yuan")
    # Neighbours that only mark direction without overriding it (LRM, RLM) are not refused.
    assert check_text("a\u200eb\u200fc", "note", 500) == "a\u200eb\u200fc"


def test_line_breaks_and_tabs_stay_windows_line_ends_become_one() -> None:
    assert check_text(" first\r\n\tsecond\rthird ", "note", 500) == "first\n\tsecond\nthird"
    assert check_text("王小明", "name", 20) == "王小明"


def test_the_command_line_prints_stored_text_inert(tmp_path: Path) -> None:  # covers: R6.5
    """`lobby verify` names rows by their ids: one planted by hand holds the sequence. (The
    report prints figures only; every command prints through the same `echo`.)"""
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    with sqlite3.connect(db) as shell:
        day = shell.execute("SELECT max(business_day) FROM arrivals").fetchone()[0]
        shell.execute(
            "INSERT INTO reminders (id, business_day, kind, at) VALUES (?, ?, 'pin', ?)",
            (f"{uuid.uuid4()}{EVIL}", day, f"{day}T02:00:00Z"),
        )
    shell.close()
    verify = lobby("verify", "--db", str(db))
    assert verify.returncode == 1
    assert "␛]0;PWNED␇" in verify.stdout and "\x1b" not in verify.stdout + verify.stderr


def test_a_saved_slip_is_inert_when_printed_or_read_with_cat(tmp_path: Path) -> None:
    from lobby_tui.screens.modals.slip import save_slip

    path = save_slip(tmp_path / "slips", "C20261128-01", f"Subject: card {EVIL}\nThanks")
    assert path.read_text(encoding="utf-8") == "Subject: card ␛]0;PWNED␇\nThanks\n"


def test_an_extension_approver_holding_a_control_character_is_refused() -> None:
    from lobby_tui.domain.complaints import PROFILES, check_extension

    with pytest.raises(Invalid) as caught:
        check_extension(PROFILES["nfra"], 0, "Wang\x1b[2J", "complex case", "phone")
    assert (caught.value.field, caught.value.key) == ("approver", "text_control")
