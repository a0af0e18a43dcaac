"""Checks on every input before any work starts.

A build may run for an hour; anything that would make it fail at the end (a date the
feed cannot carry, more chapters than an ID3 table holds, a read-only folder) or do harm
(write over another program's ``index.html``, publish a password in the feed) is found
here, before synthesis, and reported as one line with its fix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import ipaddress
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from audiopaper.errors import ConfigError, EngineError, InputError, OutputError
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Edition

if TYPE_CHECKING:
    from audiopaper.engines.base import Synthesis

# An ID3 CTOC lists at most 255 chapters (its count is one byte); one is the opening,
# and a few are left for chapters the edition may add around the articles.
MAX_ARTICLES = 250
# No newspaper prints a number this long; Python refuses to convert past 4,300 digits.
MAX_NUMBER_DIGITS = 1_000
_LONG_NUMBER = compile_kept(r"\d(?:[,，.]?\d){" + str(MAX_NUMBER_DIGITS) + ",}")

# Names audiopaper writes at the top of an output folder; a folder that holds one of
# them but was never an audiopaper folder belongs to someone else.
OWN_TOP_LEVEL = ("index.html", "feed.xml", "cover.png", "favicon.ico")
# What marks a folder as audiopaper's: the lock every run takes, the registry, the
# settings copy, or an edition folder with its manifest.
_MARKERS = (".audiopaper.lock", "episodes.sqlite", ".settings.json")

# Characters that must never reach a title, a terminal or a feed: C0/C1 controls
# (terminal escapes) and the bidirectional overrides and isolates (U+202E turns the
# rest of a line around).
_CONTROLS = compile_kept(r"[\x00-\x1f\x7f-\x9f]")
_BIDI = compile_kept(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_TEXT = compile_kept(f"{_CONTROLS.pattern}|{_BIDI.pattern}")


# -- text a user gives --------------------------------------------------------------------


def clean_label(text: str) -> str:
    """A name or title as it may be shown: controls and bidi overrides dropped, runs of
    whitespace made one space."""
    text = _BIDI.sub("", unicodedata.normalize("NFC", text))
    return " ".join(_CONTROLS.sub(" ", text).split())


def clean_edition(edition: Edition) -> Edition:
    """The paper name and every title as they may be shown (see :func:`clean_label`)."""
    articles = tuple(
        replace(
            article,
            title=clean_label(article.title) or article.title,
            subtitles=tuple(clean_label(s) for s in article.subtitles),
        )
        for article in edition.articles
    )
    return replace(edition, paper=clean_label(edition.paper) or edition.paper, articles=articles)


def printable(text: str) -> str:
    """Text for the terminal: control characters and bidi overrides shown as nothing."""
    return _UNSAFE_TEXT.sub("", text)


# -- folders -------------------------------------------------------------------------------


def folder_option(value: str) -> Path:
    """``--out``/``--cache`` as given: an empty value (an unset shell variable) would mean
    the current folder, so it is refused."""
    if not value.strip():
        raise InputError(
            "an empty folder name was given (an unset variable?)",
            hint="give the folder explicitly, e.g. --out output",
        )
    return Path(value)


def is_own_folder(folder: Path) -> bool:
    """Whether ``folder`` is new, empty, or already an audiopaper output folder."""
    try:
        names = {child.name for child in folder.iterdir()}
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
    except OSError:
        return True  # unreadable: the writability check says so more precisely
    if not names or any(marker in names for marker in _MARKERS):
        return True
    return any((folder / name / "edition.json").is_file() for name in names)


def check_own_folder(folder: Path) -> None:
    """Refuse to write into a folder that holds another program's page, feed or cover."""
    if is_own_folder(folder):
        return
    foreign = [name for name in OWN_TOP_LEVEL if (folder / name).exists()]
    if foreign:
        raise OutputError(
            f"{folder} is not an audiopaper output folder and holds {', '.join(foreign)}, "
            "which a build would overwrite",
            hint="pick an empty or new folder with --out (the default is ./output)",
        )


def check_writable(folders: Iterable[Path]) -> None:
    """Each folder (or, if it is not there yet, the folder it would be made in) takes a
    new file: found now, not after an hour of synthesis. Nothing is created."""
    from audiopaper.fsutil import temp_prefix

    for folder in folders:
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        try:
            if not existing.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(existing))
            probe = existing / f"{temp_prefix()}probe"
            with open(probe, "xb"):
                pass
            probe.unlink()
        except OSError as exc:
            raise OutputError(
                f"cannot write into {folder}: {exc.strerror or exc}",
                hint="check the folder's permissions and free space, or pick another with --out",
            ) from exc


