"""The sample application (the arbiter) as the harness runs it, and its actuator."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import procfs
from .processes import Processes, Tracked
from .settings import SAMPLE_JAR
from .setup import CACHE_ENABLED, Jdk

POLL = 0.05


@dataclass(frozen=True)
class CacheSetting:
    """With or without pistil's start-up cache: the properties that say so, and the cache's directory."""

    name: str
    properties: dict[str, str]
    directory: Path | None = None

    @staticmethod
    def available(has_cache: bool, work: Path) -> list[CacheSetting]:
        if not has_cache:
            # Today's pistil: no property to set.
            return [CacheSetting("no cache", {})]
        directory = work / "cache"
        return [CacheSetting("no cache", {CACHE_ENABLED: "false"}),
                CacheSetting("cache", {CACHE_ENABLED: "true", "pistil.cache.directory": str(directory)}, directory)]


class Timeout(RuntimeError):
    pass


def await_condition(what: str, condition, timeout: float, interval: float = POLL, process: Tracked | None = None):
    """Polls until the condition gives a true value and returns it; fails early if the process ended."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if process is not None and not process.running():
            raise RuntimeError(f"{process.name} exited ({process.popen.returncode}) while waiting for {what}; "
                               f"see {process.log}:\n{process.log_tail()}")
        if time.monotonic() > deadline:
            raise Timeout(f"no {what} within {timeout:.0f} s" + (f"; see {process.log}" if process else ""))
        time.sleep(interval)


class Sample:
    """One run of the sample jar on loopback, with a free port for its actuator and every listening pool."""

    def __init__(self, processes: Processes, jdk: Jdk, work: Path, name: str, cache: CacheSetting,
                 profile: str | None = None, properties: dict[str, str] | None = None) -> None:
        self.processes = processes
        self.jdk = jdk
        self.name = name
        self.port = procfs.free_port()
        self.http_port = procfs.free_port()
        arguments = {"server.port": str(self.port), "spring.pid.file": str(work / f"{name}.pid")}
        if profile:
            arguments["spring.profiles.active"] = profile
        arguments.update(_listen_ports(profile, self.http_port))
        arguments.update(cache.properties)
        arguments.update(properties or {})
        self.argv = [jdk.java, "-jar", str(SAMPLE_JAR)] + [f"--{key}={value}" for key, value in arguments.items()]
        self.work = work
        self.process: Tracked | None = None
        self.started_at = 0.0

    # Lifecycle.

    def start(self) -> Sample:
        self.started_at = time.monotonic()
        self.process = self.processes.start(self.name, self.argv, self.work / f"{self.name}.log", cwd=self.work)
        return self

    def await_healthy(self, timeout: float = 300) -> float:
        """Waits for /actuator/health to say UP; returns the seconds since the start."""
        await_condition(f"UP from {self.name}'s /actuator/health", self._healthy, timeout, process=self.process)
        return time.monotonic() - self.started_at

    def stop(self) -> None:
        if self.process is not None:
            self.processes.stop(self.process)

    def __enter__(self) -> Sample:
        return self.start()

    def __exit__(self, *failure) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        return self.process.pid

    # The actuator.

    def get(self, path: str):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/actuator/{path}", timeout=10) as response:
            return json.load(response)

    def post(self, path: str, body: dict):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/actuator/{path}",
                                         data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as refusal:
            raise RuntimeError(f"POST /actuator/{path} {body}: {refusal.code} {refusal.read().decode()}") from None

    def _healthy(self) -> bool:
        try:
            return self.get("health")["status"] == "UP"
        except (OSError, ValueError):
            # Not listening yet (refused), or 503 while a pool is short of workers.
            return False

    def pool(self, pool: str) -> dict:
        return self.get(f"pistil/{pool}")

    def scale(self, pool: str, workers: int) -> None:
        self.post(f"pistil/{pool}", {"workers": workers})

    def boot_timer(self, pool: str) -> tuple[int, float]:
        """The arbiter's pistil.worker.boot timer of a pool (spawn to ready): its count and total seconds."""
        measurements = self.get(f"metrics/pistil.worker.boot?tag=pool:{pool}")["measurements"]
        values = {measurement["statistic"]: measurement["value"] for measurement in measurements}
        return int(values["COUNT"]), values["TOTAL_TIME"]

    def await_boots(self, pool: str, count: int, timeout: float = 180) -> tuple[int, float]:
        """Waits until the pool's boot timer has counted this many boots; returns the timer."""
        return await_condition(f"boot number {count} in pool {pool}",
                               lambda: (timer := self.boot_timer(pool))[0] >= count and timer,
                               timeout, process=self.process)

    def ready_workers(self, pool: str) -> list[dict]:
        return [worker for worker in self.pool(pool)["workers"] if worker["state"] in ("idle", "busy")]

    def await_ready_workers(self, pool: str, count: int, timeout: float = 300) -> list[dict]:
        return await_condition(f"{count} ready workers in pool {pool}",
                               lambda: len(workers := self.ready_workers(pool)) == count and workers,
                               timeout, interval=0.5, process=self.process)

    def await_no_workers(self, pool: str, timeout: float = 60) -> None:
        """Waits until the pool has no worker left, stopping ones included, and their processes are gone."""
        pids = [worker["pid"] for worker in self.pool(pool)["workers"]]
        await_condition(f"an empty pool {pool}", lambda: not self.pool(pool)["workers"], timeout,
                        process=self.process)
        await_condition(f"the end of pool {pool}'s workers",
                        lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids), timeout)


# Every listening pool of the sample gets a free port: the machine may run other samples.
def _listen_ports(profile: str | None, http_port: int) -> dict[str, str]:
    if profile == "benchmark":
        return {"pistil.workers.http-hello.listen": f"127.0.0.1:{http_port}"}
    tcp_hello, fserve = procfs.free_port(), procfs.free_port()
    return {
        "pistil.workers.tcp_pool.children.tcp-hello.listen": f"127.0.0.1:{tcp_hello}",
        "pistil.workers.grabber.args.url": f"http://127.0.0.1:{tcp_hello}/",
        "pistil.workers.fserve.listen": f"127.0.0.1:{fserve}",
    }


def await_cache_written(cache: CacheSetting, quiet: float = 3, timeout: float = 180) -> None:
    """After a training start: waits until the cache directory holds files and none has changed for a while."""
    if cache.directory is None:
        return

    def settled() -> bool:
        files = [path for path in cache.directory.rglob("*") if path.is_file()] if cache.directory.exists() else []
        return bool(files) and time.time() - max(path.stat().st_mtime for path in files) > quiet

    await_condition(f"a written start-up cache in {cache.directory}", settled, timeout, interval=0.5)

