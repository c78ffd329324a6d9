"""HTTP hello with the same number of workers, by wrk on loopback: pistil's tcp pool, gunicorn's sync
workers, nginx; and the memory of their idle workers before the load."""

from __future__ import annotations

import re
import statistics
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import procfs
from .processes import Processes, Tracked
from .sample import CacheSetting, Sample, await_cache_written, await_condition
from .settings import BENCHMARKS, Settings
from .setup import Jdk

HTTP_POOL = "http-hello"


@dataclass(frozen=True)
class Throughput:
    requests_per_second: float
    errors: int


@dataclass(frozen=True)
class IdleMemory:
    """The mean RSS and PSS of a server's idle workers, in KiB."""

    rss_kib: float
    pss_kib: float

    @staticmethod
    def of(pids: list[int]) -> IdleMemory:
        readings = [procfs.memory(pid) for pid in pids]
        return IdleMemory(statistics.mean(m.rss_kib for m in readings), statistics.mean(m.pss_kib for m in readings))


def wrk(processes: Processes, settings: Settings, url: str, work: Path) -> Throughput:
    """A warm-up run, then the measured one."""
    base = ["wrk", f"-t{settings.threads}", f"-c{settings.connections}"]
    processes.run("wrk warm-up", base + [f"-d{settings.warmup}s", url], work / "wrk.log", timeout=settings.warmup + 60)
    report = processes.run("wrk", base + [f"-d{settings.duration}s", url], work / "wrk.log",
                           timeout=settings.duration + 60)
    rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", report, re.MULTILINE).group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    return Throughput(rate, errors + (int(bad_status.group(1)) if bad_status else 0))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _await_workers(server: Tracked, workers: int) -> list[int]:
    """The pids of a pre-forking server's workers (its children), once it has them all."""
    return await_condition(f"{workers} workers of {server.name}",
                           lambda: len(pids := procfs.children(server.pid)) == workers and pids,
                           timeout=60, process=server)


def pistil(processes: Processes, settings: Settings, jdk: Jdk, cache: CacheSetting, work: Path,
           load: bool) -> tuple[IdleMemory, Throughput | None]:
    """The benchmark profile's http-hello pool: its idle workers' memory, then (with load) its throughput."""
    name = f"http-{cache.name.replace(' ', '-')}"
    workers = {f"pistil.workers.{HTTP_POOL}.workers": str(settings.http_workers)}
    if cache.directory is not None:
        with Sample(processes, jdk, work, name + "-training", cache, "benchmark", workers) as sample:
            sample.await_healthy()
            await_cache_written(cache)
    with Sample(processes, jdk, work, name, cache, "benchmark", workers) as sample:
        sample.await_healthy()
        url = f"http://127.0.0.1:{sample.http_port}/"
        await_condition(f"an answer from {url}", lambda: _answers(url), timeout=60)
        time.sleep(settings.settle)
        memory = IdleMemory.of([worker["pid"] for worker in sample.ready_workers(HTTP_POOL)])
        return memory, (wrk(processes, settings, url, work) if load else None)


def gunicorn(processes: Processes, settings: Settings, work: Path) -> tuple[IdleMemory, Throughput]:
    """gunicorn's sync workers serving the same response (benchmarks/hello_wsgi.py)."""
    port = procfs.free_port()
    server = processes.start("gunicorn", ["gunicorn", "--workers", str(settings.http_workers),
                                          "--worker-class", "sync", "--backlog", "2048",
                                          "--bind", f"127.0.0.1:{port}", "--chdir", str(BENCHMARKS),
                                          "hello_wsgi:app"], work / "gunicorn.log", cwd=work)
    try:
        url = f"http://127.0.0.1:{port}/"
        pids = _await_workers(server, settings.http_workers)
        await_condition(f"an answer from {url}", lambda: _answers(url), timeout=60, process=server)
        time.sleep(settings.settle)
        memory = IdleMemory.of(pids)
        return memory, wrk(processes, settings, url, work)
    finally:
        processes.stop(server)


def nginx(processes: Processes, settings: Settings, work: Path, keep_alive: bool) -> Throughput:
    """nginx answering `return 200` from as many worker processes; keep-alive off closes each connection,
    as pistil's and gunicorn's workers do."""
    port = procfs.free_port()
    name = "nginx-keep-alive-" + ("on" if keep_alive else "off")
    configuration = work / f"{name}.conf"
    configuration.write_text(_nginx_configuration(settings.http_workers, port, keep_alive, work / f"{name}.pid"))
    server = processes.start(name, ["nginx", "-e", str(work / f"{name}-error.log"), "-c", str(configuration)],
                             work / f"{name}.log", cwd=work)
    try:
        url = f"http://127.0.0.1:{port}/"
        _await_workers(server, settings.http_workers)
        await_condition(f"an answer from {url}", lambda: _answers(url), timeout=60, process=server)
        return wrk(processes, settings, url, work)
    finally:
        processes.stop(server)


def _nginx_configuration(workers: int, port: int, keep_alive: bool, pid_file: Path) -> str:
    keep_alive_settings = "keepalive_timeout 65s;\n    keepalive_requests 1000000;" if keep_alive \
        else "keepalive_timeout 0;"
    return f"""daemon off;
worker_processes {workers};
pid {pid_file};
error_log {pid_file.with_suffix('.error.log')};
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    {keep_alive_settings}
    server {{
        listen 127.0.0.1:{port} backlog=2048;
        default_type text/plain;
        location / {{
            return 200 "hello world from pid $pid\\n";
        }}
    }}
}}
"""
