"""One heartbeat: pistil's scoreboard store against a file's new modification time, by JMH (the benchmarks
module's HeartbeatBenchmark)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .processes import Processes
from .settings import JMH_CLASSES, JMH_CLASSPATH, Settings
from .setup import Jdk

BENCHMARK = "io.pistil.benchmarks.HeartbeatBenchmark"


@dataclass(frozen=True)
class HeartbeatCosts:
    """Nanoseconds per heartbeat, each with JMH's error margin (99.9%)."""

    scoreboard: tuple[float, float]
    file_timestamp: tuple[float, float]


def measure(processes: Processes, settings: Settings, jdk: Jdk, work: Path) -> HeartbeatCosts:
    results = work / "jmh.json"
    classpath = f"{JMH_CLASSES}:{JMH_CLASSPATH.read_text().strip()}"
    iterations = str(settings.jmh_iterations)
    processes.run("jmh", [jdk.java, "-cp", classpath, "org.openjdk.jmh.Main", BENCHMARK, "-f", "1",
                          "-wi", iterations, "-i", iterations, "-w", "1s", "-r", "1s",
                          "-rf", "json", "-rff", str(results)], work / "jmh.log", timeout=900)
    scores = {}
    for result in json.loads(results.read_text()):
        metric = result["primaryMetric"]
        # JMH writes "NaN" for the error of fewer than 3 iterations.
        scores[result["benchmark"].rsplit(".", 1)[1]] = (metric["score"], float(metric["scoreError"]))
    return HeartbeatCosts(scores["scoreboard"], scores["fileTimestamp"])
