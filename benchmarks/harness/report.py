"""The table: each comparison as one row, with its ratio and the issue's target."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

NOT_YET = "n/a (no cache yet)"


@dataclass(frozen=True)
class Row:
    comparison: str
    pistil: str
    peer: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: str = "—"


@dataclass(frozen=True)
class Target:
    """A bound on a row's ratio (or figure); with_cache: it holds once pistil caches its workers' start-up."""

    text: str
    holds: Callable[[float], bool]
    with_cache: bool = False

    def verdict(self, value: float, cached: bool) -> str:
        if self.with_cache and not cached:
            return "—"
        return "yes" if self.holds(value) else "no"


# The targets, in one place.
SPAWN_VS_HELLO = {25: Target("≤ 5× (with the cache)", lambda ratio: ratio <= 5, with_cache=True),
                  17: Target("≤ 10× (with the cache)", lambda ratio: ratio <= 10, with_cache=True)}
SPAWN_VS_FULL = Target("≥ 4× faster", lambda faster: faster >= 4)
HEALTHY = Target("≤ 4 s (with the cache)", lambda seconds: seconds <= 4, with_cache=True)
IDLE_PSS = Target("PSS ≤ 3×", lambda ratio: ratio <= 3)
HTTP_VS_NGINX = Target("≥ 0.9×", lambda ratio: ratio >= 0.9)
HEARTBEAT = Target("≥ 200× cheaper", lambda cheaper: cheaper >= 200)
ARBITER_CPU = Target("< 0.5% of a core", lambda share: share < 0.005)


# Figures.

def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def milliseconds(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def nanoseconds(score: float, error: float) -> str:
    """A JMH score with its error margin, when JMH had iterations enough to give one."""
    shown = f"{score:,.2f}" if score < 100 else f"{score:,.0f}"
    return f"{shown} ns" + ("" if math.isnan(error) else f" ± {error:,.2f}" if score < 100 else f" ± {error:,.0f}")


def p50_p95(times: list[float]) -> str:
    return f"{milliseconds(percentile(times, 0.5))} / {milliseconds(percentile(times, 0.95))} ms"


def times_ratio(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}×"
    return f"{value:.1f}×" if value >= 10 else f"{value:.2f}×"


def mebibytes(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def requests(rate: float, errors: int) -> str:
    return f"{rate:,.0f} req/s" + (f" ({errors:,} errors)" if errors else "")


def failed(comparison: str, failure: BaseException) -> Row:
    return Row(comparison, "failed: " + (str(failure).splitlines() or [type(failure).__name__])[0])


def render(rows: list[Row]) -> str:
    """A Markdown table, its columns padded for a terminal."""
    header = Row("comparison", "pistil", "peer", "ratio", "target", "met")
    cells = [[header.comparison, header.pistil, header.peer, header.ratio, header.target, header.met]]
    cells += [[row.comparison, row.pistil, row.peer, row.ratio, row.target, row.met] for row in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header.__dict__))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) + " |" for line in cells]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)
