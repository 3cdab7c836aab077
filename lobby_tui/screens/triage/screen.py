"""Arrival triage (R2). Built for a person standing up, talking: the common walk-in is F3,
the need's key, Enter. The suggested channel and its reason appear the moment the need is
chosen; the clock shows the 30 seconds the guide allows (R2.8), counting only the time spent
on this walk-in. The live queue beside it is its own panel (queue.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from lobby_tui.content import (
    ContentError,
    cash_rates,
    channels,
    cue_table,
    needs_catalogue,
    vip_catalogue,
)
from lobby_tui.devices.printer import PrinterFault
from lobby_tui.domain.cash import (
    counter_prompts,
    is_large_cash,
    large_cash_at_triage,
    parse_money,
)
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_party, check_ticket
from lobby_tui.domain.ticket import Ticket
from lobby_tui.domain.triage import (
    FLAGS,
    FLOOR,
    PRIORITY_FLAGS,
    Cue,
    Need,
    Route,
    check_note,
    greeting_part,
    rank_needs,
)
from lobby_tui.i18n import t
from lobby_tui.screens.base import LIVE_SECONDS, LobbyScreen, problem_text
from lobby_tui.screens.triage import tickets
from lobby_tui.screens.triage.queue import LiveQueue
from lobby_tui.services import triage as service
from lobby_tui.services.counter import WindowNow
from lobby_tui.services.dayplan import find_appointments
from lobby_tui.services.printing import ticket_for
from lobby_tui.store import StoreError
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldError, Form
from lobby_tui.widgets.topbar import TopBar

TARGET_SECONDS = 30
# Coming back to triage within this long of the last key on a half-done walk-in offers to
# continue it; later, the next customer gets a clean form (a stale flag is a wrong record).
RESUME_SECONDS = 60


class TriageScreen(LobbyScreen):
    PLACE = "triage"
    BINDINGS = [
        # F3 again, on this screen: the next walk-in, on a fresh form and clock.
        Binding("f3", "new_walkin", "triage.new", show=False),
        Binding("enter", "save", "triage.key_save", show=False),
        Binding("r", "override", "triage.key_override", show=False),
        Binding("a", "appointment", "triage.key_appointment", show=False),
        Binding("q", "queue", "triage.key_queue", show=False),
        Binding("p", "reprint", "printer.key_reprint", show=False),
        Binding("escape", "back_to_needs", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="triage")
        self.problem: ContentError | None = None
        self.need: Need | None = None
        self.flags: list[str] = []
        self.vip_tier: str | None = None  # with the "vip" flag: the tier (data/vip.toml)
        self.cues: list[str] = []
        self.route: Route | None = None
        self.state: service.ChannelState | None = None
        # The 30-second clock runs while this walk-in is on screen, until it is saved: time
        # spent elsewhere (a complaint, the dashboard) is not triage time (R2.8).
        self.seconds: Callable[[], float] = time.monotonic  # the stopwatch (tests set it)
        self.opened = self.seconds()  # when the screen last showed this walk-in
        self.spent = 0.0  # seconds on this walk-in before that
        self.touched = 0.0  # when a key last went into this walk-in (0: nothing yet)
        self.left_for_another_place = False
        self.running = True
        self.greeting_shown: str | None = None
        self.large_shown = False  # the suggestion was made for large cash

    # Building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            needs_catalogue()
            cue_table()
            vip_catalogue()
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
                yield Static(id="prompts")
                yield Static(id="flags")
                with Horizontal(classes="triage-row"):
                    yield Field(
                        "party",
                        placeholder=t("triage.party_placeholder"),
                        restrict=r"[0-9]*",
                        max_length=3,
                        check=check_party,
                    )
                    yield Field(
                        "ticket",
                        placeholder=t("triage.ticket_placeholder"),
                        max_length=6,
                        check=check_ticket,
                    )
                yield Field("note", placeholder=t("triage.note_placeholder"))
                with Horizontal(classes="triage-row"):
                    yield Field(
                        "cash",
                        placeholder=t("triage.cash_placeholder"),
                        max_length=24,
                        check=self.check_cash,
                    )
                    # The day's cash adds up (大额现金: single or cumulative): what the
                    # customer says they already moved today counts, and is not kept.
                    yield Field(
                        "cash_earlier",
                        placeholder=t("triage.cash_earlier_placeholder"),
                        max_length=24,
                        check=self.check_cash_earlier,
                    )
                with Horizontal(classes="triage-row"):
                    yield Select(
                        [], id="channel", prompt=t("triage.channel_prompt"), allow_blank=True
                    )
                    yield Field("reason", placeholder=t("triage.reason_placeholder"))
                yield FieldError("channel", id="error-channel")
                with Horizontal(classes="triage-row", id="buttons"):
                    yield Button(t("triage.save"), id="save", variant="success")
                    yield Button(t("triage.new"), id="new")
                # The ticket printer (R2.11): the last ticket again, and how it went.
                # The status under the button: beside it, a narrow form would cut it. Without
                # a printer the row is never shown (hidden from the start: no frame with it).
                print_row = Vertical(classes="triage-row", id="print-row")
                print_row.display = tickets.has_printer(self)
                with print_row:
                    yield Button(t("printer.reprint"), id="reprint")
                    yield Static(id="print-status")
                # Below Accept, so Accept stays in sight on a small screen; one under the other:
                # the list as wide as the form keeps each line whole.
                with Vertical(classes="triage-row", id="appointment-row"):
                    # Check-in: a reference or a time finds the appointment (R1.6).
                    yield Field(
                        "appt-search", placeholder=t("triage.appointment_search"), max_length=20
                    )
                    yield Select([], id="appointment", prompt=t("triage.appointment_prompt"))
            yield LiveQueue()
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.set_interval(0.5, self.tick)
        self.set_interval(LIVE_SECONDS, self.tick_queue)
        self.set_up()

    def set_up(self) -> None:
        """Fill what compose built (again after a language switch)."""
        self.fit_controls()
        self.greeting_shown = None  # a new greeting widget, or a new language
        if self.problem:
            return
        self.new_walkin()

    # The form ------------------------------------------------------------------------

    def new_walkin(self) -> None:
        """A fresh form for the next walk-in; its 30-second clock starts now."""
        if self.problem:
            return
        self.need = None
        self.flags = []
        self.vip_tier = None
        self.cues = []
        self.route = None
        self.opened = self.seconds()
        self.spent = 0.0
        self.touched = 0.0
        self.running = True
        self.query_one("#walkin", Form).reset()
        self.query_one("#error-channel", Static).update("")
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
            word = t(f"flag.{flag}")
            tier = vip_catalogue().by_id(self.vip_tier) if flag == "vip" else None
            if on_ and tier is not None:  # the key again moves to the next tier (issue 31.3)
                word = t("vip.flag", tier=tier.label.text(self.lang()))
            line.append(word, style="bold reverse" if on_ else "")
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

    def channel_label(self, key: str) -> str:
        return next((c.label[self.lang()] for c in channels() if c.key == key), key)

    def fill_appointments(self, typed: str = "") -> None:
        """The day's appointments still to check in that match what was typed in the
        search (all when nothing is); one match is chosen at once."""
        app = self.lobby_app
        zone = app.settings.timezone
        try:
            waiting = find_appointments(app.store, app.settings, self.day, "")
            found = find_appointments(app.store, app.settings, self.day, typed) if typed \
                else waiting  # fmt: skip
        except StoreError as exc:
            app.report_failure(exc)
            return
        options = [
            (
                # The reference is searched, not shown: the list keeps each line whole.
                f"{local(a.due_at, zone).strftime('%H:%M')} {'★ ' if a.vip else ''}{a.purpose}"
                + (t("ui.in_brackets", text=t("plan.no_show")) if a.no_show else ""),
                a.id,
            )
            for a in found
        ]
        select = self.query_one("#appointment", Select)
        select.set_options(options)
        if typed and len(found) == 1:
            select.value = found[0].id
        self.query_one("#appointment-row").display = bool(waiting)
        search = self.query_one("#walkin", Form).field("appt-search")
        search.say(t("triage.appointment_none") if typed and not found else "")

    @on(Input.Changed, "#input-appt-search")
    def _search_appointment(self, event: Input.Changed) -> None:
        self.fill_appointments(event.value)

    def check_cash(self, typed: str) -> bool | None:
        """The amount as the large-cash rule reads it (bad input said beside it)."""
        if not typed.strip():
            return None
        settings = self.lobby_app.settings
        return is_large_cash(typed, settings.large_cash_threshold, cash_rates(),
                             foreign_usd=settings.large_cash_foreign_usd)  # fmt: skip

    def check_cash_earlier(self, typed: str) -> bool | None:
        """Cash moved earlier today, read as an amount (bad input said beside it)."""
        if not typed.strip():
            return None
        parse_money(typed, "cash_earlier", cash_rates())
        return None

    def prompts(self, channel: str) -> list[str]:
        """The counter's reminders for the walk-in as it stands (none while the amount
        typed is not yet an amount: the field says why)."""
        if self.need is None:
            return []
        return counter_prompts(self.need.channel, channel, self.flags, self.large_cash())

    def large_cash(self) -> bool:
        """The amount typed is large cash for this need (not yet an amount: not yet)."""
        typed = self.query_one("#input-cash", Input).value
        earlier = self.query_one("#input-cash_earlier", Input).value
        if self.need is None or not typed.strip():
            return False
        settings = self.lobby_app.settings
        try:
            return large_cash_at_triage(
                self.need.channel, typed, settings.large_cash_threshold, cash_rates(),
                foreign_usd=settings.large_cash_foreign_usd, earlier=earlier,
            )  # fmt: skip
        except (Invalid, ContentError):  # said beside the field / rates.toml's own problem
            return False

    def prompt_text(self, prompts: list[str]) -> Text:
        return Text("\n".join(t(f"prompt.{p}") for p in prompts), style="bold yellow")

    @on(Input.Submitted, "#input-appt-search")
    def _open_appointments(self, event: Input.Submitted) -> None:
        """Enter after the search opens the list of what it found (one is chosen already:
        Enter again takes it)."""
        event.stop()
        select = self.query_one("#appointment", Select)
        select.focus()
        select.expanded = True

    def band_text(self, band: str | None) -> str:
        return t(f"band.{band}") if band else t("band.closed")

    def show_suggestion(self) -> None:
        out = self.query_one("#suggestion", Static)
        if self.need is None or self.state is None:
            out.update(Text(t("triage.choose_need"), style="dim"))
            self.show_prompts()
            return
        self.large_shown = self.large_cash()
        self.route = service.suggest(
            self.state,
            self.need,
            self.flags,
            self.lobby_app.settings,
            self.large_shown,
            self.vip_tier,
        )
        select = self.query_one("#channel", Select)
        if self.route.channel == FLOOR:  # answered here: no channel, no band (issue 31.9)
            out.update(Text.assemble(
                ("→ ", "bold"), (t("triage.floor"), "bold"), "\n",
                (t(f"route.{self.route.reason}", **self.route.params), "italic"),
            ))  # fmt: skip
            select.clear()
            self.show_prompts()
            return
        estimate = self.state.estimates[self.route.channel]
        text = Text.assemble(
            ("→ ", "bold"),
            (self.channel_label(self.route.channel), "bold"),
            f"  {self.band_text(estimate.band)}\n",
            (t(f"route.{self.route.reason}", **self.route.params), "italic"),
        )
        out.update(text)
        select.value = self.route.channel
        self.show_prompts()

    def show_prompts(self, saved: tuple[str, ...] | None = None) -> None:
        """The counter's reminders: as the walk-in stands, or as saved with it."""
        if saved is None:
            chosen = self.query_one("#channel", Select).value
            channel = (
                str(chosen) if chosen is not Select.NULL else self.route.channel if self.route
                else ""
            )  # fmt: skip
            saved = tuple(self.prompts(channel))
        out = self.query_one("#prompts", Static)
        out.update(self.prompt_text(list(saved)))
        out.display = bool(saved)

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
        seconds = self.seconds_on_walkin()
        style = (
            "bold red"
            if seconds > TARGET_SECONDS
            else ("bold yellow" if seconds > TARGET_SECONDS * 2 / 3 else "bold green")
        )
        clock = self.query_one("#clock", Static)
        if self.running:
            clock.update(Text(t("triage.clock", seconds=f"{seconds:4.0f}"), style=style))

    def seconds_on_walkin(self) -> float:
        return self.spent + self.seconds() - self.opened

    # Keys ----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Need keys, flag digits and cue capitals — only while no text field has focus."""
        # A select answers its own keys: a letter typed there never changes the need.
        if self.problem or isinstance(self.focused, Input | DataTable | Select):
            return
        char = event.character or ""
        if not char or len(char) != 1:
            return
        self.touched = self.seconds()
        if char.isdigit() and 1 <= int(char) <= len(FLAGS):
            flag = FLAGS[int(char) - 1]
            if flag == "vip":
                self.next_vip_tier()
            else:
                self.toggle_flag(flag)
        elif char.isupper() and any(c.key == char for c in cue_table().cue):
            cue = next(c for c in cue_table().cue if c.key == char)
            self.toggle_cue(cue)
        elif char.islower() and char not in {"r", "a", "q", "p"}:
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

    def next_vip_tier(self) -> None:
        """The VIP key: marks a VIP of the first tier, then each next tier, and after the
        last not a VIP (金卡 4, 白金 44, …): one key, no dialog, inside the 30 seconds."""
        if not self.running:
            self.new_walkin()
        tier = vip_catalogue().after(self.vip_tier)
        self.vip_tier = tier.id if tier is not None else None
        others = [f for f in self.flags if f != "vip"]
        self.flags = [*others, "vip"] if tier is not None else others
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
        if self.query_one("#appointment-row").display:
            self.query_one("#input-appt-search", Input).focus()

    @on(Button.Pressed, "#new")
    def action_new_walkin(self) -> None:
        self.new_walkin()

    def action_queue(self) -> None:
        self.query_one(LiveQueue).focus_queue()

    @on(Input.Changed, "#walkin Input")
    def _typed(self, event: Input.Changed) -> None:
        self.touched = self.seconds()
        if event.input.id in ("input-cash", "input-cash_earlier") and self.running:
            # The large-cash reminder as the amount is typed; large cash is a counter's.
            if self.large_cash() != self.large_shown:
                self.show_suggestion()
            else:
                self.show_prompts()

    def on_screen_suspend(self) -> None:
        # Away from this walk-in: its clock stops until it is on screen again. A dialog over
        # triage (an incident flagged, the palette) is not leaving it.
        self.spent += self.seconds() - self.opened
        self.left_for_another_place = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        """Coming here from another place is the next walk-in. Only a walk-in typed into in
        the last minute is offered back ("continue?"), its clock going on where it stopped."""
        self.opened = self.seconds()
        came_back, self.left_for_another_place = self.left_for_another_place, False
        if self.problem or not came_back:
            return
        started = self.running and bool(self.need or self.flags or self.cues)
        recent = bool(self.touched) and self.seconds() - self.touched <= RESUME_SECONDS
        if not (started and recent):
            self.new_walkin()
            return
        from lobby_tui.screens.modals.confirm import Confirm

        def answered(keep: bool | None) -> None:
            if not keep:
                self.new_walkin()

        self.app.push_screen(Confirm(t("triage.continue_question")), answered)

    @on(Button.Pressed, "#save")
    @on(
        Input.Submitted,
        "#input-party, #input-ticket, #input-note, #input-reason, #input-cash, #input-cash_earlier",
    )
    def action_save(self) -> None:
        """Accept: save the walk-in, then tell the customer their ticket, wait and next steps."""
        if self.problem or not self.running:
            return
        app = self.lobby_app
        form = self.query_one("#walkin", Form)
        if self.need is None or self.route is None or self.state is None:
            form.tell("need", t("invalid.need_missing"))
            return
        seconds = self.seconds_on_walkin()
        values = form.values
        chosen_channel = self.query_one("#channel", Select).value
        if self.route.channel == FLOOR and chosen_channel is Select.NULL:
            self.answered_here(form, values)
            return
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
                cash=values["cash"],
                cash_earlier=values["cash_earlier"],
                vip_tier=self.vip_tier,
            )
            priority = bool(set(self.flags) & PRIORITY_FLAGS)
            estimate = self.state.estimate(channel, priority=priority)
            script = t(f"script.{channel}", band=self.band_text(estimate.band))
            saved = service.save_walkin(
                app.store,
                day=self.day,
                shift_id=app.shift_for_record(),
                walkin=walkin,
                state=self.state,
                script=script,
                settings=app.settings,
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
        self.show_prompts(saved.prompts)
        self.refresh_state()
        self.query_one("#needs", OptionList).focus()
        # On record already: the ticket prints in the background, its problems said apart.
        slip = ticket_for(saved, channel, self.flags, app.settings, app.store.clock.now())
        if tickets.print_ticket(self, slip, self.printed):
            self.say_printing(t("printer.status.printing", ticket=slip.number))

    def answered_here(self, form: Form, values: dict[str, str]) -> None:
        """An enquiry answered on the floor: logged as one (R4.2), no ticket, no queue; its
        topic the note typed, else the need's name (issue 31.9)."""
        app = self.lobby_app
        assert self.need is not None
        topic = values["note"].strip() or self.need.label.text(app.language)
        with self.sending(form) as outcome:
            shift_id = app.shift_for_record()
            count = service.answer_on_floor(app.store, day=self.day, shift_id=shift_id, topic=topic)
        if outcome.failed:
            return
        self.running = False
        self.query_one("#suggestion", Static).update(
            Text(t("triage.floor_done", topic=topic, count=count), style="bold")
        )
        self.show_prompts(())
        self.query_one("#needs", OptionList).focus()

    # The printed ticket (R2.11) -------------------------------------------------------

    @on(Button.Pressed, "#reprint")
    def action_reprint(self) -> None:
        """P (or the button): the last ticket printed again."""
        tickets.reprint(self, self.printed)

    def printed(self, ticket: Ticket, fault: PrinterFault | None) -> None:
        self.say_printing(tickets.printed(self, ticket, fault))

    def say_printing(self, status: str) -> None:
        if not self.problem and not self.rebuilding:
            self.query_one("#print-status", Static).update(status)

    @on(Select.Changed, "#channel")
    def channel_changed(self) -> None:
        chosen = self.query_one("#channel", Select).value
        said = self.query_one("#error-channel", Static)
        if self.running:
            self.show_prompts()  # to wealth or not: the suitability reminder follows
        if self.route is not None and chosen is not Select.NULL and chosen != self.route.channel:
            # An override: say it, and ask why (recorded with the arrival). A channel with
            # nothing open promises no wait (R2.7).
            closed = self.state is not None and self.state.estimate(str(chosen)).band is None
            said.update(t("triage.override_closed" if closed else "triage.override_hint"))
            self.query_one("#input-reason", Input).focus()
        else:
            said.update("")

    # The queue -----------------------------------------------------------------------

    def refresh_queue(self) -> None:
        """Show the queue as it is now (after this screen's own change: read at once)."""
        if self.rebuilding or self.problem:
            return
        app = self.lobby_app
        try:
            floor = service.floor_now(app.store, self.day)
        except StoreError as exc:
            app.report_failure(exc)
            return
        self.show_queue(floor)

    def tick_queue(self) -> None:
        """Every LIVE_SECONDS: walk-ins saved on another tablet or browser session, and
        the waits' minutes, in the background; nothing read or drawn when nothing changed."""
        if self.rebuilding or self.problem:
            return
        store, day = self.lobby_app.store, self.day
        self.read_in_background(
            "queue", lambda: service.floor_now(store, day), self.show_queue, if_changed=True
        )

    def show_queue(self, floor: tuple[list[service.InQueue], list[WindowNow]]) -> None:
        queue, at_windows = floor
        self.query_one(LiveQueue).show(queue, self.state.counters if self.state else {}, at_windows)

    @on(LiveQueue.Changed)
    def queue_changed(self) -> None:
        """The queue panel called, moved or closed someone, or changed the counters: the
        floor is read again, and with it the suggestion and its quote."""
        self.refresh_state()
        self.show_suggestion()

    # Language ------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        # The walk-in in hand survives the switch: what was chosen, typed and its clock.
        kept = (self.need, self.flags, self.vip_tier, self.cues, self.opened, self.spent)
        touched = self.touched
        running = self.running
        typed = await self.recompose_keeping_input()
        self.set_up()
        self.need, self.flags, self.vip_tier, self.cues, self.opened, self.spent = kept
        self.touched = touched
        self.running = running
        for field in self.query(Input):
            if field.id in typed:
                field.value = typed[field.id]
        if not self.problem:
            self.fill_needs()
            self.show_flags()
            self.show_suggestion()
