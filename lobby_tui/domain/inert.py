"""Stored text is inert on the terminal (issue 16): a control character in a note, a name or
an id (a merged tablet, a row edited by hand: `\\x1b]0;PWNED\\x07` retitles the window, other
sequences move the cursor or rewrite the screen) is shown as a visible stand-in, never sent.

One rule, two uses: `inert` makes text safe to show (the app applies it wherever text becomes
something drawn, the command line to every line it prints), and `control_in` is how input
refuses such characters in the first place (domain/parse.check_text).

Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are the same
kind of hazard for the reader rather than the terminal: invisible, they reorder the text
around them, so a note can read otherwise to a colleague than it was typed (issue 25).
`direction_in` refuses them at input; `inert` shows any stored before as the replacement
character."""

from __future__ import annotations

# C0 controls and DEL as their Unicode control pictures (␀ … ␟, ␡): ESC shows as ␛.
_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}
# C1 controls (0x80–0x9F: 0x9B is a one-byte CSI to some terminals) have no pictures: the
# replacement character. One character for one, so offsets into the text (a cursor, a
# highlighted match) still point where they did.
_C1 = {c: 0xFFFD for c in range(0x80, 0xA0)}
# Line breaks and tabs stay: a note has lines, and neither can steer a terminal.
CONTROLS: dict[int, int] = {c: p for c, p in (_PICTURES | _C1).items() if c not in (0x0A, 0x09)}
BIDI = frozenset((*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
TABLE: dict[int, int] = CONTROLS | dict.fromkeys(BIDI, 0xFFFD)


def inert(text: str) -> str:
    """`text` with every control character but newline and tab replaced by a visible
    stand-in, one character for one."""
    return text.translate(TABLE)


def control_in(text: str) -> tuple[int, str] | None:
    """The first control character (position, its stand-in), or None: what input refuses."""
    for i, ch in enumerate(text):
        if ord(ch) in CONTROLS:
            return i, inert(ch)
    return None


def direction_in(text: str) -> tuple[int, str] | None:
    """The first bidirectional control (position, its code point as U+XXXX), or None."""
    for i, ch in enumerate(text):
        if ord(ch) in BIDI:
            return i, f"U+{ord(ch):04X}"
    return None
