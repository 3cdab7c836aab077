"""A walk-in triaged and saved as the triage screen saves it, for tests of what follows."""

from __future__ import annotations

from datetime import date

from lobby_tui.content import needs_catalogue
from lobby_tui.domain.settings import Settings
from lobby_tui.services.triage import Saved, Walkin, channel_state, save_walkin, suggest
from lobby_tui.store import Store

DAY = date(2026, 11, 28)  # the fixtures' clock: 10:30 in Shanghai on this day


def walk_in(
    store: Store,
    settings: Settings,
    need_id: str,
    flags: list[str],
    tier: str | None = None,
    appointment_id: str | None = None,
) -> Saved:
    needs = needs_catalogue()
    need = needs.by_id(need_id)
    state = channel_state(store, settings, needs, DAY)
    chosen = suggest(state, need, flags, settings, vip_tier=tier)
    walkin = Walkin(
        need=need,
        channel=chosen.channel,
        suggested=chosen,
        flags=flags,
        cues=[],
        party=1,
        note=None,
        ticket=None,
        override_reason=None,
        triage_seconds=12.0,
        appointment_id=appointment_id,
        vip_tier=tier,
    )
    return save_walkin(
        store, day=DAY, shift_id=None, walkin=walkin, state=state, script="", settings=settings
    )
