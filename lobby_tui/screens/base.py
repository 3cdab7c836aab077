"""What every screen of the app shares: the top bar, the footer, and translated key labels."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rich.text import Text
from textual import events
from textual.binding import ActiveBinding
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from lobby_tui.content import ContentError
from lobby_tui.domain.day import business_day
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.i18n import CATALOGS, t
from lobby_tui.services.drafts import discard_draft, load_draft, save_draft
from lobby_tui.store import StoreError
from lobby_tui.widgets.action_bar import ActionBar
from lobby_tui.widgets.autosave import Values
from lobby_tui.widgets.compact import fit_controls
from lobby_tui.widgets.form import Form
from lobby_tui.widgets.form import invalid_text as invalid_text  # screens import it from here
from lobby_tui.widgets.keys import select_takes
from lobby_tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


DEBOUNCE_SECONDS = 0.15  # search as you type: read once the typing pauses
# How often the queue and the dashboard look for what another tablet or browser session
# committed (R6.6: within 2 s). A look is one `PRAGMA data_version` (a few microseconds);
# the lobby is read again only when it moved or the minute turned (see LobbyScreen.moment).
LIVE_SECONDS = 1.0

T = TypeVar("T")
# What a place mounts after its first paint: widgets, each group with where it goes.
Later = Callable[[], Iterable[tuple[str, Sequence[Widget]]]]


def translate_label(text: str) -> str:
    """Binding descriptions are catalog keys; Textual's own labels are looked up as
    `textual.<label>` and shown as they are if the catalogs do not know them."""
    if not text:
        return text
    if text in CATALOGS["en"]:
        return t(text)
    key = f"textual.{text}"
    return t(key) if key in CATALOGS["en"] else text


def translate_textual_titles() -> None:
    """The keys panel heads a text field's keys with Textual's group title: in the
    manager's language too (set again on every language switch)."""
    Input.BINDING_GROUP_TITLE = t("textual.group.Input")


class StyledOnce:
    """Mixed into a screen (before its Textual base): styled once, when its widgets are
    mounted, and not again each time it comes to the front.

    Textual marks a new screen as styled by an older stylesheet (-1): a mode's first screen
    had every stylesheet parsed again and the app restyled before its first frame. And it
    restyles every widget of a screen each time it is resumed (`refresh_styles`), a third
    of a second for the bigger places on this hardware. Nothing a screen's styles depend on
    changes while it is behind: a theme or CSS change is caught by the mode switch itself
    (its CSS count), and focus, hover and classes update the widgets they touch. The tests:
    test_a_place_opens_without_restyling_what_it_already_styled,
    test_a_first_visit_parses_no_stylesheet (tests/ui/test_app.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._css_update_count = self.app._css_update_count  # type: ignore[attr-defined]

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.ScreenResume):
            message.refresh_styles = False
        return super().post_message(message)  # type: ignore[misc, no-any-return]


class TranslatedKeys:
    """Mixed into a screen (before its Textual base): its key labels (footer, keys panel)
    show in the manager's language, Textual's own ones included (Quit, Focus Next, Dismiss
    menu…). Not a Screen itself: Textual takes CSS from the first DOM base only."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        out: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():  # type: ignore[misc]
            binding = dataclasses.replace(
                active.binding,
                description=translate_label(active.binding.description),
                tooltip=translate_label(active.binding.tooltip),
            )
            out[key] = ActiveBinding(
                active.node, binding, active.enabled, translate_label(active.tooltip)
            )
        return out


def mark_legend(title_key: str, mark_prefix: str, label_prefix: str, kinds: Iterable[str]) -> Text:
    """What each one-character mark in a list stands for: "关怀标记：歉 致歉 · 水 送水 …"."""
    legend = Text(t(title_key), style="dim")
    for index, kind in enumerate(kinds):
        if index:
            legend.append(" · ", style="dim")
        legend.append(t(f"{mark_prefix}.{kind}"), style="bold")
        legend.append(f" {t(f'{label_prefix}.{kind}')}", style="dim")
    return legend


def problem_text(exc: StoreError | ContentError) -> Text:
    """A store or content problem as shown on a screen: plain text, because a file's problem
    may quote a pattern like [a-z_] that markup would swallow."""
    return Text(t(f"error.{exc.key}", **exc.params))


class BackgroundReads:
    """The one way a periodic read reaches the screen: the read runs in a thread worker (on
    the store's read-only connection for that thread, so the UI never waits for it), and
    its result is shown on the UI thread only if no newer read of the same kind was started
    since and nothing made it stale (`drop`). A failed read goes to the worker's node, whose
    `on_worker_state_changed` hands it to the app's one error report."""

    def __init__(self, node: DOMNode) -> None:
        self.node = node
        self.generations: dict[str, int] = {}
        self.seen: dict[str, Hashable] = {}
        """What each group's shown result was read at (see LobbyScreen.moment)."""
        self.timers: dict[str, Timer] = {}

    def start(
        self, group: str, read: Callable[[], T], show: Callable[[T], None], seen: Hashable = None
    ) -> None:
        """Read in the background; a read of the same `group` still running is cancelled
        and its result, should it arrive, dropped. `seen` is remembered once shown."""
        generation = self.generations[group] = self.generations.get(group, 0) + 1
        app = self.node.app

        def work() -> None:
            result = read()
            if not get_current_worker().is_cancelled:
                app.call_from_thread(self.show_if_current, group, generation, show, result, seen)

        self.node.run_worker(
            work, name=f"read {group}", group=f"read.{group}", thread=True, exclusive=True,
            exit_on_error=False,
        )  # fmt: skip

    def show_if_current(
        self,
        group: str,
        generation: int,
        show: Callable[[T], None],
        result: T,
        seen: Hashable = None,
    ) -> None:
        node = self.node
        attached = node.is_running if node.is_dom_root else node.is_attached  # the app: not
        if self.generations.get(group) != generation or not attached:  # a child of itself
            return
        if isinstance(self.node, LobbyScreen) and self.node.rebuilding:
            return
        self.seen[group] = seen
        show(result)

    def drop(self) -> None:
        """Reads under way are stale (the language changed, the screen is rebuilt): their
        results are not shown, and the next tick reads again."""
        for group in self.generations:
            self.generations[group] += 1
        self.seen.clear()

    def debounce(self, key: str, action: Callable[[], object]) -> None:
        """Run `action` once calls for `key` pause for DEBOUNCE_SECONDS (typing a search)."""
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.stop()

        def fire() -> None:
            self.timers.pop(key, None)
            action()

        self.timers[key] = self.node.set_timer(DEBOUNCE_SECONDS, fire)

    @property
    def waiting(self) -> bool:
        """A debounced action has yet to run (tests wait for it)."""
        return bool(self.timers)


