"""Files that hold the branch's business are their owner's only (issue 16): slips, exports
and backups, the serve log (issue 25), as the database itself (tests/unit/test_store.py)."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

from lobby_tui.domain.settings import Settings
from lobby_tui.screens.modals.slip import save_slip
from lobby_tui.services.backup import make_backup
from lobby_tui.services.export import export
from lobby_tui.store import FixedClock, Store
from tests.helpers.floor import take


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_slips_folder_0700_and_slips_0600_even_where_an_old_one_was_open(
    tmp_path: Path,
) -> None:  # covers: R6.5
    folder = tmp_path / "slips"
    path = save_slip(folder, "C20261128-01", "Case number: C20261128-01")
    assert (mode(folder), mode(path)) == (0o700, 0o600)
    assert path.read_text(encoding="utf-8") == "Case number: C20261128-01\n"
    folder.chmod(0o755)  # as an earlier version left them
    path.chmod(0o644)
    again = save_slip(folder, "C20261128-01", "Case number: C20261128-01 (again)")
    assert (mode(folder), mode(again)) == (0o700, 0o600)
    assert again.read_text(encoding="utf-8").endswith("(again)\n")  # rewritten, not appended


def test_an_export_is_0600_files_in_a_0700_folder(
    tmp_path: Path, store: Store, settings: Settings
) -> None:  # covers: R6.5
    take(store, settings)
    day = date(2026, 11, 28)
    done = export(store, settings, day, day, tmp_path / "out" / "nov", include_personal=True)
    assert mode(done.path) == 0o700 and mode(done.path.parent) == 0o700
    files = list(done.path.iterdir())
    assert len(files) > 3 and all(mode(f) == 0o600 for f in files)


def test_a_backup_is_0600_in_a_0700_folder(store: Store, clock: FixedClock) -> None:
    made = make_backup(store.path, clock)
    assert mode(made.path) == 0o600 and mode(made.path.parent) == 0o700


def test_the_serve_log_is_0600_even_where_an_old_one_was_0644(tmp_path: Path) -> None:
    # covers: R6.5
    import logging

    from lobby_tui.serve.server import LobbyServer, log_path

    path = log_path(tmp_path / "lobby.db")
    for before in (None, 0o644):  # a new log; one an earlier version left readable to all
        if before is not None:
            path.chmod(before)
        server = LobbyServer("true", "127.0.0.1", 0, log_file=path, language="en")
        server.initialize_logging()
        logger = logging.getLogger("lobby.serve")
        try:
            logger.info("started")
        finally:
            for name in ("lobby.serve", "textual-serve"):
                for handler in logging.getLogger(name).handlers[:]:
                    logging.getLogger(name).removeHandler(handler)
                    handler.close()
        assert mode(path) == 0o600
    assert path.read_text(encoding="utf-8").count("started") == 2  # appended, not rewritten
