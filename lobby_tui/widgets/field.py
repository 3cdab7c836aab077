"""A form field with its message beside it: bad input is said where it was typed, in the
user's language, and what was typed stays."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static


def plain(message: str | Text) -> Text:
    """A message as shown beside a field: plain text, because it may quote what was typed
    and a "[" must not read as markup."""
    return Text(message) if isinstance(message, str) else message


class Field(Vertical):
    DEFAULT_CSS = """
    Field { height: auto; width: 1fr; }
    Field > .field-label { color: $text-muted; height: 1; }
    Field > .field-label.-empty { display: none; }
    Field > Input { width: 1fr; }
    Field > .field-error { color: $error; height: auto; }
    Field > .field-error.-empty { display: none; }
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
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id or f"field-{name}")
        self.field_name = name
        self._label = label
        self._input = Input(
            value=value,
            placeholder=placeholder,
            max_length=max_length,
            restrict=restrict,
            id=f"input-{name}",
        )

    def compose(self) -> ComposeResult:
        yield Static(self._label, classes="field-label" + ("" if self._label else " -empty"))
        yield self._input
        yield Static("", classes="field-error -empty", id=f"error-{self.field_name}")

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    def say(self, message: str | Text) -> None:
        """Show `message` beside the field ('' clears it). The typed value is kept."""
        error = self.query_one(".field-error", Static)
        error.update(plain(message))
        error.set_class(not message, "-empty")

    def relabel(self, label: str, placeholder: str = "") -> None:
        self._label = label
        static = self.query_one(".field-label", Static)
        static.update(label)
        static.set_class(not label, "-empty")
        self._input.placeholder = placeholder
