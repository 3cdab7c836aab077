"""Stored text never steers the terminal (issue 16).

Everything the app draws becomes a Rich `Text` or a Textual `Content` first: every screen,
table cell, notification and form field, Textual's own widgets included. Both pass their text
through one function that drops a few control characters (bell, backspace, carriage return)
and lets the rest through, ESC among them, so a note holding `\\x1b]0;PWNED\\x07` would
retitle the window. Here that one function becomes domain/inert.py's rule: every control
character is drawn as a visible stand-in, one character for one (offsets into the text hold),
before the text is measured and laid out. One place, so a screen added later is covered
without anyone remembering to; tests/ui/test_inert_text.py fails if an upgrade of Rich or
Textual moves it.
"""

from __future__ import annotations

import rich.text
import textual.content

from lobby_tui.domain.inert import inert


def _inert(text: str, _table: object = None) -> str:
    return inert(text)


def make_stored_text_inert() -> None:
    """Idempotent; called when the app is built."""
    rich.text.strip_control_codes = _inert  # type: ignore[attr-defined,assignment]
    textual.content._strip_control_codes = _inert  # type: ignore[assignment]  # noqa: SLF001
