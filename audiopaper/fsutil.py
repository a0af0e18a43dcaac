"""Atomic file writes, bounded reads, and the cleanup of a dead run's temp files.

Writes go to a temp file in the same folder, flushed, fsynced, renamed: a killed run
never leaves a half-written file under a final name. Temp files are named
``.tmp-PID-…``; cleanup removes only names of exactly that form whose PID is no longer
running, and only in the folders audiopaper writes into (never recursively), so other
programs' files are never touched.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from audiopaper.errors import OutputError

TEMP_PREFIX = ".tmp-"
# ".tmp-" + the writer's pid + "-" + mkstemp's 8 random characters or the file's stem
_OWN_TEMP = re.compile(r"\.tmp-(\d{1,10})-[A-Za-z0-9_][A-Za-z0-9_.-]*")


def package_folder(name: str) -> Path | None:
    """Where an installed package's files are, found without importing it (importing
    jieba or pypinyin costs a good part of a second; importlib.metadata 0.06–0.1 s)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def program_cache_dir() -> Path:
    """Where what the program derives once per machine is kept between runs (the
    rewritten voice model, the word table): AUDIOPAPER_MODEL_CACHE, else the user's cache."""
    configured = os.environ.get("AUDIOPAPER_MODEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "audiopaper" / "models"


def kept_derived(
    stem: str, suffix: str, make: Callable[[], bytes], folder: Path | None = None
) -> bytes:
    """Bytes the program derives once per machine (``make``), kept in the program cache
    as ``STEM-DIGEST.SUFFIX``. ``stem`` names what they were made from (with its digest), so
    a new source misses; the digest of the bytes themselves is checked at every load, so a
    damaged copy is made again, never used. A read-only cache only costs the time.
    ``folder``: another cache than the program's (a build's, for what its inputs make)."""
    folder = folder if folder is not None else program_cache_dir()
    for path in sorted(folder.glob(f"{stem}-*{suffix}")):
        try:
            data = path.read_bytes()
        except OSError:  # unreadable (a folder, no permission): make it again
            continue
        if hashlib.sha256(data).hexdigest()[:16] == path.name[len(stem) + 1 :].removesuffix(suffix):
            return data
    data = make()
    with contextlib.suppress(OSError, OutputError):
        atomic_write_bytes(folder / f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}", data)
    return data


@functools.cache
def _file_mode() -> int:
    """What open() would give a new file: 0o666 less the umask (read once, when the
    first file is written, not at import)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_writer(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` in one rename. ``durable``:
    forced to disk before the rename (and the rename too). Without it a power cut may
    leave an empty or partial file: only for what is checked when read and cheap to
    make again."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(), suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, _file_mode())  # mkstemp makes 0600; outputs are served to others
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _output_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    with atomic_writer(path, durable) as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def temp_prefix() -> str:
    """Temp names carry the writer's pid, so a cleaner can tell a dead run's leftovers
    from a live run's work in progress (a clip cache may be shared by several builds)."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def remove_stale_temps(folder: Path) -> int:
    """Delete the temp files dead runs left directly in ``folder`` (not below it);
    returns how many. Only regular files named ``.tmp-PID-…`` whose PID is not running
    are deleted: anything else is not ours."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _OWN_TEMP.fullmatch(entry.name)
        if match is None or _writer_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
    return removed


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this run's own leftovers, from an earlier step that failed
    if pid <= 0:
        return True  # not a pid a run can have: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's live process, or a number that is no pid
    return True


class TooLarge(Exception):
    """A file is larger than the reader accepts."""


def read_bounded(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes; raise :class:`TooLarge` if there is more. Works on
    pipes and devices (``/dev/zero`` stops at the limit instead of filling memory)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{path} is larger than {limit:,} bytes")
    return data


def make_durable(path: Path) -> None:
    """Force a file written with ``durable=False`` to disk, with the rename that put it
    in its folder."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _output_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot write {path}: {reason}",
        hint="check that the folder is writable and has free space, or pick another with --out",
    )


MAX_CONFIG_BYTES = 4 * 2**20  # profiles and lexicons are a few kilobytes


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file, read with a size bound; every way it can be wrong is a ValueError
    (bad TOML, bad UTF-8, too large, nested too deeply to parse) or an OSError."""
    import tomllib

    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
        return tomllib.loads(text)
    except TooLarge as exc:
        raise ValueError(f"larger than {MAX_CONFIG_BYTES // 2**20} MB") from exc
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
