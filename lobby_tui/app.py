"""LobbyApp: the seven places, the keys that reach them, the palette, themes and language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from textual import events
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.filter import DimFilter, LineFilter
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from lobby_tui.content import ContentError
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staff import StaffMember
from lobby_tui.i18n import set_language, t
from lobby_tui.screens.base import BackgroundReads, LobbyScreen, translate_textual_titles
from lobby_tui.services.shift import Shift
from lobby_tui.store import Store, StoreError
from lobby_tui.terminal import make_stored_text_inert
from lobby_tui.themes import (
    BY_SETTING,
    DEFAULT,
    HIGH_CONTRAST,
    HIGH_CONTRAST_ANSI,
    HIGH_CONTRAST_DIM,
)
from lobby_tui.widgets.browser_keys import key_to_say, with_browser_twin
from lobby_tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from textual.command import Provider

    from lobby_tui.devices.printer import TicketPrinter
    from lobby_tui.domain.ticket import Ticket
    from lobby_tui.screens.palette import PaletteCommand

# The places' stylesheets (styles/<name>.tcss), read once the first screen is drawn.
PLACE_STYLES = ("dashboard", "checklist", "triage", "rounds", "complaints", "incidents",
                "handover", "counter")  # fmt: skip
# How long after the first screen is drawn they are read: past its first frames, long
# before anyone has typed a PIN.
PLACE_STYLES_AFTER_SECONDS = 0.3

# The keys panel (widgets/keys_panel.py), found by its name: its module (and the Markdown
# it brings) is loaded only when the panel is first opened.
KEYS_PANEL = "KeysPanel"

# The places of the lobby, in the order of the manager's day, with the key that opens each.
PLACES: tuple[tuple[str, str], ...] = (
    ("dashboard", "f1"),
    ("checklist", "f2"),
    ("triage", "f3"),
    ("rounds", "f4"),
    ("complaints", "f5"),
    ("incidents", "f6"),
    ("handover", "f7"),
)
FLAG_KEY = "f8"
LOCK_KEY = "ctrl+l"
# The manager's guide at this place's section. `?`: every terminal and browser passes it
# on (F9 is taken by the complaints' browser twin, F10 opens GNOME Terminal's and the
# browsers' menus, F11 and F12 are full screen and developer tools), and a tap on the
# footer works like the key. In a text field it stays a question mark (not a priority key).
GUIDE_KEY = "question_mark"
ROUND_CHECK_SECONDS = 30
NO_SHOW_CHECK_SECONDS = 60  # appointments past their grace are marked no-shows (R1.6)
# A VIP or an appointment for the person signed in (a task of theirs, on any session): on
# their top bar within this long (issue 31.3).
NOTICE_CHECK_SECONDS = 10
# The start's purge of expired personal data waits this long: the first screen is drawn,
# and its first keys answered, before a thread competes for the interpreter (issue 33).
RETENTION_AFTER_SECONDS = 2.0
IDLE_CHECK_SECONDS = 5  # how often the idle lock looks; a key costs only a flag (R6.5)
# What a covering screen (sign-in, lock) leaves working: nothing that shows the lobby's
# places or their records.
BLOCKED_WHILE_COVERED = frozenset({"go", "flag_incident", "command_palette", "lock"})


class StartScreen(Screen[None]):
    """What lies under the sign-in at start: nothing. The dashboard is made once someone
    has signed in (`LobbyApp.signed`), so the first thing drawn is the sign-in alone and
    nothing it does not show delays it (issue 33)."""


def _dashboard() -> Screen[None]:
    from lobby_tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


def _place_screen(place: str) -> Screen[None]:
    # Imported when first shown: the sign-in pays for none of them.
    from importlib import import_module

    module, name = SCREENS[place]
    screen: Screen[None] = getattr(import_module(f"lobby_tui.screens.{module}"), name)()
    return screen


def _lobby_commands() -> type[Provider]:
    # Imported when the palette first opens, not at start.
    from lobby_tui.screens.palette import LobbyCommands

    return LobbyCommands


SCREENS = {
    "checklist": ("checklist", "ChecklistScreen"),
    "triage": ("triage", "TriageScreen"),
    "rounds": ("rounds", "RoundsScreen"),
    "complaints": ("complaints", "ComplaintsScreen"),
    "incidents": ("incidents", "IncidentsScreen"),
    "handover": ("handover", "HandoverScreen"),
    "counter": ("counter", "CounterScreen"),  # a window's view (R2.9): no F-key of its own
}


class LobbyApp(App[None]):
    TITLE = "lobby_tui"
    # What the first screen (the sign-in) needs is read at start; the places' stylesheets
    # just after it is drawn (`read_place_styles`), all at once: a screen's own CSS_PATH
    # would be parsed, and the whole stylesheet parsed again and every widget shown
    # restyled, on its first visit (a key's latency). Each place's rules name their screen,
    # so reading them all at once changes no other place.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/app.tcss", "styles/signin.tcss"]
    # Each place is a mode made when first shown. The app starts in an empty "start" mode:
    # the sign-in is pushed there, and the dashboard is made once someone has signed in.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        "dashboard": _dashboard,
        **{place: partial(_place_screen, place) for place in SCREENS},
    }
    DEFAULT_MODE = "start"
    # Named colours in the screens' text on the light (high-contrast) theme: dark enough.
    ansi_theme_light = Reactive(HIGH_CONTRAST_ANSI, init=False)
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {_lobby_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            twin
            for place, key in PLACES
            for twin in with_browser_twin(
                Binding(
                    key,
                    f"go('{place}')",
                    f"nav.{place}",
                    id=f"nav.{place}",
                    tooltip=f"nav.{place}.tip",
                    key_display=key.upper(),
                    priority=True,
                )
            )
        ),
        Binding(
            FLAG_KEY,
            "flag_incident",
            "nav.flag",
            id="nav.flag",
            tooltip="nav.flag.tip",
            key_display=FLAG_KEY.upper(),
            priority=True,
        ),
        Binding(GUIDE_KEY, "guide", "help.key", id="help", tooltip="help.key.tip", key_display="?"),
        # With a Chinese input method on, ？ is what the same key types.
        Binding("fullwidth_question_mark", "guide", "help.key", key_display="？", show=False),
        Binding(LOCK_KEY, "lock", "nav.lock", id="nav.lock", show=False, priority=True),
        # Before any screen's own Escape, but only while the keys panel is open (else the
        # key goes on as if this binding were not there).
        Binding("escape", "hide_keys", "cmd.keys.hide", show=False, priority=True),
    ]

    def __init__(
        self,
        store: Store,
        settings: Settings,
        language: str,
        *,
        shift: Shift | None = None,
        demo: bool = False,
        signed_in: StaffMember | None = None,
        window: int | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        """The open database; screens reach it only through services."""
        self.settings = settings
        """The branch's settings, read once at start."""
        self.language = language
        """"zh" or "en": what every visible string is shown in."""
        self.shift = shift
        """The shift this session belongs to."""
        self.demo = demo
        """True on the throwaway demo lobby (shown in the top bar)."""
        self.reads = BackgroundReads(self)
        """Reads the app itself makes in the background (the round reminder)."""
        self.store_failure: StoreError | None = None
        """A store problem no screen could handle (a damaged file): the app ended on it,
        and the command line says it in one clear line (issue 14)."""
        self.failure_shown = False
        """A store failure is on screen (the disk is full): the next write that goes
        through withdraws it, or it would seem to say that write failed too (issue 25)."""
        store.after_commit = self._write_went_through
        self.signed_in = signed_in
        """Who holds the tablet (R6.5). None: the app opens on the sign-in screen."""
        if signed_in is not None:
            store.actor = signed_in.id
        self.window = window
        """The numbered window this app is the counter view of (`lobby counter --window N`,
        or chosen by a teller after sign-in); None: the lobby manager's app."""
        self.covered = False
        """A sign-in or lock screen covers everything: the places' keys do nothing."""
        self.place_styles_read = False
        self.touched = False
        """A key or tap since the idle check last looked (set per key: nothing else)."""
        self.last_touch: datetime | None = None
        self.printer: TicketPrinter | None = None
        """The ticket printer (R2.11), made from the setting at the first ticket
        (`ticket_printer`); tests put their own here."""
        self.printer_problem: str | None = None
        self.customers_for_me = 0
        """VIPs and appointments in the hall awaiting the person signed in (the top bar)."""
        """Why the last ticket did not print (devices/printer.FAULTS), while the printer is
        failing: the top bar says so, in the language of the moment, until a ticket prints."""
        self.last_ticket: Ticket | None = None
        """The last walk-in's ticket, as printed or not: triage's reprint prints it again."""
        self.register_theme(DEFAULT)
        self.register_theme(HIGH_CONTRAST)
        self.theme = BY_SETTING.get(settings.theme, DEFAULT.name)
        self.keep_faint_readable = DimFilter(HIGH_CONTRAST_DIM)

    def ticket_printer(self) -> TicketPrinter | None:
        """The printer the settings name (None: no printer), python-escpos loaded only now."""
        if self.printer is None and self.settings.printer is not None:
            from lobby_tui.devices.printer import printer_for

            self.printer = printer_for(self.settings.printer)
        return self.printer

    def get_line_filters(self) -> Sequence[LineFilter]:
        """High contrast draws faint text in a colour of its own, still 4.5:1 (themes.py)."""
        filters = super().get_line_filters()
        if self.theme == HIGH_CONTRAST.name:
            return [*filters, self.keep_faint_readable]
        return filters

    def get_default_screen(self) -> Screen[None]:
        # Not a MODES entry: a mode's first screen makes Textual parse every stylesheet
        # again, and the start screen is on the first paint's path.
        return StartScreen()

    def shift_for_record(self) -> str:
        """The shift a record being saved belongs to: today's open one, opened now if the
        last was handed over after closing (no empty shift is left overnight) or belongs to
        an earlier business day (the app left running past midnight). Nothing is stored
        without a shift."""
        from lobby_tui.domain.day import business_day
        from lobby_tui.services.shift import open_shift_today

        today = business_day(self.store.clock.now(), self.settings.timezone)
        if self.shift is None or self.shift.business_day != today:
            self.shift = open_shift_today(self.store, self.settings)
            for bar in self.screen.query(TopBar):  # the header says so at once
                bar.tick()
        return self.shift.id

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.round_reminded: datetime | None = None
        self.set_interval(ROUND_CHECK_SECONDS, self.remind_round)
        self.set_interval(NO_SHOW_CHECK_SECONDS, self.mark_no_shows)
        self.set_interval(NOTICE_CHECK_SECONDS, self.check_for_me)
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.warn_about_content()
        self.set_timer(RETENTION_AFTER_SECONDS, self.erase_expired)
        if self.signed_in is None:
            self.ask_who()
            self.set_timer(PLACE_STYLES_AFTER_SECONDS, self.read_place_styles)
        else:
            self.leave_start()

    # Who holds the tablet (R6.5) ----------------------------------------------------------

    def ask_who(self) -> None:
        """At start: the first supervisor of a new database, else the sign-in."""
        from lobby_tui.screens.signin import FirstSupervisorScreen, SignInScreen
        from lobby_tui.services.staff import needs_first_supervisor

        first = needs_first_supervisor(self.store)
        self.covered = True
        self.push_screen(FirstSupervisorScreen() if first else SignInScreen(), self.signed)

    def signed(self, person: StaffMember | None) -> None:
        from lobby_tui.services.shift import open_shift_today

        if person is None:
            return
        self.signed_in = person
        self.covered = False
        self.touched = True
        if self.shift is not None:  # the shift opened at start is theirs (opened_by)
            try:
                self.shift = open_shift_today(self.store, self.settings)
            except StoreError as exc:
                self.report_failure(exc)
        self.tell_who()
        self.leave_start()

    def leave_start(self) -> None:
        """From the start's empty screen to the place of whoever signed in: a teller's
        window (R2.9), else the dashboard. The empty screen stays in its stack, unseen."""
        if self.current_mode != "start":
            return
        self.read_place_styles()  # signed in faster than the timer (a test): now
        counter = self.window is not None or (
            self.signed_in is not None and self.signed_in.role == "teller"
        )
        self.switch_mode("counter" if counter else "dashboard")

    def read_place_styles(self) -> None:
        """The places' stylesheets, once: parsed with the rest and applied to what is shown
        (the sign-in's few widgets), so no place's first visit parses anything."""
        if self.place_styles_read:
            return
        self.place_styles_read = True
        folder = Path(__file__).parent / "styles"
        for name in PLACE_STYLES:
            self.stylesheet.read(folder / f"{name}.tcss")
        self.refresh_css(animate=False)

    def tell_who(self) -> None:
        for bar in self.screen.query(TopBar):
            bar.tick()
        self.refresh_bindings()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.touched = True
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Every few seconds: untouched for `idle_lock_min` by the app's clock, lock."""
        now = self.store.clock.now()
        if self.touched or self.last_touch is None:
            self.touched = False
            self.last_touch = now
            return
        if now - self.last_touch >= timedelta(minutes=self.settings.idle_lock_min):
            self.action_lock()

    def action_lock(self) -> None:
        """Cover everything now (ctrl+l, or left idle). Half-typed forms are saved as
        drafts first, and are still there, as typed, after the unlock."""
        from lobby_tui.screens.signin import LockScreen

        if self.covered or self.signed_in is None:
            return
        for screen in self.lobby_screens():
            screen.flush_drafts()
        self.covered = True
        self.push_screen(LockScreen(), self.unlocked)

    def unlocked(self, person: StaffMember | None) -> None:
        if person is None:
            return
        before = self.signed_in
        self.signed_in = person
        self.covered = False
        self.touched = True
        self.tell_who()
        if before is None or before.id != person.id:
            self.notify(t("lock.switched", name=person.name), timeout=5, markup=False)

    def open_roster(self) -> None:
        """The roster (palette): supervisors only."""
        from lobby_tui.screens.roster import RosterScreen

        if self.signed_in is None or not self.signed_in.supervisor:
            self.notify(t("invalid.supervisor_only"), severity="warning")
            return
        self.push_screen(RosterScreen())

    def erase_expired(self) -> None:
        """Personal information kept long enough is erased at every start (R6.5, PIPL), in a
        thread worker once the first screen is drawn: start-up never waits for it. A failure
        is said (the app's one error report) and the next start tries again. Started a
        moment after the first screen (RETENTION_AFTER_SECONDS), never competing with it.

        Its scan is the start's first read of the lobby's records: a file found damaged
        ends the app with the clear line and the way back (`start.run_app`), before anyone
        works on it, as the dashboard's first read did when it was drawn at start."""

        def work() -> None:
            from lobby_tui.services.retention import plan, purge

            try:
                found = plan(self.store, self.settings)  # read here, without the write lock
                if found.total:
                    purge(self.store, self.settings, found)
            except StoreError as exc:
                if exc.key != "db.corrupt":
                    raise
                self.call_from_thread(self.end_on, exc)

        self.run_worker(work, name="retention", group="retention", thread=True,
                        exit_on_error=False)  # fmt: skip

    def mark_no_shows(self) -> None:
        """Appointments not checked in within the grace period become no-shows, on the
        app's clock, in a thread worker (a write, however small, never holds the screen)."""

        def work() -> None:
            from lobby_tui.services.dayplan import mark_no_shows

            mark_no_shows(self.store, self.settings)

        self.run_worker(work, name="no-shows", group="no-shows", thread=True,
                        exclusive=True, exit_on_error=False)  # fmt: skip

    def check_for_me(self) -> None:
        """Read in a thread worker how many VIPs and appointments wait for the person
        signed in (services/vip.py); the top bar says so."""
        person = self.signed_in.id if self.signed_in is not None else None

        def work() -> None:
            from lobby_tui.services.vip import waiting_for

            count = waiting_for(self.store, person)
            self.call_from_thread(self.show_for_me, count)

        self.run_worker(work, name="for-me", group="for-me", thread=True,
                        exclusive=True, exit_on_error=False)  # fmt: skip

    def show_for_me(self, count: int) -> None:
        if count != self.customers_for_me:
            self.customers_for_me = count
            for bar in self.screen.query(TopBar):
                bar.tick()

    def warn_about_content(self) -> None:
        """A broken content file replaced by the packaged one is said, and stays on screen
        long enough to be read (issue 14)."""
        from lobby_tui.content import channels, content_warnings

        try:
            channels()
        except ContentError as exc:
            self.report_failure(exc)
        for problem in content_warnings():
            said = t("content.fallback", problem=t(f"error.{problem.key}", **problem.params))
            self.notify(said, severity="warning", timeout=30, markup=False)

    def remind_round(self) -> None:
        """A due round raises a notification on whatever screen is open (R3.1), once. Read
        in the background: this runs every 30 s whatever the screen."""
        from lobby_tui.domain.day import business_day
        from lobby_tui.services.rounds import open_round, tally

        store, settings = self.store, self.settings
        now = store.clock.now()
        day = business_day(now, settings.timezone)

        def read() -> datetime | None:
            """When the next round is due (domain/rounds.tally_day: None after closing or
            before the day's first use), or None while one is being walked."""
            if open_round(store, day) is not None:
                return None
            return tally(store, settings, day, now).next_due

        self.reads.start("round", read, partial(self.tell_round_due, now))

    def tell_round_due(self, now: datetime, due: datetime | None) -> None:
        from lobby_tui.domain.day import local

        if due is not None and now >= due and self.round_reminded != due:
            self.round_reminded = due
            shown = local(due, self.settings.timezone).strftime("%H:%M")
            self.notify(t("round.due_toast", time=shown), severity="warning", timeout=15)

    # Places ---------------------------------------------------------------------------

    def go(self, place: str) -> None:
        if self.covered:
            return
        if self.current_mode != place:
            self.switch_mode(place)

    def action_go(self, place: str) -> None:
        if self.close_guide() and place == self.current_mode:
            return
        if place == self.current_mode:
            # Let the screen's own binding for this key act (F3 on triage: next walk-in).
            raise SkipAction()
        self.go(place)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.covered and action in BLOCKED_WHILE_COVERED:
            return False
        if action == "hide_keys":
            # Escape is the keys panel's only while it is open and no select list is open
            # over the screen (that list's Escape comes first); else the screen's own.
            from textual.widgets._select import SelectOverlay

            return bool(self.screen.query(KEYS_PANEL)) and not isinstance(
                self.screen.focused, SelectOverlay
            )
        # The footer leaves out the place you are in: it keeps the row short enough for
        # 80 columns in either language.
        return not (action == "go" and parameters and parameters[0] == self.current_mode)

    # The manager's guide ----------------------------------------------------------------

    def guide_section(self) -> str:
        """The guide's section for what is in front: a screen that names its own (sign-in,
        lock, roster, the flag dialog, the handover's acceptance), else the place."""
        for screen in reversed(self.screen_stack):
            section = getattr(screen, "GUIDE_SECTION", None)
            if isinstance(section, str):
                return section
        return self.current_mode

    def action_guide(self) -> None:
        """`?` (or the palette): the guide at this place's section, in the app's language."""
        from lobby_tui.screens.guide import GuideScreen

        if isinstance(self.screen, GuideScreen):
            return
        self.push_screen(GuideScreen(self.guide_section(), self.language))

    def close_guide(self) -> bool:
        """A place's key pressed over the guide closes it first (True if it did)."""
        if getattr(self.screen, "CLOSED_BY_PLACE_KEYS", False):
            self.pop_screen()
            return True
        return False

    def action_flag_incident(self) -> None:
        """F8 from any screen: the flag dialog; saved, the incident opens with its plan."""
        from lobby_tui.screens.modals.flag import FlagDialog

        if self.covered or isinstance(self.screen, FlagDialog):
            return
        try:
            dialog = FlagDialog()
        except ContentError as exc:  # a broken incidents.toml: say so, go on
            self.report_failure(exc)
            self.go("incidents")
            return
        self.push_screen(dialog, self.raise_flagged)

    def raise_flagged(self, flagged: dict[str, str | None] | None) -> None:
        from lobby_tui.content import incident_catalogue
        from lobby_tui.domain.day import business_day
        from lobby_tui.domain.errors import Invalid
        from lobby_tui.services.incidents import raise_incident

        if not flagged:
            return
        try:
            incident_id = raise_incident(
                self.store,
                incident_catalogue(),
                day=business_day(self.store.clock.now(), self.settings.timezone),
                shift_id=self.shift_for_record(),
                type_id=str(flagged["type"]),
                zone=flagged["zone"],
                severity=flagged["severity"],
                note=flagged["note"] or "",
                settings=self.settings,
            )
        except Invalid as exc:
            self.notify(t(f"invalid.{exc.key}", **exc.params), severity="error")
            return
        except StoreError as exc:
            self.report_failure(exc)
            return
        # A discreet type (an AML concern) is said so: never tip off the customer.
        discreet = str(flagged["type"]) in incident_catalogue().discreet()
        self.notify(t("flag.saved_discreet" if discreet else "flag.saved"), timeout=3)
        self.go("incidents")
        self.call_after_refresh(self._show_incident, incident_id)

    def _show_incident(self, incident_id: str) -> None:
        from lobby_tui.screens.incidents import IncidentsScreen

        if isinstance(self.screen, IncidentsScreen):
            self.screen.select(incident_id)

    # Language and theme ---------------------------------------------------------------

    def switch_language(self, language: str) -> None:
        """Show everything in `language` now, and remember it for the next start."""
        set_language(language)
        translate_textual_titles()
        self.language = language
        self.title = t("app.title")
        for screen in self.lobby_screens():
            screen.retranslate()
        self.remember("language", language)

    def switch_theme(self, setting: str) -> None:
        # The dashboard and the footer redraw on the theme's signal.
        self.theme = BY_SETTING[setting]
        self.remember("theme", setting)

    def remember(self, key: str, value: str) -> None:
        from lobby_tui.services.settings import save_setting

        try:
            save_setting(self.store, key, value)
        except StoreError as exc:
            self.notify(t(f"error.{exc.key}", **exc.params), severity="error")

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Quitting (ctrl+q, the palette) a moment after the last key loses nothing: drafts
        waiting for their half-second timer are saved first."""
        for screen in self.lobby_screens():
            screen.flush_drafts()
        super().exit(result, return_code, message)

    def lobby_screens(self) -> Iterator[LobbyScreen]:
        """Every place's screen made so far, in every mode's stack."""
        for place, _key in PLACES:
            for screen in self._stack_of(place):
                if isinstance(screen, LobbyScreen):
                    yield screen

    def _stack_of(self, mode: str) -> list[Screen[object]]:
        try:
            return self.get_screen_stack(mode)
        except KeyError:
            return []

    def action_show_help_panel(self) -> None:
        """The keys of the screen in front, in a narrow panel beside it (palette → keys)."""
        from lobby_tui.widgets.keys_panel import KeysPanel

        if not self.screen.query(KEYS_PANEL):
            self.screen.mount(KeysPanel())

    def action_hide_help_panel(self) -> None:
        self.screen.query(KEYS_PANEL).remove()

    def action_hide_keys(self) -> None:
        if not self.screen.query(KEYS_PANEL):
            raise SkipAction()  # Escape means what the screen says it means
        self.action_hide_help_panel()

    def action_command_palette(self) -> None:
        # Textual's own palette, in the manager's language, finding places by any name.
        from textual.command import CommandPalette

        from lobby_tui.screens.palette import LobbyPalette

        if self.covered:
            return

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(LobbyPalette())

    def palette_commands(self) -> list[PaletteCommand]:
        """What the palette offers, each with the names it is found by (`cmd.names.…`)."""
        from lobby_tui.screens.palette import PaletteCommand as Command

        commands = [
            Command(
                t("cmd.go", place=t(f"nav.{place}")),
                t(f"nav.{place}.tip") + f" ({key_to_say(key)})",
                partial(self.go, place),
                f"cmd.names.{place}",
            )
            for place, key in PLACES
        ]
        commands.append(
            Command(
                t("cmd.go", place=t("nav.counter")),
                t("nav.counter.tip"),
                partial(self.go, "counter"),
                "cmd.names.counter",
            )
        )
        commands.append(
            Command(
                t("nav.flag"),
                t("nav.flag.tip") + f" ({FLAG_KEY.upper()})",
                self.action_flag_incident,
                "cmd.names.flag",
            )
        )
        other = "en" if self.language == "zh" else "zh"
        commands.append(
            Command(
                t(f"cmd.language.{other}"),
                t("cmd.language.help"),
                partial(self.switch_language, other),
                "cmd.names.language",
            )
        )
        theme = "default" if self.theme == HIGH_CONTRAST.name else "high-contrast"
        commands.append(
            Command(
                t("cmd.theme.default" if theme == "default" else "cmd.theme.contrast"),
                t("cmd.theme.help"),
                partial(self.switch_theme, theme),
                "cmd.names.theme",
            )
        )
        commands.append(
            Command(
                t("cmd.lock"),
                t("cmd.lock.help") + " (ctrl+l)",
                self.action_lock,
                "cmd.names.lock",
            )
        )
        if self.signed_in is not None and self.signed_in.supervisor:
            commands.append(
                Command(t("cmd.roster"), t("cmd.roster.help"), self.open_roster, "cmd.names.roster")
            )
        # The screen the palette was opened over: the same command closes the keys panel.
        from textual.command import CommandPalette

        beneath = next(
            (s for s in reversed(self.screen_stack) if not isinstance(s, CommandPalette)),
            self.screen,
        )
        if beneath.query(KEYS_PANEL):
            commands.append(
                Command(
                    t("cmd.keys.hide"),
                    t("cmd.keys.hide.help"),
                    self.action_hide_help_panel,
                    "cmd.names.keys",
                )
            )
        else:
            commands.append(
                Command(
                    t("cmd.keys"), t("cmd.keys.help"), self.action_show_help_panel, "cmd.names.keys"
                )
            )
        commands.append(
            Command(t("help.command"), t("help.command.help"), self.action_guide, "help.names")
        )
        commands.append(Command(t("cmd.quit"), t("cmd.quit.help"), self.exit, "cmd.names.quit"))
        return commands

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # The palette uses LobbyCommands (names too); this keeps Textual's API saying the same.
        for command in self.palette_commands():
            yield SystemCommand(command.title, command.help, command.run)

    def action_help_quit(self) -> None:
        """ctrl+c outside a text field: Textual says how to quit, in English; we say it in
        the manager's language."""
        self.notify(t("textual.help_quit", key="ctrl+q"), title=t("textual.help_quit_title"))

    # Errors ---------------------------------------------------------------------------

    def report_failure(self, error: BaseException | None) -> None:
        """The one place a failed background read or write is told to the manager.

        Screens forward their workers' failures here (worker messages do not bubble)."""
        if isinstance(error, StoreError):
            self.failure_shown = True
        if isinstance(error, StoreError | ContentError):
            message = t(f"error.{error.key}", **error.params)
        else:
            message = t("error.unexpected", detail=repr(error))
        # Not markup: a file's problem may quote a pattern like [a-z_] that markup would eat.
        self.notify(message, severity="error", timeout=10, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.report_failure(event.worker.error)

    class FailureOver(Message):
        """A write went through after a store failure was shown."""

    def _write_went_through(self) -> None:
        # Called by the store right after a commit, on whichever thread wrote: a message
        # is safe to post from any.
        if self.failure_shown:
            self.failure_shown = False
            self.post_message(self.FailureOver())

    def on_lobby_app_failure_over(self, _event: FailureOver) -> None:
        """Textual cannot withdraw one toast by the public API: all go. The failure's toast
        is the one that matters; the save that ended it shows its own result on screen."""
        self.clear_notifications()

    def end_on(self, error: StoreError) -> None:
        """End the app on a store problem; the command line says it in one clear line."""
        self.store_failure = error
        self.exit(return_code=1)

    def _handle_exception(self, error: Exception) -> None:
        # Textual ends the app with a traceback on an exception nothing caught; a store
        # problem (the file damaged under the dashboard's first read) ends it with the same
        # clear line `verify` and `report` give instead (see start.run_app).
        if isinstance(error, StoreError):
            self.end_on(error)
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # Textual prints the traceback with each frame's local values (show_locals=True): a
        # PIN being checked, a customer's phone being saved (issue 25). Ours names the frames
        # and the error, never a value.
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()


def make_app(
    store: Store,
    settings: Settings,
    language: str,
    *,
    shift: Shift | None = None,
    demo: bool = False,
    signed_in: StaffMember | None = None,
    window: int | None = None,
) -> LobbyApp:
    """The one way to build the app: the command line and the tests both come here.
    Without `signed_in` it opens on the sign-in screen (the command line); tests that are
    not about signing in start with someone signed in."""
    from lobby_tui import line_breaks, wide_chars

    # How Rich and Textual draw, set once here before anything is drawn (each idempotent).
    make_stored_text_inert()  # stored control characters drawn as visible stand-ins
    wide_chars.apply()  # Chinese under pop-ups (Textual #6357): see the module
    line_breaks.apply()  # no line starts with ， or ）
    set_language(language)
    translate_textual_titles()
    return LobbyApp(
        store, settings, language, shift=shift, demo=demo, signed_in=signed_in, window=window
    )
