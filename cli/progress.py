"""Progress bars for the long commands: on stderr, only when stderr is a terminal, never with --quiet.

Pipes, logs and scripts see only the commands' output; a person at a terminal sees how far a run is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

QuietOpt = Annotated[bool, typer.Option("--quiet", help="no progress bar")]

Advance = Callable[[int, int | None], None]  # (done, total); total None while unknown


def _silent(done: int, total: int | None) -> None:
    return None


def stdout_is_terminal() -> bool:
    """Whether the command's output shares the terminal with the bar: then it is printed above the bar;
    piped or redirected, it must stay on stdout (rich would otherwise send it to the bar's stderr)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(label: str, *, quiet: bool = False) -> Iterator[Advance]:
    """A bar labelled `label`, advanced by calling what this yields; it goes away when the work is done."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield _silent
        return
    columns = (
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True, redirect_stdout=stdout_is_terminal()) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
