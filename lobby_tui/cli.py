"""The `lobby` command: parse, open the store, build the app, run it.

Every failure a person can cause ends in one clear line in their language and a non-zero
exit, never a traceback, and leaves their files as they were.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from lobby_tui import __version__
from lobby_tui.cli_words import speak_click
from lobby_tui.domain.inert import inert
from lobby_tui.i18n import resolve_language, set_language, t
from lobby_tui.start import default_db_path, fail, prepare, run_app, user_errors
from lobby_tui.store import Store, wall_clock


def echo(message: str, **options: Any) -> None:
    """Every line a command prints: text read from the database (a complaint's subject, an
    incident's note, a row id) is inert on the terminal, whatever a merged tablet or a hand
    edit put in it (issue 16). Files written (an export) keep their bytes."""
    click.echo(inert(message), **options)


def _option_from_argv(argv: list[str], option: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(f"{option}="):
            return arg.split("=", 1)[1]
    return None


def language_for_commands(argv: list[str], environ: Mapping[str, str] | None = None) -> str:
    """What the help and every command's lines are said in, by the app's own rule: --lang,
    then the language saved in the database (--db, LOBBY_DB or the default one), then the
    system's."""
    from lobby_tui.services.settings import saved_language

    env = os.environ if environ is None else environ
    db = _option_from_argv(argv, "--db") or env.get("LOBBY_DB") or str(default_db_path())
    saved = saved_language(Path(db)) if db else None
    return resolve_language(_option_from_argv(argv, "--lang"), saved, env)


# Help texts are built at import: the language is settled first, click's own words too.
set_language(language_for_commands(sys.argv[1:]))
speak_click()


def _named_db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """`--db ''` is a mistake, not "the default database" (click reads it as ".")."""
    if value is not None and str(value) in ("", "."):
        fail(t("cli.db_empty"))
    return value


db_option: Callable[[Callable[..., Any]], Callable[..., Any]] = click.option(
    "--db",
    type=click.Path(dir_okay=True, path_type=Path),
    envvar="LOBBY_DB",
    help=t("cli.db_help"),
    callback=_named_db,
)
# The demo never takes LOBBY_DB: that names the branch's real database.
demo_db_option = click.option(
    "--db",
    type=click.Path(dir_okay=True, path_type=Path),
    help=t("cli.demo_db_help"),
    callback=_named_db,
)


# Typed here: cli_hq.py imports these through the cli <-> cli_hq loop, where an inferred
# type is not known yet.
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
lang_option: Decorator = click.option(
    "--lang", type=click.Choice(["zh", "en"]), help=t("cli.lang_help")
)
# The forms a report is printed in: the branch's (`lobby report`) and head office's alike.
format_option: Decorator = click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "json"]),
    default="md",
    show_default=True,
    help=t("cli.format_help"),
)


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
            store, settings, language = prepare(db, lang, wall_clock())
            run_app(store, settings, language)


