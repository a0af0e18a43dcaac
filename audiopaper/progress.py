"""Progress on stderr with rich: one bar per stage, segments done/total and an ETA."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RichReporter:
    def __init__(self, quiet: bool = False) -> None:
        self.console = Console(stderr=True)
        # Bars are for people at a terminal; cron and pipes get the summary line only,
        # and an error stays the one line on stderr.
        self.quiet = quiet or not self.console.is_terminal
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
            disable=self.quiet,
            transient=False,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._finish_task()
        self.progress.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        self._finish_task()
        self.task = self.progress.add_task(name, total=total if total is not None else 1)

    def advance(self, amount: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def note(self, message: str) -> None:
        """Warnings reach stderr even in --quiet runs: cron mail should carry them."""
        self.progress.console.print(f"audiopaper: warning: {message}", highlight=False)

    def _finish_task(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[-1]
            if task.total is not None:
                self.progress.update(self.task, completed=task.total)
            self.task = None
