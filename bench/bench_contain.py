"""Contained grading (each kernel in a bubblewrap sandbox) against limited grading, in the same run.

Makes N finished lesson 3 exercises (default 40) in four groups and grades each group with
``--isolation limited`` and ``--isolation contained``, interleaved (limited, contained,
contained, limited, ...) so load from other jobs falls on both sides, with the same ``--jobs``.
Also times starting an empty sandbox (``bwrap`` with the grader's namespaces and binds, running
``/bin/true``) against starting ``/bin/true`` directly, 30 times each.

Run: ``.venv/bin/python bench/bench_contain.py [N]``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import answered_exercise, copies_in_groups, interleaved, median, report  # noqa: E402

LESSON = "03-who-said-what"


def _start_ms(work: Path) -> tuple[float, float]:
    """Median milliseconds to run /bin/true in an empty sandbox, and directly."""
    from resetlab.grader._contain import prepare_ipc, sandbox_argv

    (work / "w").mkdir(parents=True)
    prepare_ipc(work / "ipc", None)
    argv = sandbox_argv(work / "w", work / "ipc", [], 64 * 1024**2, [])
    sandboxed, bare = [], []
    for _ in range(30):
        for side, command in ((sandboxed, [*argv, "/bin/true"]), (bare, ["/bin/true"])):
            start = time.perf_counter()
            subprocess.run(command, check=True)
            side.append((time.perf_counter() - start) * 1000)
    return median(sandboxed), median(bare)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    from resetlab.grader import grade_folder
    from resetlab.grader._contain import probe

    works, why = probe()
    if not works:
        print(f"bench: contained grading cannot run here ({why}); nothing measured", file=sys.stderr)
        return
    work = Path(tempfile.mkdtemp(prefix="resetlab-bench-contain-"))
    try:
        groups = copies_in_groups(answered_exercise(LESSON, work), n, work)
        counted = {"limited": 0, "contained": 0}

        def side(mode: str):
            def run(folder: Path, step: int) -> None:
                rows = grade_folder(folder, work / f"grades-{step}.csv", jobs=2, isolation=mode)
                counted[mode] += sum(1 for r in rows if r.status == "graded" and r.isolation == mode)
            return run

        limited, contained = interleaved(groups, side("limited"), side("contained"))
        if counted != {"limited": n, "contained": n}:
            print(f"bench: warning: graded {counted} of {n} each", file=sys.stderr)
        sandbox, bare = _start_ms(work / "start")
        print(f"# {n} hand-ins of {LESSON}, jobs=2: limited {limited:.1f} s, contained {contained:.1f} s", flush=True)
        report("contained_vs_limited", contained / limited, "x", "<= 1.1")
        report("sandbox_start_median", sandbox, "ms", "info")
        report("sandbox_start_vs_bare_process", sandbox - bare, "ms extra", "info")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
