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

from audiopaper.errors import OutputError

LOCK_NAME = ".audiopaper.lock"


@contextlib.contextmanager
def build_lock(out_dir: Path, warn: Callable[[str], None] = lambda _m: None) -> Iterator[None]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {out_dir}: {exc.strerror or exc}",
            hint="check the path and its permissions, or pick another with --out",
        ) from exc
    with handle:
        handle.seek(0)
        previous = handle.read().strip()
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
