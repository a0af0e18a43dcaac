"""One build at a time per output folder.

The lock file holds the holder's pid and is locked with ``flock``, which the kernel
releases when the holder dies, so a lock left by a killed build is taken over (with a
warning) rather than blocking every later run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from audiopaper.errors import OutputError

LOCK_NAME = ".audiopaper.lock"


def _open_lock(out_dir: Path) -> TextIO:
    """The lock file, opened for update; each way it can fail has its own message."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {out_dir}: {exc.strerror or exc}",
            hint="check the path and its permissions, or pick another with --out",
        ) from exc
    path = out_dir / LOCK_NAME
    if path.is_symlink() or (path.exists() and not path.is_file()):
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise OutputError(
            f"the lock file {path} is {kind}",
            hint="remove it (audiopaper makes it again), or pick another --out",
        )
    try:
        return open(path, "a+")
    except OSError as exc:
        raise OutputError(
            f"cannot open the lock file {path}: {exc.strerror or exc}",
            hint="check the permissions of the output folder and of that file, "
            "or pick another --out",
        ) from exc


@contextlib.contextmanager
def build_lock(out_dir: Path, warn: Callable[[str], None] = lambda _m: None) -> Iterator[None]:
    handle = _open_lock(out_dir)
    with handle:
        handle.seek(0)
        previous = handle.read(64).strip()  # a pid; never read a planted huge file
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = f" (pid {previous})" if previous else ""
            raise OutputError(
                f"another build{holder} is running in {out_dir}",
                hint="wait for it to finish, or use another --out folder",
            ) from None
        if previous and previous != str(os.getpid()):
            warn(f"taking over a stale lock left by pid {previous} (no longer running)")
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
