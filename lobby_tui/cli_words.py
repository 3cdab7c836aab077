"""click's own words (Usage, Options, "Show this message and exit.", its error lines) in the
manager's language.

click marks them for gettext (`from gettext import gettext as _` in each of its modules) but
ships no translations, and gettext wants compiled catalog files. We point those modules'
`_` and `ngettext` at our catalogs instead: an entry `click.<click's English>` says it in
the current language; anything click says that we have no entry for stays as click wrote
it. Written against click 8.1–8.5 (the messages are the same).

click also measures and wraps help text by characters, so a Chinese line (two columns a
character) ran twice as wide as the terminal, broke only at spaces and lost the option
column's alignment. Text with Chinese in it is measured in columns and wrapped here, between
any two characters, never starting a line with a closing mark such as `，` or `）`; English
help is left to click as it was.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from unicodedata import east_asian_width

from click._compat import strip_ansi

from lobby_tui.i18n import CATALOGS, language

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types")
# Marks a Chinese line may not start with: they close what the line before said.
NO_LINE_START = "，。、；：！？）》」』】%,.;:!?)"


def say(message: str) -> str:
    """click's `message` in the current language (a template click fills in itself)."""
    return CATALOGS[language()].get(f"click.{message}", message)


def say_count(singular: str, plural: str, count: int) -> str:
    return say(singular if count == 1 else plural)


def columns(text: str) -> int:
    """How many terminal columns `text` takes (a Chinese character two)."""
    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def is_wide(text: str) -> bool:
    return any(east_asian_width(char) in "WF" for char in text)


# A Chinese character or mark is a word of its own; other text breaks at spaces.
_WORDS = re.compile(
    r"\s+|[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+"
)


def wrap_lines(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` as lines of at most `width` columns (indents included; a word longer than a
    line overflows it), no line starting with a closing mark."""
    lines: list[list[str]] = [[]]
    room = width - columns(first)
    used = 0
    for word in _WORDS.findall(" ".join(text.split("\n"))):
        line = lines[-1]
        if word.isspace():
            if line and line[-1] != " ":
                line.append(" ")
                used += 1
            continue
        if word[0] in NO_LINE_START and line and line[-1] == " ":
            line.pop()  # no space before a closing mark
            used -= 1
        size = columns(word)
        if used + size > room and any(part != " " for part in line):
            while line and line[-1] == " ":
                line.pop()
            carried: list[str] = []
            # A closing mark takes the word it closes along (and a mark before it, too).
            while (carried or [word])[0][0] in NO_LINE_START and len(line) > 1:
                if line[-1] == " ":
                    break
                carried.insert(0, line.pop())
            lines.append(carried)
            room, used = width - columns(rest), sum(columns(part) for part in carried)
        lines[-1].append(word)
        used += size
    indents = [first] + [rest] * (len(lines) - 1)
    return [indent + "".join(line).rstrip() for indent, line in zip(indents, lines, strict=True)]


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's `formatting.wrap_text`, in columns when there is Chinese to wrap."""
    if not is_wide(text + initial_indent):
        return _click_wrap_text(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    paragraphs = re.split(r"\n\s*\n", text) if preserve_paragraphs else [text]
    return "\n\n".join(
        "\n".join(wrap_lines(part.strip(), width, initial_indent, subsequent_indent))
        for part in paragraphs
    )


def short_help(help: str, max_length: int = 45) -> str:  # noqa: A002 (click's name)
    """click's short help for the command list: its first sentence; in Chinese up to the
    first 。 (click looks for a full stop), wrapped rather than cut."""
    if not is_wide(help):
        return str(_click_short_help(help, max_length))
    first = help.partition("\n\n")[0].strip()
    return first.split("。")[0] + ("。" if "。" in first else "")


def speak_click() -> None:
    """Have click say its own words through our catalogs (once is enough: the language is
    looked up each time click speaks), and measure and wrap Chinese in columns."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = say  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = say_count  # type: ignore[attr-defined]
    formatting = importlib.import_module("click.formatting")
    if formatting.wrap_text is not wrap_text:
        _originals["wrap_text"] = formatting.wrap_text
        formatting.wrap_text = wrap_text  # type: ignore[attr-defined]
        formatting.term_len = lambda text: columns(strip_ansi(text))  # type: ignore[attr-defined]
    core = importlib.import_module("click.core")
    for name in ("_make_default_short_help", "make_default_short_help"):
        found = getattr(core, name, None)
        if found is not None and found is not short_help:
            _originals["short_help"] = found
            setattr(core, name, short_help)


_originals: dict[str, Callable[..., str]] = {}


def _click_wrap_text(*args: object) -> str:
    return _originals["wrap_text"](*args)


def _click_short_help(*args: object) -> str:
    return _originals["short_help"](*args)