@contextmanager
def progress_bar(label: str, show: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A bar for a long command when a person watches it; piped or redirected output stays
    as it was (nothing but the command's own lines). The work gets a plain callable."""
    if not (show and sys.stdout.isatty()):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress("{task.description}", *columns, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _pick(ctx: click.Context, key: str, value: Any) -> Any:
    return value if value is not None else (ctx.obj or {}).get(key)


@cli.command(help=t("cli.demo_help"))
@demo_db_option
@lang_option
@click.option("--no-ui", is_flag=True, help=t("cli.no_ui_help"))
@click.option("--seed", type=int, default=7, show_default=True, help=t("cli.seed_help"))
@click.option(
    "--days", type=click.IntRange(0, 3660), default=0, show_default=True, help=t("cli.days_help")
)
@click.option(
    "--per-day",
    type=click.IntRange(1, 5000),
    default=250,
    show_default=True,
    help=t("cli.per_day_help"),
)
@click.option("--queue-feed", is_flag=True, help=t("cli.demo_queue_feed_help"))
@click.pass_context
def demo(
    ctx: click.Context,
    db: Path | None,
    lang: str | None,
    no_ui: bool,
    seed: int,
    days: int,
    per_day: int,
    queue_feed: bool,
) -> None:
    import shutil
    import tempfile

    from lobby_tui.demo.history import write_history
    from lobby_tui.demo.morning import DEMO_BRANCH_ID, demo_start, write_demo_morning
    from lobby_tui.domain.bundle import BRANCH_SETTING
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.settings import save_setting
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
            store, settings, language = prepare(db, lang, wall_clock())
            day = business_day(store.clock.now(), settings.timezone)
            try:
                from lobby_tui.demo.staff import seed_duty, seed_roster

                team = seed_roster(store, language)
                seed_duty(store, settings, day, language, team["supervisor"])
                store.actor = team["lobby_manager"]  # the morning's manager did the morning
                count = write_demo_morning(
                    store, settings, day, seed=seed, lang=language, past_complaints=not days
                )
                store.actor = None  # whoever tries the demo signs in
                with progress_bar(t("cli.progress_history", days=days), show=days > 0) as progress:
                    past = write_history(
                        store, settings, day, days=days, per_day=per_day, seed=seed,
                        lang=language, progress=progress,
                    )  # fmt: skip
                # The demo branch's code, so `lobby bundle` works on the demo (issue 18).
                save_setting(store, BRANCH_SETTING, DEMO_BRANCH_ID)
                if queue_feed:  # the branch's own ticket machine, its log read in (R2.12)
                    from lobby_tui.demo.machine_log import play_machine_log

                    log = Path(db).with_name(f"{Path(db).stem}-queue-feed.csv")
                    fed = play_machine_log(store, settings, day, log, seed)
                    echo(t("cli.demo_queue_fed", path=str(log), added=fed.added,
                           joined=fed.joined, db=str(db)))  # fmt: skip
            except BaseException:
                store.close()
                raise
            if no_ui:
                store.close()
                echo(t("cli.demo_written", count=count, path=str(db)))
                if days:
                    echo(
                        t(
                            "cli.demo_history_written",
                            days=days,
                            arrivals=past["arrivals"],
                            complaints=past["complaints"],
                            incidents=past["incidents"],
                        )
                    )
                return
            store.clock = OffsetClock(demo_start(day, settings))
            run_app(store, settings, language, demo=True)
    finally:
        cleanup()


@cli.command(help=t("cli.counter_help"))
@db_option
@lang_option
@click.option("--window", "number", type=int, required=True, help=t("cli.window_help"))
@click.pass_context
def counter(ctx: click.Context, db: Path | None, lang: str | None, number: int) -> None:
    """A window's counter view in this terminal (R2.9): sign in, then call."""
    from lobby_tui.content import windows

    lang = _pick(ctx, "lang", lang)
    if lang:
        set_language(lang)
    with user_errors():
        known = [w.number for w in windows()]
        if number not in known:
            fail(t("cli.window_unknown", number=number, known=", ".join(map(str, known))))
        store, settings, language = prepare(_pick(ctx, "db", db), lang, wall_clock())
        run_app(store, settings, language, window=number)


@cli.command(help=t("cli.serve_help"))
@db_option
@lang_option
@click.option("--host", default="127.0.0.1", show_default=True, help=t("cli.host_help"))
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help=t("cli.port_help"),
)
@click.option("--wall", is_flag=True, help=t("cli.wall_help"))
@click.option("--display", is_flag=True, help=t("cli.display_help"))
@click.pass_context
def serve(
    ctx: click.Context,
    db: Path | None,
    lang: str | None,
    host: str,
    port: int,
    wall: bool,
    display: bool,
) -> None:
    """The app in a browser (R6.6): a session per tab, each its own process on this file."""
    import os

    if wall and display:
        fail(t("cli.display_and_wall"))
    if display:
        serve_display(ctx, db, lang, host, port)
        return
    try:
        from lobby_tui.serve.server import LobbyServer, is_loopback, log_path, session_command
    except ImportError:
        fail(t("cli.serve_missing"))
    from lobby_tui.services.staff import roster
    from lobby_tui.widgets.browser_keys import SERVED_ENV

    lang = _pick(ctx, "lang", lang)
    with user_errors():
        # Created and brought up to date here, once, not by the first tab; held open while
        # serving (the wall's read-only sessions see every commit through its -wal file).
        store, settings, language = prepare(_pick(ctx, "db", db), lang, wall_clock())
        try:
            supervised = any(p.supervisor for p in roster(store, active_only=True))
            if not is_loopback(host) and not supervised:
                fail(t("cli.serve_needs_supervisor"))
            os.environ[SERVED_ENV] = "1"  # every session shows the browser-safe keys
            server = LobbyServer(
                session_command(store.path, lang, wall),
                host,
                port,
                log_file=log_path(store.path),
                language=language,
            )
            if is_loopback(host):
                click.echo(t("cli.serve_local", url=f"http://{host}:{port}/"))
            else:
                from lobby_tui.serve.server import urls

                for url in urls(host, port):
                    click.echo(t("cli.serve_open", url=url))
                click.echo(t("cli.serve_tls"))
            click.echo(t("cli.serve_log", path=str(log_path(store.path))))
            server.serve()
        finally:
            store.close()


def serve_display(
    ctx: click.Context, db: Path | None, lang: str | None, host: str, port: int
) -> None:
    """The hall's calling display (R2.10): a page of its own, no terminal sessions."""
    try:
        from lobby_tui.serve.display import HallDisplay, serve_display_page
        from lobby_tui.serve.voice import find_voice, missing_voices
    except ImportError:
        fail(t("cli.serve_missing"))
    from lobby_tui.serve.server import is_loopback, log_path, urls
    from lobby_tui.services.staff import roster

    with user_errors():
        store, settings, language = prepare(
            _pick(ctx, "db", db), _pick(ctx, "lang", lang), wall_clock()
        )
        try:
            supervised = any(p.supervisor for p in roster(store, active_only=True))
            if not is_loopback(host) and not supervised:
                fail(t("cli.serve_needs_supervisor"))
            voice = find_voice()
            spoken = settings.display_voices
            names = t("list.sep").join(t(f"language.{lang}") for lang in spoken)
            for url in [f"http://{host}:{port}/"] if is_loopback(host) else urls(host, port):
                click.echo(t("cli.display_on", url=url))
            if not spoken:
                click.echo(t("cli.display_silent"))
            elif voice is None:
                click.echo(t("cli.display_no_voice"))
            else:
                click.echo(t("cli.display_voice", languages=names))
                lacking = missing_voices(voice, spoken)
                if lacking:
                    named = t("list.sep").join(t(f"language.{lang}") for lang in lacking)
                    click.echo(t("cli.display_voice_missing", languages=named))
            click.echo(t("cli.serve_log", path=str(log_path(store.path))))
            serve_display_page(
                HallDisplay(store, settings, language, voice), host, port, log_path(store.path)
            )
        finally:
            store.close()


@cli.command(help=t("cli.verify_help"))
@db_option
@lang_option
@click.option(
    "--anchor", "anchor_texts", multiple=True, metavar="SEQ:HASH", help=t("cli.anchor_help")
)
@click.option(
    "--anchors",
    "anchor_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("cli.anchors_help"),
)
@click.option("--no-anchors", is_flag=True, help=t("cli.no_anchors_help"))
@click.pass_context
def verify(
    ctx: click.Context,
    db: Path | None,
    lang: str | None,
    anchor_texts: tuple[str, ...],
    anchor_file: Path | None,
    no_anchors: bool,
) -> None:
    from lobby_tui.services.verify import verify_file
    from lobby_tui.store.anchors import parse_anchor, read_anchors

    if lang:
        set_language(lang)
    db = _pick(ctx, "db", db) or default_db_path()
    anchors = []
    for text in anchor_texts:
        anchor = parse_anchor(text)
        if anchor is None:
            fail(t("cli.bad_anchor", text=text))
        anchors.append(anchor)
    if anchor_file is not None:
        try:
            anchors.extend(read_anchors(anchor_file))
        except (OSError, ValueError, UnicodeDecodeError):
            fail(t("cli.bad_anchor_file", path=str(anchor_file)))
    with user_errors():
        verdict = verify_file(Path(db), anchors, beside=not no_anchors)
    for line in verdict_lines(verdict, Path(db)):
        echo(line)
    sys.exit(0 if verdict.ok else 1)


ROWS_SHOWN = 5  # of each table and kind: a mass edit cannot hide a single other finding


def verdict_lines(verdict: Any, db: Path) -> list[str]:
    """What verify found, one line per finding, the verdict first."""
    if verdict.integrity != "ok":
        return [t("cli.verify_integrity_bad", problem=verdict.integrity)]
    lines: list[str] = []
    if not verdict.chain.intact:
        lines.append(
            t(
                "cli.verify_chain_bad",
                seq=verdict.chain.broken_at,
                reason=t(f"cli.verify_reason_{verdict.chain.reason}"),
            )
        )
    groups: dict[tuple[str, str], list[Any]] = {}
    for found in verdict.rows:
        groups.setdefault((found.table, found.kind), []).append(found)
    for (table, kind), group in groups.items():
        for found in group[:ROWS_SHOWN]:
            lines.append(
                t(
                    f"cli.verify_row_{kind}",
                    table=table,
                    id=found.row_id,
                    fields=", ".join(found.fields) or "?",
                )
            )
        if len(group) > ROWS_SHOWN:
            lines.append(t("cli.verify_rows_more", count=len(group) - ROWS_SHOWN, table=table))
    for day in verdict.rollups:
        lines.append(t("cli.verify_rollup_differs", day=day.isoformat()))
    for anchor, result in verdict.anchors:
        lines.append(t(f"cli.verify_anchor_{result}", anchor=str(anchor)))
    lines += anchors_file_lines(verdict.kept)
    if verdict.ok:
        lines.insert(0, t("cli.verify_ok", events=verdict.chain.events, path=str(db)))
        if verdict.head:
            lines.insert(1, t("cli.chain_head", seq=verdict.head[0], hash=verdict.head[1]))
    lines.append(t("cli.verify_keep_heads"))
    return lines


def anchors_file_lines(kept: Any) -> list[str]:
    """What the anchors file beside the database said (issue 25): its failures one by one,
    else one line; and what cannot be seen without it."""
    if kept is None:
        return [t("cli.verify_anchors_skipped")]
    path = str(kept.path)
    if kept.state != "read":
        if kept.recorded:
            return [t("cli.verify_anchors_gone", path=path, count=kept.recorded)]
        return [t(f"cli.verify_anchors_{kept.state}", path=path)]
    lines = [
        t(f"cli.verify_anchor_{result}", anchor=str(anchor))
        for anchor, result in kept.results
        if result != "ok"
    ]
    if kept.lacking:
        last = kept.lacking[-1]
        lines.append(
            t("cli.verify_anchors_short", path=path, count=len(kept.lacking), seq=last.seq)
        )
    if not lines:
        lines.append(t("cli.verify_anchors_held", path=path, count=len(kept.results)))
    return lines


@cli.command(help=t("cli.backup_help"))
@db_option
@lang_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--keep", type=click.IntRange(1, 1000), default=10, show_default=True, help=t("cli.keep_help")
)
@click.pass_context
def backup(
    ctx: click.Context, db: Path | None, lang: str | None, folder: Path | None, keep: int
) -> None:
    from lobby_tui.services.backup import make_backup

    if lang:
        set_language(lang)
    path = Path(_pick(ctx, "db", db) or default_db_path())
    with user_errors():
        made = make_backup(path, wall_clock(), folder, keep)
    echo(t("cli.backup_done", path=str(made.path), events=made.events))
    if made.removed:
        echo(t("cli.backup_pruned", count=made.removed, keep=keep))


@cli.command(help=t("cli.restore_help"))
@db_option
@lang_option
@click.argument("copy", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help=t("cli.force_help"))
@click.pass_context
def restore(ctx: click.Context, db: Path | None, lang: str | None, copy: Path, force: bool) -> None:
    from lobby_tui.services.backup import restore as put_back

    if lang:
        set_language(lang)
    path = Path(_pick(ctx, "db", db) or default_db_path())
    if not copy.is_file():
        fail(t("error.db.missing", path=str(copy)))
    with user_errors():
        kept = put_back(copy, path, force)
    echo(t("cli.restored", copy=str(copy), path=str(path)))
    if kept is not None:
        echo(t("cli.restore_kept", path=str(kept)))


def parse_day(text: str) -> date:
    """A date as YYYY-MM-DD in this century, read as every form reads one (domain/parse)."""
    from lobby_tui.domain.errors import Invalid
    from lobby_tui.domain.parse import parse_date

    if not text.strip():
        fail(t("cli.date_empty"))
    try:
        return parse_date(text, "date")
    except Invalid as exc:
        if exc.key != "date_range":
            fail(t("cli.bad_date", text=text))
        fail(t("cli.date_range", text=text, first=exc.params["first"], last=exc.params["last"]))


def parse_month_option(text: str) -> tuple[date, date]:
    """--month YYYY-MM: its first and last day."""
    from lobby_tui.domain.errors import Invalid
    from lobby_tui.domain.parse import parse_month

    try:
        return parse_month(text)
    except Invalid:
        fail(t("cli.bad_month", text=text))


def parse_period(first: str, last: str) -> tuple[date, date]:
    """--from and --to: both days, the first not after the last."""
    start, end = parse_day(first), parse_day(last)
    if start > end:
        fail(t("cli.period_order", first=start.isoformat(), last=end.isoformat()))
    return start, end


def period(day: str | None, first: str | None, last: str | None) -> tuple[date, date] | None:
    """The days asked for: --date, or --from with --to; None for today."""
    # Given but empty (`--date ''`) is a mistake, not "today": parse_day says so.
    if day is not None and (first is not None or last is not None):
        fail(t("cli.date_and_period"))
    if (first is None) != (last is None):
        fail(t("cli.period_half"))
    if first is not None and last is not None:
        return parse_period(first, last)
    if day is not None:
        only = parse_day(day)
        return only, only
    return None


@cli.command(help=t("cli.report_help"))
@db_option
@lang_option
@click.option("--date", "day", metavar="YYYY-MM-DD", help=t("cli.date_help"))
@click.option("--from", "first", metavar="YYYY-MM-DD", help=t("cli.from_help"))
@click.option("--to", "last", metavar="YYYY-MM-DD", help=t("cli.to_help"))
@click.option("--month", "month", metavar="YYYY-MM", help=t("cli.month_help"))
@format_option
@click.option("--rebuild-rollups", "rebuild", is_flag=True, help=t("cli.rebuild_help"))
@click.pass_context
def report(
    ctx: click.Context,
    db: Path | None,
    lang: str | None,
    day: str | None,
    first: str | None,
    last: str | None,
    month: str | None,
    fmt: str,
    rebuild: bool,
) -> None:
    from lobby_tui.domain.day import business_day
    from lobby_tui.report_formats import render, render_month
    from lobby_tui.services.report import month_report, period_report
    from lobby_tui.services.verify import anchor_now

    if month is not None and (day, first, last) != (None, None, None):
        fail(t("cli.month_and_days"))
    asked = period(day, first, last) if month is None else parse_month_option(month)
    with user_errors():
        store, settings, language = prepare(
            _pick(ctx, "db", db), _pick(ctx, "lang", lang), wall_clock(), read_only=True
        )
        if rebuild:  # the one report that writes: opened again, for writing, once it exists
            from lobby_tui.services.rollup import rebuild_rollups
            from lobby_tui.store import open_store

            store.close()
            store = open_store(store.path, wall_clock(), create=False)
            try:
                days = rebuild_rollups(store, settings)
            except BaseException:
                store.close()
                raise
            echo(t("cli.rollups_rebuilt", days=days), err=True)
        try:
            today = business_day(store.clock.now(), settings.timezone)
            start, end = asked or (today, today)
            # A month still going is printed as far as it has come; one not begun is refused.
            latest = start if month is not None else end
            if latest > today:
                fail(t("cli.date_future", date=latest.isoformat(), today=today.isoformat()))
            if month is not None:  # the month's consumer-protection print (issue 20)
                text = render_month(month_report(store, settings, start, language), fmt)
            else:
                text = render(period_report(store, settings, start, end, language), fmt)
            anchor_now(store, "report")
        finally:
            store.close()
    echo(text, nl=False)


@cli.command(help=t("cli.export_help"))
@db_option
@lang_option
@click.option("--from", "first", metavar="YYYY-MM-DD", help=t("cli.from_help"))
@click.option("--to", "last", metavar="YYYY-MM-DD", help=t("cli.to_help"))
@click.option("--out", type=click.Path(path_type=Path), help=t("cli.out_help"))
@click.option("--include-personal", is_flag=True, help=t("cli.personal_help"))
@click.pass_context
def export(
    ctx: click.Context,
    db: Path | None,
    lang: str | None,
    first: str | None,
    last: str | None,
    out: Path | None,
    include_personal: bool,
) -> None:
    from lobby_tui.services.export import export as export_period

    if not (first and last and out):
        fail(t("cli.export_needs_period"))
    asked = period(None, first, last)
    assert asked is not None
    db, lang = _pick(ctx, "db", db), _pick(ctx, "lang", lang)
    with user_errors():
        # Names and phones leave the database only on a supervisor's word: typed here, never
        # a flag (a flag sits in the shell's history), and recorded (R6.5).
        vouching = _supervisor_vouches(db) if include_personal else None
        try:
            store, settings, _language = prepare(db, lang, wall_clock(), read_only=True)
            try:
                with progress_bar(t("cli.progress_export")) as progress:
                    done = export_period(
                        store, settings, *asked, out, include_personal=include_personal,
                        progress=progress,
                    )  # fmt: skip
            finally:
                store.close()
            if vouching is not None:
                from lobby_tui.services.export import record_personal_export

                record_personal_export(vouching, *asked, done)
        finally:
            if vouching is not None:
                vouching.close()
    echo(t("cli.export_done", tables=done.tables, rows=done.rows, path=str(done.path)))
    echo(t("cli.export_personal" if include_personal else "cli.export_masked"))


@cli.command(help=t("cli.bundle_help"))
@db_option
@lang_option
@click.option("--date", "day", metavar="YYYY-MM-DD", help=t("cli.bundle_date_help"))
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help=t("cli.bundle_out_help")
)
@click.pass_context
def bundle(
    ctx: click.Context, db: Path | None, lang: str | None, day: str | None, out: Path | None
) -> None:
    """A closed day for head office (issue 18): services/bundle.py."""
    from lobby_tui.services.bundle import read_manifest, write_bundle

    if day is None:
        fail(t("cli.bundle_needs_date"))
    asked = parse_day(day)
    path = Path(_pick(ctx, "db", db) or default_db_path())
    if not path.is_file():  # a mistyped path is said, never a new empty database made
        fail(t("error.db.missing", path=str(path)))
    with user_errors():
        # Writable: the tablet's id is made the first time a bundle is written.
        store, _settings, _language = prepare(path, _pick(ctx, "lang", lang), wall_clock())
        try:
            folder = write_bundle(store, asked, out)
        finally:
            store.close()
        manifest = read_manifest(folder)
    echo(t("cli.bundle_done", day=asked.isoformat(), path=str(folder)))
    for table, entry in manifest.tables.items():
        echo(t("cli.bundle_line", table=table, rows=entry.rows))
    echo(
        t(
            "cli.bundle_total",
            rows=sum(e.rows for e in manifest.tables.values()),
            tables=len(manifest.tables),
            events=manifest.chain.events,
            head=(manifest.chain.head or "-")[:12],
        )
    )


