"""Arrival triage and the live queue (R2). Built for a person standing up, talking: the
common walk-in is F3, the need's key, Enter. The suggested channel and its reason appear the
moment the need is chosen; the clock shows the 30 seconds the guide allows (R2.8)."""

from __future__ import annotations

import time as monotonic
from collections.abc import Hashable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from lobby_tui.content import ContentError, channels, cue_table, needs_catalogue
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import wait_level, wait_minutes
from lobby_tui.domain.parse import check_party, check_ticket
from lobby_tui.domain.triage import (
    FLAGS,
    Cue,
    Need,
    Route,
    check_note,
    greeting_part,
    rank_needs,
)
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen, invalid_text, problem_text
from lobby_tui.services import triage as service
from lobby_tui.services.arrivals import move_arrival
from lobby_tui.services.dayplan import appointments, set_counters
from lobby_tui.store import StoreError
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldError, Form
from lobby_tui.widgets.shown import fingerprint, update_if_changed
from lobby_tui.widgets.topbar import TopBar

TARGET_SECONDS = 30


class QueueTable(DataTable[Text]):
    """The live queue. Its keys act on the highlighted customer while it has the focus."""

    BINDINGS = [
        Binding("c", "screen.queue('called')", "queue.call", show=False),
        Binding("d", "screen.queue('done')", "queue.done", show=False),
        Binding("l", "screen.queue('left')", "queue.left", show=False),
        Binding("m", "screen.move", "queue.move", show=False),
        Binding("plus,equals_sign", "screen.counters(1)", "queue.more", show=False),
        Binding("minus", "screen.counters(-1)", "queue.fewer", show=False),
        Binding("E", "screen.close_day", "queue.close_day", show=False),
    ]


