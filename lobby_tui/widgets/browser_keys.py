"""Keys that survive a browser (`lobby serve`, R6.6).

A browser keeps some keys for itself before the page sees them: ctrl+n, ctrl+t and ctrl+w
open and close windows and tabs, F5 and ctrl+r reload the page (which ends the session).
Every action on such a key has a twin on a key that reaches the app. Both always work; the
footer shows the twin when the app is served to a browser (`lobby serve` sets LOBBY_SERVED
for every session it starts), the usual key otherwise."""

from __future__ import annotations

import dataclasses
import os

from textual.binding import Binding

SERVED_ENV = "LOBBY_SERVED"
RESERVED = frozenset({"ctrl+n", "ctrl+t", "ctrl+w", "f5", "ctrl+r"})
# The key the browser keeps -> the key that reaches the app in every browser we know of
# (F9 and ctrl+b, ctrl+y are neither reserved nor taken by the app's inputs).
BROWSER_SAFE = {"f5": "f9", "ctrl+n": "ctrl+b", "ctrl+r": "ctrl+y"}


def served() -> bool:
    """This app runs in a browser session started by `lobby serve`."""
    return os.environ.get(SERVED_ENV) == "1"


def with_browser_twin(binding: Binding) -> list[Binding]:
    """`binding`, and its twin when its key is one a browser keeps."""
    safe = BROWSER_SAFE.get(binding.key)
    if safe is None:
        return [binding]
    in_browser = served()
    usual = dataclasses.replace(binding, show=binding.show and not in_browser)
    twin = dataclasses.replace(
        binding,
        key=safe,
        key_display=safe.upper() if safe.startswith("f") else None,
        show=in_browser,
        id=f"{binding.id}.browser" if binding.id else None,
    )
    return [usual, twin]


def key_to_say(key: str) -> str:
    """How a text names the key for an action: its twin when served ("F9", "Ctrl+B")."""
    if served():
        key = BROWSER_SAFE.get(key, key)
    return "+".join(part.capitalize() if len(part) > 2 else part.upper() for part in key.split("+"))
