"""benchmarks/run's parts, one module per concern: processes, /proc, settings, set-up, the sample, each measurement, the table."""
