"""The whole sample (its default configuration), from `java -jar` to UP on /actuator/health."""

from __future__ import annotations

from pathlib import Path

from .processes import Processes
from .sample import CacheSetting, Sample, await_cache_written
from .settings import Settings
from .setup import Jdk


def measure(processes: Processes, settings: Settings, jdk: Jdk, cache: CacheSetting, work: Path) -> list[float]:
    name = f"healthy-jdk{jdk.major}-{cache.name.replace(' ', '-')}"
    if cache.directory is not None:
        with Sample(processes, jdk, work, name + "-training", cache) as sample:
            sample.await_healthy()
            await_cache_written(cache)
    times = []
    for run in range(settings.healthy_runs):
        with Sample(processes, jdk, work, f"{name}-{run + 1}", cache) as sample:
            times.append(sample.await_healthy())
    return times
