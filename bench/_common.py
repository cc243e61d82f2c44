"""Helpers shared by the bench scripts: timing fresh interpreters and printing lines."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def fresh_python_seconds(code: str, repeat: int = 7) -> list[float]:
    """Wall time of `python -c code` in a fresh interpreter, *repeat* times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, value: float, unit: str, target: str) -> None:
    """Print one figure in the project's format."""
    print(f"bench: {name} = {value:.2f} {unit} (target {target})", flush=True)
