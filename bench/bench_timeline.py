"""Timeline speed: one redraw of the TimelineExplorer in a kernel, as a learner's menu change makes it.

Inside one fresh IPython kernel, the explorer's filter or period ``.value``
is set (as the front end does after a change) and the time until the
callback has drawn the figure, rendered its SVG, written the text summary
and replaced the ``Output`` widget's image is measured, over a fixed cycle of
changes that visits every filter in both periods (20 rounds of 8 changes).
Each change is a real redraw: every mark, label and tick is drawn anew and
the SVG written again; what a learner's session keeps between changes is
kept here too, and no more: the figure last drawn for the period, whose
matplotlib axes are reused, and the widths of texts already measured.

* ``timeline_redraw_median``: info.
* ``timeline_redraw_p95``: target < 150 ms.
* ``timeline_redraw_p95_reset_window`` and ``timeline_redraw_p95_every_year``:
  info; the same p95 over the changes that land on each period, so a slow
  view shows by name (the "every year" view draws 22 rows in three panels).
* ``timeline_redraw_first_round_max``: info; the slowest change of the first
  round, before anything is kept (new axes for "every year", every text
  measured for the first time): what a learner waits the first time.
* ``timeline_redraw_floor_median``: info; a bare matplotlib figure of the same
  size rendered to PNG in the same kernel, so a busy machine shows as a high
  floor rather than as a slow timeline.

Run: ``.venv/bin/python bench/bench_timeline.py`` (or ``make bench``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import median, p95, report  # noqa: E402
from bench_widgets import run_in_fresh_kernel  # noqa: E402

REDRAWS = """
import io, json, time
from matplotlib.figure import Figure
from resetlab import TimelineExplorer
from resetlab.timeline import RESET_WINDOW
x = TimelineExplorer()
every = (None, None)
cycle = [(x.filter, "000"), (x.filter, "003"), (x.filter, "outside"), (x.period, every),
         (x.filter, "003"), (x.filter, "000"), (x.filter, "all"), (x.period, RESET_WINDOW)]
times, floor, periods = [], [], []
for _ in range(20):
    for menu, value in cycle:
        t = time.perf_counter()
        menu.value = value
        times.append(time.perf_counter() - t)
        periods.append("every" if x.period.value == every else "reset")
    t = time.perf_counter()
    fig = Figure(figsize=(9, 6))
    fig.add_subplot()
    fig.savefig(io.BytesIO(), format="png", dpi=90)
    floor.append(time.perf_counter() - t)
assert len(x.rows) == 13 and "<svg" in x.svg, "the explorer did not redraw"
print(json.dumps({"times": times, "floor": floor, "periods": periods}))
"""


def main() -> None:
    result = json.loads(run_in_fresh_kernel(REDRAWS)[1])
    times, floor = result["times"], result["floor"]
    report("timeline_redraw_median", median(times) * 1000, "ms", "info")
    report("timeline_redraw_p95", p95(times) * 1000, "ms", "< 150")
    for period, name in (("reset", "reset_window"), ("every", "every_year")):
        report(f"timeline_redraw_p95_{name}", p95([t for t, q in zip(times, result["periods"]) if q == period]) * 1000, "ms", "info")
    report("timeline_redraw_first_round_max", max(times[:8]) * 1000, "ms", "info")
    report("timeline_redraw_floor_median", median(floor) * 1000, "ms", "info")


if __name__ == "__main__":
    main()
