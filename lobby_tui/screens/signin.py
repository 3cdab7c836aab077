"""Who holds the tablet (R6.5): the first supervisor of a new database, the sign-in at
shift start, and the lock that covers everything when the tablet is left alone.

These screens cover the whole app: nothing of a customer or a case shows behind them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, OptionList, Static

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.staff import NAME_MAX, PIN_MAX, StaffMember
from lobby_tui.i18n import t
from lobby_tui.screens.base import StyledOnce
from lobby_tui.services import staff as service
from lobby_tui.store import StoreError
from lobby_tui.widgets.compact import fit_controls
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import Form, invalid_text
from lobby_tui.widgets.signin import WhoAndPin

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp
    from lobby_tui.services.shift import StillOpen


def demo_hint() -> str:
    """The demo's roster with its PINs, on its sign-in screen only (demo/staff.py)."""
    from lobby_tui.demo.staff import COUNTER_STAFF, ROSTER
    from lobby_tui.i18n import language

    zh_names = language() == "zh"
    people = [
        t("signin.demo_person", name=(zh if zh_names else en).replace(" ", "\u00a0"), pin=pin,
          role=t(f"staff.role.{role}"))
        for zh, en, role, pin in ROSTER
    ]  # fmt: skip
    # Everyone the sign-in lists has their PIN here too (issue 31.15): the windows' people
    # in a shorter form, the hint stays a few lines at 80 columns.
    windows = [
        f"{zh if zh_names else en}\u00a0{pin}".replace(" ", "\u00a0")
        for zh, en, _role, pin in COUNTER_STAFF
    ]
    return (
        t("signin.demo_hint", people=t("signin.demo_join").join(people))
        + "\n"
        + t("signin.demo_windows", people=" · ".join(windows))
    )


