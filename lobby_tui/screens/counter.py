"""The counter view (R2.9, issue 26): one window's screen for the teller at it. Next calls
the customer the window's rule picks; Recall, Start, Done, No-show, Transfer and Form back
act on the one at the window; after Done the customer's rating. Big targets for a finger or
a mouse, one key each for a keyboard; the window's own figures underneath.

Opened by `lobby counter --window N`, by a teller's sign-in (they pick their window), or
from the palette. Every write is one short transaction under the teller's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from lobby_tui.content import ContentError, channels, needs_catalogue, windows
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.i18n import t
from lobby_tui.screens.base import LIVE_SECONDS, LobbyScreen, invalid_text
from lobby_tui.services import counter as service
from lobby_tui.services.dayplan import counters_now
from lobby_tui.services.quality import SCORES, rate_service, return_form
from lobby_tui.store import StoreError
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.topbar import TopBar

# The window's actions: (key, action, label key). The order is the teller's day.
ACTIONS = (
    ("n", "next", "counter.next"),
    ("r", "recall", "counter.recall"),
    ("s", "start", "counter.start"),
    ("d", "done", "counter.done"),
    ("x", "no_show", "counter.no_show"),
    ("t", "transfer", "counter.transfer"),
    ("b", "form_back", "counter.form_back"),
    ("p", "pause", "counter.pause"),
)


@dataclass(frozen=True)
class WindowNow:
    """What the view shows, read together off the UI thread."""

    current: service.AtWindow | None
    figures: service.WindowFigures
    is_open: bool


class CounterScreen(LobbyScreen):
    PLACE = "counter"
    BINDINGS = [
        *(Binding(key, action, label, show=False) for key, action, label in ACTIONS),
        *(Binding(str(n), f"rate({n})", "counter.rate", show=False) for n in (*SCORES, 0)),
        Binding("escape", "cancel", "counter.cancel", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="counter")
        self.now: WindowNow | None = None
        self.rating_for: service.AtWindow | None = None  # served: their rating is asked

    @property
    def number(self) -> int | None:
        return self.lobby_app.window

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        with Horizontal(id="counter-which"):
            yield Static(t("counter.which"), id="counter-which-label")
            yield Select(
                [(t("counter.window_name", number=w.number), w.number) for w in windows()],
                id="counter-window",
                value=self.number if self.number is not None else Select.NULL,
                prompt=t("counter.pick_window"),
            )
        yield Static(id="counter-now")
        with Grid(id="counter-actions"):
            for key, action, label in ACTIONS:
                yield Button(f"{t(label)}  {key}", id=f"counter-{action}", classes="counter-act")
        with Horizontal(id="counter-transfer-row"):
            yield Select([], id="counter-to", prompt=t("counter.transfer_to"))
            yield Input(placeholder=t("counter.transfer_reason"), id="counter-reason")
        with Horizontal(id="counter-rating-row"):
            yield Static(id="counter-rate-label")
            for n in (*SCORES, 0):
                label = str(n) if n else t("queue.rate_skip")
                yield Button(label, id=f"counter-rate-{n}", classes="counter-rate")
        yield Static("", id="counter-message")
        with Vertical(id="counter-figures-box"):
            yield Static(id="counter-figures")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.query_one("#counter-transfer-row").display = False
        self.query_one("#counter-rating-row").display = False
        self.query_one("#counter-which").display = self.number is None
        self.set_interval(LIVE_SECONDS, self.tick)
        self.fit_controls()
        self.reload()
        if self.number is not None:  # keys go to the window's actions, not the picker
            self.query_one("#counter-next", Button).focus()

    def on_screen_resume(self) -> None:
        if self.number is None:
            self.reload()
        else:  # in the background, and only if something was committed or the minute moved
            self.tick()

    def tick(self) -> None:
        if self.number is not None:
            self.read_in_background("window", self.read_window, self.show, if_changed=True)

    def reload(self) -> None:
        if self.number is None:
            self.show(None)
            self.query_one("#counter-window", Select).focus()
            return
        self.read_in_background("window", self.read_window, self.show)

    def read_window(self) -> WindowNow:
        number = self.number
        assert number is not None
        store, day = self.lobby_app.store, self.day
        opened = {w.number for w in service.open_windows(store, day, counters_now(store, day))}
        return WindowNow(
            service.at_window(store, day, number),
            service.window_figures(store, day, number),
            number in opened,
        )

    # Drawing ------------------------------------------------------------------------------

    def show(self, now: WindowNow | None) -> None:
        self.now = now
        self.query_one("#counter-now", Static).update(self.now_text(now))
        self.query_one("#counter-figures", Static).update(self.figures_text(now))
        at = now.current if now else None
        for action in ("recall", "start", "done", "no_show", "transfer", "form_back"):
            self.query_one(f"#counter-{action}", Button).disabled = at is None
        self.query_one("#counter-next", Button).disabled = self.number is None or at is not None
        self.query_one("#counter-pause", Button).disabled = now is None or not now.is_open
        self.refresh_bindings()

    def now_text(self, now: WindowNow | None) -> Text:
        if self.number is None:
            return Text(t("counter.no_window"), style="bold")
        name = t("counter.window_name", number=self.number)
        if now is None or now.current is None:
            state = t("counter.idle") if now is None or now.is_open else t("counter.paused")
            return Text.assemble((f"{name}  ", "bold"), (state, "dim"))
        at = now.current
        clock = self.lobby_app.store.clock.now()
        tz = self.lobby_app.settings.timezone
        waited = max(0, int((at.called_at - at.arrived_at).total_seconds() // 60))
        lines = Text.assemble((f"{name}  ", "bold"), (f" {at.ticket} ", "bold reverse"))
        if at.priority:
            lines.append(f"  {t('counter.priority')}", style="bold")
        lines.append("\n")
        lines.append(t("counter.need", need=_need(at.need, self.lobby_app.language)))
        lines.append("  ·  ")
        lines.append(t("counter.waited", minutes=waited))
        lines.append("\n")
        lines.append(
            t("counter.called_at", time=local(at.called_at, tz).strftime("%H:%M")), style="dim"
        )
        if at.recalls:
            lines.append("  " + t("counter.recalled", count=at.recalls), style="dim")
        if at.started_at:
            minutes = max(0, int((clock - at.started_at).total_seconds() // 60))
            lines.append("  " + t("counter.serving", minutes=minutes), style="dim")
        return lines

    def figures_text(self, now: WindowNow | None) -> Text:
        if now is None:
            return Text()
        f = now.figures
        mean = "—" if f.mean_service_min is None else f"{f.mean_service_min:.1f}"
        return Text(
            t(
                "counter.figures",
                served=f.served,
                mean=mean,
                no_shows=f.no_shows,
                waiting=f.waiting,
            )  # fmt: skip
        )

    def say(self, message: str | Text) -> None:
        self.query_one("#counter-message", Static).update(message)

    # Acting -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The window's keys act whatever was last drawn: a key pressed before the first
        # read is not lost, and the service says when nobody is at the window.
        if action == "rate":
            return self.rating_for is not None
        return True

    def act(self, do: Callable[[int, date], str | Text | None]) -> None:
        """One action at this window: said on the message line; bad input said there too."""
        if self.number is None:
            self.say(t("counter.no_window"))
            return
        number = self.number
        with self.guarded(lambda exc: self.say(invalid_text(exc))) as outcome:
            said = do(number, self.day)
        if not outcome.failed:
            if said is not None:
                self.say(said)
            self.reload()

    def action_next(self) -> None:
        store = self.lobby_app.store

        def do(number: int, day: date) -> str:
            called = service.call_next(store, day, number)
            self.close_rating()
            if called is None:
                return t("counter.nobody")
            return t("counter.called", ticket=called.ticket, number=number)

        self.act(do)

    def action_recall(self) -> None:
        store = self.lobby_app.store
        self.act(
            lambda number, day: t(
                "counter.recalled_now", ticket=service.recall(store, day, number).ticket
            )
        )

    def action_start(self) -> None:
        store = self.lobby_app.store

        def do(number: int, day: date) -> str:
            return t("counter.started", ticket=service.start(store, day, number).ticket)

        self.act(do)

    def action_done(self) -> None:
        store = self.lobby_app.store

        def do(number: int, day: date) -> str:
            served = service.done(store, day, number)
            self.ask_rating(served)
            return t("counter.done_said", ticket=served.ticket)

        self.act(do)

    def action_no_show(self) -> None:
        store = self.lobby_app.store
        self.act(
            lambda number, day: t(
                "counter.no_show_said", ticket=service.no_show(store, day, number).ticket
            )
        )

    def action_form_back(self) -> None:
        store = self.lobby_app.store

        def do(number: int, day: date) -> str:
            at = service.at_window(store, day, number)
            if at is None:
                raise Invalid("window", "window_nobody", number=number)
            ticket, count = return_form(store, at.id)
            return t("counter.form_back_said", ticket=ticket, count=count)

        self.act(do)

    def action_pause(self) -> None:
        store = self.lobby_app.store

        def do(number: int, day: date) -> str:
            service.set_window_open(store, day, number, False)
            return t("counter.paused_said", number=number)

        self.act(do)

    # Transfer: where to, and why ----------------------------------------------------------

    def action_transfer(self) -> None:
        if self.number is None:
            return
        if self.now is not None and self.now.current is None:
            self.say(invalid_text(Invalid("window", "window_nobody", number=self.number)))
            return
        lang = self.lobby_app.language
        options: list[tuple[str, str]] = [
            (c.label.get(lang) or c.key, f"channel:{c.key}") for c in channels()
        ]
        options += [
            (t("counter.window_name", number=w.number), f"window:{w.number}")
            for w in windows()
            if w.number != self.number
        ]
        to = self.query_one("#counter-to", Select)
        to.set_options(options)
        self.query_one("#counter-transfer-row").display = True
        to.focus()

    def action_cancel(self) -> None:
        self.query_one("#counter-transfer-row").display = False
        self.close_rating()
        self.query_one("#counter-next", Button).focus()

    @on(Input.Submitted, "#counter-reason")
    def _transfer(self, event: Input.Submitted) -> None:
        store = self.lobby_app.store
        where = self.query_one("#counter-to", Select).value
        reason = event.value

        def do(number: int, day: date) -> str:
            if not isinstance(where, str):
                raise Invalid("to", "transfer_where")
            kind, _, value = where.partition(":")
            if kind == "window":
                moved = service.transfer(store, day, number, reason, to_window=int(value))
            else:
                moved = service.transfer(store, day, number, reason, channel=value)
            self.query_one("#counter-transfer-row").display = False
            self.query_one("#counter-reason", Input).value = ""
            return t("counter.transferred", ticket=moved.ticket)

        self.act(do)

    # The rating after Done ----------------------------------------------------------------

    def ask_rating(self, served: service.AtWindow) -> None:
        self.rating_for = served
        label = self.query_one("#counter-rate-label", Static)
        label.update(t("queue.rate_prompt", ticket=served.ticket))
        self.query_one("#counter-rating-row").display = True
        self.refresh_bindings()

    def close_rating(self) -> None:
        self.rating_for = None
        self.query_one("#counter-rating-row").display = False
        self.refresh_bindings()

    def action_rate(self, score: int) -> None:
        served = self.rating_for
        if served is None:
            return
        store = self.lobby_app.store
        try:
            rate_service(store, served.id, score or None)
        except (Invalid, StoreError) as exc:
            self.say(invalid_text(exc) if isinstance(exc, Invalid) else t(f"error.{exc.key}"))
            return
        self.close_rating()
        if score:
            self.say(t("queue.rated", ticket=served.ticket, score=score))
        else:
            self.say(t("queue.rating_skipped", ticket=served.ticket))

    # Taps -----------------------------------------------------------------------------------

    @on(Button.Pressed, ".counter-act")
    def _tapped(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("counter-")
        getattr(self, f"action_{action}")()

    @on(Button.Pressed, ".counter-rate")
    def _rated(self, event: Button.Pressed) -> None:
        self.action_rate(int((event.button.id or "0").rsplit("-", 1)[1]))

    @on(Select.Changed, "#counter-window")
    def _window_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.number:
            self.lobby_app.window = event.value
            self.close_rating()
            self.say("")
            self.reload()
            # The picker goes (the top bar and the box name the window): a closed list gives
            # the focus back to itself, and the window's keys must not go to it.
            self.query_one("#counter-which").display = False
            self.call_after_refresh(self.focus_actions)

    def focus_actions(self) -> None:
        """Off the picker: Next when it can be pressed, else nothing (keys still act)."""
        nxt = self.query_one("#counter-next", Button)
        if nxt.disabled:
            self.set_focus(None)
        else:
            nxt.focus()

    def on_key(self, event: events.Key) -> None:
        picker = self.query_one("#counter-window", Select)
        if self.number is not None and self.focused is picker and not picker.expanded:
            return  # the window is chosen: its letters are the window's keys, not a search
        super().on_key(event)


def _need(need_id: str, lang: str) -> str:
    try:
        return needs_catalogue().by_id(need_id).label.text(lang)
    except (Invalid, ContentError):  # a need gone from the catalogue: its id, not a crash
        return need_id
