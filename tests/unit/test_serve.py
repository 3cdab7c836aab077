"""`lobby serve` without a browser (R6.6): who may serve beyond this machine, the keys a
browser keeps, the session command and the log's place."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.binding import Binding

from lobby_tui.cli import cli
from lobby_tui.i18n import set_language, t
from lobby_tui.widgets.browser_keys import BROWSER_SAFE, RESERVED, with_browser_twin


def test_beyond_this_machine_needs_a_supervisor(tmp_path: Path) -> None:
    # covers: R6.6
    pytest.importorskip("textual_serve")
    db = tmp_path / "lobby.db"
    result = CliRunner().invoke(
        cli, ["--lang", "en", "serve", "--db", str(db), "--host", "0.0.0.0", "--port", "1"]
    )
    set_language("en")
    assert result.exit_code == 1
    assert t("cli.serve_needs_supervisor") in result.output


def test_every_reserved_key_the_app_binds_has_a_twin() -> None:
    # covers: R6.6
    from lobby_tui.app import LobbyApp
    from lobby_tui.screens.complaints.screen import ComplaintsScreen

    for owner in (LobbyApp, ComplaintsScreen):
        keys = {b.key for b in owner.BINDINGS if isinstance(b, Binding)}
        for key in keys & RESERVED:
            assert BROWSER_SAFE[key] in keys, (owner.__name__, key)
        assert not {BROWSER_SAFE[k] for k in keys & RESERVED} & RESERVED


def test_the_footer_shows_the_twin_only_when_served(monkeypatch: pytest.MonkeyPatch) -> None:
    # covers: R6.6
    usual = Binding("f5", "go('complaints')", "nav.complaints")
    monkeypatch.delenv("LOBBY_SERVED", raising=False)
    assert [(b.key, b.show) for b in with_browser_twin(usual)] == [("f5", True), ("f9", False)]
    monkeypatch.setenv("LOBBY_SERVED", "1")
    assert [(b.key, b.show) for b in with_browser_twin(usual)] == [("f5", False), ("f9", True)]


def test_sessions_and_log_beside_the_database(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve")
    from lobby_tui.serve.server import is_loopback, log_path, session_command

    db = tmp_path / "my lobby.db"
    assert log_path(db) == tmp_path / "my lobby-serve.log"
    assert f"'{db}'" in session_command(db, "zh", wall=True)
    assert session_command(db, None, wall=False).endswith(f"'{db}'")
    assert is_loopback("localhost") and is_loopback("127.0.0.1") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_the_display_says_at_start_whether_it_will_speak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # covers: R2.10
    from lobby_tui.serve import display, voice

    served: list[tuple[str, int, object]] = []
    monkeypatch.setattr(
        display, "serve_display_page", lambda d, host, port, log: served.append((host, port, d))
    )
    db = tmp_path / "lobby.db"
    args = ["serve", "--display", "--db", str(db), "--port", "8123"]
    monkeypatch.setattr(voice, "find_voice", lambda: None)
    quiet = CliRunner().invoke(cli, ["--lang", "en", *args])
    set_language("en")
    assert quiet.exit_code == 0, quiet.output
    assert t("cli.display_on", url="http://127.0.0.1:8123/") in quiet.output
    assert t("cli.display_no_voice") in quiet.output
    assert served and served[0][:2] == ("127.0.0.1", 8123)
    monkeypatch.setattr(voice, "find_voice", lambda: Speaks())
    spoken = CliRunner().invoke(cli, ["--lang", "zh", *args])
    set_language("zh")
    assert t("cli.display_voice", languages="中文、英文") in spoken.output
    assert t("cli.display_voice_missing", languages="英文") in spoken.output  # no English here
    both = CliRunner().invoke(cli, ["--lang", "en", *args, "--wall"])
    set_language("en")
    assert both.exit_code == 1 and t("cli.display_and_wall") in both.output


class Speaks:
    """A voice with Chinese only."""

    def speak(self, text: str, language: str) -> bytes | None:
        return b"\0\0" if language == "zh" else None
