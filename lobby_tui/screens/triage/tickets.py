"""The walk-in's printed ticket, from triage (R2.11). The walk-in is saved before anything
here runs; the ticket prints in a thread worker within the printer's bounded time, and a
failure is said in the top bar and as a task, never in the way of the next walk-in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lobby_tui.devices.printer import PrinterFault
from lobby_tui.domain.ticket import Ticket
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.services.printing import lines_for, problem_in, report_printer_fault
from lobby_tui.store import StoreError
from lobby_tui.widgets.topbar import TopBar

Done = Callable[[Ticket, PrinterFault | None], None]


def has_printer(screen: LobbyScreen) -> bool:
    """A printer is set up (or put in place by a test): triage offers the reprint."""
    app = screen.lobby_app
    return app.printer is not None or app.settings.printer is not None


def print_ticket(screen: LobbyScreen, ticket: Ticket, done: Done) -> bool:
    """Print `ticket` off the UI thread; `done` is called on the UI thread with the outcome.
    False when no printer is set up (nothing to do)."""
    app = screen.lobby_app
    printer = app.ticket_printer()
    if printer is None:
        return False
    app.last_ticket = ticket
    lines = lines_for(ticket, app.settings)

    def work() -> None:
        fault: PrinterFault | None = None
        try:
            printer.print_lines(lines)
        except PrinterFault as exc:
            fault = exc
        app.call_from_thread(done, ticket, fault)

    screen.run_worker(work, name="print ticket", group="printer", thread=True,
                      exit_on_error=False)  # fmt: skip
    return True


def reprint(screen: LobbyScreen, done: Done) -> None:
    """The last ticket again (after a failure, or a ticket lost or torn): it says so."""
    app = screen.lobby_app
    if not has_printer(screen):
        app.notify(t("printer.off"), severity="warning")
    elif app.last_ticket is None:
        app.notify(t("printer.nothing"), severity="warning")
    else:
        print_ticket(screen, replace(app.last_ticket, reprint=True), done)


def printed(screen: LobbyScreen, ticket: Ticket, fault: PrinterFault | None) -> str:
    """On the UI thread, after a ticket was sent: the top bar's warning raised or withdrawn,
    the fault said and a task opened (one while it stays open). Returns the status line."""
    app = screen.lobby_app
    was_failing = app.printer_problem is not None
    app.printer_problem = None if fault is None else fault.kind
    for bar in app.screen.query(TopBar):
        bar.tick()
    if fault is None:
        if was_failing:
            app.notify(t("printer.back", ticket=ticket.number), timeout=5)
        return t("printer.status.printed", ticket=ticket.number)
    problem = problem_in(app.language, fault.kind, fault.detail)
    app.notify(t("printer.failed", ticket=ticket.number, problem=problem), severity="warning",
               timeout=15, markup=False)  # fmt: skip
    try:
        report_printer_fault(app.store, app.settings, shift_id=app.shift_for_record(),
                             kind=fault.kind, detail=fault.detail)  # fmt: skip
    except StoreError as exc:
        app.report_failure(exc)
    return t("printer.status.failed", ticket=ticket.number)
