"""Hold the model against published figures: the benchmark format, the run and the report.

The run is ``corridor.validate(network, benchmarks)`` (``validation.run.validate`` takes the engine).
"""

from corridor.validation.benchmarks import (
    Benchmark,
    BenchmarkSet,
    Problem,
    parse_benchmarks,
    read_benchmarks,
    shipped_benchmarks,
)
from corridor.validation.report import write_report
from corridor.validation.run import Summary, summarise

__all__ = [
    "Benchmark",
    "BenchmarkSet",
    "Problem",
    "Summary",
    "parse_benchmarks",
    "read_benchmarks",
    "shipped_benchmarks",
    "summarise",
    "write_report",
]
