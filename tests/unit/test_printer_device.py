"""The ticket printer's bytes and faults (R2.11), with python-escpos's own Dummy and File
printers: nothing here needs a printer on the desk."""

from __future__ import annotations

import errno
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from escpos.constants import PAPER_FULL_CUT
from escpos.exceptions import Error as EscposError
from escpos.printer import LP, Dummy, File, Network, Usb

from lobby_tui.devices.printer import (
    KANJI_MODE,
    EscposPrinter,
    PrinterFault,
    connect,
    printer_for,
    within,
    write_ticket,
)
from lobby_tui.domain.ticket import PrinterTarget, Ticket, TicketLine, ticket_lines
from lobby_tui.i18n import t_in as words

DOUBLE = b"\x1d!\x11"  # GS ! : double width and height
TRIPLE = b"\x1d!\x22"
NORMAL = b"\x1d!\x00"


def lines(elderly: bool = False) -> list[TicketLine]:
    ticket = Ticket(
        number="A012",
        branch={"zh": "示范支行", "en": "Demo Branch"},
        channel={"zh": "现金柜台", "en": "Cash counter"},
        windows=(1, 2, 3, 7),
        band="5to10",
        ahead=2,
        issued_at=datetime(2026, 12, 7, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        elderly=elderly,
    )
    return ticket_lines(ticket, ("zh", "en"), words)


def check_ticket_bytes(out: bytes) -> None:
    """What every ticket's bytes hold: Chinese mode before any Chinese, the Chinese in
    GB18030, the number double, English as itself, a cut at the end."""
    branch = "示范支行".encode("gb18030")
    assert branch in out and "示范支行".encode() not in out  # GB18030, not UTF-8
    assert out.index(KANJI_MODE) < out.index(branch)
    assert "预计等候：5–10 分钟".encode("gb18030") in out
    assert DOUBLE + b"A012\n" in out
    assert b"Expected wait: 5\xa8\x4310 min" in out  # the en dash in GB18030 too
    assert out.startswith(b"\x1b@")  # ESC @: the last job's settings cleared first
    assert out.endswith(PAPER_FULL_CUT)


def test_a_ticket_in_escpos_bytes() -> None:  # covers: R2.11
    dummy = Dummy()
    write_ticket(dummy, lines())
    out = dummy.output
    check_ticket_bytes(out)
    # Everything else in normal size: GS ! 0 before the branch's name.
    assert NORMAL + "示范支行".encode("gb18030") in out


def test_an_older_customers_ticket_in_double_size() -> None:  # covers: R2.11
    dummy = Dummy()
    write_ticket(dummy, lines(elderly=True))
    out = dummy.output
    assert TRIPLE + b"A012\n" in out
    assert DOUBLE + "示范支行".encode("gb18030") in out
    assert DOUBLE + "您前面还有 2 位".encode("gb18030") in out
    assert NORMAL + "示范支行".encode("gb18030") not in out


def test_a_file_printer_gets_the_same_bytes(tmp_path: Path) -> None:  # covers: R2.11
    device = tmp_path / "lp0"
    printer = printer_for(PrinterTarget("file", path=str(device)))
    assert printer is not None
    printer.print_lines(lines())
    written = device.read_bytes()
    check_ticket_bytes(written)
    dummy = Dummy()
    write_ticket(dummy, lines())
    assert written == dummy.output


def test_a_file_printer_that_is_not_there_is_not_found(tmp_path: Path) -> None:
    # covers: R2.11
    printer = printer_for(PrinterTarget("file", path=str(tmp_path / "unplugged" / "lp0")))
    assert printer is not None
    with pytest.raises(PrinterFault) as caught:
        printer.print_lines(lines())
    assert caught.value.kind == "not_found"
    assert "unplugged" in caught.value.detail


class Failing(Dummy):  # type: ignore[misc]
    """A printer that takes the connection and then fails on the first write."""

    def __init__(self, problem: BaseException) -> None:
        super().__init__()
        self.problem = problem

    def _raw(self, msg: bytes) -> None:
        raise self.problem


@pytest.mark.parametrize(
    ("problem", "kind"),
    [
        (EscposError("paper end"), "failed"),
        (OSError(errno.EIO, "Input/output error"), "failed"),
        (PermissionError(errno.EACCES, "Permission denied", "/dev/usb/lp0"), "denied"),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "no_answer"),
        (TimeoutError("timed out"), "no_answer"),
    ],
)
def test_a_printer_that_fails_on_write_is_a_fault(problem: BaseException, kind: str) -> None:
    # covers: R2.11
    printer = EscposPrinter(lambda: Failing(problem), "usb")
    with pytest.raises(PrinterFault) as caught:
        printer.print_lines(lines())
    assert caught.value.kind == kind


def test_a_printer_that_hangs_is_given_up_on_in_bounded_time() -> None:  # covers: R2.11
    release = threading.Event()

    class Hanging(Dummy):  # type: ignore[misc]
        def _raw(self, msg: bytes) -> None:
            release.wait()  # a port blocking on an empty roll

    printer = EscposPrinter(Hanging, "usb", seconds=0.2)
    try:
        with pytest.raises(PrinterFault) as caught:
            printer.print_lines(lines())
        assert caught.value.kind == "no_answer"
    finally:
        release.set()


def test_within_hands_back_what_the_job_raised() -> None:  # covers: R2.11
    def job() -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file", "lpstat")

    with pytest.raises(PrinterFault) as caught:
        within(5, job, "cups")
    assert caught.value.kind == "no_support"  # CUPS's lp is not installed
    within(5, lambda: None)  # a job that works raises nothing


def test_each_setting_makes_its_python_escpos_printer(tmp_path: Path) -> None:
    # covers: R2.11 (made, not opened: nothing is connected to here)
    usb = connect(PrinterTarget("usb", vendor=0x04B8, product=0x0202), 3)
    assert isinstance(usb, Usb) and usb.timeout == 3000
    net = connect(PrinterTarget("net", host="192.0.2.10", port=9100), 3)
    assert isinstance(net, Network) and (net.host, net.port, net.timeout) == (
        "192.0.2.10", 9100, 3)  # fmt: skip
    assert isinstance(connect(PrinterTarget("file", path=str(tmp_path / "x"))), File)
    cups = connect(PrinterTarget("cups", queue="TICKETS"))
    assert isinstance(cups, LP) and cups.printer_name == "TICKETS"
    assert printer_for(None) is None


def test_python_escpos_is_loaded_at_the_first_ticket_not_at_start() -> None:
    # covers: R2.11
    probe = (
        "import sys\n"
        "import lobby_tui.start, lobby_tui.app, lobby_tui.devices.printer\n"
        "import lobby_tui.screens.triage\n"
        "print('escpos' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
