"""One log line per unit of work, saying what was done and how long it took, and a progress line
for anything slow. Everything goes to stderr so that stdout stays free for reports (--json)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

T = TypeVar("T")


def log(message: str) -> None:
    click.echo(message, err=True)


class Stage:
    """What a stage reports about itself; the caller fills `summary` before the stage ends."""

    def __init__(self, name: str):
        self.name = name
        self.summary = ""
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def stage(name: str) -> Iterator[Stage]:
    """Log `name: <summary> in <seconds> s` when the block ends without an error."""
    current = Stage(name)
    yield current
    log(f"{name}: {current.summary} in {current.seconds:.1f} s".replace(":  in", ": done in"))


def progress(items: Iterable[T], label: str, total: int) -> Iterator[T]:
    """Yield items, showing progress: a live bar on a terminal, a line per tenth in logs."""
    if sys.stderr.isatty():
        with click.progressbar(items, length=total, label=label, file=sys.stderr) as bar:
            yield from bar
        return
    step = max(total // 10, 1)
    for done, item in enumerate(items, start=1):
        yield item
        if done % step == 0 or done == total:
            log(f"  {label}: {done}/{total}")
