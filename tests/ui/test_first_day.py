"""Rules a branch would catch on its first day (issue 31), replayed on the screens as the
audit met them."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Button, Input, Static

from lobby_tui.app import LobbyApp
from lobby_tui.store import Store

Build = Callable[..., LobbyApp]


def shown(app: LobbyApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def test_cash_already_moved_today_counts_towards_large_cash(
    build_app: Build, store: Store
) -> None:  # covers: R5.4, R2.5
    app = build_app()
    prompt = "Large cash: the counter checks the customer's ID"
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f3", "w")
        await pilot.pause()
        app.screen.query_one("#input-cash", Input).value = "7100 USD"  # alone: not large
        await pilot.pause()
        assert prompt not in shown(app, "prompts")
        app.screen.query_one("#input-cash_earlier", Input).value = "3000 USD"
        await pilot.pause()
        assert prompt in shown(app, "prompts")  # the day's foreign cash from USD 10,000
        app.screen.query_one("#save", Button).press()
        for _ in range(20):
            await pilot.pause()
            if store.rows("SELECT count(*) FROM arrivals")[0][0]:
                break
    (large,) = store.rows("SELECT large_cash FROM arrivals")[0]
    assert large == 1
    payloads = " ".join(str(p) for (p,) in store.rows("SELECT payload FROM events"))
    assert "7100" not in payloads and "3000" not in payloads  # the amounts are not kept
