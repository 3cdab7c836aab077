"""`lobby`'s start: the manager opens the app with a queue at the door. The plain start
(`lobby [--db PATH] [--lang zh|en]`) goes straight to the app without loading the command
line library; anything else (a subcommand, --help, a mistake) goes through `cli`.

Also here, without click: what the app and every command share to open the database and
to turn what a person can cause into one clear line."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from lobby_tui.content import ContentError
from lobby_tui.domain.inert import inert
from lobby_tui.domain.settings import LANGUAGES, Settings, SettingsError
from lobby_tui.i18n import resolve_language, set_language, t
from lobby_tui.store import Clock, Store, StoreError, open_store, wall_clock

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("lobby-tui", appauthor=False) / "lobby.db"


def fail(message: str) -> NoReturn:
    print(f"lobby: {inert(message)}", file=sys.stderr)  # it may quote stored text (issue 16)
    sys.exit(1)


def explain(exc: StoreError | ContentError) -> str:
    line = t(f"error.{exc.key}", **exc.params)
    if isinstance(exc, StoreError) and exc.key == "db.corrupt":
        line += "\n" + way_back(Path(str(exc.params["path"])))
    return line


def settings_problem(exc: SettingsError) -> str:
    """A bad setting in one line, in the user's language where its reason has words: the
    file and line when it came from settings.toml."""
    problem = t(exc.reason, **exc.params) if exc.reason else exc.problem
    if exc.file is not None:
        return t("error.settings_at", file=exc.file, line=exc.line, key=exc.key, problem=problem)
    return t("error.settings", key=exc.key, problem=problem)


def way_back(db: Path) -> str:
    """What to do about a damaged database: the newest backup that verifies, and how."""
    from lobby_tui.services.backup import backup_folder, newest_good_backup

    found = newest_good_backup(db)
    if found is None:
        return t("error.db.corrupt_no_backup", folder=str(backup_folder(db)))
    return t("error.db.corrupt_backup", backup=str(found), path=str(db))


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn what a person can cause into one clear line."""
    try:
        yield
    except (StoreError, ContentError) as exc:
        fail(explain(exc))
    except SettingsError as exc:
        fail(settings_problem(exc))
    except OSError as exc:
        fail(t("error.os", detail=exc.strerror or str(exc), path=exc.filename or ""))


def prepare(
    db: Path | None, lang: str | None, clock: Clock, *, read_only: bool = False
) -> tuple[Store, Settings, str]:
    """Open the store and settle the settings and language, as the app and tests both need.
    Read-only (the report, the export): nothing is created, migrated or written."""
    from lobby_tui.services.settings import load_settings, save_setting

    if db is None:
        db = default_db_path()
        if not read_only:
            db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = open_store(db, clock, create=not read_only, read_only=read_only)
    try:
        settings = load_settings(store)
        if lang is not None and lang != settings.language and not read_only:
            # `--lang` is a choice like the in-app switch: the next start keeps it.
            save_setting(store, "language", lang)
            settings = dataclasses.replace(settings, language=lang)
    except BaseException:
        store.close()
        raise
    language = resolve_language(lang, settings.language)
    set_language(language)
    warn_about_content()
    return store, settings, language


def warn_about_content() -> None:
    """A broken channels.toml is said now (file, line, problem) and the packaged one used;
    the app says it again on screen, where this line would be hidden."""
    from lobby_tui.content import channels, content_warnings

    channels()
    for problem in content_warnings():
        print(f"lobby: {t('content.fallback', problem=explain(problem))}", file=sys.stderr)


def run_app(
    store: Store, settings: Settings, language: str, demo: bool = False, window: int | None = None
) -> None:
    from lobby_tui.app import make_app
    from lobby_tui.services.shift import open_shift_today

    try:
        shift = open_shift_today(store, settings)
        app: LobbyApp = make_app(store, settings, language, shift=shift, demo=demo, window=window)
        app.run()
    finally:
        store.close()
    if app.store_failure is not None:
        fail(explain(app.store_failure))
    if app.return_code:
        sys.exit(app.return_code)


def plain_start(argv: list[str]) -> tuple[Path | None, str | None] | None:
    """`--db PATH` and `--lang zh|en` only (in any order, `=` or not): the database and
    language to open. None for anything else, which `cli` handles (and explains)."""
    found: dict[str, str] = {}
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        name, eq, value = word.partition("=")
        if name not in ("--db", "--lang") or name in found:
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        found[name] = value
    lang = found.get("--lang")
    if lang is not None and lang not in LANGUAGES:
        return None
    if found.get("--db") == "":
        return None  # `--db ''`: `cli` says it is a mistake
    db = found.get("--db") or os.environ.get("LOBBY_DB") or None
    return (Path(db) if db else None), lang


def main() -> None:
    # A terminal that cannot show Chinese would raise on print; replace instead of crashing.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    plain = plain_start(sys.argv[1:])
    if plain is None:
        from lobby_tui.cli import cli

        cli(prog_name="lobby")
        return
    db, lang = plain
    set_language(resolve_language(lang, None))
    with user_errors():
        store, settings, language = prepare(db, lang, wall_clock())
        run_app(store, settings, language)
