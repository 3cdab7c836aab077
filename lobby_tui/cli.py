"""The `lobby` command: parse, open the store, build the app, run it.

Every failure a person can cause ends in one clear line in their language and a non-zero
exit, never a traceback, and leaves their files as they were.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from lobby_tui import __version__
from lobby_tui.content import ContentError
from lobby_tui.domain.settings import Settings, SettingsError
from lobby_tui.i18n import resolve_language, set_language, t
from lobby_tui.store import Clock, Store, StoreError, SystemClock, open_store

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


def _language_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# Help texts are built at import; take the language from the command line or the system.
set_language(resolve_language(_language_from_argv(sys.argv), None))


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("lobby-tui", appauthor=False) / "lobby.db"


def fail(message: str) -> NoReturn:
    click.echo(f"lobby: {message}", err=True)
    sys.exit(1)


def explain(exc: StoreError | ContentError) -> str:
    return t(f"error.{exc.key}", **exc.params)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn what a person can cause into one clear line."""
    try:
        yield
    except (StoreError, ContentError) as exc:
        fail(explain(exc))
    except SettingsError as exc:
        fail(t("error.settings", key=exc.key, problem=exc.problem))
    except OSError as exc:
        fail(t("error.os", detail=exc.strerror or str(exc), path=exc.filename or ""))


def prepare(db: Path | None, lang: str | None, clock: Clock) -> tuple[Store, Settings, str]:
    """Open the store and settle the settings and language, as the app and tests both need."""
    from lobby_tui.services.settings import load_settings

    if db is None:
        db = default_db_path()
        db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = open_store(db, clock)
    try:
        settings = load_settings(store)
    except BaseException:
        store.close()
        raise
    language = resolve_language(lang, settings.language)
    set_language(language)
    return store, settings, language


def run_app(store: Store, settings: Settings, language: str, demo: bool = False) -> None:
    from lobby_tui.app import make_app
    from lobby_tui.services.shift import open_shift_today

    try:
        shift = open_shift_today(store, settings)
        app: LobbyApp = make_app(store, settings, language, shift=shift, demo=demo)
        app.run()
    finally:
        store.close()
    if app.return_code:
        sys.exit(app.return_code)


db_option = click.option(
    "--db",
    type=click.Path(dir_okay=True, path_type=Path),
    envvar="LOBBY_DB",
    help=t("cli.db_help"),
)
# The demo never takes LOBBY_DB: that names the branch's real database.
demo_db_option = click.option(
    "--db", type=click.Path(dir_okay=True, path_type=Path), help=t("cli.demo_db_help")
)


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), help=t("cli.lang_help"))


@click.group(invoke_without_command=True, help=t("cli.help"))
@db_option
@lang_option
@click.version_option(__version__, "--version", prog_name="lobby", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, lang: str | None) -> None:
    typed = ctx.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE
    ctx.obj = {"db": db, "typed_db": db if typed else None, "lang": lang}
    if lang:
        set_language(lang)
    if ctx.invoked_subcommand is None:
        with user_errors():
            store, settings, language = prepare(db, lang, SystemClock())
            run_app(store, settings, language)


def _pick(ctx: click.Context, key: str, value: Any) -> Any:
    return value if value is not None else (ctx.obj or {}).get(key)


@cli.command(help=t("cli.demo_help"))
@demo_db_option
@lang_option
@click.option("--no-ui", is_flag=True, help=t("cli.no_ui_help"))
@click.option("--seed", type=int, default=7, show_default=True, help=t("cli.seed_help"))
@click.pass_context
def demo(ctx: click.Context, db: Path | None, lang: str | None, no_ui: bool, seed: int) -> None:
    import shutil
    import tempfile

    from lobby_tui.domain.day import business_day
    from lobby_tui.services.demo import demo_start, write_demo_morning
    from lobby_tui.store import OffsetClock

    db = _pick(ctx, "typed_db", db)
    lang = _pick(ctx, "lang", lang)
    if lang:
        set_language(lang)
    throwaway = None
    if db is None:
        if no_ui:
            fail(t("cli.demo_needs_db"))
        throwaway = Path(tempfile.mkdtemp(prefix="lobby-demo-"))
        db = throwaway / "demo.db"
    elif Path(db).exists() and Path(db).stat().st_size:
        fail(t("error.demo.not_empty", path=str(db)))
    cleanup: Callable[[], None] = (
        (lambda: shutil.rmtree(throwaway, ignore_errors=True)) if throwaway else (lambda: None)
    )
    try:
        with user_errors():
            store, settings, language = prepare(db, lang, SystemClock())
            day = business_day(store.clock.now(), settings.timezone)
            try:
                count = write_demo_morning(store, settings, day, seed=seed, lang=language)
            except BaseException:
                store.close()
                raise
            if no_ui:
                store.close()
                click.echo(t("cli.demo_written", count=count, path=str(db)))
                return
            store.clock = OffsetClock(demo_start(day, settings))
            run_app(store, settings, language, demo=True)
    finally:
        cleanup()


@cli.command(help=t("cli.verify_help"))
@db_option
@lang_option
@click.pass_context
def verify(ctx: click.Context, db: Path | None, lang: str | None) -> None:
    from lobby_tui.services.verify import verify_file

    if lang:
        set_language(lang)
    db = _pick(ctx, "db", db) or default_db_path()
    with user_errors():
        verdict = verify_file(Path(db))
    if verdict.integrity != "ok":
        click.echo(t("cli.verify_integrity_bad", problem=verdict.integrity))
    elif not verdict.chain.intact:
        click.echo(
            t(
                "cli.verify_chain_bad",
                seq=verdict.chain.broken_at,
                reason=t(f"cli.verify_reason_{verdict.chain.reason}"),
            )
        )
    else:
        click.echo(t("cli.verify_ok", events=verdict.chain.events, path=str(db)))
    sys.exit(0 if verdict.ok else 1)


def main() -> None:
    # A terminal that cannot show Chinese would raise on print; replace instead of crashing.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    cli(prog_name="lobby")
