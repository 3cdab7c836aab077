"""The staff roster (palette, supervisors only): add a person, deactivate or bring back,
change a PIN. The service checks the rules (the last supervisor stays; only a supervisor
changes anything); this screen says what it refused beside the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, OptionList, Select, Static
from textual.widgets.option_list import Option

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.staff import NAME_MAX, PIN_MAX, ROLES, StaffMember
from lobby_tui.i18n import t
from lobby_tui.services import staff as service
from lobby_tui.store import StoreError
from lobby_tui.widgets.compact import fit_controls
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import FieldError, Form

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


class RosterScreen(Screen[None]):
    DEFAULT_CSS = """
    RosterScreen #roster-body { padding: 0 1; }
    RosterScreen #roster-people { height: auto; max-height: 12; }
    RosterScreen .roster-title { text-style: bold; margin-top: 1; }
    RosterScreen Horizontal { height: auto; }
    RosterScreen Horizontal > Button { margin-right: 1; }
    RosterScreen Select { width: 30; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "roster.back")]
    GUIDE_SECTION = "signin"  # the guide's section on who holds the tablet

    def __init__(self) -> None:
        super().__init__(id="roster")
        self.people: list[StaffMember] = []

    @property
    def lobby_app(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="roster-body"):
            yield Static(t("roster.title"), classes="roster-title")
            yield Static(t("roster.help"))
            yield OptionList(id="roster-people")
            yield Static(t("roster.chosen_title"), classes="roster-title")
            with Form(fallback="staff", id="chosen-form"):
                yield Static(t("roster.none_chosen"), id="chosen-name")
                yield Field("pin", label=t("roster.new_pin"), max_length=PIN_MAX + 1)
                yield FieldError("staff", "who", id="chosen-error")
                with Horizontal():
                    yield Button(t("roster.change_pin"), id="change-pin")
                    yield Button(t("roster.deactivate"), id="toggle-active", variant="warning")
            yield Static(t("roster.add_title"), classes="roster-title")
            with Form(
                fallback="name", id="add-form", aliases={"pin": "add_pin", "pin_again": "add_pin"}
            ):
                yield Field("name", label=t("roster.name"), max_length=NAME_MAX)
                yield Select(
                    [(t(f"staff.role.{role}"), role) for role in ROLES],
                    value="lobby_manager",
                    allow_blank=False,
                    id="add-role",
                )
                yield FieldError("role")
                yield Field("add_pin", label=t("roster.pin"), max_length=PIN_MAX + 1)
                yield Button(t("roster.add"), id="add", variant="primary")
            yield Button(t("roster.back"), id="back")

    def on_mount(self) -> None:
        for field in self.query(Field):
            if field.field_name in ("pin", "add_pin"):
                field.input.password = True
        self.show_people()
        self.query_one("#roster-people", OptionList).focus()

    def on_resize(self) -> None:
        fit_controls(self, self.size.height)  # as on every place of the app

    def show_people(self, keep: str | None = None) -> None:
        self.people = service.roster(self.lobby_app.store)
        people = self.query_one("#roster-people", OptionList)
        people.clear_options()
        people.add_options(
            Option(
                Text.assemble(
                    p.name,
                    ("  ·  " + t(f"staff.role.{p.role}"), "dim"),
                    (
                        "  ·  " + t("roster.active" if p.active else "roster.inactive"),
                        "" if p.active else "bold",
                    ),
                ),  # fmt: skip
                id=p.id,
            )
            for p in self.people
        )
        if keep is not None:
            people.highlighted = people.get_option_index(keep)
            self.choose(keep)

    @property
    def chosen(self) -> StaffMember | None:
        people = self.query_one("#roster-people", OptionList)
        if people.highlighted is None:
            return None
        staff_id = people.get_option_at_index(people.highlighted).id
        return next((p for p in self.people if p.id == staff_id), None)

    @on(OptionList.OptionHighlighted, "#roster-people")
    def _highlighted(self) -> None:
        person = self.chosen
        if person is not None:
            self.choose(person.id)

    def choose(self, staff_id: str) -> None:
        person = next((p for p in self.people if p.id == staff_id), None)
        if person is None:
            return
        self.query_one("#chosen-name", Static).update(
            Text(f"{person.name} · {t(f'staff.role.{person.role}')}")
        )
        toggle = self.query_one("#toggle-active", Button)
        toggle.label = t("roster.deactivate" if person.active else "roster.reactivate")

    def act(self, form: Form, action: object) -> bool:
        """Run a roster change; bad input beside its field, a store problem reported."""
        form.clear()
        try:
            assert callable(action)
            action()
        except Invalid as exc:
            form.say(exc)
            return False
        except StoreError as exc:
            self.lobby_app.report_failure(exc)
            return False
        return True

    @on(Button.Pressed, "#add")
    def add(self) -> None:
        form = self.query_one("#add-form", Form)
        values = form.values
        role = self.query_one("#add-role", Select).value
        store = self.lobby_app.store
        name = values["name"]
        if self.act(form, lambda: service.add_staff(store, name, str(role), values["add_pin"])):
            form.reset()
            self.show_people()
            self.notify(t("roster.added", name=name.strip()), markup=False)

    @on(Button.Pressed, "#change-pin")
    def change_pin(self) -> None:
        form = self.query_one("#chosen-form", Form)
        person = self.chosen
        if person is None:
            form.tell("staff", t("roster.none_chosen"))
            return
        pin = form.values["pin"]
        if self.act(form, lambda: service.change_pin(self.lobby_app.store, person.id, pin)):
            form.field("pin").input.value = ""
            self.notify(t("roster.pin_changed", name=person.name), markup=False)

    @on(Button.Pressed, "#toggle-active")
    def toggle_active(self) -> None:
        form = self.query_one("#chosen-form", Form)
        person = self.chosen
        if person is None:
            form.tell("staff", t("roster.none_chosen"))
            return
        store = self.lobby_app.store
        if self.act(form, lambda: service.set_active(store, person.id, not person.active)):
            said = "roster.reactivated" if not person.active else "roster.deactivated"
            self.show_people(keep=person.id)
            self.notify(t(said, name=person.name), markup=False)

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        self.app.pop_screen()
