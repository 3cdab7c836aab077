"""How the hall hears a call (R2.10): the ticket read digit by digit, as a hall caller does
("A 零 二 三", "A, zero, two, three"), never as a number ("twenty-three").

Pure: the words come from the caller (the catalogs), the rule is here."""

from __future__ import annotations

from collections.abc import Sequence


def read_out(ticket: str, digits: Sequence[str], between: str = " ") -> str:
    """`ticket` with each digit replaced by its word and every sign kept apart, so a speech
    engine reads it sign by sign: ("A023", zh digits) -> "A 零 二 三"."""
    if len(digits) != 10:
        raise ValueError("ten digit words are needed, zero to nine")
    signs = [digits[int(c)] if c.isascii() and c.isdigit() else c for c in ticket.strip()]
    return between.join(s for s in signs if not s.isspace())
