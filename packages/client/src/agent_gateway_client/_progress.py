"""The progress bar of a batch (``progress=True``): rich's, on stderr. rich is the optional
dependency ``agent-gateway-client[progress]``, imported only when a bar is asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

INSTALL = "pip install 'agent-gateway-client[progress]'"


class ProgressBar(Protocol):
    """What a batch tells its bar: how many calls there are, and each one that ended."""

    def start(self, total: int) -> None: ...
    def add(self, count: int) -> None: ...
    def advance(self, *, failed: bool) -> None: ...
    def stop(self) -> None: ...


class NoProgress:
    """No bar."""

    def start(self, total: int) -> None:
        pass

    def add(self, count: int) -> None:
        pass

    def advance(self, *, failed: bool) -> None:
        pass

    def stop(self) -> None:
        pass


class RichProgress:
    """A rich bar on stderr: calls done out of all, failures, elapsed and remaining time."""

    def __init__(self, description: str = "batch") -> None:
        require_rich()
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._description = description
        self._failed = 0
        self._progress: Progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task(self._description, total=total, failed="")

    def add(self, count: int) -> None:
        if self._task is not None and count:
            total = self._progress.tasks[0].total or 0
            self._progress.update(self._task, total=total + count)

    def advance(self, *, failed: bool) -> None:
        if self._task is None:
            return
        self._failed += failed
        label = f"{self._failed} failed" if self._failed else ""
        self._progress.update(self._task, advance=1, failed=label)

    def stop(self) -> None:
        self._progress.stop()


def require_rich() -> None:
    """Raise ``ImportError`` naming the extra to install if rich is missing."""
    try:
        import rich  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"progress=True needs rich: {INSTALL}") from exc


def progress_bar(enabled: bool) -> ProgressBar:
    """A rich bar if ``enabled``, else none."""
    return RichProgress() if enabled else NoProgress()
