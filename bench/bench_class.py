"""Grading a class with a roster, both LMS gradebooks and the class report, against grading it plainly.

Makes N finished lesson 3 exercises (default 40) named as Canvas's bulk download names them, and
a roster of N learners, in four groups.  Each group is graded plainly (``grade_folder`` with a
CSV, as before this release) and fully (``--roster``, ``--lms canvas --lms moodle``, ``--excel``
and ``report.html``), interleaved (plain, full, full, plain, ...) so load from other jobs falls on
both sides.  Prints the ratio full/plain.

Run: ``.venv/bin/python bench/bench_class.py [N]``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import answered_exercise, interleaved, report  # noqa: E402

LESSON = "03-who-said-what"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    from resetlab.grader import grade_folder

    work = Path(tempfile.mkdtemp(prefix="resetlab-bench-class-"))
    try:
        notebook = answered_exercise(LESSON, work)
        groups, lines = [], ["id,name,login,email,lms_id"]
        for g in range(4):
            folder = work / f"submissions-{g}"
            folder.mkdir()
            for i in range(g, n, 4):
                shutil.copyfile(notebook, folder / f"learner{i:03d}_{10000 + i}_{90000 + i}_{LESSON}.ipynb")
                lines.append(f"s{i:03d},Learner {i:03d},l{i:03d},l{i:03d}@example.edu,{10000 + i}")
            groups.append(folder)
        roster = work / "roster.csv"
        roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
        matched = 0

        def plain_side(folder: Path, step: int) -> None:
            grade_folder(folder, work / f"grades-{step}.csv", jobs=2)

        def full_side(folder: Path, step: int) -> None:
            nonlocal matched
            out = work / f"full-{step}"
            out.mkdir()
            rows = grade_folder(folder, out / "grades.csv", jobs=2, roster=roster, lms=("canvas", "moodle"), excel=True,
                                report=out / "report.html")
            matched += sum(1 for r in rows if r.learner_id and r.file)

        plain, full = interleaved(groups, plain_side, full_side)
        if matched != n:
            print(f"bench: warning: only {matched} of {n} hand-ins matched the roster", file=sys.stderr)
        print(f"# {n} hand-ins of {LESSON}, jobs=2: plain {plain:.1f} s, with roster, LMS files and report {full:.1f} s", flush=True)
        report("class_grading_vs_plain", full / plain, "x", "<= 1.05")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
