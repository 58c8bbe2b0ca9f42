"""The embedded default data: what `jobtal build` without --data publishes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSettings:
    """The synthetic extracts `jobtal demo` writes. The defaults: the whole population (scale
    1, so every count is of a real municipality's size and adds up with Statistics Denmark's
    population, issue 20) over the two years the trend charts show. Measured on a 2-core
    machine: the demo 43 s, the build about 3 minutes with its 196 Word reports (about 50 s of
    it; the old default, a quarter of the population over three years, took 7 min 48 s)."""

    start: str = "2024-01"
    end: str = "2025-12"
    scale: float = 1.0
    seed: int = 2025
