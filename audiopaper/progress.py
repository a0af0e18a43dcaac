"""Progress on stderr with rich: one bar per stage, segments done/total and an ETA."""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class RichReporter:
    """rich (~0.05-0.3 s to import) is loaded at the first stage or note, and only for
    a terminal: a rebuild that finds nothing to do, cron and pipes never pay for it."""

    def __init__(self, quiet: bool = False) -> None:
        self._quiet = quiet
        self._progress: Progress | None = None
        self.task: TaskID | None = None
        # Bars are for people at a terminal; cron and pipes get the summary line only,
        # and an error stays the one line on stderr. (rich still decides for a terminal,
        # and for one its environment variables force.)
        self._bars = not quiet and (
            sys.stderr.isatty() or "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ
        )

    @property
    def progress(self) -> Progress:
        if self._progress is None:
            self._progress = self._start()
        return self._progress

    def _start(self) -> Progress:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(stderr=True)
        quiet = self._quiet or not console.is_terminal
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            disable=quiet,
            transient=False,
        )
        progress.start()
        return progress

    def __enter__(self) -> RichReporter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._finish_task()
            self._progress.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        if not self._bars:
            return
        self._finish_task()
        self.task = self.progress.add_task(name, total=total if total is not None else 1)

    def advance(self, amount: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def note(self, message: str) -> None:
        """Warnings reach stderr even in --quiet runs: cron mail should carry them."""
        line = f"audiopaper: warning: {message}"
        if self._bars:  # above the bars, which rich redraws below it
            self.progress.console.print(line, highlight=False, markup=False)
        else:
            print(line, file=sys.stderr, flush=True)

    def _finish_task(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[-1]
            if task.total is not None:
                self.progress.update(self.task, completed=task.total)
            self.task = None