class Covering(StyledOnce, Screen[StaffMember]):
    """A screen that stands between the tablet and whoever picks it up."""

    # The centred box (styles/signin.tcss), shared with the handover's accept step.
    DEFAULT_CLASSES = "covering"
    GUIDE_SECTION = "signin"  # `?` (the PIN field's own key) opens the guide there

    @property
    def lobby_app(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    def on_resize(self) -> None:
        fit_controls(self, self.size.height)

    def title_text(self) -> str:
        app = self.lobby_app
        return f"{t('app.title')} — {app.settings.branch(app.language)}"

    def check(self, panel: WhoAndPin, staff_id: str | None, pin: str, unlocking: bool) -> None:
        panel.say("")
        try:
            person = service.sign_in(self.lobby_app.store, staff_id, pin, unlocking=unlocking)
        except Invalid as exc:
            panel.say(invalid_text(exc))
            return
        except StoreError as exc:
            self.lobby_app.report_failure(exc)
            return
        self.dismiss(person)


class SignInScreen(Covering):
    """Shift start: pick your name, PIN, Enter."""

    def compose(self) -> ComposeResult:
        store = self.lobby_app.store
        with VerticalScroll(id="signin-box"):
            yield Static(self.title_text(), classes="signin-title")
            yield Static(t("signin.title"))
            if self.lobby_app.demo:  # first on the demo's first screen: who to sign in as
                yield Static(Text(demo_hint()), classes="signin-hint", id="demo-hint")
            yield WhoAndPin(
                service.roster(store, active_only=True),
                service.last_signed_in(store),
                button=t("signin.go"),
            )

    @on(WhoAndPin.Submitted)
    def _submitted(self, event: WhoAndPin.Submitted) -> None:
        self.check(event.panel, event.staff_id, event.pin, unlocking=False)


class LockScreen(Covering):
    """Left alone (or ctrl+l): no names, no cases, no text of any form. The PIN of whoever
    was signed in unlocks; a colleague's PIN unlocks too and makes them the actor."""

    def compose(self) -> ComposeResult:
        store = self.lobby_app.store
        with VerticalScroll(id="signin-box"):
            yield Static(self.title_text(), classes="signin-title")
            yield Static(t("lock.title"), id="lock-title")
            yield WhoAndPin(
                service.roster(store, active_only=True), store.actor, button=t("lock.go")
            )

    @on(WhoAndPin.Submitted)
    def _submitted(self, event: WhoAndPin.Submitted) -> None:
        self.check(event.panel, event.staff_id, event.pin, unlocking=True)


class FirstSupervisorScreen(Covering):
    """A new database: its first supervisor (name, PIN twice), who can then add the rest."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="signin-box"):
            yield Static(self.title_text(), classes="signin-title")
            yield Static(t("first.title"))
            with Form(fallback="name", id="first-form"):
                yield Field("name", label=t("first.name"), max_length=NAME_MAX)
                yield Field("pin", label=t("first.pin"), max_length=PIN_MAX + 1)
                yield Field("pin_again", label=t("first.pin_again"), max_length=PIN_MAX + 1)
            yield Button(t("first.go"), id="first-go", variant="primary")

    def on_mount(self) -> None:
        form = self.query_one(Form)
        for name in ("pin", "pin_again"):
            form.field(name).input.password = True
        form.field("name").input.focus()

    @on(Button.Pressed, "#first-go")
    def _go(self) -> None:
        form = self.query_one(Form)
        form.clear()
        values = form.values
        try:
            person = service.add_first_supervisor(
                self.lobby_app.store, values["name"], values["pin"], values["pin_again"]
            )
        except Invalid as exc:
            form.say(exc)
            return
        except StoreError as exc:
            self.lobby_app.report_failure(exc)
            return
        self.dismiss(person)

    def on_input_submitted(self) -> None:
        # Enter moves on to the next field, and from the last one adds the supervisor.
        focused = self.focused
        fields = list(self.query_one(Form).fields.values())
        for i, field in enumerate(fields):
            if field.input is focused and i + 1 < len(fields):
                fields[i + 1].input.focus()
                return
        self._go()


class AcceptShift(ModalScreen[StaffMember]):
    """The incoming manager accepts the shift with their name and PIN, told who hands over
    to whom and what they take on (issue 31.11)."""

    DEFAULT_CLASSES = "covering"
    BINDINGS = [Binding("escape", "app.pop_screen", show=False)]
    GUIDE_SECTION = "handover"

    def __init__(self, still_open: StillOpen | None = None) -> None:
        super().__init__()
        self.still_open = still_open

    @property
    def lobby_app(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    def on_resize(self) -> None:
        fit_controls(self, self.size.height)

    def compose(self) -> ComposeResult:
        store = self.lobby_app.store
        leaving = store.actor
        people = service.roster(store, active_only=True)
        self.leaving_name = next((p.name for p in people if p.id == leaving), "—")
        incoming = next((p.id for p in people if p.id != leaving), None)
        with VerticalScroll(id="signin-box"):
            yield Static(t("accept.title"), classes="signin-title")
            yield Static(id="accept-who")
            if self.still_open is not None:
                yield Static(open_text(self.still_open), id="accept-open")
            yield WhoAndPin(people, incoming, button=t("handover.accept_go"))

    def on_mount(self) -> None:
        self.show_who()

    @on(OptionList.OptionHighlighted)
    def show_who(self) -> None:
        """Who hands over to whom: the person shown in the list is the one accepting."""
        panel = self.query_one(WhoAndPin)
        chosen = next((p.name for p in panel.people if p.id == panel.staff_id), "…")
        self.query_one("#accept-who", Static).update(
            Text(t("accept.from_to", leaving=self.leaving_name, incoming=chosen), style="bold")
        )

    @on(WhoAndPin.Submitted)
    def _submitted(self, event: WhoAndPin.Submitted) -> None:
        from lobby_tui.services.shift import check_receiver

        app = self.lobby_app
        event.panel.say("")
        try:
            person = service.authenticate(app.store, event.staff_id, event.pin)
            check_receiver(app.store, app.settings, person.id)
        except Invalid as exc:
            event.panel.say(invalid_text(exc))
            return
        except StoreError as exc:
            app.report_failure(exc)
            return
        self.dismiss(person)


def open_text(still: StillOpen) -> Text:
    """What the incoming manager takes on, in counts (the handover lists each one)."""
    if not (still.complaints or still.incidents or still.tasks or still.waiting):
        return Text(t("accept.nothing_open"))
    return Text(
        t(
            "accept.open",
            complaints=still.complaints,
            incidents=still.incidents,
            tasks=still.tasks,
            waiting=still.waiting,
        )
    )
