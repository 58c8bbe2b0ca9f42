"""The embedded default data: what `jobtal build` without --data publishes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSettings:
    """The synthetic extracts `jobtal demo` writes. The defaults are the largest demo that keeps
    `make site` on a fresh clone under five minutes on a 2-core machine."""

    start: str = "2023-01"
    end: str = "2025-12"
    scale: float = 0.25
    seed: int = 2025
