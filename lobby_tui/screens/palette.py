"""The command palette (ctrl+p): places and commands found by any name a manager would type,
in either language, and the palette's own words in the manager's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets.option_list import Option

from lobby_tui.i18n import CATALOGS, t
from lobby_tui.screens.base import TranslatedKeys


@dataclass(frozen=True)
class PaletteCommand:
    """One line of the palette: what it shows, and every name it is found by."""

    title: str
    help: str
    run: Callable[[], object]
    names_key: str
    """The catalog key of the names (`cmd.names.…`): `|`-separated, in each language."""

    def names(self) -> list[str]:
        """The names in both languages: a manager typing 交接班 in the English app (or
        "handover" in the Chinese one) still gets there."""
        found: list[str] = []
        for catalog in CATALOGS.values():
            found.extend(name.strip() for name in catalog[self.names_key].split("|"))
        return [name for name in found if name]


class HasCommands(Protocol):
    def palette_commands(self) -> list[PaletteCommand]: ...


class LobbyCommands(Provider):
    """The app's commands, matched on their title and on every name they have."""

    def commands(self) -> list[PaletteCommand]:
        return cast(HasCommands, self.app).palette_commands()

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.title)
            shown = matcher.highlight(command.title) if score else Content(command.title)
            best = max([score, *(matcher.match(name) for name in command.names())])
            if best > 0:
                yield Hit(best, shown, command.run, text=command.title, help=command.help)


class LobbyPalette(TranslatedKeys, CommandPalette):
    """Textual's palette, with its prompt, keys and "No matches found" in the manager's
    language."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("cmd.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2's own method, saying "No matches found" in English; the same, translated.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if not search_value:  # nothing typed: no need to say nothing was found
                self._list_visible = False
                return
            said = Align.center(Text(t("cmd.no_matches"), style="not bold"))
            self.query_one(CommandList).add_option(Option(said, disabled=True, id=self._NO_MATCHES))
            self._list_visible = True

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
