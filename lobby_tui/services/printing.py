"""The printed ticket (R2.11): what a saved walk-in's ticket says, in the words of the
catalogs, and the task that asks for a failing printer to be fixed.

The walk-in is on record before any of this runs (services/triage.save_walkin commits it);
printing itself is the device's (lobby_tui/devices/printer.py), run off the UI thread."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lobby_tui.content import channels, windows
from lobby_tui.domain.day import local
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.ticket import Ticket, TicketLine, ticket_lines
from lobby_tui.i18n import LANGUAGES, t_in
from lobby_tui.services.tasks import report_device_fault
from lobby_tui.services.triage import Saved
from lobby_tui.store import Store

PRINTER_DEVICE = "ticket_printer"  # the device key of the printer's task (one open at a time)


def ticket_for(
    saved: Saved, channel: str, flags: Sequence[str], settings: Settings, at: datetime
) -> Ticket:
    """The ticket of a walk-in just saved to `channel`: its number, where it goes and which
    windows serve it, the band it was quoted and how many are ahead, at the branch's time.
    The minutes behind the band are never on it."""
    found = next((c for c in channels() if c.key == channel), None)
    label = dict(found.label) if found else {"zh": channel, "en": channel}
    serving = tuple(w.number for w in windows() if channel in w.serves)
    return Ticket(
        number=saved.ticket,
        branch=dict(settings.branch_name),
        channel=label,
        windows=serving,
        band=saved.band,
        ahead=saved.ahead,
        issued_at=local(at, settings.timezone),
        elderly="elderly" in flags,
    )


def lines_for(ticket: Ticket, settings: Settings) -> list[TicketLine]:
    """The ticket's lines in the branch's ticket languages (Chinese, then English)."""
    return ticket_lines(ticket, settings.ticket_languages, t_in)


def problem_in(language: str, kind: str, detail: str) -> str:
    """A printer fault (devices/printer.FAULTS) said in `language`."""
    return t_in(language, f"printer.problem.{kind}", detail=detail)


def report_printer_fault(
    store: Store, settings: Settings, *, shift_id: str | None, kind: str, detail: str
) -> tuple[str, bool]:
    """A task asking for the ticket printer to be fixed, saying what is wrong in both
    languages: a device fault like any other (tasks.report_device_fault), so while one is
    open that one stands (no second task per failed ticket). Returns (task id, newly
    opened)."""
    return report_device_fault(
        store,
        settings,
        shift_id=shift_id,
        device_key=PRINTER_DEVICE,
        channel=None,
        label={lang: t_in(lang, "printer.name") for lang in LANGUAGES},
        note={lang: problem_in(lang, kind, detail) for lang in LANGUAGES},
    )
