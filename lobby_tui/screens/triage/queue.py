"""The live queue beside the triage form (R2.7, R3.2): who waits and who is at a counter, the
counters and machines working, and the one-key actions on the customer highlighted.

Every action acts on the customer the manager sees, by their id: when the queue is drawn
again (another tablet's walk-in, the 5-second tick) the highlight follows the customer, not
the row number; a customer who moved on meanwhile (called on another tablet) gets a clear
message instead of a second call."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from lobby_tui.content import channels, needs_catalogue
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import UNDO_SECONDS, wait_level, wait_minutes
from lobby_tui.domain.triage import FLAGS, SELF_SERVICE
from lobby_tui.i18n import t
from lobby_tui.screens.base import mark_legend, problem_text
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import triage as service
from lobby_tui.services.arrivals import move_arrival, undo_move
from lobby_tui.services.counter import WindowNow, open_by_counts
from lobby_tui.services.dayplan import set_counters
from lobby_tui.services.quality import SCORES, rate_service, return_form, undo_return
from lobby_tui.store import StoreError
from lobby_tui.widgets.action_bar import ActionBar
from lobby_tui.widgets.columns import FittedTable
from lobby_tui.widgets.compact import COMPACT_BELOW_ROWS
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import invalid_text
from lobby_tui.widgets.shown import fingerprint, update_if_changed
from lobby_tui.widgets.windows_line import windows_line

COLUMNS = ("ticket", "waited", "band", "flags", "need")
RATING_KEYS = frozenset("012345")
QUEUE_BUTTONS = ["c", "d", "l", "b", "m", "u", "plus", "minus", "E"]


class QueueTable(FittedTable):
    """The live queue. Its keys act on the highlighted customer while it has the focus."""

    BINDINGS = [
        Binding("c", "queue('called')", "queue.call", show=False),
        Binding("d", "queue('done')", "queue.done", show=False),
        Binding("l", "queue('left')", "queue.left", show=False),
        Binding("b", "sent_back", "queue.sent_back", show=False),
        Binding("u", "undo", "queue.undo", show=False),
        Binding("m", "move", "queue.move", show=False),
        Binding("plus,equals_sign", "counters(1)", "queue.more", show=False),
        Binding("minus", "counters(-1)", "queue.fewer", show=False),
        Binding("E", "close_day", "queue.close_day", show=False),
    ]

    def action_queue(self, status: str) -> None:
        self.post_message(LiveQueue.Act(self, "queue", status))

    def action_move(self) -> None:
        self.post_message(LiveQueue.Act(self, "move", ""))

    def action_sent_back(self) -> None:
        self.post_message(LiveQueue.Act(self, "sent_back", ""))

    def on_key(self, event: events.Key) -> None:
        """The rating at done: 1-5, 0 skipped (LiveQueue acts on it only while its line is
        up). Digits, not bindings: six of them would fill the keys panel with one word."""
        if event.character is not None and event.character in RATING_KEYS:
            event.stop()
            event.prevent_default()
            self.post_message(LiveQueue.Act(self, "rate", event.character))

    def action_undo(self) -> None:
        self.post_message(LiveQueue.Act(self, "undo", ""))

    def action_counters(self, change: int) -> None:
        self.post_message(LiveQueue.Act(self, "counters", str(change)))

    def action_close_day(self) -> None:
        self.post_message(LiveQueue.Act(self, "close_day", ""))


class RatingPrompt(Static):
    """The walk-in's rating at done (服务评价), a line under the queue: a digit, or a tap on
    it. It never holds the queue up: the manager may go on and the line waits, until it is
    answered, the next done replaces it, or the done is undone."""

    DEFAULT_CSS = "RatingPrompt { height: auto; }"

    @dataclass
    class Chosen(Message):
        score: int  # 0: skipped

    def ask(self, ticket: str) -> None:
        line = Text(t("queue.rate_prompt", ticket=ticket) + " ")
        for n in (*SCORES, 0):  # tappable: large enough for a finger, one line at 80 columns
            label = f" {n} " if n else f" 0 {t('queue.rate_skip')} "
            line.append(label, style=Style(bold=True, reverse=True, meta={"rate": n}))
            line.append(" " if n else "")
        self.update(line)
        self.display = True

    def on_click(self, event: events.Click) -> None:
        score = event.style.meta.get("rate")
        if isinstance(score, int):
            self.post_message(self.Chosen(score))


class LiveQueue(Vertical):
    """The queue panel. The screen hands it what was read (`show`); it posts `Changed` once
    it changed the floor itself, so the screen reads the floor again."""

    BINDINGS = [Binding("escape", "close_move", show=False)]

    @dataclass
    class Act(Message):
        """A key on the table, for the panel to carry out."""

        table: QueueTable
        what: str
        argument: str

    @dataclass
    class Changed(Message):
        queue: LiveQueue

        @property
        def control(self) -> LiveQueue:
            return self.queue

    def __init__(self) -> None:
        super().__init__(id="triage-queue")
        self.queue: list[service.InQueue] = []  # as last shown
        self.counters: dict[str, int] = {}  # counters open, machines working: as last shown
        self.rows_shown: list[tuple[str, tuple[Hashable, ...]]] = []
        self.follow: str | None = None  # a customer back in the queue: highlight them
        self.last_move: tuple[str, str, str] | None = None
        """The last c, d, l or b on this tablet: the customer's id, ticket and new status
        (`returned` for a form sent back)."""
        self.moving: str | None = None
        """The customer whose channel the open move row changes: the one highlighted when `m`
        was pressed, whatever a redraw or a click in the queue highlights meanwhile."""
        self.rating_for: tuple[str, str] | None = None
        """The customer just done whose rating the prompt asks for: id and ticket."""

    def compose(self) -> ComposeResult:
        yield Static(id="queue-title")
        yield QueueTable(
            flexible="need",
            whole=["ticket", "band"],
            id="queue",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield Static(id="counters")
        yield Static(id="queue-keys")
        # The same actions for a finger: a tap acts on the customer highlighted (R6.3).
        yield ActionBar(
            QueueTable.BINDINGS,
            QUEUE_BUTTONS,
            target="#queue",
            one_row_when_compact=True,
            id="queue-actions",
        )
        with Horizontal(classes="triage-row", id="move-row"):
            yield Select([], id="move-channel", prompt=t("queue.move_prompt"))
            yield Field("move-reason", placeholder=t("queue.move_reason_placeholder"))
        yield Static("", id="error-queue", classes="field-error")
        yield RatingPrompt(id="rating")

    def on_mount(self) -> None:
        table = self.query_one(QueueTable)
        for key in COLUMNS:
            table.add_column(t(f"queue.col_{key}"), key=key)
        options = [(c.label[lobby_of(self).language], c.key) for c in channels()]
        self.query_one("#move-channel", Select).set_options(options)
        self.query_one("#move-row").display = False
        self.query_one(RatingPrompt).display = False
        self.show_keys()

    # Showing -------------------------------------------------------------------------

    def show(
        self,
        queue: list[service.InQueue],
        counters: dict[str, int],
        at_windows: Sequence[WindowNow] = (),
    ) -> None:
        self.queue, self.counters = queue, counters
        app = lobby_of(self)
        settings, language = app.settings, app.language
        now = app.store.clock.now()
        labels = {n.id: n.label.text(language) for n in needs_catalogue().need}
        waiting = 0
        rows: list[tuple[str, tuple[Text, ...]]] = []
        for person in queue:
            minutes = wait_minutes(person.arrived_at, now)
            style = place_of(self).wait_style(
                wait_level(minutes, settings.wait_amber_min, settings.wait_red_min)
            )
            at_counter = person.status == "called"
            waiting += not at_counter
            cells: tuple[Text, ...] = (
                Text(person.ticket, style="dim" if at_counter else "bold"),
                Text(
                    (
                        t("queue.at_window", number=person.window_no)
                        if person.window_no
                        else t("queue.at_counter")
                    )
                    if at_counter
                    else t("dash.minutes", n=minutes),
                    style="dim" if at_counter else style,
                ),
                Text(t(f"band_short.{person.quoted_band}") if person.quoted_band else "—"),
                Text("".join(t(f"flag_short.{f}") for f in person.flags)),
                Text(labels.get(person.need, person.need)),
            )
            rows.append((person.id, cells))
        self.draw(rows)
        update_if_changed(
            self.query_one("#queue-title", Static),
            Text(t("queue.title", count=waiting), style="bold"),
        )
        line = Text(t("queue.counters") + " ", style="dim")
        for channel in channels():
            if channel.key == SELF_SERVICE:  # machines are not windows
                continue
            line.append(f"{channel.label[language]} {counters.get(channel.key, 0)}  ")
        line.append("\n" + t("queue.machines", count=counters.get(SELF_SERVICE, 0)))
        idle = windows_line(at_windows, now, idle_only=True)
        if idle is not None:
            line.append("\n")
            line.append_text(idle)
        update_if_changed(self.query_one("#counters", Static), line)

    def draw(self, rows: Sequence[tuple[str, tuple[Text, ...]]]) -> None:
        """Draw the rows if they changed; the highlight stays on the customer it was on (or,
        if they left the queue, on the row where they were)."""
        drawn = [(key, tuple(fingerprint(c) for c in cells)) for key, cells in rows]
        if drawn == self.rows_shown:  # most ticks: the same queue, the same minutes
            return
        table = self.query_one(QueueTable)
        seen, row = self.follow or self.highlighted(), table.cursor_row
        self.follow = None
        self.rows_shown = drawn
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        keys = [key for key, _ in rows]
        if keys:
            table.move_cursor(row=keys.index(seen) if seen in keys else min(row, len(keys) - 1))

    def highlighted(self) -> str | None:
        """The id of the customer the manager sees highlighted."""
        table = self.query_one(QueueTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def show_keys(self) -> None:
        focused = self.query_one(QueueTable).has_focus
        hint = Text(t("queue.keys") if focused else t("queue.keys_reach"), style="dim")
        hint.append("\n")
        if self.screen.size.height < COMPACT_BELOW_ROWS:
            # 80x24: the buttons' row says the keys; the queue keeps the row.
            hint = Text()
        hint.append(mark_legend("queue.legend", "flag_short", "flag", FLAGS))
        self.query_one("#queue-keys", Static).update(hint)

    def on_descendant_focus(self) -> None:
        self.show_keys()

    def on_resize(self) -> None:
        self.show_keys()  # the hint line comes and goes with the buttons' size

    def on_descendant_blur(self) -> None:
        self.show_keys()

    def say(self, message: str | Text) -> None:
        self.query_one("#error-queue", Static).update(message)

    def focus_queue(self) -> None:
        self.query_one(QueueTable).focus()

    # Acting --------------------------------------------------------------------------

    @on(Act)
    def act(self, event: Act) -> None:
        event.stop()
        if event.what == "queue":
            self.move_on(event.argument)
        elif event.what == "undo":
            self.undo()
        elif event.what == "move":
            self.open_move()
        elif event.what == "counters":
            self.change_counters(int(event.argument))
        elif event.what == "sent_back":
            self.sent_back()
        elif event.what == "rate":
            self.rate(int(event.argument))
        else:
            self.close_day()

    def move_on(self, status: str) -> None:
        """Call, done or left — for the customer highlighted, by id."""
        arrival = self.highlighted()
        self.say("")
        if arrival is None:
            return
        ticket = next((p.ticket for p in self.queue if p.id == arrival), "")
        try:
            move_arrival(lobby_of(self).store, arrival, status)
        except StoreError as exc:
            self.say(problem_text(exc))
            return
        self.last_move = (arrival, ticket, status)
        self.say(Text(t(f"queue.moved.{status}", ticket=ticket, seconds=UNDO_SECONDS), style="dim"))
        if status == "done":  # the customer may rate the service: asked, never waited for
            self.rating_for = (arrival, ticket)
            self.query_one(RatingPrompt).ask(ticket)
        self.post_message(self.Changed(self))

    def sent_back(self) -> None:
        """`b`: the counter sent the highlighted customer's form back (R3.3)."""
        arrival = self.highlighted()
        self.say("")
        if arrival is None:
            return
        try:
            ticket, returns = return_form(lobby_of(self).store, arrival)
        except Invalid as exc:
            self.say(invalid_text(exc))
            return
        except StoreError as exc:
            self.say(problem_text(exc))
            return
        self.last_move = (arrival, ticket, "returned")
        said = t("queue.sent_back_done", ticket=ticket, count=returns, seconds=UNDO_SECONDS)
        self.say(Text(said, style="dim"))
        self.post_message(self.Changed(self))

    @on(RatingPrompt.Chosen)
    def _rating_tapped(self, event: RatingPrompt.Chosen) -> None:
        event.stop()
        self.rate(event.score)

    def rate(self, score: int) -> None:
        """The rating of the customer just done: 1-5, or 0 when they skipped it."""
        if self.rating_for is None:
            return  # no prompt up: a digit here means nothing
        arrival, ticket = self.rating_for
        try:
            rate_service(lobby_of(self).store, arrival, score or None)
        except StoreError as exc:  # undone or changed on another tablet meanwhile
            self.say(problem_text(exc))
        else:
            key = "queue.rated" if score else "queue.rating_skipped"
            self.say(Text(t(key, ticket=ticket, score=score), style="dim"))
        self.close_rating()

    def close_rating(self) -> None:
        self.rating_for = None
        self.query_one(RatingPrompt).display = False

    def undo(self) -> None:
        """`u`: the last c, d or l on this tablet taken back (within UNDO_SECONDS); the
        highlight goes back to that customer."""
        if self.last_move is None:
            self.say(t("queue.undo_nothing"))
            return
        arrival, ticket, status = self.last_move
        if self.rating_for and self.rating_for[0] == arrival:
            self.close_rating()  # a done taken back takes its rating with it
        try:
            if status == "returned":
                undo_return(lobby_of(self).store, arrival)
            else:
                undo_move(lobby_of(self).store, arrival, status)
        except Invalid as exc:
            self.last_move = None  # too late stays too late
            self.say(invalid_text(exc))
            return
        except StoreError as exc:
            self.last_move = None
            self.say(problem_text(exc))
            return
        self.last_move = None
        self.follow = arrival
        self.say(t("queue.undone", ticket=ticket))
        self.post_message(self.Changed(self))

    def open_move(self) -> None:
        self.moving = self.highlighted()
        if self.moving is None:
            return
        self.query_one("#move-row").display = True
        self.query_one("#move-channel", Select).focus()

    @on(Select.Changed, "#move-channel")
    def _move_channel_chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and self.query_one("#move-row").display:
            self.query_one("#input-move-reason", Input).focus()  # then why, then Enter

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc closes the move row; without it, Esc goes on to the screen (back to the needs).
        if action == "close_move":
            return bool(self.query_one("#move-row").display)
        return True

    def action_close_move(self) -> None:
        self.moving = None
        self.query_one("#move-row").display = False
        self.query_one("#field-move-reason", Field).say("")
        self.focus_queue()

    @on(Input.Submitted, "#input-move-reason")
    def move(self) -> None:
        arrival = self.moving
        field = self.query_one("#field-move-reason", Field)
        field.say("")
        channel = self.query_one("#move-channel", Select).value
        if arrival is None:
            return
        if channel is Select.NULL:
            field.say(t("queue.move_prompt"))
            return
        try:
            service.move_channel(lobby_of(self).store, arrival, str(channel), field.value)
        except Invalid as exc:
            field.say(invalid_text(exc))
            return
        except StoreError as exc:
            field.say(problem_text(exc))
            return
        field.input.value = ""
        self.moving = None
        self.query_one("#move-row").display = False
        self.focus_queue()
        self.post_message(self.Changed(self))

    def change_counters(self, change: int) -> None:
        """Open or close a window for the highlighted customer's channel (red: open one)."""
        arrival = self.highlighted()
        channel = next((p.channel for p in self.queue if p.id == arrival), None)  # as shown
        if channel is None:
            return
        self.say("")
        if channel == SELF_SERVICE:  # machines work or not: the checklist's devices say
            self.say(t("queue.machines_not_windows"))
            return
        app = lobby_of(self)
        wanted = max(0, self.counters.get(channel, 0) + change)
        before = open_by_counts(self.counters)
        after = open_by_counts({**self.counters, channel: wanted})
        with place_of(self).guarded(lambda exc: self.say(invalid_text(exc))) as outcome:
            set_counters(app.store, place_of(self).day, channel, wanted)
        if not outcome.failed:
            # A numbered window opens or closes (R2.9): said by its number.
            if after - before:
                self.say(t("queue.window_opened", number=min(after - before)))
            elif before - after:
                self.say(t("queue.window_closed", number=max(before - after)))
            self.post_message(self.Changed(self))

    def close_day(self) -> None:
        from lobby_tui.screens.modals.confirm import Confirm

        def done(yes: bool | None) -> None:
            if yes:
                closed = service.close_day(lobby_of(self).store, place_of(self).day)
                self.say(t("queue.closed_day", count=closed))
                self.post_message(self.Changed(self))

        self.app.push_screen(Confirm(t("queue.close_day_question")), done)
