"""Work that should only use CPU nothing else wants (Linux's SCHED_IDLE)."""

from __future__ import annotations

import contextlib
import os


def lowest_priority() -> None:
    """Run the calling thread, and the processes it starts, only on otherwise idle CPU
    (Linux's SCHED_IDLE; elsewhere nothing changes)."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
