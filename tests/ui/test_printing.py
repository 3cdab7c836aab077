"""The printed ticket at Accept (R2.11): a printer that is off, unplugged or out of paper never
holds up or loses the walk-in; it is said, a task asks for it to be fixed, and the last ticket
prints again once the printer is back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy
from textual.widgets import Button, Static

from lobby_tui.app import LobbyApp, make_app
from lobby_tui.devices.printer import EscposPrinter
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.ticket import PrinterTarget
from lobby_tui.services.shift import open_shift_today
from lobby_tui.services.tasks import open_tasks, task_text
from lobby_tui.store import Store
from lobby_tui.widgets.topbar import TopBar
from tests.helpers.app import Build, one_row, settle, signed_in_supervisor


class OutOfPaper(Dummy):  # type: ignore[misc]
    """A printer that fails on the first write, as python-escpos says it."""

    def _raw(self, msg: bytes) -> None:
        raise EscposError("paper end")


def top_bar(app: LobbyApp) -> str:
    return str(app.screen.query_one(TopBar).render())


def said(app: LobbyApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def tickets(store: Store) -> list[str]:
    return [str(r[0]) for r in store.rows("SELECT ticket FROM arrivals ORDER BY arrived_at, rowid")]


def printer_tasks(store: Store) -> int:
    sql = "SELECT COUNT(*) FROM tasks WHERE device_key = 'ticket_printer' AND status = 'open'"
    return int(one_row(store, sql)[0])


async def test_a_failing_printer_loses_no_walk_in_and_the_ticket_prints_again(
    build_app: Build, store: Store
) -> None:  # covers: R2.11
    app = build_app()
    app.printer = EscposPrinter(OutOfPaper, "usb")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("f3", "w", "enter")
        await settle(app, pilot)
        assert tickets(store) == ["S001"]  # on record, printed or not
        assert "Printer fault" in top_bar(app)
        assert said(app, "print-status") == "Ticket S001 not printed."
        assert any(
            "Ticket S001 was not printed: the printer failed (paper end)" in n.message
            for n in app._notifications
        )
        assert printer_tasks(store) == 1
        [task] = [t for t in open_tasks(store) if t.device_key == "ticket_printer"]
        assert task_text(task) == (
            "Have the ticket printer repaired: the printer failed (paper end): check its paper,"
            " lid and cable"
        )

        await pilot.press("f3", "o", "enter")  # the next walk-in, the printer still out
        await settle(app, pilot)
        assert tickets(store) == ["S001", "B001"]
        assert printer_tasks(store) == 1  # the open task stands; no second one

        loaded = Dummy()  # paper in: the printer is back
        app.printer = EscposPrinter(lambda: loaded, "usb")
        await pilot.press("p")
        await settle(app, pilot)
        out = loaded.output
        assert b"\x1d!\x11B001\n" in out and b"Reprinted" in out and "补打".encode("gb18030") in out
        assert b"S001" not in out  # the last ticket, not the first
        assert "Printer fault" not in top_bar(app)
        assert said(app, "print-status") == "Ticket B001 printed."
        assert any("The printer works again" in n.message for n in app._notifications)
        assert printer_tasks(store) == 1  # fixing it is a person's to record


async def test_a_ticket_prints_at_accept_and_again_after_success(
    build_app: Build, store: Store
) -> None:  # covers: R2.11
    app = build_app()
    paper = Dummy()
    app.printer = EscposPrinter(lambda: paper, "usb")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3", "o", "enter")  # account opening: the non-cash counter
        await settle(app, pilot)
        [number] = tickets(store)
        first = paper.output
        assert b"\x1d!\x11" + number.encode() + b"\n" in first
        assert "非现金柜台（4–7 号窗口）".encode("gb18030") in first
        assert "Printer" not in top_bar(app) and printer_tasks(store) == 0
        assert said(app, "print-status") == f"Ticket {number} printed."
        paper.clear()
        app.screen.query_one("#reprint", Button).press()  # the button does what P does
        await settle(app, pilot)
        assert b"\x1d!\x11" + number.encode() + b"\n" in paper.output
        assert b"Reprinted" in paper.output and b"Reprinted" not in first


async def test_an_unplugged_device_file_then_plugged_back_in(
    store: Store, settings: Settings, tmp_path: Path
) -> None:  # covers: R2.11
    device = tmp_path / "usb" / "lp0"  # no such device yet: unplugged
    configured = replace(settings, printer=PrinterTarget("file", path=str(device)))
    person = signed_in_supervisor(store)
    app = make_app(store, configured, "zh", shift=open_shift_today(store, configured),
                   signed_in=person)  # fmt: skip
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3", "1", "w", "enter")  # an older customer
        await settle(app, pilot)
        [number] = tickets(store)
        assert one_row(store, "SELECT status FROM arrivals")[0] == "waiting"
        assert "找不到打印机" in top_bar(app)
        assert said(app, "print-status") == f"号票 {number} 未打印。"
        assert printer_tasks(store) == 1
        device.parent.mkdir()  # plugged back in
        await pilot.click("#reprint")
        await settle(app, pilot)
        printed = device.read_bytes()
        assert b"\x1d!\x22" + number.encode() + b"\n" in printed  # larger still, for an elder
        assert b"\x1d!\x11" + "示范支行".encode("gb18030") in printed  # all in double size
        assert "补打".encode("gb18030") in printed
        assert "找不到打印机" not in top_bar(app)


async def test_without_a_printer_triage_offers_no_reprint(build_app: Build, store: Store) -> None:
    # covers: R2.11
    app = build_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        assert not app.screen.query_one("#print-row").display
        await pilot.press("w", "enter", "p")
        await settle(app, pilot)
        assert tickets(store) == ["S001"] and app.printer is None
        assert any("No ticket printer is set up" in n.message for n in app._notifications)
        assert printer_tasks(store) == 0
