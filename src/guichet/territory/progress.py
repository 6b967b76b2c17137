"""A rich progress bar per import stage, silent when nobody watches (tests, pipes, cron)."""

from __future__ import annotations

from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class ImportProgress:
    """`with ImportProgress(stream) as progress: task = progress.stage("Communes", 37590)`.

    The bar is drawn only on a terminal: redrawn frames would fill a log file or a test's
    captured output with control codes.
    """

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool = True) -> None:
        console = Console(file=stream, stderr=stream is None)
        self._progress = Progress(
            TextColumn("{task.description:<32}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not (enabled and console.is_terminal),
            transient=False,
        )
        self._totals: dict[TaskID, int] = {}

    def __enter__(self) -> ImportProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def stage(self, description: str, total: int) -> TaskID:
        task = self._progress.add_task(description, total=max(total, 1))
        self._totals[task] = max(total, 1)
        return task

    def advance(self, task: TaskID, steps: int = 1) -> None:
        self._progress.advance(task, steps)

    def finish(self, task: TaskID) -> None:
        self._progress.update(task, completed=self._totals[task])


class NoProgress(ImportProgress):
    def __init__(self) -> None:
        super().__init__(enabled=False)
