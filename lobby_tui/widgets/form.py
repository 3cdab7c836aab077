"""Fields sent together: one place that clears their messages, says bad input beside the
field it names (domain.errors.Invalid carries that name), takes a message away once its
field is fixed, and empties the fields once used (a new record starts clean). Every form of
the app is one of these, so the plumbing is written once."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input, Static

from lobby_tui.domain.errors import Invalid
from lobby_tui.i18n import t
from lobby_tui.widgets.field import Field, plain


def invalid_text(exc: Invalid) -> str:
    """What bad input is told, in the user's language. Roles named in it (a refusal by
    role, R6.5) are said by their names in that language."""
    params = dict(exc.params)
    if isinstance(role := params.get("role"), str):
        params["role"] = t(f"staff.role.{role}") if role else "—"
    if isinstance(roles := params.get("roles"), tuple | list):
        params["roles"] = t("list.sep").join(t(f"staff.role.{r}") for r in roles)
    return t(f"invalid.{exc.key}", **params)


class FieldError(Static):
    """The message line of a control that is not a Field (a text area, a list, a row of
    choices). `names` are the fields it speaks for; `control` finds the control to focus,
    `{name}` standing for the field named."""

    DEFAULT_CSS = "FieldError { color: $error; height: auto; }"

    def __init__(self, *names: str, control: str | None = None, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, classes="field-error")
        self.names = names
        self.control = control
        self.said_with: dict[str, object] = {}
        """The values the message was said about (by control id): it goes once they change."""

    def say(self, message: str | Text, said_with: dict[str, object] | None = None) -> None:
        self.update(plain(message))
        self.said_with = dict(said_with or {}) if message else {}


def valued() -> tuple[type[Widget], ...]:
    """The controls that hold a value. Textual's TextArea, Select and the rest are loaded
    when first asked about, not by the sign-in, which has none of them (issue 33)."""
    from textual.widgets import Checkbox, Select, SelectionList, TextArea

    return (Input, TextArea, Select, Checkbox, SelectionList)


def value_of(control: Widget) -> object:
    """What a control holds, to see whether it changed since a message was said."""
    from textual.widgets import Checkbox, Select, SelectionList, TextArea

    if isinstance(control, Input):
        return control.value
    if isinstance(control, TextArea):
        return control.text
    if isinstance(control, Select | Checkbox):
        return control.value
    if isinstance(control, SelectionList):
        return tuple(control.selected)
    return None


class Form(Widget):
    """Holds its Fields (and FieldErrors) wherever they sit inside it.

    `aliases` maps a service's name for a field to the form's (``"promised_by"`` →
    ``"promised"``); bad input for a field the form does not hold goes to `fallback` (by
    default its first FieldError, else its first Field). With
    `focus`, the field that was said is focused so it can be fixed at once."""

    DEFAULT_CSS = "Form { height: auto; layout: vertical; }"

    def __init__(
        self,
        *children: Widget,
        aliases: Mapping[str, str] | None = None,
        fallback: str | None = None,
        focus: bool = False,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(*children, id=id, classes=classes)
        self.aliases = dict(aliases or {})
        self.fallback = fallback
        self.focus_said = focus

    @property
    def fields(self) -> dict[str, Field]:
        return {field.field_name: field for field in self.query(Field)}

    @property
    def values(self) -> dict[str, str]:
        """What is typed in each field, by the field's name."""
        return {name: field.value for name, field in self.fields.items()}

    def field(self, name: str) -> Field:
        return self.fields[name]

    def clear(self) -> None:
        """No message beside any field (what was typed stays)."""
        for field in self.query(Field):
            field.say("")
        for line in self.query(FieldError):
            line.say("")

    def say(self, exc: Invalid) -> None:
        """Bad input beside the field it names, and only there: a field fixed since the
        last try no longer shows its message."""
        self.tell(exc.field, invalid_text(exc))

    def tell(self, name: str, message: str | Text) -> None:
        """`message` beside the field `name` (or the fallback), the others cleared."""
        self.clear()
        name = self.aliases.get(name, name)
        fields = self.fields
        lines = {n: line for line in self.query(FieldError) for n in line.names}
        if name not in fields and name not in lines:
            # Nowhere better: the form's own line, else its first field.
            name = self.fallback or next(iter([*lines, *fields]), name)
        if name in fields:
            fields[name].say(message)
            if self.focus_said:
                fields[name].input.focus()
        elif name in lines:
            line = lines[name]
            # The message is about its control, or (a line for the whole form) about all.
            kinds = valued()
            about = (
                list(self.query(line.control.format(name=name)))
                if line.control
                else [c for c in self.query("*") if isinstance(c, kinds)]
            )
            line.say(message, {c.id: value_of(c) for c in about if c.id and isinstance(c, kinds)})
            if self.focus_said and line.control:
                self.query_one(line.control.format(name=name)).focus()

    # Each control's change, by handler name: the classes need not be loaded to be heard.
    def on_input_changed(self) -> None:
        self._fixed()

    def on_text_area_changed(self) -> None:
        self._fixed()

    def on_select_changed(self) -> None:
        self._fixed()

    def on_checkbox_changed(self) -> None:
        self._fixed()

    def on_selection_list_selected_changed(self) -> None:
        self._fixed()

    def _fixed(self) -> None:
        """A message said about a control goes once the control no longer holds what it
        was said about (a Field sees to its own)."""
        kinds = valued()
        for line in self.query(FieldError):
            if not line.said_with:
                continue
            now = {
                c.id: value_of(c)
                for c in self.query("*")
                if c.id in line.said_with and isinstance(c, kinds)
            }
            if now != line.said_with:
                line.say("")

    def reset(self, *parts: Widget) -> None:
        """Used: every field empty, every tick and choice undone, no message — in the whole
        form, or only in `parts` of it (a row saved on its own: who was told, and when)."""
        from textual.widgets import Checkbox, Select, SelectionList
        from textual.widgets.select import InvalidSelectValueError

        self.clear()
        within: list[Widget] = list(parts) or [self]
        for part in within:
            for field in part.query(Field):
                field.input.value = ""
            for box in part.query(Checkbox):
                box.value = False
            for chosen in part.query(SelectionList):
                chosen.deselect_all()
            for select in part.query(Select):
                with suppress(InvalidSelectValueError):  # a choice that cannot be blank stays
                    select.clear()
