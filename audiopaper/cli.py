"""The command line: parses arguments, calls the pipeline, prints results.

Errors from the one exception tree become one line on stderr and an exit code.
Heavy modules are imported inside commands so ``--help`` stays fast.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
import typer

from audiopaper.errors import AudiopaperError, InputError

app = typer.Typer(
    help="Turn a Chinese newspaper page into an audio edition with chapters, "
    "transcripts and a podcast feed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: typer's rich help imports markdown and pygments, which costs
    # about a second at every start.
    rich_markup_mode=None,
)
episodes_app = typer.Typer(
    help="List, remove or repair the editions in the feed.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(episodes_app, name="episodes")

F = TypeVar("F", bound=Callable[..., Any])


def _folder(value: str | Path) -> Path:
    from audiopaper.guard import folder_option

    try:
        return folder_option(str(value)) if isinstance(value, str) else value
    except AudiopaperError as exc:
        raise typer.BadParameter(f"{exc.message}; {exc.hint}") from None


OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder.", parser=_folder)]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks.")]
ClusterOption = Annotated[
    str | None,
    typer.Option(help="Synthesize on a Dask cluster: its scheduler, tcp://HOST:PORT."),
]


def reports_errors(func: F) -> F:
    """Turn AudiopaperError into `audiopaper: error: …` plus a hint, and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _show_warnings()
        try:
            return func(*args, **kwargs)
        except AudiopaperError as exc:
            if kwargs.get("verbose"):
                import traceback

                traceback.print_exc()
            typer.echo(f"audiopaper: error: {exc.message}", err=True)
            if exc.hint:
                typer.echo(f"  hint: {exc.hint}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("audiopaper: interrupted; finished segments are cached", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, click.ClickException):
            raise  # click's own: exit codes and usage errors are handled by main()
        except BrokenPipeError:  # the reader stopped early (`| head`): quiet, as SIGPIPE would be
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        except Exception as exc:  # a bug: still one line, the traceback on request
            if kwargs.get("verbose"):
                raise
            typer.echo(f"audiopaper: error: internal error: {type(exc).__name__}: {exc}", err=True)
            typer.echo("  hint: run again with --verbose and report the traceback", err=True)
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _parse_date(value: str | None) -> dt.date | None:
    from audiopaper.guard import check_date

    if value is None:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None
    return check_date(date)  # a date no feed can carry: an input error with its hint


def _label(value: str | None) -> str | None:
    """A paper name or title: terminal escapes and bidi overrides dropped."""
    from audiopaper.guard import clean_label

    return clean_label(value) or None if value is not None else None


def _show_warnings() -> None:
    """Warnings from the stages (a skipped registry row, an edition left out of the
    feed) as ``audiopaper: warning: …`` lines on stderr."""
    import logging

    logger = logging.getLogger("audiopaper")
    if not any(getattr(h, "_audiopaper", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("audiopaper: warning: %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._audiopaper = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


@app.command()
@reports_errors
def build(
    page: Annotated[
        list[Path],
        typer.Argument(
            help="The pages: PDF, plain text or Markdown files, folders or globs; one edition."
        ),
    ],
    out: OutOption = Path("output"),
    date: Annotated[str | None, typer.Option(help="Edition date, YYYY-MM-DD.")] = None,
    paper: Annotated[str | None, typer.Option(help="Paper name (album and feed title).")] = None,
    voice: Annotated[str, typer.Option(help="Voice profile name or .toml path.")] = "offline",
    lexicon: Annotated[Path | None, typer.Option(help="Extra pronunciation lexicon.")] = None,
    cache: Annotated[Path | None, typer.Option(help="Clip cache folder.", parser=_folder)] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "--concurrency", "-j", help="Parallel synthesis requests."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="Public URL of the output folder (remembered for later builds)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be synthesized or reused.")
    ] = False,
    cluster: ClusterOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Build an edition: MP3 with chapters, transcripts, feed and web page."""
    from audiopaper.pipeline import BuildOptions
    from audiopaper.pipeline import build as run_build
    from audiopaper.progress import RichReporter

    options = BuildOptions(
        input_path=page[0],
        more_inputs=tuple(page[1:]),
        out_dir=out,
        date=_parse_date(date),
        paper=_label(paper),
        voice=voice,
        lexicon=lexicon,
        cache_dir=cache,
        jobs=jobs,
        base_url=base_url,
        cluster=cluster,
    )
    if dry_run:
        from audiopaper.pipeline import dry_run as make_dry_run
        from audiopaper.planview import print_dry_run

        print_dry_run(make_dry_run(options))
        return
    with RichReporter(quiet=quiet) as reporter:
        result = run_build(options, reporter)
    for note in result.notes:
        typer.echo(f"audiopaper: note: {note}", err=True)
    if not quiet:
        minutes, seconds = divmod(round(result.duration_s), 60)
        typer.echo(
            f"{result.edition.title}: {len(result.edition.articles)} articles, "
            f"{result.reused} reused, {result.synthesized} synthesized, "
            f"{minutes}:{seconds:02d} of audio → {result.audio_path}"
        )


@app.command()
@reports_errors
def rebuild(
    edition_ids: Annotated[
        list[str] | None, typer.Argument(help="Edition ids (see episodes list).")
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every edition in the feed.")] = False,
    out: OutOption = Path("output"),
    voice: Annotated[
        str | None, typer.Option(help="A new voice profile (default: each edition's own).")
    ] = None,
    lexicon: Annotated[
        Path | None, typer.Option(help="A new per-edition lexicon (default: each one's own).")
    ] = None,
    cache: Annotated[Path | None, typer.Option(help="Clip cache folder.")] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "--concurrency", "-j", help="Parallel synthesis requests."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say per edition what would be synthesized, and why.")
    ] = False,
    cluster: ClusterOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Rebuild editions from the sources kept in their folders; the feed is rewritten once."""
    from audiopaper.progress import RichReporter
    from audiopaper.rebuild import RebuildOptions, dry_run_all
    from audiopaper.rebuild import rebuild as run_rebuild

    options = RebuildOptions(
        out_dir=out,
        edition_ids=tuple(edition_ids or ()),
        everything=everything,
        voice=voice,
        lexicon=lexicon,
        cache_dir=cache,
        jobs=jobs,
        cluster=cluster,
    )
    if dry_run:
        outcome: Any = dry_run_all(options, _print_edition)
    else:
        with RichReporter(quiet=quiet) as reporter:
            outcome = run_rebuild(options, reporter, _print_edition)
        if outcome.republished:
            typer.echo(f"feed and web page republished in {out}")
    if outcome.failed:
        typer.echo(f"audiopaper: error: {len(outcome.failed)} edition(s) failed", err=True)
        raise typer.Exit(outcome.exit_code)


def _print_edition(edition_id: str, result: object) -> None:
    """One line per edition: data on stdout, failures on stderr."""
    from audiopaper.pipeline import BuildResult
    from audiopaper.rebuild import (
        UNKNOWN_LINE,
        EditionChanges,
        describe_changes,
        describe_result,
    )

    if result is None:
        typer.echo(f"{edition_id}\t{UNKNOWN_LINE}")
    elif isinstance(result, AudiopaperError):
        typer.echo(f"audiopaper: error: {edition_id}: {result.message}", err=True)
        if result.hint:
            typer.echo(f"  hint: {result.hint}", err=True)
    elif isinstance(result, EditionChanges):
        typer.echo(f"{edition_id}\t{describe_changes(result)}")
    elif isinstance(result, BuildResult):
        typer.echo(f"{edition_id}\t{describe_result(result)}")


@app.command()
@reports_errors
def plan(
    page: Annotated[list[Path], typer.Argument(help="The pages to plan (as for build).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    date: Annotated[str | None, typer.Option(help="Edition date, YYYY-MM-DD.")] = None,
    paper: Annotated[str | None, typer.Option(help="Paper name.")] = None,
    voice: Annotated[str, typer.Option(help="Voice profile (sets segment size).")] = "offline",
    verbose: VerboseOption = False,
) -> None:
    """Show the articles and segments found; nothing is synthesized."""
    from audiopaper.pipeline import BuildOptions
    from audiopaper.pipeline import plan as make_plan
    from audiopaper.planview import plan_as_dict, print_plan

    options = BuildOptions(
        input_path=page[0],
        more_inputs=tuple(page[1:]),
        date=_parse_date(date),
        paper=_label(paper),
        voice=voice,
        out_dir=Path("output"),
    )
    the_plan = make_plan(options)
    for note in the_plan.edition.notes:
        typer.echo(f"audiopaper: warning: {note}", err=True)
    for note in the_plan.notes:
        typer.echo(f"audiopaper: note: {note}", err=True)
    if as_json:
        json.dump(plan_as_dict(the_plan), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_plan(the_plan)


@app.command()
@reports_errors
def normalize(
    file: Annotated[Path | None, typer.Argument(help="Text file; stdin when omitted.")] = None,
    explain: Annotated[bool, typer.Option(help="Show each rewrite and what was left.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Rewrite numbers, dates and units as spoken Chinese, one line out per line in."""
    from audiopaper.normalize import explain as explain_text
    from audiopaper.normalize import normalize as normalize_text

    if file is not None:
        from audiopaper.read import read_text

        text = read_text(file)
    else:
        from audiopaper.read import MAX_PAGE_BYTES

        text = sys.stdin.read(MAX_PAGE_BYTES + 1)  # bounded: stdin may be endless
        if len(text) > MAX_PAGE_BYTES:
            raise InputError(
                f"more than {MAX_PAGE_BYTES // 2**20} MB on standard input",
                hint="give one page's text, or a file",
            )
    from audiopaper.guard import check_numbers

    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        check_numbers(line, where=f"line {number}")
    if explain:
        from rich.console import Console

        from audiopaper.normalize.report import render_explanation

        console = Console()
        for line in lines:
            render_explanation(explain_text(line), console)
        return
    out = sys.stdout
    for line in lines:
        out.write(normalize_text(line) + "\n")


@app.command()
@reports_errors
def pinyin(
    file: Annotated[Path | None, typer.Argument(help="Text file; stdin when omitted.")] = None,
    no_sandhi: Annotated[
        bool, typer.Option("--no-sandhi", help="Dictionary tones, before tone sandhi.")
    ] = False,
    lexicon: Annotated[Path | None, typer.Option(help="Extra pronunciation lexicon.")] = None,
    verbose: VerboseOption = False,
) -> None:
    """Show what the offline voice is fed: one TONE3 syllable per Han character, one line
    out per line in. The text is not normalized (digits give nothing)."""
    from audiopaper.frontend.cli import pinyin_lines

    for line in pinyin_lines(file, lexicon, sandhi=not no_sandhi):
        sys.stdout.write(line + "\n")


@app.command()
@reports_errors
def voices(
    engine: Annotated[str | None, typer.Option(help="List an engine's voices instead.")] = None,
    verbose: VerboseOption = False,
) -> None:
    """List voice profiles, or the voices an engine offers."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if engine is not None:
        from audiopaper.engines import get_engine

        names = get_engine(engine).voices()
        for name in names:
            console.print(name, highlight=False)
        return
    from audiopaper.profiles import list_profiles

    table = Table("profile", "engine", "voice", "description")
    for profile in list_profiles():
        voices_text = profile.voice.name
        if profile.roles:
            roles = ", ".join(
                f"{r.value}: {v.name}"
                for r, v in profile.roles.items()
                if v.name != profile.voice.name
            )
            voices_text += f" ({roles})" if roles else ""
        table.add_row(profile.name, profile.voice.engine, voices_text, profile.description)
    console.print(table)


@app.command()
@reports_errors
def feed(
    out: OutOption = Path("output"),
    base_url: Annotated[str | None, typer.Option(help="New public URL of the folder.")] = None,
    title: Annotated[str | None, typer.Option(help="New podcast title.")] = None,
    verbose: VerboseOption = False,
) -> None:
    """Rewrite feed.xml and index.html from the editions already built."""
    from dataclasses import replace

    from audiopaper.guard import check_own_folder
    from audiopaper.lock import build_lock
    from audiopaper.pipeline import feed_config
    from audiopaper.publish import refresh_site

    check_own_folder(out)
    with build_lock(out):  # never rewrite the feed under a running build
        config = feed_config(out, base_url)
        if title and _label(title):
            config = replace(config, title=str(_label(title)))
        paths = refresh_site(out, config)
    for path in paths:
        typer.echo(str(path))


@app.command()
@reports_errors
def show(
    out: OutOption = Path("output"),
    title: Annotated[str | None, typer.Option(help="Podcast title.")] = None,
    description: Annotated[str | None, typer.Option(help="Show description.")] = None,
    author: Annotated[str | None, typer.Option(help="Author (itunes:author).")] = None,
    owner_name: Annotated[str | None, typer.Option(help="Owner's name (itunes:owner).")] = None,
    owner_email: Annotated[
        str | None, typer.Option(help="Owner's e-mail: directories verify ownership by it.")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Apple Podcasts category.")] = None,
    subcategory: Annotated[str | None, typer.Option(help="Its subcategory.")] = None,
    copyright: Annotated[str | None, typer.Option(help="Copyright line.")] = None,
    explicit: Annotated[
        bool | None, typer.Option("--explicit/--not-explicit", help="Explicit content.")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language tag, e.g. zh-cn.")] = None,
    link: Annotated[str | None, typer.Option(help="The show's website.")] = None,
    cover: Annotated[
        str | None,
        typer.Option(help="Show art: a square RGB PNG/JPEG of 1400-3000 px ('' = drawn)."),
    ] = None,
    publish_hour: Annotated[
        int | None, typer.Option(help="Hour (Beijing time) an edition comes out, 0-23.")
    ] = None,
    spoken_disclosure: Annotated[
        bool | None,
        typer.Option(
            "--spoken-disclosure/--no-spoken-disclosure",
            help="Say in the opening that a synthetic voice reads (off if you disclose elsewhere).",
        ),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Show or set the podcast's settings (no options: print them)."""
    from audiopaper.lock import build_lock
    from audiopaper.publish import refresh_site
    from audiopaper.publish.feed import FEED_NAME
    from audiopaper.publish.show import load_config, show_lines, update_show

    given = {
        "title": title,
        "description": description,
        "author": author,
        "owner_name": owner_name,
        "owner_email": owner_email,
        "category": category,
        "subcategory": subcategory,
        "copyright": copyright,
        "explicit": explicit,
        "language": language,
        "link": link,
        "cover": cover,
        "publish_hour": publish_hour,
        "spoken_disclosure": spoken_disclosure,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if changes:
        with build_lock(out):  # never change the settings under a running build
            config = update_show(out, changes)
            if (out / FEED_NAME).exists():
                refresh_site(out, config)  # the feed says it at once
    else:
        config = load_config(out)
    width = max(len(name) for name, _ in show_lines(config))
    for name, value in show_lines(config):
        typer.echo(f"{name.ljust(width)}  {value}")


@app.command()
@reports_errors
def serve(
    out: OutOption = Path("output"),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    verbose: VerboseOption = False,
) -> None:
    """Serve the output folder (feed, editions, web player) with byte ranges."""
    from audiopaper.guard import check_host, check_port, is_loopback
    from audiopaper.serve import serve as run_server

    check_port(port)
    check_host(host)
    if not is_loopback(host):
        typer.echo(
            f"audiopaper: warning: listening on {host}: other machines can reach the folder",
            err=True,
        )
    _log_requests()
    try:
        run_server(out, port, host, on_ready=lambda url: typer.echo(f"Serving {out} at {url}"))
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)


def _log_requests() -> None:
    """serve: one line on stderr per request, hang-up or failure, never a traceback."""
    import logging

    logger = logging.getLogger("audiopaper.serve")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # not twice through the warnings handler


@episodes_app.command("list")
@reports_errors
def episodes_list(
    out: OutOption = Path("output"),
    verbose: VerboseOption = False,
) -> None:
    """List the editions in the feed, newest first."""
    from audiopaper.guard import printable
    from audiopaper.publish import list_episodes
    from audiopaper.publish.registry import missing_files

    for record in list_episodes(out):
        minutes, seconds = divmod(round(record.duration_s), 60)
        problem = missing_files(out, record)
        flag = f"\t(not in the feed: {problem})" if problem else ""
        typer.echo(
            f"{record.edition_id}\t{minutes}:{seconds:02d}\t"
            f"{record.audio_bytes / 1e6:.1f} MB\t{printable(record.title)}{flag}"
        )


@episodes_app.command("remove")
@reports_errors
def episodes_remove(
    edition_id: Annotated[str, typer.Argument(help="The edition id, e.g. 2024-03-18.")],
    out: OutOption = Path("output"),
    keep_files: Annotated[bool, typer.Option(help="Keep the edition's folder.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Take an edition out of the feed (and delete its files unless --keep-files)."""
    from audiopaper.guard import check_own_folder, printable
    from audiopaper.lock import build_lock
    from audiopaper.publish import remove_edition

    check_own_folder(out)
    with build_lock(out):  # never delete a folder a running build writes into
        removal = remove_edition(out, edition_id, delete_files=not keep_files)
    typer.echo(f"removed {removal.edition_id}: {printable(removal.title)}")
    for path in removal.deleted:
        typer.echo(f"  deleted {printable(str(path))}")


@episodes_app.command("repair")
@reports_errors
def episodes_repair(
    out: OutOption = Path("output"),
    verbose: VerboseOption = False,
) -> None:
    """Rebuild the registry from the edition folders, then the feed and page."""
    from audiopaper.guard import check_own_folder, printable
    from audiopaper.lock import build_lock
    from audiopaper.publish import refresh_site
    from audiopaper.publish.registry import repair

    if not out.is_dir():
        raise InputError(f"no output folder {out}", hint="give the folder with --out")
    check_own_folder(out)
    with build_lock(out):
        result = repair(out)
        refresh_site(out)
    if result.kept_aside is not None:
        typer.echo(f"kept the damaged registry as {result.kept_aside}")
    for edition_id in result.restored:
        typer.echo(f"restored {edition_id}")
    for name, why in result.skipped:
        typer.echo(f"skipped {printable(name)}: {printable(why)}")
    typer.echo(f"{len(result.restored)} editions restored, {len(result.skipped)} skipped")


def main() -> None:
    """The console script (it ends the process). Usage mistakes are bad input (exit 1),
    like a bad page; click's own code for them (2) is audiopaper's code for an engine
    failure."""
    atexit.register(_end_without_teardown)  # the first registered runs last
    try:
        code = app(standalone_mode=False)
    except click.UsageError as exc:
        typer.echo(f"audiopaper: error: {exc.format_message()}", err=True)
        command = exc.ctx.command_path if exc.ctx else "audiopaper"
        typer.echo(f"  hint: see {command} --help", err=True)
        code = 1
    except click.Abort:
        code = 130
    _exit_code.append(code if isinstance(code, int) else 0)
    sys.exit(_exit_code[-1])


_exit_code: list[int] = []


def _end_without_teardown() -> None:
    """Once Python has waited for the threads and run every other exit handler (the
    kept regex programs are saved there), end at once: freeing the voice's arenas and
    the word and phrase tables' millions of small objects took 0.2-0.25 s after a build,
    a sixth of a one-sentence rebuild, for memory the system takes back anyway. Only
    once ``main`` has chosen the exit code: an uncaught exception leaves the usual way."""
    if not _exit_code:
        return
    logging = sys.modules.get("logging")
    if logging is not None:  # in case it was imported before main(): its handler runs later
        logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed pipe: the usual exit reports it
    os._exit(_exit_code[-1])
