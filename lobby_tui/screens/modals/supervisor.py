"""A supervisor confirms (R5.4): their name and PIN, checked as a sign-in is (a wrong PIN
counts towards their lockout), for a decision the lobby manager may not take alone — a
customer who answered yes to every risk question and still goes ahead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.staff import SUPERVISOR
from lobby_tui.services import staff as service
from lobby_tui.store import StoreError
from lobby_tui.widgets.form import invalid_text
from lobby_tui.widgets.signin import WhoAndPin

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


class SupervisorConfirm(ModalScreen[bool]):
    """`confirm(staff_id, pin)` does the confirmed thing (raising Invalid to say why not);
    the dialog closes with True once it is done, False when cancelled."""

    DEFAULT_CSS = """
    SupervisorConfirm { align: center middle; }
    SupervisorConfirm #confirm-box { width: 64; max-width: 100%; height: auto;
        max-height: 100%; border: thick $warning; padding: 0 2; background: $surface; }
    SupervisorConfirm .confirm-title { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, why: str, confirm: Callable[[str | None, str], object]) -> None:
        super().__init__()
        self.title_text = title
        self.why = why
        self.confirm = confirm

    @property
    def lobby_app(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    def compose(self) -> ComposeResult:
        store = self.lobby_app.store
        people = [p for p in service.roster(store, active_only=True) if p.role == SUPERVISOR]
        with VerticalScroll(id="confirm-box"):
            yield Static(self.title_text, classes="confirm-title")
            yield Static(self.why)
            yield WhoAndPin(people, None, button=self.title_text, id="confirm-who")

    @on(WhoAndPin.Submitted)
    def _submitted(self, event: WhoAndPin.Submitted) -> None:
        event.panel.say("")
        try:
            self.confirm(event.staff_id, event.pin)
        except Invalid as exc:
            event.panel.say(invalid_text(exc))
            return
        except StoreError as exc:
            self.lobby_app.report_failure(exc)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
