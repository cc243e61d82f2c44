"""The course website: a full build from a clean folder against nbconvert's HTML of the same notebooks.

``python -m resetlab site`` (stage the learner edition, Sphinx + MyST-NB, no execution) is timed
against ``jupyter nbconvert --to html`` of the same lessons and exercises in one call, interleaved
(A B B A ...) so that machine noise weighs on both alike; the figure is the ratio of medians.
Target: within 2x.  Also reported: the heaviest lesson page (its HTML with its embedded figures
and the files only it loads, not the theme's shared _static/), in kB.

Needs the site generator (``make site`` builds .venv-site).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import median, report  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _site(work: Path, step: int) -> float:
    from resetlab.website import build_site

    start = time.perf_counter()
    build_site(work / f"site-{step}")
    return time.perf_counter() - start


def _nbconvert(work: Path, step: int) -> float:
    notebooks = sorted(str(p) for folder in ("notebooks", "exercises") for p in (REPO / folder).glob("[0-9][0-9]-*.ipynb"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--log-level", "ERROR",
                    "--output-dir", str(work / f"nbconvert-{step}"), *notebooks], check=True)
    return time.perf_counter() - start


def main(rounds: int = 2) -> None:
    from resetlab.website import page_weight

    site, nbconvert = [], []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        for step, side in enumerate("ABBA" * rounds):
            (site if side == "A" else nbconvert).append((_site if side == "A" else _nbconvert)(work, step))
        built = work / "site-0"
        lessons = sorted(p.relative_to(built).as_posix() for p in (built / "notebooks").glob("[0-9][0-9]-*.html"))
        heaviest = max(page_weight(built, page) for page in lessons)
    report("site_build_ratio", median(site) / median(nbconvert), "x", "<= 2")
    report("site_build_seconds", median(site), "s", "info")
    report("site_nbconvert_seconds", median(nbconvert), "s", "info")
    report("site_lesson_page_kb", heaviest / 1000, "kB", "info")


if __name__ == "__main__":
    main()
