"""Waiting-area rounds (R3): the waiting customers longest first, one key per care action,
needs noticed without over-selling, and what the hall looked like."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Select, Static

from lobby_tui.content import ContentError, needs_catalogue, product_catalogue
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import wait_level
from lobby_tui.domain.rounds import CARE_KEYS, Care, RoundTally, longest_first, needs_attention
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen, invalid_text, mark_legend, problem_text
from lobby_tui.services import rounds as service
from lobby_tui.services.quality import help_at_machine
from lobby_tui.store import StoreError
from lobby_tui.widgets.action_bar import ActionBar
from lobby_tui.widgets.columns import FittedTable
from lobby_tui.widgets.field import Field, plain
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import Form
from lobby_tui.widgets.shown import fingerprint, update_if_changed
from lobby_tui.widgets.topbar import TopBar

# The round in progress, the waiting (with their care) and the day's tally, read together.
RoundsNow = tuple[service.Round | None, list[service.RoundCustomer], RoundTally]

OBSERVE_CHOICES = {
    "crowding": ("calm", "busy", "crowded"),
    "seating": ("ok", "problem"),
    "tidiness": ("ok", "problem"),
    "devices": ("ok", "problem"),
}


class RoundsScreen(LobbyScreen):
    PLACE = "rounds"
    BINDINGS = [
        *(
            Binding(key, f"care('{kind.value}')", f"care.{kind.value}", show=False)
            for key, kind in CARE_KEYS.items()
        ),
        Binding("i", "interest", "care.interest", show=False),
        Binding("x", "not_interested", "care.not_interested", show=False),
        Binding("h", "hall_help", "rounds.hall_help", show=False),
        Binding("b", "begin", "rounds.begin", show=False),
        Binding("e", "end", "rounds.end", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="rounds")
        self.problem: ContentError | None = None
        self.round: service.Round | None = None
        self.people: list[service.RoundCustomer] = []
        self.rows_shown: list[tuple[str, tuple[Hashable, ...]]] = []  # the table as drawn

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            needs_catalogue()
            products = product_catalogue()
        except ContentError as exc:
            self.problem = exc
            yield Static(problem_text(exc), id="content-error")
            yield LobbyFooter()
            return
        lang = self.lobby_app.language
        with Horizontal(id="round-top"):
            yield Static(id="round-state")
            # Not for the customer in hand: a round, and help to anyone at a machine (R3.4).
            yield ActionBar(self.BINDINGS, ["b", "h"], id="round-actions")
        with Horizontal(id="round-body"):
            with Vertical(id="waiting-side"):
                yield FittedTable(
                    flexible="need",
                    whole=["ticket"],
                    id="waiting",
                    cursor_type="row",
                    zebra_stripes=True,
                )
                yield Static(
                    mark_legend("rounds.legend", "care_mark", "care", [c.value for c in Care]),
                    id="care-legend",
                )
            # Scrolls (wheel, swipe, drag): at 80x24 the interest form is below the buttons.
            with VerticalScroll(id="care"):
                yield Static(id="customer")
                yield ActionBar(self.BINDINGS, list(CARE_KEYS), id="care-keys")
                yield Static("", id="error-care", classes="field-error")
                yield Static(t("rounds.interest_title"), classes="round-title")
                with Form(fallback="interest-note", id="interest"):
                    yield Select(
                        [(p.label.text(lang), p.id) for p in products.product],
                        id="product",
                        prompt=t("rounds.product_prompt"),
                    )
                    with Horizontal(classes="round-row"):
                        yield Checkbox(t("rounds.asked"), id="asked")
                        yield Checkbox(t("rounds.consent"), id="consent")
                    yield Field("interest-note", placeholder=t("rounds.note_placeholder"))
                    with Horizontal(classes="round-row"):
                        yield Button(
                            t("rounds.note_interest"), id="interest-add", variant="primary"
                        )
                        yield Button(t("rounds.not_interested"), id="not-interested")
        yield Static(t("rounds.observe_title"), classes="round-title")
        with Form(fallback="round-note", id="observe", classes="round-row"):
            for key, choices in OBSERVE_CHOICES.items():
                yield Select(
                    [(t(f"observe.{key}.{c}"), c) for c in choices],
                    id=f"observe-{key}",
                    value=choices[0],
                    allow_blank=False,
                )
            yield Field("round-note", placeholder=t("rounds.round_note_placeholder"))
            yield Button(t("rounds.end"), id="end", variant="success")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.set_interval(15, self.tick)
        self.set_up()

    def set_up(self) -> None:
        """Fill what compose built (again after a language switch)."""
        self.fit_controls()
        if self.problem:
            return
        table = self.query_one("#waiting", DataTable)
        self.rows_shown = []  # a new table (compose again): nothing drawn in it yet
        for key in ("ticket", "waited", "attention", "care", "need"):
            table.add_column(t(f"rounds.col_{key}"), key=key)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        # In the background, and only if something was committed or the minute moved.
        self.tick()

    def read_rounds(self) -> Callable[[], RoundsNow]:
        """What the screen shows, as a read that may run on any thread."""
        app = self.lobby_app
        store, settings, day = app.store, app.settings, self.day
        return lambda: (
            service.open_round(store, day),
            service.waiting_now(store, day),
            service.tally(store, settings, day, store.clock.now()),
        )

    def reload(self) -> None:
        """Show the round and the waiting as they are now (after this screen's own change)."""
        if self.rebuilding or self.problem:
            return
        try:
            now = self.read_rounds()()
        except StoreError as exc:
            self.lobby_app.report_failure(exc)
            return
        self.show_rounds(now)

    def tick(self) -> None:
        """Every 15 s, in the background: others' changes and the waits' minutes."""
        if self.rebuilding or self.problem:
            return
        self.read_in_background("rounds", self.read_rounds(), self.show_rounds, if_changed=True)

    def show_rounds(self, now: RoundsNow) -> None:
        self.round, self.people, tally = now
        zone = self.lobby_app.settings.timezone
        if self.round:
            state = t(
                "rounds.in_progress", time=local(self.round.started_at, zone).strftime("%H:%M")
            )
        elif tally.next_due is None:  # closed, or before the day's first use
            state = t("rounds.none_due")
        else:
            state = t("rounds.none_open", time=local(tally.next_due, zone).strftime("%H:%M"))
        counts = t("rounds.tally", done=tally.done, missed=tally.missed)
        update_if_changed(
            self.query_one("#round-state", Static),
            Text(f"{state}  ·  {counts}", style="bold" if self.round else ""),
        )
        self.fill_table()
        self.show_customer()

    def fill_table(self) -> None:
        settings = self.lobby_app.settings
        table = self.query_one("#waiting", DataTable)
        needs = needs_catalogue()
        lang = self.lobby_app.language
        ordered = {p.waiting.arrival_id: p for p in self.people}
        rows: list[tuple[str, tuple[Text, ...]]] = []
        for waiting in longest_first([p.waiting for p in self.people]):
            person = ordered[waiting.arrival_id]
            level = wait_level(waiting.minutes, settings.wait_amber_min, settings.wait_red_min)
            style = self.wait_style(level)
            attention = needs_attention(waiting, settings.wait_amber_min)
            marks = "".join(t(f"care_mark.{k}") for k in sorted(waiting.care))
            label = next(
                (n.label.text(lang) for n in needs.need if n.id == person.need), person.need
            )
            cells: tuple[Text, ...] = (
                Text(person.ticket, style="bold"),
                Text(t("dash.minutes", n=waiting.minutes), style=style),
                Text(t("rounds.attention") if attention else "", style="bold red"),
                Text(marks),
                Text(label),
            )
            rows.append((waiting.arrival_id, cells))
        drawn = [(key, tuple(fingerprint(c) for c in cells)) for key, cells in rows]
        if drawn == self.rows_shown:  # most ticks: the same people, the same minutes
            return
        self.rows_shown = drawn
        row = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def selected(self) -> service.RoundCustomer | None:
        table = self.query_one("#waiting", DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((p for p in self.people if p.waiting.arrival_id == key.value), None)

    @on(DataTable.RowHighlighted, "#waiting")
    def show_customer(self) -> None:
        person = self.selected()
        out = self.query_one("#customer", Static)
        if person is None:
            update_if_changed(out, Text(t("rounds.nobody"), style="dim"))
            return
        care = t("list.sep").join(t(f"care.{k}") for k in sorted(person.waiting.care)) or t(
            "rounds.no_care"
        )
        update_if_changed(
            out,
            Text.assemble(
                (f"{person.ticket}  ", "bold"),
                t("dash.minutes", n=person.waiting.minutes),
                "\n",
                (t("rounds.given", care=care), "dim"),
            ),
        )

    def say(self, message: str | Text) -> None:
        self.query_one("#error-care", Static).update(plain(message))

    def report(self, exc: StoreError) -> None:
        self.say(problem_text(exc))
        self.reload()

    # Care ----------------------------------------------------------------------------

    def action_care(
        self,
        kind: str,
        *,
        product: str | None = None,
        note: str | None = None,
        consent: bool | None = None,
        asked: bool = False,
    ) -> bool:
        """Care for the customer in hand; True once it is saved."""
        person = self.selected()
        self.say("")
        if person is None:
            self.say(t("rounds.nobody"))
            return False
        app = self.lobby_app
        try:
            service.give_care(
                app.store,
                round_id=self.round.id if self.round else None,
                arrival_id=person.waiting.arrival_id,
                kind=Care(kind),
                product=product,
                note=note,
                consent=consent,
                asked=asked,
            )
        except Invalid as exc:
            self.say(invalid_text(exc))
            return False
        except StoreError as exc:
            # Called or gone a moment ago: say so, and show the list as it is now.
            self.report(exc)
            return False
        self.say(t("rounds.saved", care=t(f"care.{kind}"), ticket=person.ticket))
        self.reload()
        return True

    def action_hall_help(self) -> None:
        """`h`: help given at a self-service machine to someone who is not in the queue (a
        passer-by, a customer with no ticket): counted as machine help, no arrival needed."""
        app = self.lobby_app
        self.say("")
        with self.guarded(lambda exc: self.say(invalid_text(exc))) as outcome:
            help_at_machine(app.store, self.day, self.round.id if self.round else None)
        if not outcome.failed:
            self.say(t("rounds.hall_help_saved"))

    @on(Button.Pressed, "#interest-add")
    def action_interest(self) -> None:
        product = self.query_one("#product", Select).value
        if product is Select.NULL:
            self.say(t("invalid.product_missing"))
            self.query_one("#product", Select).focus()
            return
        note = self.query_one("#field-interest-note", Field)
        if self.action_care(
            Care.INTEREST.value,
            product=str(product),
            note=note.value,
            consent=self.query_one("#consent", Checkbox).value,
            asked=self.query_one("#asked", Checkbox).value,
        ):
            # The next customer's interest starts blank: a tick left from this one ("may
            # contact") would be recorded as theirs.
            self.query_one("#interest", Form).reset()

    @on(Button.Pressed, "#not-interested")
    def action_not_interested(self) -> None:
        self.action_care(Care.NOT_INTERESTED.value)

    # The round -----------------------------------------------------------------------

    def action_begin(self) -> None:
        app = self.lobby_app
        with self.guarded(lambda exc: self.say(invalid_text(exc))) as outcome:
            self.round = service.start_round(
                app.store, app.settings, self.day, app.shift_for_record()
            )
        if not outcome.failed:
            self.reload()

    @on(Button.Pressed, "#end")
    def action_end(self) -> None:
        app = self.lobby_app
        if self.round is None:
            self.say(t("rounds.not_started"))
            return
        observations = {
            key: str(self.query_one(f"#observe-{key}", Select).value) for key in OBSERVE_CHOICES
        }
        form = self.query_one("#observe", Form)
        with self.sending(form) as outcome:
            tasks = service.complete_round(
                app.store,
                self.round.id,
                observations,
                form.values["round-note"],
                app.shift_for_record(),
                settings=app.settings,
            )
        if outcome.failed:
            return
        form.reset()
        for key, choices in OBSERVE_CHOICES.items():  # the next round looks afresh
            self.query_one(f"#observe-{key}", Select).value = choices[0]
        self.say(t("rounds.completed", tasks=tasks))
        self.reload()

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        await self.recompose_keeping_input()
        self.set_up()
