"""Grading speed against the floor of plain nbclient execution, measured in the same run.

Makes N copies of one finished exercise (the solutions' answers typed into the learner's copy) in a temporary folder, then:
- floor: nbclient executes the N notebooks, two at a time (asyncio, one event
  loop), made as fast as the grader's own kernels where that is only a setting:
  kernels shut down immediately, maths libraries on one thread each (the
  grader sets OMP/OPENBLAS/MKL_NUM_THREADS=1, which alone is worth ~0.25 s a
  notebook on 2 cores), kernel output to /dev/null;
- grade: ``grade_folder`` on the same folder with ``jobs=2`` (sandboxed kernel,
  answers cell, scoring, CSV).
Both run in four interleaved groups (floor, grade, grade, floor, ...) so load
from other jobs on a shared machine falls on both sides.  Prints the ratio
grade/floor and the extra seconds per submission.

Run: ``.venv/bin/python bench/bench_grade.py [N]`` (default N = 40).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import answered_exercise, copies_in_groups, interleaved, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSON = "03-who-said-what"
JOBS = 2


async def _floor(paths: list[Path]) -> None:
    import nbformat
    from nbclient import NotebookClient

    gate = asyncio.Semaphore(JOBS)

    async def one(path: Path) -> None:
        async with gate:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, kernel_name="python3", timeout=120, shutdown_kernel="immediate",
                                    resources={"metadata": {"path": str(path.parent)}})
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
            await client.async_execute(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    await asyncio.gather(*(one(p) for p in paths))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    import nbformat  # noqa: F401  (imported before timing either side)
    import nbclient  # noqa: F401

    from resetlab.grader import grade_folder

    work = Path(tempfile.mkdtemp(prefix="resetlab-bench-grade-"))
    try:
        # Four groups of N/4 copies, timed floor-grade-grade-floor-floor-grade-grade-floor;
        # each side runs all N notebooks once.
        notebook = answered_exercise(LESSON, work)
        groups = copies_in_groups(notebook, n, work)
        full = 0

        def floor_side(folder: Path, step: int) -> None:
            asyncio.run(_floor(sorted(folder.iterdir())))

        def grade_side(folder: Path, step: int) -> None:
            nonlocal full
            rows = grade_folder(folder, work / f"grades-{step}.csv", jobs=JOBS)
            full += sum(r.status == "graded" and r.total == sum(x.points for x in r.results if x.status != "evidence read") for r in rows)

        floor, graded = interleaved(groups, floor_side, grade_side)
        if full != n:
            print(f"bench: warning: only {full} of {n} copies scored full marks", file=sys.stderr)

        print(f"# {n} copies of {notebook.name}, jobs={JOBS}: floor {floor:.1f} s, grade {graded:.1f} s", flush=True)
        report("grade_vs_floor", graded / floor, "x", "<= 1.2")
        report("grade_overhead_per_submission", (graded - floor) / n, "s", "info")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
