"""The harness's options (environment variables), their defaults, and the paths it works with."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SAMPLE_JAR = ROOT / "sample-app" / "target" / "pistil-sample-app.jar"
JMH_CLASSES = BENCHMARKS / "target" / "classes"
JMH_CLASSPATH = BENCHMARKS / "target" / "classpath.txt"

PHASES = ("heartbeat", "spawn", "healthy", "http", "cpu")


@dataclass(frozen=True)
class Option:
    name: str
    default: int
    quick: int
    meaning: str


# (name, default, with QUICK=1, meaning): every number a run depends on.
NUMBERS = (
    Option("SPAWNS", 20, 5, "spawns timed per pool, JDK and cache setting (and bare `java Hello` runs)"),
    Option("RESPAWNS", 10, 3, "workers killed with SIGKILL, each timed until its replacement is ready"),
    Option("HEALTHY_RUNS", 3, 1, "starts of the whole sample timed until /actuator/health is UP"),
    Option("HTTP_WORKERS", 2, 2, "workers of pistil's http-hello pool, of gunicorn and of nginx"),
    Option("CONNECTIONS", 32, 32, "wrk's connections"),
    Option("THREADS", 2, 2, "wrk's threads"),
    Option("DURATION", 15, 3, "seconds of each measured wrk run"),
    Option("WARMUP", 5, 1, "seconds of wrk before each measured run"),
    Option("IDLE_WORKERS", 32, 8, "idle workers while the arbiter's CPU time is read"),
    Option("CPU_WINDOW", 30, 5, "seconds over which the arbiter's CPU time is read"),
    Option("SETTLE", 5, 2, "seconds left for start-up work to end before an idle process is measured"),
    Option("JMH_ITERATIONS", 5, 2, "JMH's measured iterations of 1 s (after as many warm-up ones)"),
)

SWITCHES = (
    ("QUICK", "1: fewer samples and shorter runs, for a smoke test"),
    ("ONLY", "a comma-separated subset of " + ", ".join(PHASES)),
    ("JDKS", "java homes to time spawns on, separated by spaces (default: the java on PATH, and Temurin 25 if installed)"),
    ("REBUILD", "1: build the sample jar and the JMH module even when they exist"),
    ("KEEP_WORK", "1: keep the logs and files of the run (they are kept anyway when something fails)"),
)

TEMURIN_25 = Path("/usr/lib/jvm/temurin-25-jdk-amd64")


@dataclass(frozen=True)
class Settings:
    quick: bool
    phases: tuple[str, ...]
    numbers: dict[str, int]
    java_homes: tuple[Path, ...] | None
    rebuild: bool
    keep_work: bool
    command: str

    def __getattr__(self, name: str) -> int:
        # settings.spawns, settings.cpu_window, ...: the numbers by their lower-case names.
        try:
            return self.numbers[name.upper()]
        except KeyError:
            raise AttributeError(name) from None

    def runs(self, phase: str) -> bool:
        return phase in self.phases

    @classmethod
    def from_environment(cls, environment: os._Environ | dict[str, str], argv: list[str]) -> Settings:
        quick = environment.get("QUICK") == "1"
        numbers = {}
        for option in NUMBERS:
            value = environment.get(option.name)
            numbers[option.name] = _positive(option.name, value) if value else (option.quick if quick else option.default)
        phases = PHASES
        if environment.get("ONLY"):
            phases = tuple(phase.strip() for phase in environment["ONLY"].split(","))
            unknown = [phase for phase in phases if phase not in PHASES]
            if unknown:
                raise SystemExit(f"ONLY: unknown phase(s) {', '.join(unknown)}; known: {', '.join(PHASES)}")
        java_homes = None
        if environment.get("JDKS"):
            java_homes = tuple(Path(home) for home in environment["JDKS"].split())
        given = [f"{name}={environment[name]}" for name in [o.name for o in NUMBERS] + [s[0] for s in SWITCHES]
                 if environment.get(name)]
        command = " ".join(given + ["benchmarks/run"] + argv[1:])
        return cls(quick, phases, numbers, java_homes, environment.get("REBUILD") == "1",
                   environment.get("KEEP_WORK") == "1", command)


def _positive(name: str, value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of 1 or more, not '{value}'")
    return int(value)


def usage() -> str:
    lines = ["benchmarks/run: pistil against its peers, one table. Options are environment variables:", ""]
    lines += [f"  {name:<15}{meaning}" for name, meaning in SWITCHES]
    lines += [f"  {o.name:<15}{o.meaning} (default {o.default}, QUICK {o.quick})" for o in NUMBERS]
    return "\n".join(lines)