class TriageScreen(LobbyScreen):
    PLACE = "triage"
    CSS_PATH = "../styles/triage.tcss"
    BINDINGS = [
        # F3 again, on this screen: the next walk-in, on a fresh form and clock.
        Binding("f3", "new_walkin", "triage.new", show=False),
        Binding("enter", "save", "triage.key_save", show=False),
        Binding("r", "override", "triage.key_override", show=False),
        Binding("a", "appointment", "triage.key_appointment", show=False),
        Binding("escape", "back_to_needs", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="triage")
        self.problem: ContentError | None = None
        self.need: Need | None = None
        self.flags: list[str] = []
        self.cues: list[str] = []
        self.route: Route | None = None
        self.state: service.ChannelState | None = None
        self.opened = monotonic.monotonic()
        self.running = True  # the 30-second clock runs until the walk-in is saved
        self.greeting_shown: str | None = None
        self.queue: list[service.InQueue] = []  # the live queue as last shown
        self.rows_shown: list[tuple[str, tuple[Hashable, ...]]] = []  # its rows, as drawn

    # Building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            needs_catalogue()
            cue_table()
        except ContentError as exc:
            self.problem = exc
            yield Static(problem_text(exc), id="content-error")
            yield LobbyFooter()
            return
        with Horizontal(id="triage-top"):
            yield Static(id="greeting")
            yield Static(id="clock")
        with Horizontal(id="triage-body"):
            with (
                VerticalScroll(id="triage-form"),
                Form(fallback="channel", focus=True, id="walkin"),
            ):
                yield OptionList(id="needs")
                yield FieldError("need", control="#needs", id="error-need")
                yield Static(id="suggestion")
                yield Static(id="flags")
                with Horizontal(classes="triage-row"):
                    yield Field(
                        "party",
                        placeholder=t("triage.party_placeholder"),
                        restrict=r"[0-9]*",
                        max_length=3,
                    )
                    yield Field("ticket", placeholder=t("triage.ticket_placeholder"), max_length=6)
                yield Field("note", placeholder=t("triage.note_placeholder"))
                with Horizontal(classes="triage-row"):
                    yield Select(
                        [], id="channel", prompt=t("triage.channel_prompt"), allow_blank=True
                    )
                    yield Field("reason", placeholder=t("triage.reason_placeholder"))
                yield FieldError("channel", id="error-channel")
                yield Select([], id="appointment", prompt=t("triage.appointment_prompt"))
                with Horizontal(classes="triage-row", id="buttons"):
                    yield Button(t("triage.save"), id="save", variant="success")
                    yield Button(t("triage.new"), id="new")
            with Vertical(id="triage-queue"):
                yield Static(id="queue-title")
                yield QueueTable(id="queue", cursor_type="row", zebra_stripes=True)
                yield Static(id="counters")
                with Horizontal(classes="triage-row", id="move-row"):
                    yield Select([], id="move-channel", prompt=t("queue.move_prompt"))
                    yield Field("move-reason", placeholder=t("queue.move_reason_placeholder"))
                yield Static("", id="error-queue", classes="field-error")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.set_interval(0.5, self.tick)
        self.set_interval(5, self.tick_queue)
        self.set_up()

    def set_up(self) -> None:
        """Fill what compose built (again after a language switch)."""
        self.fit_controls()
        self.greeting_shown = None  # a new greeting widget, or a new language
        if self.problem:
            return
        table = self.query_one("#queue", QueueTable)
        self.rows_shown = []  # a new table (compose again): nothing drawn in it yet
        for key in ("ticket", "waited", "band", "flags", "need"):
            table.add_column(t(f"queue.col_{key}"), key=key)
        self.query_one("#move-row").display = False
        self.new_walkin()

    # The form ------------------------------------------------------------------------

    def new_walkin(self) -> None:
        """A fresh form for the next walk-in; its 30-second clock starts now."""
        if self.problem:
            return
        self.need = None
        self.flags = []
        self.cues = []
        self.route = None
        self.opened = monotonic.monotonic()
        self.running = True
        self.query_one("#walkin", Form).reset()
        self.refresh_state()
        self.fill_needs()
        self.show_flags()
        self.show_suggestion()
        self.fill_appointments()
        self.query_one("#needs", OptionList).focus()
        self.tick()

    def refresh_state(self) -> None:
        app = self.lobby_app
        try:
            self.state = service.channel_state(app.store, app.settings, needs_catalogue(), self.day)
        except StoreError as exc:
            app.report_failure(exc)
        self.fill_channels()
        self.refresh_queue()

    def lang(self) -> str:
        return self.lobby_app.language

    def fill_needs(self) -> None:
        catalogue = needs_catalogue()
        chosen_cues = [c for c in cue_table().cue if c.id in self.cues]
        listing = self.query_one("#needs", OptionList)
        listing.clear_options()
        for need in rank_needs(catalogue.need, chosen_cues):
            text = Text.assemble((f"{need.key} ", "bold"), need.label.text(self.lang()))
            if self.need is not None and need.id == self.need.id:
                text.stylize("reverse")
            listing.add_option(Option(text, id=need.id))
        if self.need is not None:
            listing.highlighted = listing.get_option_index(self.need.id)
        else:
            listing.highlighted = 0

    def show_flags(self) -> None:
        line = Text()
        for number, flag in enumerate(FLAGS, start=1):
            on_ = flag in self.flags
            line.append(f"{number}", style="bold")
            line.append(t(f"flag.{flag}"), style="bold reverse" if on_ else "")
            line.append(" ")
        line.append("\n")
        for cue in cue_table().cue:
            on_ = cue.id in self.cues
            line.append(cue.key, style="bold")
            line.append(cue.short.text(self.lang()), style="bold reverse" if on_ else "dim")
            line.append(" ")
        self.query_one("#flags", Static).update(line)

    def fill_channels(self) -> None:
        options = [(self.channel_label(c.key), c.key) for c in channels()]
        self.query_one("#channel", Select).set_options(options)
        self.query_one("#move-channel", Select).set_options(options)

    def channel_label(self, key: str) -> str:
        return next((c.label[self.lang()] for c in channels() if c.key == key), key)

    def fill_appointments(self) -> None:
        app = self.lobby_app
        zone = app.settings.timezone
        pending = [a for a in appointments(app.store, self.day)]
        options = [
            (f"{local(a.due_at, zone).strftime('%H:%M')} {'★ ' if a.vip else ''}{a.purpose}", a.id)
            for a in pending
        ]
        select = self.query_one("#appointment", Select)
        select.set_options(options)
        select.display = bool(options)

    def band_text(self, band: str | None) -> str:
        return t(f"band.{band}") if band else t("band.closed")

    def show_suggestion(self) -> None:
        out = self.query_one("#suggestion", Static)
        if self.need is None or self.state is None:
            out.update(Text(t("triage.choose_need"), style="dim"))
            return
        self.route = service.suggest(self.state, self.need, self.flags, self.lobby_app.settings)
        estimate = self.state.estimates[self.route.channel]
        text = Text.assemble(
            ("→ ", "bold"),
            (self.channel_label(self.route.channel), "bold"),
            f"  {self.band_text(estimate.band)}\n",
            (t(f"route.{self.route.reason}", **self.route.params), "italic"),
        )
        out.update(text)
        select = self.query_one("#channel", Select)
        select.value = self.route.channel

    def tick(self) -> None:
        if self.rebuilding or self.problem:
            return
        app = self.lobby_app
        greeting = t(
            f"greet.{greeting_part(local(app.store.clock.now(), app.settings.timezone).time())}"
        )
        if greeting != self.greeting_shown:  # it changes twice a day, the clock twice a second
            self.greeting_shown = greeting
            self.query_one("#greeting", Static).update(Text(greeting, style="bold"))
        seconds = monotonic.monotonic() - self.opened
        style = (
            "bold red"
            if seconds > TARGET_SECONDS
            else ("bold yellow" if seconds > TARGET_SECONDS * 2 / 3 else "bold green")
        )
        clock = self.query_one("#clock", Static)
        if self.running:
            clock.update(Text(f"⏱ {seconds:4.0f} s", style=style))

    # Keys ----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Need keys, flag digits and cue capitals — only while no text field has focus."""
        if self.problem or isinstance(self.focused, Input | DataTable):
            return
        char = event.character or ""
        if not char or len(char) != 1:
            return
        if char.isdigit() and 1 <= int(char) <= len(FLAGS):
            self.toggle_flag(FLAGS[int(char) - 1])
        elif char.isupper() and any(c.key == char for c in cue_table().cue):
            cue = next(c for c in cue_table().cue if c.key == char)
            self.toggle_cue(cue)
        elif char.islower() and char not in {"r", "a"}:
            need = needs_catalogue().by_key(char)
            if need is None:
                self.query_one("#error-need", Static).update(
                    t("invalid.need_key_unknown", key=char)
                )
            else:
                self.choose(need)
        else:
            return
        event.stop()
        event.prevent_default()

    def choose(self, need: Need) -> None:
        if not self.running:
            self.new_walkin()
        self.need = need
        self.query_one("#error-need", Static).update("")
        self.fill_needs()
        self.show_suggestion()

    def toggle_flag(self, flag: str) -> None:
        if not self.running:
            self.new_walkin()
        self.flags = (
            [f for f in self.flags if f != flag] if flag in self.flags else [*self.flags, flag]
        )
        self.show_flags()
        self.show_suggestion()

    def toggle_cue(self, cue: Cue) -> None:
        if not self.running:
            self.new_walkin()
        self.cues = (
            [c for c in self.cues if c != cue.id] if cue.id in self.cues else [*self.cues, cue.id]
        )
        self.show_flags()
        self.fill_needs()

    @on(OptionList.OptionSelected, "#needs")
    def need_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a tap) on a need chooses it; on the chosen need it saves (accept)."""
        chosen = needs_catalogue().by_id(event.option.id or "")
        if self.need is not None and chosen.id == self.need.id and self.running:
            self.action_save()
        else:
            self.choose(chosen)

    def action_back_to_needs(self) -> None:
        self.query_one("#needs", OptionList).focus()

    def action_override(self) -> None:
        self.query_one("#channel", Select).focus()

    def action_appointment(self) -> None:
        select = self.query_one("#appointment", Select)
        if select.display:
            select.focus()

    @on(Button.Pressed, "#new")
    def action_new_walkin(self) -> None:
        self.new_walkin()

    def on_screen_resume(self) -> None:
        # Coming here with F3 from elsewhere is a new walk-in, unless one is half done.
        if not self.problem and (not self.running or self.need is None):
            self.new_walkin()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#input-party, #input-ticket, #input-note, #input-reason")
    def action_save(self) -> None:
        """Accept: save the walk-in, then tell the customer their ticket, wait and next steps."""
        if self.problem or not self.running:
            return
        app = self.lobby_app
        form = self.query_one("#walkin", Form)
        if self.need is None or self.route is None or self.state is None:
            form.tell("need", t("invalid.need_missing"))
            return
        seconds = monotonic.monotonic() - self.opened
        values = form.values
        with self.sending(form) as outcome:
            party = check_party(values["party"])
            ticket = check_ticket(values["ticket"])
            note = check_note(values["note"])
            chosen = self.query_one("#channel", Select).value
            channel = self.route.channel if chosen is Select.NULL else str(chosen)
            appointment = self.query_one("#appointment", Select).value
            walkin = service.Walkin(
                need=self.need,
                channel=channel,
                suggested=self.route,
                flags=self.flags,
                cues=self.cues,
                party=party,
                note=note,
                ticket=ticket,
                override_reason=values["reason"],
                triage_seconds=seconds,
                appointment_id=None if appointment is Select.NULL else str(appointment),
            )
            estimate = self.state.estimates[channel]
            script = t(f"script.{channel}", band=self.band_text(estimate.band))
            saved = service.save_walkin(
                app.store,
                day=self.day,
                shift_id=app.shift.id if app.shift else None,
                walkin=walkin,
                state=self.state,
                script=script,
            )
        if outcome.failed:
            return
        self.running = False
        self.query_one("#clock", Static).update(
            Text(
                t("triage.took", seconds=round(seconds)),
                style="bold green" if seconds <= TARGET_SECONDS else "bold red",
            )
        )
        # What to tell the customer replaces the suggestion until the next walk-in.
        self.query_one("#suggestion", Static).update(
            Text.assemble(
                (f" {saved.ticket} ", "bold reverse"),
                "  ",
                (self.channel_label(channel), "bold"),
                "  ",
                (self.band_text(saved.band), "bold"),
                "\n",
                (script, "italic"),
            )
        )
        self.refresh_state()
        self.query_one("#needs", OptionList).focus()

    @on(Select.Changed, "#channel")
    def channel_changed(self) -> None:
        chosen = self.query_one("#channel", Select).value
        if self.route is not None and chosen is not Select.NULL and chosen != self.route.channel:
            # An override: say it, and ask why (recorded with the arrival).
            self.query_one("#error-channel", Static).update(t("triage.override_hint"))
            self.query_one("#input-reason", Input).focus()
        else:
            self.query_one("#error-channel", Static).update("")

    # The queue -----------------------------------------------------------------------

    def refresh_queue(self) -> None:
        """Show the queue as it is now (after this screen's own change: read at once)."""
        if self.rebuilding or self.problem:
            return
        app = self.lobby_app
        try:
            queue = service.live_queue(app.store, self.day)
        except StoreError as exc:
            app.report_failure(exc)
            return
        self.show_queue(queue)

    def tick_queue(self) -> None:
        """Every 5 s: walk-ins saved on another tablet, and the waits' minutes, in the
        background; nothing read or drawn when nothing changed."""
        if self.rebuilding or self.problem:
            return
        store, day = self.lobby_app.store, self.day
        self.read_in_background(
            "queue", lambda: service.live_queue(store, day), self.show_queue, if_changed=True
        )

    def show_queue(self, queue: list[service.InQueue]) -> None:
        self.queue = queue
        settings = self.lobby_app.settings
        now = self.lobby_app.store.clock.now()
        needs = needs_catalogue()
        waiting = 0
        rows: list[tuple[str, tuple[Text, ...]]] = []
        for person in queue:
            minutes = wait_minutes(person.arrived_at, now)
            level = wait_level(minutes, settings.wait_amber_min, settings.wait_red_min)
            style = self.wait_style(level)
            at_counter = person.status == "called"
            waiting += not at_counter
            flags = "".join(t(f"flag_short.{f}") for f in person.flags)
            need_label = next(
                (n.label.text(self.lang()) for n in needs.need if n.id == person.need), person.need
            )
            cells: tuple[Text, ...] = (
                Text(person.ticket, style="dim" if at_counter else "bold"),
                Text(
                    t("queue.at_counter") if at_counter else t("dash.minutes", n=minutes),
                    style="dim" if at_counter else style,
                ),
                Text(t(f"band_short.{person.quoted_band}") if person.quoted_band else "—"),
                Text(flags),
                Text(need_label),
            )
            rows.append((person.id, cells))
        table = self.query_one("#queue", QueueTable)
        drawn = [(key, tuple(fingerprint(c) for c in cells)) for key, cells in rows]
        if drawn != self.rows_shown:  # most ticks: the same queue, the same minutes
            self.rows_shown = drawn
            selected = table.cursor_row
            table.clear()
            for key, cells in rows:
                table.add_row(*cells, key=key)
            if rows:
                table.move_cursor(row=min(selected, len(rows) - 1))
        update_if_changed(
            self.query_one("#queue-title", Static),
            Text(t("queue.title", count=waiting), style="bold"),
        )
        counters = self.state.counters if self.state else {}
        line = Text(t("queue.counters") + " ", style="dim")
        for channel in channels():
            line.append(f"{channel.label[self.lang()]} {counters.get(channel.key, 0)}  ")
        update_if_changed(self.query_one("#counters", Static), line)

    def highlighted_arrival(self) -> str | None:
        table = self.query_one("#queue", QueueTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def action_queue(self, status: str) -> None:
        app = self.lobby_app
        arrival = self.highlighted_arrival()
        self.query_one("#error-queue", Static).update("")
        if arrival is None:
            return
        try:
            move_arrival(app.store, arrival, status)
        except StoreError as exc:
            self.query_one("#error-queue", Static).update(problem_text(exc))
            return
        self.refresh_state()

    def action_move(self) -> None:
        row = self.query_one("#move-row")
        row.display = True
        self.query_one("#move-channel", Select).focus()

    @on(Input.Submitted, "#input-move-reason")
    def move(self) -> None:
        app = self.lobby_app
        arrival = self.highlighted_arrival()
        field = self.query_one("#field-move-reason", Field)
        field.say("")
        channel = self.query_one("#move-channel", Select).value
        if arrival is None:
            return
        if channel is Select.NULL:
            field.say(t("queue.move_prompt"))
            return
        try:
            service.move_channel(app.store, arrival, str(channel), field.value)
        except Invalid as exc:
            field.say(invalid_text(exc))
            return
        except StoreError as exc:
            field.say(problem_text(exc))
            return
        field.input.value = ""
        self.query_one("#move-row").display = False
        self.refresh_state()
        self.query_one("#queue", QueueTable).focus()

    def action_counters(self, change: int) -> None:
        """Open or close a window for the highlighted customer's channel (red: open one)."""
        app = self.lobby_app
        arrival = self.highlighted_arrival()
        if arrival is None or self.state is None:
            return
        channel = next(p.channel for p in self.queue if p.id == arrival)  # as shown
        with self.guarded(
            lambda exc: self.query_one("#error-queue", Static).update(invalid_text(exc))
        ) as outcome:
            set_counters(
                app.store, self.day, channel, max(0, self.state.counters.get(channel, 0) + change)
            )
        if outcome.failed:
            return
        self.refresh_state()
        self.show_suggestion()

    def action_close_day(self) -> None:
        from lobby_tui.screens.modals.confirm import Confirm

        def done(yes: bool | None) -> None:
            if yes:
                closed = service.close_day(self.lobby_app.store, self.day)
                self.query_one("#error-queue", Static).update(t("queue.closed_day", count=closed))
                self.refresh_state()

        self.app.push_screen(Confirm(t("queue.close_day_question")), done)

    # Language ------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        need, flags, cues, opened, running = (
            self.need,
            self.flags,
            self.cues,
            self.opened,
            self.running,
        )
        typed = await self.recompose_keeping_input()
        self.set_up()
        self.need, self.flags, self.cues, self.opened, self.running = (
            need,
            flags,
            cues,
            opened,
            running,
        )
        for field in self.query(Input):
            if field.id in typed:
                field.value = typed[field.id]
        if not self.problem:
            self.fill_needs()
            self.show_flags()
            self.show_suggestion()
