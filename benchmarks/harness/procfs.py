"""What the harness reads from /proc: memory, CPU time, process trees; and a free loopback port."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Fields of /proc/<pid>/stat after the command's closing parenthesis, from 0 (man 5 proc numbers
# them from 1, the pid and the command being 1 and 2).
_STATE, _UTIME, _STIME, _START_TIME = 0, 11, 12, 19


@dataclass(frozen=True)
class Memory:
    """A process's resident (RSS) and proportional (PSS: shared pages divided among their users) memory."""

    rss_kib: int
    pss_kib: int


def memory(pid: int) -> Memory:
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0])
    return Memory(values["Rss"], values["Pss"])


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pid: int) -> float:
    """User plus system time of every thread of the process so far (its children's not included)."""
    fields = _stat(pid)
    return (int(fields[_UTIME]) + int(fields[_STIME])) / CLOCK_TICKS


def start_time(pid: int) -> int:
    return int(_stat(pid)[_START_TIME])


def alive(pid: int, start: int) -> bool:
    """Whether this very process (not a later one given the same pid) still runs."""
    try:
        fields = _stat(pid)
    except (FileNotFoundError, ProcessLookupError):
        return False
    return int(fields[_START_TIME]) == start and fields[_STATE] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def descendants(pid: int) -> set[tuple[int, int]]:
    """Every process below this one, each with its start time."""
    found = set()
    pending = [pid]
    while pending:
        for child in children(pending.pop()):
            try:
                found.add((child, start_time(child)))
            except OSError:
                continue
            pending.append(child)
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
