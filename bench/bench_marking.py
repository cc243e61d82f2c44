"""Grading with ``--marking`` against grading without it, on the same folder, in the same run.

Makes N copies (default 30) of a finished lesson 6 exercise (the solutions' answers, checked ones and a
196-word written answer, typed into the learner's copy) in four groups, then grades each group without and with a marking folder, interleaved
(plain, marking, marking, plain, ...) so load from other jobs falls on both sides.  The marking side
also reads every written answer from its cell, reports on its evidence, writes a sheet, answers.json
and marks.csv.  Prints the ratio of the two times.

Run: ``.venv/bin/python bench/bench_marking.py [N]``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import answered_exercise, copies_in_groups, interleaved, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSON = "06-corroboration"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    from resetlab.grader import grade_folder

    work = Path(tempfile.mkdtemp(prefix="resetlab-bench-marking-"))
    try:
        notebook = answered_exercise(LESSON, work)
        groups = copies_in_groups(notebook, n, work)
        sheets = 0

        def plain_side(folder: Path, step: int) -> None:
            grade_folder(folder, work / f"grades-{step}.csv", jobs=2)

        def marking_side(folder: Path, step: int) -> None:
            nonlocal sheets
            grade_folder(folder, work / f"grades-{step}.csv", jobs=2, marking=work / f"marking-{step}")
            sheets += (work / f"marking-{step}" / "marks.csv").read_text(encoding="utf-8-sig").count("\n") - 1

        plain, marked = interleaved(groups, plain_side, marking_side)
        if sheets != n:
            print(f"bench: warning: marks.csv rows {sheets}, expected {n}", file=sys.stderr)
        print(f"# {n} copies of {notebook.name}, jobs=2: without --marking {plain:.1f} s, with {marked:.1f} s", flush=True)
        report("grade_with_marking_vs_without", marked / plain, "x", "<= 1.1")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
