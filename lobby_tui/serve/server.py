"""The server behind `lobby serve`: textual-serve with our own page (no web font or
anything else fetched from outside), its log in a file beside the database, and a
session per browser tab (session.py). Imported by the `serve` command only."""

from __future__ import annotations

import ipaddress
import logging
import os
import shlex
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

from lobby_tui.i18n import t

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"  # the Chinese web font (scripts/make_cjk_font.py)
log = logging.getLogger("lobby.serve")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def urls(host: str, port: int) -> list[str]:
    """The addresses to open on another device: every address of this machine when bound
    to all of them (0.0.0.0 or ::), else the one asked for. Found locally, no lookup."""
    if host not in ("0.0.0.0", "::", ""):
        shown = f"[{host}]" if ":" in host else host
        return [f"http://{shown}:{port}/"]
    found: list[str] = []
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP)
    except OSError:
        infos = []
    for _family, _type, _proto, _name, address in infos:
        ip = str(address[0])
        if ipaddress.ip_address(ip).is_loopback or (host == "0.0.0.0" and ":" in ip):
            continue
        url = f"http://[{ip}]:{port}/" if ":" in ip else f"http://{ip}:{port}/"
        if url not in found:
            found.append(url)
    return found or [f"http://<{t('cli.serve_this_machine')}>:{port}/"]


def log_path(db: Path) -> Path:
    """Beside the database: lobby.db -> lobby-serve.log."""
    return db.with_name(f"{db.stem}-serve.log")


def open_log(log_file: Path) -> None:
    """The server's log, the owner's only as every file the app writes (issue 25): made 0600
    before the handler opens it, and put back to 0600 where an earlier version left it 0644.
    No access log: addresses and paths are not ours to keep."""
    fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("lobby.serve", "textual-serve"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
    logging.getLogger("aiohttp.access").disabled = True


def session_command(db: Path, lang: str | None, wall: bool) -> str:
    """The command each browser tab runs: this Python, this package, this database."""
    words = [sys.executable, "-m", "lobby_tui.serve.session", "--db", str(db)]
    if lang:
        words += ["--lang", lang]
    if wall:
        words += ["--wall"]
    return shlex.join(words)


class LobbyServer(Server):
    """What the server writes down: sessions opened and closed, how many are open, errors.
    Never what a session shows or is typed into it, nor who or where from (no access log)."""

    def __init__(self, command: str, host: str, port: int, *, log_file: Path, language: str):
        super().__init__(command, host=host, port=port, title=t("app.title"))
        self.templates_path = TEMPLATES
        self.log_file = log_file
        self.language = language
        self.open_sessions = 0

    def initialize_logging(self) -> None:
        open_log(self.log_file)

    async def on_startup(self, app: web.Application) -> None:
        log.info("serving on port %s", self.port)

    async def on_shutdown(self, app: web.Application) -> None:
        log.info("stopped with %s sessions open", self.open_sessions)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        self.open_sessions += 1
        started = time.monotonic()
        log.info("session opened (%s open)", self.open_sessions)
        try:
            return await super().handle_websocket(request)
        finally:
            self.open_sessions -= 1
            log.info(
                "session closed after %.0f s (%s open)",
                time.monotonic() - started,
                self.open_sessions,
            )

    async def _make_app(self) -> web.Application:
        # textual-serve's routes, and ours: the Chinese web font (static/fonts, R6.3).
        app = await super()._make_app()
        app.router.add_static("/lobby-static", STATIC, name="lobby-static")
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page: addresses relative to wherever it was opened from (the websocket's is
        made in the page), so it works the same through the branch's reverse proxy."""
        font_size = request.query.get("fontsize", "16")
        return {
            "font_size": int(font_size) if font_size.isdigit() else 16,
            "static_url": "static/",
            "lobby_static_url": "lobby-static/",
            "title": t("app.title"),
            "language": "zh-CN" if self.language == "zh" else "en",
            "starting": t("serve.page_starting"),
            "ended": t("serve.page_ended"),
            "restart": t("serve.page_restart"),
        }
