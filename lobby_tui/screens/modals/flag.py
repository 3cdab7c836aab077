"""The flag dialog (R5): F8 from any screen, the type's key, Enter. The time is taken, the
zone, severity and a note are optional."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from lobby_tui.content import incident_catalogue
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.incidents import SEVERITIES, IncidentType, check_note
from lobby_tui.i18n import language, t
from lobby_tui.screens.base import TranslatedKeys
from lobby_tui.widgets.form import invalid_text
from lobby_tui.widgets.keys import select_takes


class FlagDialog(TranslatedKeys, ModalScreen[dict[str, str | None] | None]):
    """Returns what to raise (type, zone, severity, note), or None when cancelled."""

    GUIDE_SECTION = "incidents"

    DEFAULT_CSS = """
    FlagDialog { align: center middle; }
    FlagDialog > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%;
                            border: thick $error; background: $surface; padding: 0 1; }
    FlagDialog #flag-types { height: auto; max-height: 13; border: none; }
    FlagDialog Horizontal { height: auto; }
    FlagDialog Select { width: 1fr; }
    FlagDialog #flag-error { color: $error; height: auto; }
    FlagDialog .flag-title { text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "cancel", show=False),
        # A dialog keeps the app's keys out; the guide's comes in (the incidents' section).
        Binding("question_mark", "app.guide", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.catalogue = incident_catalogue()
        self.chosen: IncidentType | None = None

    def compose(self) -> ComposeResult:
        lang = language()
        with Vertical():
            yield Static(t("flag.title"), classes="flag-title")
            yield OptionList(
                *(
                    Option(Text.assemble((f"{k.key} ", "bold"), k.label.text(lang)), id=k.id)
                    for k in self.catalogue.type
                ),
                id="flag-types",
            )
            with Horizontal():
                yield Select(
                    [(z.label.text(lang), z.id) for z in self.catalogue.zone],
                    id="flag-zone",
                    prompt=t("flag.zone_prompt"),
                    compact=True,
                )
                yield Select(
                    [(t(f"severity.{s}"), s) for s in SEVERITIES],
                    id="flag-severity",
                    prompt=t("flag.severity_prompt"),
                    compact=True,
                )
            yield Input(placeholder=t("flag.note_placeholder"), id="flag-note", compact=True)
            yield Static("", id="flag-error")
            with Horizontal():
                yield Button(t("flag.save"), id="flag-save", variant="error", compact=True)
                yield Button(t("flag.cancel"), id="flag-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#flag-types", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        # A letter in the note, or while the zone or severity has the focus, is not a type.
        if select_takes(self.focused, event) or isinstance(self.focused, Input):
            return
        if not event.character:
            return
        kind = self.catalogue.by_key(event.character)
        if kind is not None:
            self.choose(kind)
            event.stop()
            event.prevent_default()

    def choose(self, kind: IncidentType) -> None:
        self.chosen = kind
        types = self.query_one("#flag-types", OptionList)
        types.highlighted = types.get_option_index(kind.id)
        self.query_one("#flag-severity", Select).value = kind.severity
        self.query_one("#flag-error", Static).update("")

    @on(OptionList.OptionSelected, "#flag-types")
    def selected(self, event: OptionList.OptionSelected) -> None:
        kind = self.catalogue.of(event.option.id or "")
        if self.chosen is not None and kind.id == self.chosen.id:
            self.save()
        else:
            self.choose(kind)

    @on(Button.Pressed, "#flag-save")
    @on(Input.Submitted, "#flag-note")
    def save(self) -> None:
        if self.chosen is None:
            self.query_one("#flag-error", Static).update(t("invalid.incident_type_missing"))
            return
        note = self.query_one("#flag-note", Input).value
        try:
            check_note(note)  # said here, before the dialog closes on it
        except Invalid as exc:
            self.query_one("#flag-error", Static).update(invalid_text(exc))
            return
        zone = self.query_one("#flag-zone", Select).value
        severity = self.query_one("#flag-severity", Select).value
        self.dismiss(
            {
                "type": self.chosen.id,
                "zone": None if zone is Select.NULL else str(zone),
                "severity": None if severity is Select.NULL else str(severity),
                "note": note,
            }
        )

    @on(Button.Pressed, "#flag-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
