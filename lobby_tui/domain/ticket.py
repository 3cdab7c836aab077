"""The customer's printed ticket (R2.11): what the printer setting may say, and what the ticket
says, line by line, as a pure function of the walk-in saved.

No printer here and no catalog: the words come in as a function (the services pass the
catalogs'), the bytes are made by lobby_tui/devices/printer.py. The ticket carries the wait
*band* the customer was told, never a minute figure: the quote is a range (R2.7), and the
ticket must not promise more than the manager said."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

# The printer setting ------------------------------------------------------------------------

PRINTER_NONE = "none"
PRINTER_KINDS = ("usb", "net", "file", "cups")
_HEX_ID = re.compile(r"[0-9A-Fa-f]{4}")
_HOST = re.compile(r"[A-Za-z0-9.\-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")
# A CUPS queue's name: printable, no space, '/', '#' or '\' (as lpadmin refuses them).
_QUEUE = re.compile(r"[^\s/#\\]{1,127}")


@dataclass(frozen=True)
class PrinterTarget:
    """Where tickets go: one of the printer setting's four forms."""

    kind: Literal["usb", "net", "file", "cups"]
    vendor: int = 0
    """usb: the vendor id (as lsusb shows it, hexadecimal)."""
    product: int = 0
    """usb: the product id."""
    host: str = ""
    """net: the printer's address (an IPv6 address in brackets)."""
    port: int = 0
    """net: its raw printing port (usually 9100)."""
    path: str = ""
    """file: the device file (/dev/usb/lp0) or any file the bytes are written to."""
    queue: str = ""
    """cups: the name of a raw CUPS queue."""


class PrinterSettingError(ValueError):
    """A printer setting that is none of the forms: `reason` is the catalog key that says
    which form was meant and what it looks like (`printer.setting.…`)."""

    def __init__(self, reason: str, value: object) -> None:
        super().__init__(f"{reason}: {value!r}")
        self.reason = reason
        self.value = value


def parse_printer(value: object) -> PrinterTarget | None:
    """The printer setting read: None for "none" (no printer, the default)."""
    if not isinstance(value, str):
        raise PrinterSettingError("printer.setting.type", value)
    text = value.strip()
    if text.lower() == PRINTER_NONE:
        return None
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    if not sep or kind not in PRINTER_KINDS:
        raise PrinterSettingError("printer.setting.kind", value)
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) != 2 or not all(_HEX_ID.fullmatch(p) for p in parts):
            raise PrinterSettingError("printer.setting.usb", value)
        return PrinterTarget("usb", vendor=int(parts[0], 16), product=int(parts[1], 16))
    if kind == "net":
        host, sep, port = rest.rpartition(":")
        if not sep or not _HOST.fullmatch(host) or not port.isdigit():
            raise PrinterSettingError("printer.setting.net", value)
        if not 1 <= int(port) <= 65535:
            raise PrinterSettingError("printer.setting.net", value)
        return PrinterTarget("net", host=host.strip("[]"), port=int(port))
    if kind == "file":
        # Absolute only: a relative path would depend on where the app was started from.
        if not rest.startswith("/") or "\x00" in rest:
            raise PrinterSettingError("printer.setting.file", value)
        return PrinterTarget("file", path=rest)
    if not _QUEUE.fullmatch(rest):
        raise PrinterSettingError("printer.setting.cups", value)
    return PrinterTarget("cups", queue=rest)


TICKET_LANGUAGES = ("zh", "en")


def parse_ticket_languages(value: object) -> tuple[str, ...]:
    """The languages a ticket is printed in, in order (each line in the first, then the
    same line in the next): a list of zh and en, neither twice."""
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v in TICKET_LANGUAGES for v in value)
        or len(set(value)) != len(value)
    ):
        raise PrinterSettingError("printer.setting.languages", value)
    return tuple(value)


# The ticket ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ticket:
    """What the customer's ticket tells them, as saved with the walk-in."""

    number: str
    branch: Mapping[str, str]
    """The branch's name per language."""
    channel: Mapping[str, str]
    """Where they go (the channel's label) per language."""
    windows: tuple[int, ...]
    """The numbered windows that serve that channel (none: machines, a zone)."""
    band: str | None
    """The wait band told (domain/triage.band: lt5, 5to10, 10to20, gt20); None when nothing
    was open, so no wait was promised."""
    ahead: int
    """People to be called before them."""
    issued_at: datetime
    """When the walk-in was saved, in the branch's time."""
    elderly: bool = False
    """An older customer: the whole ticket in double size (适老化)."""
    reprint: bool = False
    """Printed again (the manager's reprint): the ticket says so."""


Size = Literal[1, 2, 3]


@dataclass(frozen=True)
class TicketLine:
    """One printed line: `size` multiplies width and height (1 normal, 2 double, 3 triple)."""

    text: str
    size: Size = 1
    bold: bool = False
    center: bool = False


class Words(Protocol):
    """A catalog entry in a given language, placeholders filled (the services pass one)."""

    def __call__(self, language: str, key: str, /, **params: Any) -> str: ...


def window_ranges(numbers: Sequence[int], separator: str) -> str:
    """1, 2, 3, 7 → "1–3, 7": runs of three or more shown as a range."""
    out: list[str] = []
    ordered = sorted(set(numbers))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{ordered[i]}–{ordered[j]}")
        else:
            out.extend(str(n) for n in ordered[i : j + 1])
        i = j + 1
    return separator.join(out)


def ticket_lines(ticket: Ticket, languages: Sequence[str], words: Words) -> list[TicketLine]:
    """The ticket, top to bottom: the branch, the number large, then where to go, the wait
    band and the people ahead, each said in every language in order (Chinese first, English
    under it, by default), then the time. An older customer's is all double size, the
    number larger still."""
    normal: Size = 2 if ticket.elderly else 1
    number: Size = 3 if ticket.elderly else 2

    def each(key: str, **params: Any) -> list[TicketLine]:
        return [TicketLine(words(lang, key, **params), normal) for lang in languages]

    lines = [
        TicketLine(ticket.branch.get(lang) or next(iter(ticket.branch.values()), ""), normal,
                   bold=True, center=True)
        for lang in languages
    ]  # fmt: skip
    lines.append(TicketLine(""))
    lines.append(TicketLine(ticket.number, number, bold=True, center=True))
    lines.append(TicketLine(""))
    for lang in languages:
        where = ticket.channel.get(lang) or next(iter(ticket.channel.values()), "")
        if ticket.windows:
            shown = window_ranges(ticket.windows, words(lang, "printer.ticket.list_sep"))
            key = "printer.ticket.window" if len(ticket.windows) == 1 else "printer.ticket.windows"
            where = words(lang, "printer.ticket.where", channel=where,
                          windows=words(lang, key, windows=shown))  # fmt: skip
        lines.append(TicketLine(where, normal, bold=True))
    if ticket.band is None:
        lines += each("printer.ticket.no_band")
    else:
        for lang in languages:
            band = words(lang, f"band.{ticket.band}")
            lines.append(TicketLine(words(lang, "printer.ticket.wait", band=band), normal))
    if ticket.ahead == 0:
        lines += each("printer.ticket.next")
    elif ticket.ahead == 1:
        lines += each("printer.ticket.ahead_one")
    else:
        lines += each("printer.ticket.ahead", count=ticket.ahead)
    lines.append(TicketLine(""))
    lines.append(TicketLine(ticket.issued_at.strftime("%Y-%m-%d %H:%M"), normal))
    lines += each("printer.ticket.keep")
    if ticket.reprint:
        lines += each("printer.ticket.reprinted")
    return lines