@cli.command(help=t("cli.purge_help"))
@db_option
@lang_option
@click.option("--dry-run", is_flag=True, help=t("cli.dry_run_help"))
@click.pass_context
def purge(ctx: click.Context, db: Path | None, lang: str | None, dry_run: bool) -> None:
    """Retention by hand (the app also runs it at start-up): domain/retention.py."""
    from lobby_tui.services.retention import plan
    from lobby_tui.services.retention import purge as erase

    if lang:
        set_language(lang)
    path = Path(_pick(ctx, "db", db) or default_db_path())
    if not path.is_file():  # a mistyped path is said, never a new empty database made
        fail(t("error.db.missing", path=str(path)))
    with user_errors():
        store, settings, _language = prepare(
            path, _pick(ctx, "lang", lang), wall_clock(), read_only=dry_run
        )
        try:
            done = plan(store, settings) if dry_run else erase(store, settings)
        finally:
            store.close()
    days = settings.retention_days
    echo(t("cli.purge_cutoff", cutoff=done.cut.day.isoformat(), days=days))
    for table, count in done.counts.items():
        echo(t("cli.purge_line", what=t(f"purge.{table}"), count=count))
    if not done.total:
        echo(t("cli.purge_nothing"))
    elif dry_run:
        echo(t("cli.purge_would", total=done.total))
    else:
        echo(t("cli.purge_done", total=done.total))


