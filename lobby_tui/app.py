"""LobbyApp: the seven places, the keys that reach them, the palette, themes and language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePath
from typing import ClassVar

from rich.console import RenderableType
from textual import events
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from lobby_tui.content import ContentError
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staff import StaffMember
from lobby_tui.i18n import set_language, t
from lobby_tui.screens.base import BackgroundReads, LobbyScreen
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.services.shift import Shift
from lobby_tui.store import Store, StoreError
from lobby_tui.themes import BY_SETTING, DEFAULT, HIGH_CONTRAST
from lobby_tui.widgets.browser_keys import with_browser_twin
from lobby_tui.widgets.topbar import TopBar

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
ROUND_CHECK_SECONDS = 30
IDLE_CHECK_SECONDS = 5  # how often the idle lock looks; a key costs only a flag (R6.5)
# What a covering screen (sign-in, lock) leaves working: nothing that shows the lobby's
# places or their records.
BLOCKED_WHILE_COVERED = frozenset({"go", "flag_incident", "command_palette", "lock"})


def _place_screen(place: str) -> Screen[None]:
    # Imported when first shown: start-up pays only for the dashboard.
    from importlib import import_module

    module, name = SCREENS[place]
    screen: Screen[None] = getattr(import_module(f"lobby_tui.screens.{module}"), name)()
    return screen


SCREENS = {
    "checklist": ("checklist", "ChecklistScreen"),
    "triage": ("triage", "TriageScreen"),
    "rounds": ("rounds", "RoundsScreen"),
    "complaints": ("complaints", "ComplaintsScreen"),
    "incidents": ("incidents", "IncidentsScreen"),
    "handover": ("handover", "HandoverScreen"),
}


class LobbyApp(App[None]):
    TITLE = "lobby_tui"
    # Every stylesheet is read once at start: a screen's own CSS_PATH would be parsed (and the
    # whole stylesheet refreshed) when it is first shown, which at start costs paint time.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/app.tcss", "styles/dashboard.tcss"]
    # The dashboard is the default screen, not a MODES entry: Textual refreshes all CSS when
    # it builds a mode's first screen, and the dashboard is on the start-up path.
    MODES: ClassVar[dict[str, str | partial[Screen[None]]]] = {  # type: ignore[assignment]
        place: partial(_place_screen, place) for place, _key in PLACES if place != "dashboard"
    }
    DEFAULT_MODE = "dashboard"
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
        Binding(LOCK_KEY, "lock", "nav.lock", id="nav.lock", show=False, priority=True),
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
        self.signed_in = signed_in
        """Who holds the tablet (R6.5). None: the app opens on the sign-in screen."""
        if signed_in is not None:
            store.actor = signed_in.id
        self.covered = False
        """A sign-in or lock screen covers everything: the places' keys do nothing."""
        self.touched = False
        """A key or tap since the idle check last looked (set per key: nothing else)."""
        self.last_touch: datetime | None = None
        self.register_theme(DEFAULT)
        self.register_theme(HIGH_CONTRAST)
        self.theme = BY_SETTING.get(settings.theme, DEFAULT.name)

    def get_default_screen(self) -> Screen[None]:
        return DashboardScreen()

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
        # Its stack already exists (the default screen); naming it lets F1 switch back to it.
        self.add_mode("dashboard", DashboardScreen)
        self.round_reminded: datetime | None = None
        self.set_interval(ROUND_CHECK_SECONDS, self.remind_round)
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.warn_about_content()
        if self.signed_in is None:
            self.ask_who()

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
        from lobby_tui.services.rounds import lobby_closed, open_round, tally

        store, settings = self.store, self.settings
        now = store.clock.now()
        day = business_day(now, settings.timezone)
        if lobby_closed(settings, day, now):
            return

        def read() -> datetime | None:
            """When the next round is due, or None while one is being walked."""
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
        if place == self.current_mode:
            # Let the screen's own binding for this key act (F3 on triage: next walk-in).
            raise SkipAction()
        self.go(place)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.covered and action in BLOCKED_WHILE_COVERED:
            return False
        # The footer leaves out the place you are in: it keeps the row short enough for
        # 80 columns in either language.
        return not (action == "go" and parameters and parameters[0] == self.current_mode)

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
            )
        except Invalid as exc:
            self.notify(t(f"invalid.{exc.key}", **exc.params), severity="error")
            return
        except StoreError as exc:
            self.report_failure(exc)
            return
        self.notify(t("flag.saved"), timeout=3)
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
        self.language = language
        self.title = t("app.title")
        for screen in self.lobby_screens():
            screen.retranslate()
        self.remember("language", language)

    def switch_theme(self, setting: str) -> None:
        self.theme = BY_SETTING[setting]
        self.remember("theme", setting)
        if isinstance(self.screen, DashboardScreen):
            self.screen.render_panels()

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

    def action_command_palette(self) -> None:
        # Textual's own palette, with the search prompt in the manager's language.
        from textual.command import CommandPalette

        if self.covered:
            return
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                CommandPalette(placeholder=t("cmd.placeholder"), id="--command-palette")
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for place, key in PLACES:
            yield SystemCommand(
                t("cmd.go", place=t(f"nav.{place}")),
                t(f"nav.{place}.tip") + f" ({key.upper()})",
                partial(self.go, place),
            )
        yield SystemCommand(
            t("nav.flag"), t("nav.flag.tip") + f" ({FLAG_KEY.upper()})", self.action_flag_incident
        )
        other = "en" if self.language == "zh" else "zh"
        yield SystemCommand(
            t(f"cmd.language.{other}"), t("cmd.language.help"), partial(self.switch_language, other)
        )
        if self.theme == HIGH_CONTRAST.name:
            yield SystemCommand(
                t("cmd.theme.default"), t("cmd.theme.help"), partial(self.switch_theme, "default")
            )
        else:
            yield SystemCommand(
                t("cmd.theme.contrast"),
                t("cmd.theme.help"),
                partial(self.switch_theme, "high-contrast"),
            )
        yield SystemCommand(t("cmd.lock"), t("cmd.lock.help") + " (ctrl+l)", self.action_lock)
        if self.signed_in is not None and self.signed_in.supervisor:
            yield SystemCommand(t("cmd.roster"), t("cmd.roster.help"), self.open_roster)
        yield SystemCommand(t("cmd.keys"), t("cmd.keys.help"), self.action_show_help_panel)
        yield SystemCommand(t("cmd.quit"), t("cmd.quit.help"), self.exit)

    # Errors ---------------------------------------------------------------------------

    def report_failure(self, error: BaseException | None) -> None:
        """The one place a failed background read or write is told to the manager.

        Screens forward their workers' failures here (worker messages do not bubble)."""
        if isinstance(error, StoreError | ContentError):
            message = t(f"error.{error.key}", **error.params)
        else:
            message = t("error.unexpected", detail=repr(error))
        # Not markup: a file's problem may quote a pattern like [a-z_] that markup would eat.
        self.notify(message, severity="error", timeout=10, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.report_failure(event.worker.error)

    def _handle_exception(self, error: Exception) -> None:
        # Textual ends the app with a traceback on an exception nothing caught; a store
        # problem (the file damaged under the dashboard's first read) ends it with the same
        # clear line `verify` and `report` give instead (see start.run_app).
        if isinstance(error, StoreError):
            self.store_failure = error
            self.exit(return_code=1)
            return
        super()._handle_exception(error)


def make_app(
    store: Store,
    settings: Settings,
    language: str,
    *,
    shift: Shift | None = None,
    demo: bool = False,
    signed_in: StaffMember | None = None,
) -> LobbyApp:
    """The one way to build the app: the command line and the tests both come here.
    Without `signed_in` it opens on the sign-in screen (the command line); tests that are
    not about signing in start with someone signed in."""
    set_language(language)
    return LobbyApp(store, settings, language, shift=shift, demo=demo, signed_in=signed_in)
