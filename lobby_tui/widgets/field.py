"""A form field with its message beside it: bad input is said where it was typed, in the
user's language, and what was typed stays. The message goes as soon as the field is fixed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalGroup, Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from lobby_tui.domain.errors import Invalid
from lobby_tui.widgets.compact import compact_now


def plain(message: str | Text) -> Text:
    """A message as shown beside a field: plain text, because it may quote what was typed
    and a "[" must not read as markup."""
    return Text(message) if isinstance(message, str) else message


class FieldMessage(Static):
    """What is wrong with a field. Under a field in a row of fields (a time beside a
    choice and a button) it sits under the whole row, so it wraps as words across the
    row's width instead of in a column as narrow as a five-character field."""

    DEFAULT_CSS = """
    FieldMessage { color: $error; height: auto; width: 1fr; }
    FieldMessage.-empty { display: none; }
    """


class Field(Vertical):
    DEFAULT_CSS = """
    Field { height: auto; width: 1fr; }
    Field > .field-label { color: $text-muted; height: 1; }
    Field > .field-label.-empty { display: none; }
    Field > Input { width: 1fr; }
    """

    def __init__(
        self,
        name: str,
        *,
        label: str = "",
        placeholder: str = "",
        value: str = "",
        max_length: int = 0,
        restrict: str | None = None,
        check: Callable[[str], object] | None = None,
        id: str | None = None,  # noqa: A002
    ) -> None:
        """`check` is the domain's rule for what may be typed here (raising Invalid): a
        message stays while the field is still wrong by it, and goes once it is right."""
        super().__init__(id=id or f"field-{name}")
        self.field_name = name
        self._label = label
        self._input = Input(
            value=value,
            placeholder=placeholder,
            max_length=max_length,
            restrict=restrict,
            id=f"input-{name}",
            compact=compact_now(self),
        )
        self._error = FieldMessage("", classes="field-error -empty", id=f"error-{name}")
        self.check = check
        self.refused: str | None = None
        """What was typed when the message was said (None: no message shown)."""

    @property
    def in_row(self) -> bool:
        """Beside other controls: in a Horizontal, or a container laid out across by CSS
        (a form that is one row: a time, a purpose and a button)."""
        parent = self.parent
        if isinstance(parent, Horizontal | HorizontalGroup):
            return True
        layout = parent.styles.layout if isinstance(parent, Widget) else None
        return layout is not None and layout.name == "horizontal"

    def compose(self) -> ComposeResult:
        yield Static(self._label, classes="field-label" + ("" if self._label else " -empty"))
        yield self._input
        if not self.in_row:
            yield self._error

    def on_mount(self) -> None:
        row = self.parent
        if not self.in_row or not isinstance(row, Widget) or not isinstance(row.parent, Widget):
            return
        # Under the row, after the messages of the fields before this one in it.
        holder = row.parent
        after: Widget = row
        for sibling in holder.children[holder.children.index(row) + 1 :]:
            if not isinstance(sibling, FieldMessage):
                break
            after = sibling
        holder.mount(self._error, after=after)

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    @property
    def message(self) -> Static:
        return self._error

    def say(self, message: str | Text) -> None:
        """Show `message` beside the field ('' clears it). The typed value is kept."""
        self._error.update(plain(message))
        self._error.set_class(not message, "-empty")
        self.refused = self.value if message else None

    def fixed(self, value: str) -> bool:
        """Changed from what was refused, and right by the field's own rule if it has one."""
        if value == self.refused:
            return False
        if self.check is None:
            return True
        try:
            self.check(value)
        except Invalid:
            return False
        return True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if self.refused is not None and event.input is self._input and self.fixed(event.value):
            self.say("")

    def relabel(self, label: str, placeholder: str = "") -> None:
        self._label = label
        static = self.query_one(".field-label", Static)
        static.update(label)
        static.set_class(not label, "-empty")
        self._input.placeholder = placeholder
