"""The CPU time an arbiter spends on idle workers: pistil's (its own pid only) and gunicorn's master."""

from __future__ import annotations

import time
from pathlib import Path

from . import procfs
from .http import HTTP_POOL
from .processes import Processes
from .sample import CacheSetting, Sample, await_condition
from .settings import BENCHMARKS, Settings
from .setup import Jdk


def _share_of_a_core(pid: int, settings: Settings) -> float:
    """utime + stime of the process over the window, as a share of one core; nothing else polls it meanwhile."""
    time.sleep(settings.settle)
    before, began = procfs.cpu_seconds(pid), time.monotonic()
    time.sleep(settings.cpu_window)
    return (procfs.cpu_seconds(pid) - before) / (time.monotonic() - began)


def pistil(processes: Processes, settings: Settings, jdk: Jdk, cache: CacheSetting, work: Path) -> float:
    """The benchmark profile's http-hello pool with IDLE_WORKERS workers and no connection."""
    workers = {f"pistil.workers.{HTTP_POOL}.workers": str(settings.idle_workers)}
    with Sample(processes, jdk, work, "cpu", cache, "benchmark", workers) as sample:
        sample.await_healthy(timeout=600)
        share = _share_of_a_core(sample.pid, settings)
        pool = sample.pool(HTTP_POOL)
        if pool["ready"] != settings.idle_workers or pool["restarts"]:
            raise RuntimeError(f"the pool did not stay idle: {pool['ready']} ready, {pool['restarts']} restarts")
        return share


def gunicorn(processes: Processes, settings: Settings, work: Path) -> float:
    """gunicorn's master with IDLE_WORKERS sync workers and no connection."""
    server = processes.start("gunicorn-idle", ["gunicorn", "--workers", str(settings.idle_workers),
                                               "--worker-class", "sync", "--bind", f"127.0.0.1:{procfs.free_port()}",
                                               "--chdir", str(BENCHMARKS), "hello_wsgi:app"],
                             work / "gunicorn-idle.log", cwd=work)
    try:
        await_condition(f"{settings.idle_workers} gunicorn workers",
                        lambda: len(procfs.children(server.pid)) == settings.idle_workers, timeout=120, process=server)
        return _share_of_a_core(server.pid, settings)
    finally:
        processes.stop(server)
