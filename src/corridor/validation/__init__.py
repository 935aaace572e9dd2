"""Hold the model against published figures: the benchmark format, the run and the report."""

from corridor.validation.benchmarks import (
    Benchmark,
    BenchmarkSet,
    Problem,
    parse_benchmarks,
    read_benchmarks,
    shipped_benchmarks,
)
from corridor.validation.report import write_report
from corridor.validation.run import Summary, summarise, validate

__all__ = [
    "Benchmark",
    "BenchmarkSet",
    "Problem",
    "Summary",
    "parse_benchmarks",
    "read_benchmarks",
    "shipped_benchmarks",
    "summarise",
    "validate",
    "write_report",
]
