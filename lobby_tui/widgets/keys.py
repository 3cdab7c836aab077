"""Letter shortcuts act only where the manager expects them. A key typed into a text field
is text (Textual's Input and TextArea keep it); a key typed while a select has the focus
belongs to the select — it opens on the choice that starts with it — and never reaches the
place's shortcuts (a reason typed after a Tab must not change the need or log a reminder)."""

from __future__ import annotations

from textual import events
from textual.widget import Widget


def select_takes(focused: Widget | None, event: events.Key) -> bool:
    """If `focused` is a closed select and `event` a character, give it to the select's
    list (opened) and keep it from everyone else. Space, Enter and arrows stay the select's
    own keys (they open it)."""
    from textual.widgets import OptionList, Select  # not on the sign-in's path (issue 33)

    character = event.character
    if not isinstance(focused, Select) or character is None:
        return False
    if not character.isprintable() or character.isspace():
        return False
    if character in "?？":  # no choice starts with one: it is the app's help key (the guide)
        return False
    event.stop()
    event.prevent_default()  # not the screen's, nor the app's bindings
    focused.action_show_overlay()
    choices = focused.query_one(OptionList)
    choices.post_message(events.Key(event.key, character))  # jumps to the matching choice
    return True
