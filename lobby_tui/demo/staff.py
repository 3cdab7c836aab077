"""The demo's roster: four people with PINs anyone trying the demo can read on its sign-in
screen (signin.demo_hint says the same names and PINs). Never used outside the demo."""

from __future__ import annotations

from lobby_tui.services.staff import add_staff
from lobby_tui.store import Store

# (name in Chinese, name in English, role, PIN)
ROSTER = (
    ("王芳", "Wang Fang", "supervisor", "2580"),
    ("李明", "Li Ming", "lobby_manager", "1234"),
    ("张伟", "Zhang Wei", "security", "4321"),
    ("陈静", "Chen Jing", "teller", "5678"),
)


def seed_roster(store: Store, lang: str) -> dict[str, str]:
    """The roster, by role: staff ids. The supervisor goes first (the only one who may add
    the rest), so the others are added as by her."""
    ids: dict[str, str] = {}
    for zh, en, role, pin in ROSTER:
        ids[role] = add_staff(store, zh if lang == "zh" else en, role, pin)
        if role == "supervisor":
            store.actor = ids[role]
    store.actor = None
    return ids
