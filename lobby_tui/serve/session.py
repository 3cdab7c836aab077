"""One browser session of `lobby serve`: the app (or the wall view) on the shared file.

Started by the server for every browser tab, as its own process with its own connection:
the same commit path as the tablet's terminal, so a tab closed mid-save loses at most that
save and never damages the file. It opens on the sign-in screen; whoever signs in is the
actor of every write this session makes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lobby_tui.i18n import resolve_language, set_language
from lobby_tui.start import prepare, run_app, user_errors
from lobby_tui.store import wall_clock


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lobby-session")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--lang", choices=["zh", "en"])
    parser.add_argument("--wall", action="store_true")
    args = parser.parse_args(argv)
    set_language(resolve_language(args.lang, None))
    with user_errors():
        if args.wall:
            run_wall(args.db, args.lang)
        else:
            store, settings, language = prepare(args.db, args.lang, wall_clock())
            run_app(store, settings, language)


def run_wall(db: Path, lang: str | None) -> None:
    from lobby_tui.serve.wall import WallApp

    # Read-only: the server holds the file open for as long as it serves, so its -wal file
    # is there and this connection sees every commit (see store.open_store).
    store, settings, language = prepare(db, lang, wall_clock(), read_only=True)
    try:
        WallApp(store, settings, language).run()
    finally:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
