"""Who is signing in: pick a name (type to filter the list), type the PIN, Enter.

The fast path is the PIN alone: the last person signed in is preselected and the PIN field
has the focus, so a 4-digit PIN is 5 keys. Up and Down in the PIN field move through the
names; typing in the name field filters them. Wherever the focus is, letters typed go to the
name search and digits to the PIN (issue 31.5: "Li Ming" typed into the PIN field left the
preselected supervisor chosen, and her lockout counted the next wrong PIN). Used by the
sign-in, lock and handover screens; it only gathers the answer (`WhoAndPin.Submitted`), the
screen checks it, against the person shown at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from lobby_tui.domain.staff import PIN_MAX, StaffMember
from lobby_tui.i18n import t
from lobby_tui.widgets.compact import compact_now
from lobby_tui.widgets.field import plain


class Sorted(Input):
    """A field of the who-and-PIN panel: a character typed here that belongs to the other
    field (a letter in the PIN, a digit in the name search) goes there instead."""

    takes_digits = False

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls Input's own _on_key after this one (handlers go down the MRO) unless
        # the default is prevented: a character handed on is typed only where it went.
        char = event.character
        if event.is_printable and char and char.isdigit() != self.takes_digits:
            panel = next((a for a in self.ancestors if isinstance(a, WhoAndPin)), None)
            if panel is not None:
                event.stop()
                event.prevent_default()
                panel.hand_on(char)


class PinInput(Sorted):
    """The PIN field: Up and Down choose the person without leaving it, and `?` opens the
    manager's guide (a PIN never holds one; elsewhere in a text field `?` is typed)."""

    takes_digits = True
    BINDINGS = [
        Binding("up", "person(-1)", show=False),
        Binding("down", "person(1)", show=False),
        # A field's own bindings come before its typing; the app's `?` would not (an
        # input takes every printable key from the keys above it).
        Binding("question_mark", "app.guide", show=False, priority=True),
    ]

    def action_person(self, step: int) -> None:
        people = self.parent.query_one(OptionList) if self.parent else None
        if people is None or not people.option_count:
            return
        at = people.highlighted if people.highlighted is not None else -1
        people.highlighted = max(0, min(people.option_count - 1, at + step))


class WhoAndPin(Vertical):
    DEFAULT_CSS = """
    WhoAndPin { height: auto; width: 1fr; }
    WhoAndPin > OptionList { height: auto; max-height: 8; }
    WhoAndPin > .signin-label { color: $text-muted; height: 1; }
    WhoAndPin > #signin-error { color: $error; height: auto; }
    WhoAndPin > #signin-error.-empty { display: none; }
    WhoAndPin > Button { margin-top: 1; }
    """

    @dataclass
    class Submitted(Message):
        panel: WhoAndPin
        staff_id: str | None
        pin: str

        @property
        def control(self) -> WhoAndPin:
            return self.panel

    def __init__(
        self,
        people: list[StaffMember],
        chosen: str | None,
        *,
        button: str,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.people = people
        self.chosen = chosen if any(p.id == chosen for p in people) else None
        self._button = button
        # Whether the next character handed to the name search or the PIN starts it anew.
        self.fresh_name = self.fresh_pin = True

    def compose(self) -> ComposeResult:
        yield Static(t("signin.who"), classes="signin-label")
        compact = compact_now(self)  # made as `fit_controls` would make them: styled once
        yield Sorted(placeholder=t("signin.filter"), id="signin-filter", compact=compact)
        yield OptionList(*self.options(""), id="signin-people")
        yield Static(t("signin.pin"), classes="signin-label")
        yield PinInput(
            password=True,
            max_length=PIN_MAX + 1,  # one too many is said, not silently cut
            placeholder=t("signin.pin_placeholder"),
            id="signin-pin",
            compact=compact,
        )
        yield Static("", id="signin-error", classes="-empty")
        yield Button(self._button, id="signin-go", variant="primary", compact=compact)

    def options(self, typed: str) -> list[Option]:
        typed = typed.strip().lower()
        return [
            Option(Text(f"{p.name}  ·  {t(f'staff.role.{p.role}')}"), id=p.id)
            for p in self.people
            if not typed or typed in p.name.lower()
        ]

    def on_mount(self) -> None:
        people = self.query_one(OptionList)
        if self.chosen is not None:
            people.highlighted = people.get_option_index(self.chosen)
        elif people.option_count:
            people.highlighted = 0
        self.query_one(PinInput).focus()

    @property
    def staff_id(self) -> str | None:
        people = self.query_one(OptionList)
        if people.highlighted is None:
            return None
        return people.get_option_at_index(people.highlighted).id

    def say(self, message: str) -> None:
        """Beside the PIN; the name and the PIN typed stay (the PIN selected, so typing
        again replaces it)."""
        error = self.query_one("#signin-error", Static)
        error.update(plain(message))
        self.fresh_name = self.fresh_pin = True
        error.set_class(not message, "-empty")
        pin = self.query_one(PinInput)
        pin.focus()
        pin.select_all()
        if message:  # below the PIN: on a short screen, scrolled into view
            self.call_after_refresh(error.scroll_visible, animate=False)

    def hand_on(self, char: str) -> None:
        """A character typed in the wrong field goes to its own, and the focus follows it.
        The first one since the panel opened or was last answered starts that field anew
        (a new name search, a new PIN); the next ones are added to it, so a fast typist's
        keys, some still on their way to the field they left, all arrive in order."""
        to_pin = char.isdigit()
        target: Input = (
            self.query_one(PinInput) if to_pin else self.query_one("#signin-filter", Input)
        )
        # Focused now, not after a refresh; and not selected on focus, which would make the
        # next key replace this one.
        target.select_on_focus = False
        self.screen.set_focus(target)
        target.call_later(setattr, target, "select_on_focus", True)
        fresh = self.fresh_pin if to_pin else self.fresh_name
        target.value = char if fresh else target.value + char
        target.cursor_position = len(target.value)
        if to_pin:
            self.fresh_pin = False
        else:
            self.fresh_name = False

    @on(Input.Changed, "#signin-filter")
    def _filter(self, event: Input.Changed) -> None:
        people = self.query_one(OptionList)
        people.clear_options()
        people.add_options(self.options(event.value))
        if people.option_count:
            people.highlighted = 0

    @on(Input.Changed, "#signin-pin")
    def _pin_typed(self) -> None:
        self.fresh_pin = False  # a PIN typed for this answer (handed on, or typed there)

    @on(OptionList.OptionSelected, "#signin-people")
    def _to_pin(self) -> None:
        self.query_one(PinInput).focus()

    @on(Input.Submitted, "#signin-filter")
    def _name_entered(self) -> None:
        """Enter after the name goes on to the PIN; after a name and a PIN typed in one go
        (Enter queued at the name search while the digits were handed on) it answers. A PIN
        left from an answer already given is never sent for the name typed since."""
        if self.fresh_pin:
            self._to_pin()
        else:
            self._submit()

    @on(Input.Submitted, "#signin-pin")
    @on(Button.Pressed, "#signin-go")
    def _submit(self) -> None:
        self.post_message(self.Submitted(self, self.staff_id, self.query_one(PinInput).value))
