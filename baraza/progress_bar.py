"""The CLI's progress bar for long jobs (blocklist import, suspending a domain, sending the
Letter): the core reports `(done, total)` through a plain callback and knows nothing of
terminals; this draws it with rich on stderr, so piped stdout stays clean."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ProgressBar:
    """A callable `(done, total)` for the core; a context manager for the terminal. Jobs
    shorter than `threshold` steps draw nothing (they end before anyone waits)."""

    def __init__(self, label: str, threshold: int = 1) -> None:
        self.label = label
        self.threshold = threshold
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task: int | None = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.task is not None:
            self.progress.stop()

    def __call__(self, done: int, total: int) -> None:
        if total < self.threshold:
            return
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done, total=total)
