"""benchmarks/run's parts, one module per concern: processes, /proc, settings, set-up, the sample, each measurement, the table."""

import sys


def progress(message: str) -> None:
    """What the run is doing, on stderr: stdout carries the report alone."""
    print(f"[benchmarks] {message}", file=sys.stderr, flush=True)
