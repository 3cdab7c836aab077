"""The ticket printer (R2.11): a ticket's lines (domain/ticket.py) made into ESC/POS bytes
with python-escpos and sent to the printer the setting names, within a bounded time.

The one small interface the app sees is `TicketPrinter.print_lines`, which either prints or
raises `PrinterFault` (what kind of problem, said by the caller in the manager's language).
python-escpos is imported here only, and only when a ticket is first printed: a branch
without a printer never loads it, and neither does the app's start.

Chinese: python-escpos 3.1's own text path (`Escpos.text`, its magic encoder) sends Han text
as GB18030 but never selects the printer's Chinese (Kanji) mode, and for Latin text it
switches code pages (ESC t), which a Chinese printer in Chinese mode would misread. Printers
sold in China take GB18030 after FS & (select Kanji character mode, 0x1C 0x26), which no
python-escpos constant names; so the ticket selects that mode once and sends every line's
GB18030 bytes raw (ASCII is single-byte in GB18030, so English prints as English). Sizes use
GS ! (character size), which applies to Kanji and ASCII alike, where ESC ! applies to ASCII
only on many printers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from lobby_tui.domain.ticket import PrinterTarget, TicketLine

KANJI_MODE = b"\x1c\x26"  # FS &: select Kanji (Chinese) character mode
ENCODING = "gb18030"
PRINT_SECONDS = 10.0
"""How long a ticket may take to print, connecting included: past it the printer is taken
as not answering (off, asleep, out of paper on a port that blocks)."""

FAULTS = ("not_found", "no_answer", "denied", "no_support", "failed")
DETAIL_MAX = 80


class PrinterFault(Exception):
    """The ticket was not printed: `kind` is one of FAULTS, `detail` the device's own words
    (a path, an error number), kept short for the top bar's toast."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        # Cut at the front when long: a path's end (…/usb/lp0) says which device it is.
        self.detail = detail if len(detail) <= DETAIL_MAX else "…" + detail[-DETAIL_MAX + 1 :]


class TicketPrinter(Protocol):
    """Where tickets go. Blocks the calling thread (never the UI's: the app prints in a
    thread worker) for at most its bounded time."""

    def print_lines(self, lines: Sequence[TicketLine]) -> None: ...


def write_ticket(printer: Any, lines: Sequence[TicketLine]) -> None:
    """The ticket onto any python-escpos printer (a real one, or its Dummy in tests): reset,
    Chinese mode, each line in its size, then a cut."""
    printer.hw("INIT")  # ESC @: whatever the last job left set is cleared
    printer._raw(KANJI_MODE)
    for line in lines:
        printer.set(align="center" if line.center else "left", bold=line.bold)
        printer.set(custom_size=True, width=line.size, height=line.size)  # GS ! n
        printer._raw(line.text.encode(ENCODING) + b"\n")
    printer.set(custom_size=True, width=1, height=1)
    printer.set(align="left", bold=False)
    printer.cut()  # feeds the ticket past the cutter first


def connect(target: PrinterTarget, seconds: float = PRINT_SECONDS) -> Any:
    """The python-escpos printer for the setting, not yet opened (it opens on first write)."""
    from escpos import printer

    if target.kind == "usb":
        # pyusb's timeouts are in milliseconds.
        return printer.Usb(target.vendor, target.product, timeout=int(seconds * 1000))
    if target.kind == "net":
        return printer.Network(target.host, target.port, timeout=seconds)
    if target.kind == "file":
        return printer.File(target.path)
    # A raw CUPS queue through CUPS' own `lp` (python-escpos's LP): no compiled pycups needed.
    return printer.LP(target.queue)


@dataclass(frozen=True)
class EscposPrinter:
    """A ticket printer speaking ESC/POS: `open_printer` makes a fresh python-escpos printer
    for each ticket (a printer unplugged and plugged back in is found again)."""

    open_printer: Callable[[], Any]
    kind: str = ""
    """usb, net, file or cups: what a fault is said about (a missing `lp` is CUPS's)."""
    seconds: float = PRINT_SECONDS
    one_at_a_time: threading.Lock = field(default_factory=threading.Lock, compare=False,
                                          repr=False)  # fmt: skip
    """Two walk-ins accepted within a second never interleave their bytes on one printer;
    behind a hung ticket, the next one waits out its own time and is said as not answering."""

    def print_lines(self, lines: Sequence[TicketLine]) -> None:
        def job() -> None:
            with self.one_at_a_time:
                printer = self.open_printer()
                try:
                    write_ticket(printer, lines)
                finally:
                    printer.close()

        within(self.seconds, job, self.kind)


def printer_for(target: PrinterTarget | None) -> EscposPrinter | None:
    """The printer the setting names; None for none."""
    if target is None:
        return None
    return EscposPrinter(partial(connect, target), target.kind)


def within(seconds: float, job: Callable[[], None], kind: str = "") -> None:
    """Run `job` on a thread of its own and wait at most `seconds` for it. A printer that
    hangs (a USB port blocking on an empty roll, a host that never answers) is a fault after
    that time; its thread is left to end by itself (a daemon: it never holds the app open)."""
    done = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            job()
        except BaseException as exc:  # handed to the waiting thread, classified there
            failed.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="ticket-printer", daemon=True).start()
    if not done.wait(seconds):
        raise PrinterFault("no_answer", f"{seconds:g} s")
    if failed:
        raise fault(failed[0], kind) from failed[0]


def fault(exc: BaseException, kind: str = "") -> PrinterFault:
    """What went wrong, in one of FAULTS."""
    if isinstance(exc, PrinterFault):
        return exc
    from escpos.exceptions import DeviceNotFoundError

    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, DeviceNotFoundError) and isinstance(cause, OSError):
        exc = cause  # python-escpos wraps the OSError that says what happened
    elif isinstance(exc, DeviceNotFoundError):
        return PrinterFault("not_found", _words(exc))
    if isinstance(exc, PermissionError):
        return PrinterFault("denied", str(exc.filename or exc.strerror or exc))
    if isinstance(exc, FileNotFoundError) and kind == "cups":
        return PrinterFault("no_support", "CUPS lp")  # no lp/lpstat on this computer
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return PrinterFault("not_found", str(exc.filename or exc.strerror or exc))
    if isinstance(exc, TimeoutError | ConnectionError):
        return PrinterFault("no_answer", exc.strerror or type(exc).__name__)
    if isinstance(exc, ImportError | NotImplementedError) or type(exc).__name__ in (
        "NoBackendError",  # pyusb without libusb
    ):
        return PrinterFault("no_support", _words(exc))
    if isinstance(exc, OSError):
        return PrinterFault("failed", exc.strerror or _words(exc))
    return PrinterFault("failed", _words(exc))


def _words(exc: BaseException) -> str:
    said = " ".join(str(exc).split())
    return said or type(exc).__name__
