"""What a run needs before it measures: Debian's packages, the sample jar and the JMH module, the JDKs."""

from __future__ import annotations

import io
import json
import os
import platform
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import progress
from .processes import Processes
from .settings import BENCHMARKS, JMH_CLASSPATH, ROOT, SAMPLE_JAR, TEMURIN_25, Settings

# Command → the Debian package that brings it.
PACKAGES = {"wrk": "wrk", "gunicorn": "gunicorn", "nginx": "nginx", "curl": "curl"}


def install_packages(processes: Processes, work: Path) -> None:
    missing = sorted({package for command, package in PACKAGES.items() if shutil.which(command) is None})
    if not missing:
        return
    progress(f"installing {', '.join(missing)} from Debian's packages")
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    processes.run("apt-get update", ["apt-get", "update", "-qq"], work / "apt.log", timeout=600, env=environment)
    processes.run("apt-get install", ["apt-get", "install", "-y", "-qq", *missing], work / "apt.log", timeout=900,
                  env=environment)


def build(processes: Processes, settings: Settings, work: Path) -> None:
    """Packages the sample jar and the JMH module (tests skipped) when either is missing, or on REBUILD=1."""
    if SAMPLE_JAR.exists() and JMH_CLASSPATH.exists() and not settings.rebuild:
        return
    progress("building the sample jar and the JMH module (./mvnw -DskipTests package)")
    processes.run("maven", [str(ROOT / "mvnw"), "-q", "-B", "-DskipTests", "package"], work / "build.log",
                  timeout=1800, cwd=ROOT)


@dataclass(frozen=True)
class Jdk:
    home: Path
    major: int
    version: str

    @property
    def java(self) -> str:
        return str(self.home / "bin" / "java")

    @property
    def label(self) -> str:
        return f"JDK {self.major}"


def _describe(home: Path) -> Jdk:
    shown = subprocess.run([str(home / "bin" / "java"), "-XshowSettings:properties", "-version"],
                           capture_output=True, text=True, check=True).stderr
    properties = dict(re.findall(r"^\s*(java\.[\w.]+) = (.*)$", shown, re.MULTILINE))
    version = f"{properties['java.runtime.version']} ({properties['java.vm.vendor']})"
    return Jdk(home, int(properties["java.specification.version"]), version)


def jdks(settings: Settings) -> list[Jdk]:
    """The JDKs to time spawns on: JDKS, else the java on PATH and Temurin 25 when it is installed."""
    if settings.java_homes is not None:
        homes = list(settings.java_homes)
    else:
        java = shutil.which("java")
        if java is None:
            raise SystemExit("no java on PATH: install a JDK 17 or newer, or set JDKS")
        homes = [Path(os.path.realpath(java)).parents[1]]
        if (TEMURIN_25 / "bin" / "java").exists():
            homes.append(TEMURIN_25)
    found = {}
    for home in homes:
        jdk = _describe(home)
        found.setdefault(jdk.major, jdk)
    return sorted(found.values(), key=lambda jdk: jdk.major)


def compile_hello(processes: Processes, jdk: Jdk, work: Path) -> Path:
    """Compiles benchmarks/hello/Hello.java once, for Java 17: every JDK the harness uses can run it."""
    classes = work / "hello"
    classes.mkdir()
    javac = str(jdk.home / "bin" / "javac")
    processes.run("javac", [javac, "--release", "17", "-d", str(classes), str(BENCHMARKS / "hello" / "Hello.java")],
                  work / "javac.log", timeout=120)
    return classes


# The property that turns the start-up cache on or off, once pistil has one.
CACHE_ENABLED = "pistil.cache.enabled"


def has_start_up_cache(jar: Path = SAMPLE_JAR) -> bool:
    """Whether the pistil in the sample jar documents the cache property (in its configuration metadata)."""
    with zipfile.ZipFile(jar) as sample:
        for name in sample.namelist():
            if re.fullmatch(r"BOOT-INF/lib/pistil-spring-boot-autoconfigure-[^/]*\.jar", name):
                with zipfile.ZipFile(io.BytesIO(sample.read(name))) as pistil:
                    try:
                        metadata = json.loads(pistil.read("META-INF/spring-configuration-metadata.json"))
                    except KeyError:
                        return False
                return any(item.get("name") == CACHE_ENABLED for item in metadata.get("properties", []))
    return False


def _version(argv: list[str], pattern: str = r"[0-9][0-9.]*") -> str:
    try:
        shown = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except OSError:
        return "not installed"
    found = re.search(pattern, shown.stdout + shown.stderr)
    return found.group(0) if found else "unknown"


def machine(found_jdks: list[Jdk]) -> list[str]:
    """The facts a reader needs to weigh the figures, one line each."""
    memory_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    temporary = subprocess.run(["stat", "-f", "-c", "%T", "/tmp"], capture_output=True, text=True).stdout.strip()
    return [
        f"date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {os.cpu_count()} cores ({model.group(1) if model else 'unknown CPU'}), "
        f"{memory_kib / 1024 / 1024:.1f} GiB, Linux {platform.release()}, /tmp on {temporary}",
        "JDKs: " + "; ".join(f"{jdk.label}: {jdk.version}" for jdk in found_jdks),
        f"peers: gunicorn {_version(['gunicorn', '--version'])}, nginx {_version(['nginx', '-v'])}, "
        f"wrk {_version(['wrk', '-v'])}, Python {platform.python_version()}",
    ]
