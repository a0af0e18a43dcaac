"""Atomic file writes: a temp file in the same folder, flushed, fsynced, renamed.

A killed run never leaves a half-written file under a final name.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from audiopaper.errors import OutputError

TEMP_PREFIX = ".tmp-"


@functools.cache
def _file_mode() -> int:
    """What open() would give a new file: 0o666 less the umask (read once, when the
    first file is written, not at import)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` in one rename."""
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
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _output_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def temp_prefix() -> str:
    """Temp names carry the writer's pid, so a cleaner can tell a dead run's leftovers
    from a live run's work in progress (a clip cache may be shared by several builds)."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def remove_stale_temps(folder: Path) -> int:
    """Delete temp files that runs no longer alive left behind; returns how many."""
    removed = 0
    if folder.is_dir():
        for stale in folder.rglob(f"{TEMP_PREFIX}*"):
            if _writer_alive(stale.name):
                continue
            with contextlib.suppress(OSError):
                stale.unlink()
                removed += 1
    return removed


def _writer_alive(name: str) -> bool:
    pid_text = name[len(TEMP_PREFIX) :].split("-", 1)[0]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


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