class Outcome:
    """Whether a guarded action went through (see LobbyScreen.guarded)."""

    failed = False


class LobbyScreen(TranslatedKeys, StyledOnce, Screen[None]):
    """A place of the app. `PLACE` names it (top bar, footer highlight, catalog keys)."""

    PLACE = "dashboard"
    rebuilding = False
    """True while the screen composes itself again (a language switch): timers wait."""

    def __init__(
        self,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Textual's own parameter name)
        classes: str | None = None,
    ) -> None:
        super().__init__(name, id, classes)
        # The breakpoint class the first resize would give the place (by Textual's own
        # rule), given now: given then, it restyles every widget of the place once more.
        width = self.app.size.width
        self.add_class(*self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS or []))
        self.reads = BackgroundReads(self)
        """This screen's background reads and debounced actions."""

    @property
    def lobby_app(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    def moment(self) -> tuple[tuple[int, int], datetime]:
        """What a read's result depends on: what is committed (the store's version) and the
        minute (waits and lateness are shown in whole minutes)."""
        store = self.lobby_app.store
        return store.version(), store.clock.now().replace(second=0, microsecond=0)

    def read_in_background(
        self,
        group: str,
        read: Callable[[], T],
        show: Callable[[T], None],
        *,
        if_changed: bool = False,
    ) -> None:
        """Run `read` off the UI thread; `show` its result here if it is still current.

        `if_changed` (a periodic tick): nothing committed since the result shown was read,
        and the same minute, means nothing new to show — so nothing is read or drawn."""
        try:
            moment = self.moment()
        except StoreError as exc:
            self.lobby_app.report_failure(exc)
            return
        if if_changed and self.reads.seen.get(group) == moment:
            return
        self.reads.start(group, read, show, moment)

    @property
    def day(self) -> date:
        """Today's business day in the branch's zone, by the injected clock."""
        app = self.lobby_app
        return business_day(app.store.clock.now(), app.settings.timezone)

    def on_resize(self, event: events.Resize) -> None:
        self.fit_controls()

    def on_key(self, event: events.Key) -> None:
        """A letter typed while a select has the focus is the select's, on every place:
        never a shortcut of the place (a place's own on_key runs first and leaves it)."""
        select_takes(self.focused, event)

    def fit_controls(self) -> None:
        """Borderless controls on a laptop screen; full-size touch targets on a tablet."""
        fit_controls(self, self.size.height)

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
        await self.composed()  # what the first paint put off is there, and kept as typed
        typed = {field.id: field.value for field in self.query(Input) if field.id}
        focused = self.focused.id if self.focused is not None else None
        self.reads.drop()  # read for the old widgets (and maybe the old language)
        self.rebuilding = True
        try:
            await self.recompose()
        finally:
            self.rebuilding = False
        self.fit_controls()
        for field in self.query(Input):
            if field.id in typed:
                field.value = typed[field.id]
        if focused:  # the manager goes on typing where they were
            for widget in self.query(f"#{focused}"):
                self.set_focus(widget)
        return typed

    # Composed after the first paint ---------------------------------------------------

    _later: Later | None = None
    _later_ready: asyncio.Event | None = None

    def compose_later(self, make: Later) -> None:
        """What is not on screen when the place opens (a tab behind another), made and
        mounted just after the place is first drawn: `make` gives the widgets, each group
        with the id of the container it goes in (issue 33). A key that needs them awaits
        `composed()` first; the keys typed after it wait for it too, so nothing is lost."""
        self._later = make
        self._later_ready = asyncio.Event()
        self.call_after_refresh(self.composed)

    async def composed(self) -> None:
        """Everything of the place is mounted: what `compose_later` put off is mounted now
        if the first paint has not done it yet."""
        ready = self._later_ready
        if ready is None:
            return
        make, self._later = self._later, None
        if make is None:  # being mounted, or done
            await ready.wait()
            return
        try:
            for where, widgets in make():
                await self.query_one(where).mount_all(widgets)
            self.fit_controls()
        finally:
            ready.set()

    def flush_drafts(self) -> None:
        """Save at once any draft waiting for its timer (the app is closing)."""

    def retranslate(self) -> None:
        """Show every label again in the current language (after a language switch)."""
        self.reads.drop()  # a read under way may say things in the old language
        for bar in self.query(TopBar):
            bar.tick()
        for actions in self.query(ActionBar):
            actions.relabel()
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
