"""The hall's calling display (叫号屏, `lobby serve --display`, R2.10): a page for the screen
the customers watch. The current call large, the six before it, how many wait per channel
and the next round; a chime and the call spoken in each language of `display_voices`.

A plain page, not a terminal: it has to play sound. It asks for the board a few times a
second; the board is read from the file only when something was committed (PRAGMA
data_version) or the minute turned, so a quiet hall costs nothing. Tickets and window
numbers only — no name, phone, need or case ever reaches the page."""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from aiohttp import web

from lobby_tui.content import channels
from lobby_tui.domain.announce import read_out
from lobby_tui.domain.day import business_day, local
from lobby_tui.domain.rounds import minutes_late
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import t_in
from lobby_tui.serve.voice import Voice, announcement, chime, wav
from lobby_tui.services.hall import HallCall, call_by_key, hall_calls
from lobby_tui.services.lobby import read_lobby
from lobby_tui.store import Store, StoreError

PAGE = Path(__file__).parent / "templates" / "display.html"
POLL_MS = 300  # how often the page asks: a call shows well within 1 s of Next
SAID_KEPT = 64  # announcements kept made (the same call asked for by several screens)
log = logging.getLogger("lobby.serve")


def call_words(call: HallCall, lang: str) -> dict[str, str]:
    """A call as the hall reads it ("A023 请到 3号窗口") and hears it (digit by digit)."""
    digits = t_in(lang, "display.digits").split()
    spoken = read_out(call.ticket, digits, t_in(lang, "display.digit_gap"))
    return {
        "shown": t_in(lang, "display.call", ticket=call.ticket, window=call.window),
        "where": t_in(lang, "display.window", window=call.window),
        "said": t_in(lang, "display.say", ticket=spoken, window=call.window),
    }


class HallDisplay:
    """The board and the announcements, read from the branch's file."""

    def __init__(self, store: Store, settings: Settings, language: str, voice: Voice | None):
        self.store = store
        self.settings = settings
        self.language = language
        self.voice = voice
        self.seen: Hashable = None
        self.board: dict[str, Any] = {}
        self.said: OrderedDict[str, bytes] = OrderedDict()

    @property
    def languages(self) -> list[str]:
        """Shown: the display's language first, then the other spoken ones."""
        spoken = list(self.settings.display_voices)
        return [self.language, *(lang for lang in spoken if lang != self.language)]

    def read(self) -> dict[str, Any]:
        """The board as the page shows it; read again only after a commit or at a new minute."""
        now = self.store.clock.now()
        moment = (self.store.version(), now.replace(second=0, microsecond=0))
        if moment != self.seen:
            self.board = self._read(now)
            self.seen = moment
        return self.board

    def _read(self, now: Any) -> dict[str, Any]:
        lang, zone = self.language, self.settings.timezone
        day = business_day(now, zone)
        try:
            kinds = channels()
            lobby = read_lobby(self.store, self.settings, [c.key for c in kinds])
            calls = hall_calls(self.store, day)
        except StoreError as exc:
            return {"error": t_in(lang, f"error.{exc.key}", **exc.params), "version": str(now)}
        labels = {c.key: c.label.get(lang) or c.key for c in kinds}
        shown = [
            {"key": c.key, "ticket": c.ticket, "window": c.window, "recalls": c.recalls,
             "lines": [call_words(c, other)["shown"] for other in self.languages],
             "where": call_words(c, lang)["where"]}
            for c in calls
        ]  # fmt: skip
        next_round = None
        # The hall is told the next round's time, not that one is late (that is the wall's).
        if not lobby.closed and lobby.next_round_at and not minutes_late(lobby.next_round_at, now):
            next_round = local(lobby.next_round_at, zone).strftime("%H:%M")
        board = {
            "branch": self.settings.branch(lang),
            "time": local(now, zone).strftime("%H:%M"),
            "current": shown[0] if shown else None,
            "recent": shown[1:7],
            "waiting": [
                {"channel": labels.get(q.channel, q.channel), "count": q.waiting}
                for q in lobby.queues
            ],  # fmt: skip
            "next_round": next_round,
            "volume": self.settings.display_volume,
        }
        board["version"] = json.dumps(board, sort_keys=True, ensure_ascii=False)
        return board

    def phrases(self, key: str) -> list[tuple[str, str]] | None:
        """What is said for one of today's calls, language by language; None for a key that
        is not a call made today (nothing but a call is ever spoken)."""
        day = business_day(self.store.clock.now(), self.settings.timezone)
        call = call_by_key(self.store, day, key)
        if call is None:
            return None
        return [(lang, call_words(call, lang)["said"]) for lang in self.settings.display_voices]

    async def announce(self, key: str) -> bytes | None:
        """The WAV for a call: the chime, then the words in each spoken language. Made once
        (every screen in the hall asks for the same), off the loop (espeak-ng takes ~50 ms
        a phrase); the file is read on the loop, by the server's own connection."""
        if key in self.said:
            self.said.move_to_end(key)
            return self.said[key]
        phrases = self.phrases(key)
        if phrases is None:
            return None
        made = await asyncio.to_thread(announcement, self.voice, phrases)
        self.said[key] = made
        while len(self.said) > SAID_KEPT:
            self.said.popitem(last=False)
        return made


def page(display: HallDisplay) -> str:
    """The page, with its words in the display's language: nothing is fetched from outside."""
    lang = display.language
    words = ("title", "recent", "waiting", "next_round", "sound_on", "offline", "nobody")
    texts = {key: t_in(lang, f"display.{key}") for key in words}
    data = json.dumps({"texts": texts, "poll_ms": POLL_MS}, ensure_ascii=False)
    return (
        PAGE.read_text(encoding="utf-8")
        .replace("{{lang}}", "zh-CN" if lang == "zh" else "en")
        .replace("{{title}}", html.escape(texts["title"]))
        .replace("{{data}}", data.replace("</", "<\\/"))
    )


def make_app(display: HallDisplay) -> web.Application:
    async def index(request: web.Request) -> web.Response:
        return web.Response(text=page(display), content_type="text/html", charset="utf-8")

    async def board(request: web.Request) -> web.Response:
        # The file is read on the server's one thread: a read after a commit takes a few
        # milliseconds, and the connection is the server's own.
        return web.json_response(display.read(), headers={"Cache-Control": "no-store"})

    async def sound(request: web.Request) -> web.Response:
        made = await display.announce(request.match_info["key"])
        if made is None:
            raise web.HTTPNotFound()
        return web.Response(body=made, content_type="audio/wav")

    async def bell(request: web.Request) -> web.Response:
        return web.Response(body=wav(chime()), content_type="audio/wav")

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/board.json", board)
    app.router.add_get("/call/{key}.wav", sound)
    app.router.add_get("/chime.wav", bell)
    return app


def serve_display_page(display: HallDisplay, host: str, port: int, log_file: Path) -> None:
    """Serve the display until Ctrl+C; what it does goes to the server's log."""
    from lobby_tui.serve.server import open_log

    open_log(log_file)
    log.info("calling display on port %s (voice: %s)", port, "yes" if display.voice else "none")
    web.run_app(make_app(display), host=host, port=port, print=None, access_log=None)
    log.info("calling display stopped")
