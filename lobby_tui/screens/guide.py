"""The manager's guide in the app: `?` on any place opens it at that place's section, in the
language the app is shown in; Escape closes it.

The guide is the Markdown of docs/guide/ (shipped in the wheel as lobby_tui/_guide, see
content.guide_file), shown with Textual's MarkdownViewer. Its sections carry stable anchors,
the same in both languages (`## <a id="triage"></a>Arrival triage`): Textual finds an anchor
by the slug of a heading's words, which in Chinese would change with every rewording, so
the viewer here goes to these ids itself and leaves every other link to Textual.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath
from typing import ClassVar

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Markdown, MarkdownViewer, Static

from lobby_tui.content import guide_file
from lobby_tui.i18n import t

# A place (or a covering screen) -> its section's anchor in both guides.
SECTIONS: dict[str, str] = {
    "dashboard": "lobby",
    "checklist": "checklist",
    "triage": "triage",
    "rounds": "rounds",
    "complaints": "complaints",
    "incidents": "incidents",
    "handover": "handover",
    "counter": "counter",
    "signin": "sign-in",
}
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)">')  # markdown-it gives the opening tag alone


def anchors(markdown: str) -> dict[str, int]:
    """Each explicit anchor -> the index of its heading among the document's top-level
    headings (the order of Textual's table of contents)."""
    found: dict[str, int] = {}
    index = -1
    tokens = MarkdownIt("gfm-like").parse(markdown)
    for at, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0:
            continue
        index += 1
        inline = tokens[at + 1]
        for child in inline.children or []:
            match = ANCHOR.fullmatch(child.content) if child.type == "html_inline" else None
            if match:
                found[match.group(1)] = index
    return found


class GuideViewer(MarkdownViewer):
    """A MarkdownViewer that also goes to the guide's own anchors (`#triage`)."""

    def __init__(self, markdown: str, start: str) -> None:
        super().__init__(markdown, show_table_of_contents=False, open_links=False, id="guide")
        self.section_at = anchors(markdown)
        self.first_section = start
        """The anchor shown first, once the document is drawn."""
        self.shown: str | None = None
        """The anchor last gone to (None: not yet)."""

    def on_markdown_table_of_contents_updated(
        self, _event: Markdown.TableOfContentsUpdated
    ) -> None:
        # The document is built (this message ends every update): once it is laid out, go
        # to the place's section.
        self.call_after_refresh(self.show_section, self.first_section)

    def show_section(self, anchor: str) -> bool:
        index = self.section_at.get(anchor)
        contents = self.document.table_of_contents
        if index is None or index >= len(contents):
            return False
        heading = self.document.query_one(f"#{contents[index][2]}")
        self.scroll_to_widget(heading, top=True, animate=False, immediate=True)
        self.shown = anchor
        return True

    async def go(self, location: str | PurePath) -> None:
        path, anchor = Markdown.sanitize_location(str(location))
        if path == Path(".") and anchor in self.section_at:
            self.show_section(anchor)
            return
        await super().go(location)


class GuideScreen(ModalScreen[None]):
    """The guide over whatever was on screen; Escape (or a place's key) closes it."""

    DEFAULT_CSS = """
    GuideScreen { background: $background; }
    GuideScreen #guide-title { dock: top; height: 1; padding: 0 1; background: $panel;
                               text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    GuideScreen #guide-keys { dock: bottom; height: 1; padding: 0 1; background: $panel;
                              text-wrap: nowrap; text-overflow: ellipsis; }
    GuideScreen MarkdownViewer { height: 1fr; }
    GuideScreen #guide-missing { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "help.close", show=False),
    ]
    CLOSED_BY_PLACE_KEYS = True
    """The app's place keys (F1-F8) close the guide on their way to the place."""

    def __init__(self, section: str, language: str) -> None:
        super().__init__(id="guide-screen")
        self.section = section
        self.first_anchor = SECTIONS.get(section, SECTIONS["dashboard"])
        self.path = guide_file(language)

    def compose(self) -> ComposeResult:
        yield Static(t("help.title", place=t(f"help.section.{self.section}")), id="guide-title")
        text = self.read()
        if text is None:
            yield Static(t("help.missing"), id="guide-missing")
        else:
            yield GuideViewer(text, self.first_anchor)
        yield Static(t("help.keys"), id="guide-keys")

    def read(self) -> str | None:
        if self.path is None:
            return None
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def on_mount(self) -> None:
        for viewer in self.query(GuideViewer):
            viewer.document.focus()  # the arrow keys and PgUp/PgDn scroll it at once

    def action_close(self) -> None:
        self.dismiss(None)