def _supervisor_vouches(db: Path | None) -> Store:
    """Ask for a supervisor's name and PIN on the terminal; refuse the export without them.
    Returns the database opened for writing, with the supervisor as its actor."""
    from lobby_tui.domain.errors import Invalid
    from lobby_tui.services.staff import supervisor_by_name
    from lobby_tui.store import open_store

    try:
        name = click.prompt(t("cli.export_supervisor"), default="", show_default=False)
        pin = click.prompt(t("cli.export_pin"), default="", show_default=False, hide_input=True)
    except click.exceptions.Abort:
        fail(t("cli.export_refused", reason=t("invalid.supervisor_only")))
    store = open_store(db or default_db_path(), wall_clock(), create=False)
    try:
        store.actor = supervisor_by_name(store, name, pin).id
    except Invalid as exc:
        store.close()
        fail(t("cli.export_refused", reason=t(f"invalid.{exc.key}", **exc.params)))
    except BaseException:
        store.close()
        raise
    return store


def main() -> None:
    from lobby_tui.start import main as start

    start()


# Head office's commands live apart (cli_hq.py): added last, once everything above exists.
from lobby_tui.cli_hq import hq  # noqa: E402

cli.add_command(hq)

# The ticket machine's feed (cli_queue.py), added the same way.
from lobby_tui.cli_queue import queue  # noqa: E402

cli.add_command(queue)
