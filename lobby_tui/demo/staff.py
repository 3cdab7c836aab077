"""The demo's roster: everyone on it with a PIN anyone trying the demo can read on its
sign-in screen (signin.demo_hint and demo_windows say the same names and PINs). Never used
outside the demo."""

from __future__ import annotations

from datetime import date, time

from lobby_tui.domain.settings import Settings
from lobby_tui.services.duty import rotate_lunches, set_duty
from lobby_tui.services.staff import add_staff, roster
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


# The rest of the demo's floor: tellers and a wealth manager who work the windows (the
# sign-in hint gives their PINs on a line of its own).
COUNTER_STAFF = (
    ("刘洋", "Liu Yang", "teller", "3690"),
    ("赵磊", "Zhao Lei", "teller", "7410"),
    ("孙丽", "Sun Li", "teller", "8520"),
    ("周涛", "Zhou Tao", "teller", "9630"),
    ("吴敏", "Wu Min", "wealth_manager", "1470"),
)
# Who works where on the demo day (English names; the post is a channel or a zone).
DUTY = (
    ("Wang Fang", "floor"),
    ("Li Ming", "floor"),
    ("Zhang Wei", "security"),
    ("Chen Jing", "cash"),
    ("Liu Yang", "cash"),
    ("Zhao Lei", "non_cash"),
    ("Sun Li", "non_cash"),
    ("Zhou Tao", "priority"),
    ("Wu Min", "wealth"),
)


def seed_duty(store: Store, settings: Settings, day: date, lang: str, supervisor: str) -> None:
    """The demo day's duty plan: everyone from 08:30 to 17:30 at the windows the branch
    opens by default, lunches by the rotation (services/duty.py)."""
    store.actor = supervisor
    try:
        for zh, en, role, pin in COUNTER_STAFF:
            add_staff(store, zh if lang == "zh" else en, role, pin)
        names = {en: zh if lang == "zh" else en for zh, en, _r, _p in (*ROSTER, *COUNTER_STAFF)}
        ids = {p.name: p.id for p in roster(store)}
        for en, post in DUTY:
            set_duty(store, settings, day, ids[names[en]], post, time(8, 30), time(17, 30))
        rotate_lunches(store, settings, day)
    finally:
        store.actor = None
