"""Helpers shared by the bench scripts: timing fresh interpreters and printing lines."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


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


def answered_exercise(lesson: str, work: Path) -> Path:
    """A learner's finished exercise of *lesson* (the exercise with the solutions' answers typed in), saved in *work*.

    A copy of the solutions notebook itself would not do: the grader does not count an instructors' copy.
    """
    import nbformat

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from class_support import answered

    path = work / f"{lesson}.ipynb"
    nbformat.write(answered(lesson), path)
    return path


def copies_in_groups(notebook: Path, n: int, work: Path, groups: int = 4) -> list[Path]:
    """*n* copies of *notebook*, as learners' files, spread over *groups* folders in *work*.

    The benches time their two sides interleaved over the groups (A B B A A B B A), so a machine
    that gets busier or quieter during the run (other jobs on a shared host) weighs on both alike.
    """
    folders = []
    for g in range(groups):
        folder = work / f"submissions-{g}"
        folder.mkdir()
        for i in range(g, n, groups):
            shutil.copyfile(notebook, folder / f"learner{i:03d}_{notebook.name}")
        folders.append(folder)
    return folders


def interleaved(groups: list[Path], first, second) -> tuple[float, float]:
    """Seconds spent in ``first(folder, step)`` and in ``second(folder, step)``, run over the groups as A B B A A B B A.

    Each side sees every group once, so load that rises or falls during the run weighs on both alike.
    """
    spent = {"A": 0.0, "B": 0.0}
    for step, side in enumerate("ABBAABBA"[: 2 * len(groups)]):
        start = time.perf_counter()
        (first if side == "A" else second)(groups[step // 2], step)
        spent[side] += time.perf_counter() - start
    return spent["A"], spent["B"]
