"""What every screen of the app shares: the top bar, the footer, and translated key labels."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Select
from textual.worker import Worker, WorkerState

from lobby_tui.content import ContentError
from lobby_tui.domain.day import business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.i18n import CATALOGS, t
from lobby_tui.services.drafts import discard_draft, load_draft, save_draft
from lobby_tui.store import StoreError
from lobby_tui.widgets.autosave import Values
from lobby_tui.widgets.form import Form
from lobby_tui.widgets.form import invalid_text as invalid_text  # screens import it from here
from lobby_tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


COMPACT_BELOW_ROWS = 36


def translate_label(text: str) -> str:
    """Binding descriptions are catalog keys; Textual's own labels are looked up as
    `textual.<label>` and shown as they are if the catalogs do not know them."""
    if not text:
        return text
    if text in CATALOGS["en"]:
        return t(text)
    key = f"textual.{text}"
    return t(key) if key in CATALOGS["en"] else text


def problem_text(exc: StoreError | ContentError) -> Text:
    """A store or content problem as shown on a screen: plain text, because a file's problem
    may quote a pattern like [a-z_] that markup would swallow."""
    return Text(t(f"error.{exc.key}", **exc.params))


class Outcome:
    """Whether a guarded action went through (see LobbyScreen.guarded)."""

    failed = False


class LobbyScreen(Screen[None]):
    """A place of the app. `PLACE` names it (top bar, footer highlight, catalog keys)."""

    PLACE = "dashboard"
    rebuilding = False
    """True while the screen composes itself again (a language switch): timers wait."""

    @property
    def lobby_app(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    @property
    def day(self) -> date:
        """Today's business day in the branch's zone, by the injected clock."""
        app = self.lobby_app
        return business_day(app.store.clock.now(), app.settings.timezone)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        out: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():
            binding = dataclasses.replace(
                active.binding,
                description=translate_label(active.binding.description),
                tooltip=translate_label(active.binding.tooltip),
            )
            out[key] = ActiveBinding(
                active.node, binding, active.enabled, translate_label(active.tooltip)
            )
        return out

    def on_resize(self, event: events.Resize) -> None:
        self.fit_controls()

    def fit_controls(self) -> None:
        """Borderless controls on a laptop screen; full-size touch targets on a tablet."""
        compact = self.size.height < COMPACT_BELOW_ROWS
        for control in self.query("Button, Input, Select, Checkbox"):
            if isinstance(control, Button | Input | Select | Checkbox):
                control.compact = compact

    def wait_style(self, level: WaitLevel) -> str:
        """Amber and red waits in the theme's warning and error colours (high contrast too),
        the same on the dashboard, the queue and the round list."""
        colours = self.app.theme_variables
        if level == WaitLevel.RED:
            return f"bold {colours.get('error', 'red')}"
        if level == WaitLevel.AMBER:
            return f"bold {colours.get('warning', 'yellow')}"
        return ""

    @contextmanager
    def guarded(self, say: Callable[[Invalid], None]) -> Iterator[Outcome]:
        """Run a user action: bad input goes to `say` (beside its field), a store failure to
        the app's one error report; nothing else is shown as saved.

            with self.guarded(lambda exc: field.say(invalid_text(exc))) as outcome:
                service.do(...)
            if outcome.failed:
                return
        """
        outcome = Outcome()
        try:
            yield outcome
        except Invalid as exc:
            outcome.failed = True
            say(exc)
        except StoreError as exc:
            outcome.failed = True
            self.lobby_app.report_failure(exc)

    @contextmanager
    def sending(self, form: Form) -> Iterator[Outcome]:
        """Send a form's fields: old messages go, bad input is said beside its field."""
        form.clear()
        with self.guarded(form.say) as outcome:
            yield outcome

    @property
    def drafts(self) -> StoreDrafts:
        """Drafts kept in the store for this place's forms (widgets.autosave)."""
        return StoreDrafts(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.lobby_app.report_failure(event.worker.error)

    async def recompose_keeping_input(self) -> dict[str, str]:
        """Compose again (after a language switch) with the timers paused, and put back
        whatever was typed: nothing typed is lost. Returns what was typed, by input id."""
        typed = {field.id: field.value for field in self.query(Input) if field.id}
        self.rebuilding = True
        try:
            await self.recompose()
        finally:
            self.rebuilding = False
        self.fit_controls()
        for field in self.query(Input):
            if field.id in typed:
                field.value = typed[field.id]
        return typed

    def flush_drafts(self) -> None:
        """Save at once any draft waiting for its timer (the app is closing)."""

    def retranslate(self) -> None:
        """Show every label again in the current language (after a language switch)."""
        for bar in self.query(TopBar):
            bar.tick()
        self.refresh_bindings()


class StoreDrafts:
    """Drafts in the store; a failed write is reported like any other, never a traceback."""

    def __init__(self, screen: LobbyScreen) -> None:
        self.screen = screen

    def load(self, key: str) -> tuple[Values, datetime] | None:
        return load_draft(self.screen.lobby_app.store, key)

    def save(self, key: str, values: Values) -> bool:
        with self.screen.guarded(lambda _exc: None) as outcome:
            save_draft(self.screen.lobby_app.store, key, values)
        return not outcome.failed

    def discard(self, key: str) -> bool:
        with self.screen.guarded(lambda _exc: None) as outcome:
            discard_draft(self.screen.lobby_app.store, key)
        return not outcome.failed
