"""Start-up times: a bare `java Hello`, a worker's spawn to ready (slim and full context), kill -9 to replacement."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .processes import Processes
from .sample import CacheSetting, Sample, await_cache_written, await_condition
from .settings import Settings
from .setup import Jdk

SLIM_POOL = "hello"  # the sample's hello worker
FULL_POOL = "hello-full"  # the same worker in a child that starts the whole application (benchmark profile)


def bare_hello(processes: Processes, jdk: Jdk, classes: Path, runs: int) -> list[float]:
    """Seconds from the spawn of `java -cp classes Hello` to its exit, once per run."""
    return [processes.time_run("java Hello", [jdk.java, "-cp", str(classes), "Hello"], timeout=60)
            for _ in range(runs)]


@dataclass(frozen=True)
class SpawnTimes:
    slim: list[float]
    full: list[float]
    respawn: list[float]


def measure(processes: Processes, settings: Settings, jdk: Jdk, cache: CacheSetting, work: Path) -> SpawnTimes:
    """One arbiter on the benchmark profile with no worker running; its pools scaled over the actuator."""
    name = f"spawn-jdk{jdk.major}-{cache.name.replace(' ', '-')}"
    quiet = {"pistil.workers.http-hello.workers": "0"}
    if cache.directory is not None:
        # A training start: each pool's first worker builds its entry of the cache.
        training = {**quiet, f"pistil.workers.{SLIM_POOL}.workers": "1", f"pistil.workers.{FULL_POOL}.workers": "1"}
        with Sample(processes, jdk, work, name + "-training", cache, "benchmark", training) as sample:
            sample.await_healthy()
            await_cache_written(cache)
    with Sample(processes, jdk, work, name, cache, "benchmark", quiet) as sample:
        sample.await_healthy()
        slim = spawn_to_ready(sample, SLIM_POOL, settings.spawns)
        respawn = kill_to_ready(sample, SLIM_POOL, settings.respawns)
        full = spawn_to_ready(sample, FULL_POOL, settings.spawns)
    return SpawnTimes(slim, full, respawn)


def spawn_to_ready(sample: Sample, pool: str, spawns: int) -> list[float]:
    """The arbiter's own figure for each spawn: one worker at a time, the boot timer's increase."""
    times = []
    for _ in range(spawns):
        count, total = sample.boot_timer(pool)
        sample.scale(pool, 1)
        _, new_total = sample.await_boots(pool, count + 1)
        times.append(new_total - total)
        sample.scale(pool, 0)
        sample.await_no_workers(pool)
    return times


def kill_to_ready(sample: Sample, pool: str, kills: int) -> list[float]:
    """SIGKILL of the pool's only worker until its replacement is ready: the time to its spawn (the
    replacement's startedAt, as the arbiter took it) plus its spawn-to-ready (the boot timer)."""
    sample.scale(pool, 1)
    sample.await_ready_workers(pool, 1)
    times = []
    for _ in range(kills):
        [worker] = sample.ready_workers(pool)
        count, total = sample.boot_timer(pool)
        killed_at = time.time()
        os.kill(worker["pid"], signal.SIGKILL)
        _, new_total = sample.await_boots(pool, count + 1)
        [replacement] = await_condition(f"the replacement of pid {worker['pid']}",
                                        lambda: [w for w in sample.ready_workers(pool) if w["pid"] != worker["pid"]],
                                        timeout=30)
        times.append(_epoch_seconds(replacement["startedAt"]) - killed_at + (new_total - total))
    sample.scale(pool, 0)
    sample.await_no_workers(pool)
    return times


def _epoch_seconds(instant: str) -> float:
    """An ISO-8601 instant from the endpoint (nanoseconds, Z) as seconds since the epoch."""
    whole, _, fraction = instant.rstrip("Z").partition(".")
    return datetime.fromisoformat(whole + "+00:00").timestamp() + float("0." + (fraction or "0"))
