"""Every process the harness starts, tracked by pid and stopped when the harness ends, however it ends."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import procfs


class CommandFailed(RuntimeError):
    pass


@dataclass
class Tracked:
    """A process the harness started, with what it has spawned since (by pid and start time)."""

    name: str
    popen: subprocess.Popen
    log: Path
    descendants: set[tuple[int, int]] = field(default_factory=set)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def note_descendants(self) -> None:
        """Remembers the processes below this one, so that none outlives it (nginx's workers would)."""
        self.descendants |= procfs.descendants(self.pid)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Processes:
    """Starts processes in sessions of their own (so a Ctrl-C reaches the harness only) and stops them in order."""

    def __init__(self) -> None:
        self._live: list[Tracked] = []

    def start(self, name: str, argv: list[str], log: Path, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> Tracked:
        with open(log, "ab") as output:
            popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                     cwd=cwd, env=env, start_new_session=True, preexec_fn=_terminate_with_harness)
        tracked = Tracked(name, popen, log)
        self._live.append(tracked)
        return tracked

    def run(self, name: str, argv: list[str], log: Path, timeout: float, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> str:
        """Runs a command to its end and returns its output (what it added to its log); fails with the
        log's last lines if it fails."""
        offset = log.stat().st_size if log.exists() else 0
        tracked = self.start(name, argv, log, cwd, env)
        try:
            tracked.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop(tracked)
            raise CommandFailed(f"{name} did not finish within {timeout:.0f} s; see {log}") from None
        self._live.remove(tracked)
        if tracked.popen.returncode != 0:
            raise CommandFailed(f"{name} exited with {tracked.popen.returncode}; see {log}:\n{tracked.log_tail()}")
        with open(log, "rb") as output:
            output.seek(offset)
            return output.read().decode(errors="replace")

    def time_run(self, name: str, argv: list[str], timeout: float) -> float:
        """Runs a short command and returns the seconds from its spawn to its exit. Its output is dropped and it
        gets no parent-death signal: the child-side set-up that needs would add milliseconds to the figure."""
        began = time.perf_counter()
        popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        tracked = Tracked(name, popen, Path(os.devnull))
        self._live.append(tracked)
        try:
            returncode = popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop(tracked)
            raise CommandFailed(f"{name} did not finish within {timeout:.0f} s") from None
        elapsed = time.perf_counter() - began
        self._live.remove(tracked)
        if returncode != 0:
            raise CommandFailed(f"{name} exited with {returncode}")
        return elapsed

    def stop(self, tracked: Tracked, grace: float = 60) -> None:
        """SIGTERM, SIGKILL after the grace period; then SIGKILL for any descendant still alive after 10 s."""
        if tracked.running():
            tracked.note_descendants()
            _signal(tracked.pid, signal.SIGTERM)
            try:
                tracked.popen.wait(grace)
            except subprocess.TimeoutExpired:
                _signal(tracked.pid, signal.SIGKILL)
                tracked.popen.wait()
        deadline = time.monotonic() + 10
        while any(procfs.alive(pid, start) for pid, start in tracked.descendants) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid, start in tracked.descendants:
            if procfs.alive(pid, start):
                _signal(pid, signal.SIGKILL)
        if tracked in self._live:
            self._live.remove(tracked)

    def stop_all(self) -> None:
        """Stops what is still running, the last started first; a second Ctrl-C does not cut this short."""
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for tracked in reversed(list(self._live)):
                self.stop(tracked)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


_PR_SET_PDEATHSIG = 1


def _terminate_with_harness() -> None:
    """In the child before its exec: SIGTERM when the harness dies, even by SIGKILL, which no trap sees."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