# -- the edition ----------------------------------------------------------------------------


def check_edition(edition: Edition) -> None:
    """What the feed and the tags can carry, found before synthesis."""
    from audiopaper.publish.registry import check_feed_date

    check_feed_date(edition.date)
    if len(edition.articles) > MAX_ARTICLES:
        raise InputError(
            f"the page has {len(edition.articles)} articles; an edition holds at most "
            f"{MAX_ARTICLES} (an ID3 chapter table lists at most 255 chapters)",
            hint="split the page into several files and build each into its own --out, or "
            "check how it was read with 'audiopaper plan'",
        )
    for number, article in enumerate(edition.articles, start=1):
        for text in (article.title, *article.subtitles, *(p.text for p in article.paragraphs)):
            check_numbers(text, where=f"article {number}")


def check_numbers(text: str, where: str) -> None:
    match = _LONG_NUMBER.search(text)
    if match is not None:
        digits = sum(ch.isdigit() for ch in match.group(0))
        raise InputError(
            f"{where} holds a number {digits:,} digits long ({match.group(0)[:12]}…); "
            f"numbers over {MAX_NUMBER_DIGITS:,} digits cannot be read aloud",
            hint="check the page (a broken extraction?) and remove or shorten that number",
        )


def check_date(date: dt.date) -> dt.date:
    from audiopaper.publish.registry import check_feed_date

    return check_feed_date(date)


# -- clips ------------------------------------------------------------------------------

# No voice needs a second a character at rate 1.0 (pauses included), plus a few seconds.
_SLOWEST_SECONDS_PER_CHAR = 1.0
_CLIP_SLACK_SECONDS = 10.0


def check_clip(engine: str, text: str, synthesis: Synthesis, rate: float = 1.0) -> None:
    """An engine's answer before it is cached: finite samples and timings, and no more
    audio than the text can take (any engine, built in or a plugin)."""
    import numpy as np

    longest = (_CLIP_SLACK_SECONDS + len(text) * _SLOWEST_SECONDS_PER_CHAR) / min(1.0, rate)
    problem = None
    if synthesis.sample_rate <= 0 or synthesis.duration > longest:
        problem = f"{synthesis.duration:.1f} s of audio for {len(text)} characters"
    elif not all(
        math.isfinite(b.offset) and math.isfinite(b.duration) and b.offset >= 0 <= b.duration
        for b in synthesis.boundaries
    ):
        problem = "sentence timings that are not finite, non-negative numbers"
    elif not np.isfinite(synthesis.samples).all():
        problem = "samples that are not finite numbers"
    if problem:
        raise EngineError(
            f"the {engine} engine returned {problem}; not cached",
            hint="run the same command again; if it persists, report it",
        )


# -- feed and server -----------------------------------------------------------------------


def check_base_url(url: str) -> str:
    """The public address of the output folder: an absolute http(s) URL with a host, no
    credentials, and nothing a feed or a page would have to escape."""
    hint = "give the address the folder is served from, e.g. https://example.org/paper/"
    if any(ch.isspace() or ch in "\"'<>\\`{}|^" or ord(ch) < 0x20 for ch in url):
        raise ConfigError(
            f"the base URL {printable(url)!r} holds spaces, quotes or control characters",
            hint=hint + " (percent-encode what must stay)",
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"the base URL {url!r} is not a valid URL: {exc}", hint=hint) from exc
    del port  # read only to validate it
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"the base URL {url!r} is not an absolute http(s) URL", hint=hint)
    if "@" in parts.netloc:
        raise ConfigError(
            "the base URL carries a user name or password, which the feed would publish",
            hint="give the public address without credentials",
        )
    if parts.fragment or parts.query:
        raise ConfigError(
            f"the base URL {url!r} has a query or fragment; file names are appended to it",
            hint=hint,
        )
    return url


def check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise InputError(
            f"--port {port} is not a TCP port", hint="use 1–65535 (0 picks a free port)"
        )
    return port


def check_host(host: str) -> str:
    """An empty host would listen on every interface without saying so."""
    if not host.strip():
        raise InputError(
            "--host is empty, which would listen on every network interface",
            hint="use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 to share on purpose",
        )
    return host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host).is_loopback
    return False
