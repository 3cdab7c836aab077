"""The people who may hold the tablet: their roles, their PINs and the rules around them
(R6.5). Pure: no database, no Textual.

A PIN is kept only as a salted scrypt hash. scrypt is deliberately slow: a stolen database
file cannot be tried against all 10^4..10^8 PINs in a moment. The stored text names its
own parameters (`scrypt$n$r$p$salt$hash`), so they can be raised later and old PINs still
check until their owner next changes them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from lobby_tui.domain.errors import Invalid

ROLES = ("lobby_manager", "supervisor", "security", "wealth_manager", "teller")
SUPERVISOR = "supervisor"
PIN_MIN, PIN_MAX = 4, 8
NAME_MAX = 40

# n=2^14, r=8, p=1: 16 MiB of memory and ~150 ms per check on this 2-core machine with
# other work on it (2^13 was ~60 ms there, under the 100 ms floor we want; bench/signin.py
# measures it). Sign-in stays well inside a second; a guesser with the file pays the same
# per try.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MAXMEM = 64 * 1024 * 1024

# Wrong PINs: this many in a row since the last right one lock the person out, first for
# LOCKOUT_FIRST, twice as long after each further round of this many, never longer than
# LOCKOUT_CAP. Past the limit each wait allows one more try, and a wrong one locks again.
FAILURES_PER_ROUND = 5
LOCKOUT_FIRST = timedelta(seconds=60)
LOCKOUT_CAP = timedelta(hours=1)
# 60 s doubled 6 times is past the cap already: the exponent stops there, so no count of
# failures can overflow a date (165 wrong PINs once ended the app, issue 25).
_DOUBLINGS_MAX = 6


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str
    role: str
    active: bool

    @property
    def supervisor(self) -> bool:
        return self.role == SUPERVISOR


def check_pin(pin: str, field: str = "pin") -> str:
    """A PIN as typed, or the reason it cannot be one. Letters and lengths are told apart:
    the person fixes what they typed, not guesses."""
    if not pin:
        raise Invalid(field, "pin_missing")
    if not pin.isascii() or not pin.isdigit():
        raise Invalid(field, "pin_digits")
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        raise Invalid(field, "pin_length", low=PIN_MIN, high=PIN_MAX)
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` is the one `stored` was made from, with the parameters it names."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(found, bytes.fromhex(digest))


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=HASH_BYTES
    )


def locked_until(failures: list[datetime]) -> datetime | None:
    """When a person may try again, given their wrong PINs in a row (oldest first): none
    before FAILURES_PER_ROUND of them; from then on after each one, 60 s from it, doubled
    for each further full round (120, 240 …) up to LOCKOUT_CAP."""
    if len(failures) < FAILURES_PER_ROUND:
        return None
    doublings = min(len(failures) // FAILURES_PER_ROUND - 1, _DOUBLINGS_MAX)
    wait: timedelta = min(LOCKOUT_FIRST * 2**doublings, LOCKOUT_CAP)
    return failures[-1] + wait
