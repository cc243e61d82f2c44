"""Widget speed: fresh kernel to comparer on screen, and one comparer update.

1. ``comparer_first_display_vs_floor``: wall time from starting a fresh
   IPython kernel to the execute reply of a cell that displays ``Comparer()``
   (statements loaded and validated, both panes rendered), divided by the same
   for a fresh kernel whose cell only imports pandas, matplotlib.pyplot and
   ipywidgets (the floor).  Rounds alternate floor and task so machine noise
   hits both alike; the figure is the ratio of medians.  Target: <= 1.3.
2. ``comparer_update_p95_ms``: inside one kernel, a dropdown's ``.value`` is
   set (as the front end does after a change) and the time until the callback
   has filtered both panes, recomputed shared words and set both HTML values
   is measured, over a fixed cycle of choices on the full data.  Target: p95 < 20 ms.

Run: ``.venv/bin/python bench/bench_widgets.py`` (or ``make bench``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import median, p95, report  # noqa: E402

FLOOR = "import pandas, matplotlib.pyplot, ipywidgets"
TASK = "from resetlab import Comparer\nComparer()"
UPDATES = """
import json, time
from resetlab import Comparer
c = Comparer()
choices = [(c.left_speaker, "Medvedev"), (c.left_event, "g8-toyako-2008"), (c.right_topic, "relationship"),
           (c.right_speaker, "Medvedev"), (c.left_topic, "iran"), (c.left_speaker, ""),
           (c.right_event, "london-2009"), (c.left_event, ""), (c.right_topic, ""), (c.left_topic, ""),
           (c.right_speaker, "Obama"), (c.left_speaker, "Bush"), (c.right_event, "")]
times = []
for _ in range(20):
    for menu, value in choices:
        t = time.perf_counter()
        menu.value = value
        times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def run_in_fresh_kernel(code: str) -> tuple[float, str]:
    """Start a kernel, run *code*, return (seconds from start to reply, stdout)."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        out: list[str] = []
        reply = kc.execute_interactive(code, timeout=120,
                                       output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        elapsed = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the benchmark cell failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        return elapsed, "".join(out)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main(rounds: int = 7) -> None:
    floor, task = [], []
    for _ in range(rounds):
        floor.append(run_in_fresh_kernel(FLOOR)[0])
        task.append(run_in_fresh_kernel(TASK)[0])
    report("comparer_first_display_vs_floor", median(task) / median(floor), "x", "<= 1.3")
    report("comparer_first_display_seconds", median(task), "s", "info")
    report("kernel_with_imports_floor_seconds", median(floor), "s", "info")
    times = json.loads(run_in_fresh_kernel(UPDATES)[1])
    report("comparer_update_median_ms", median(times) * 1000, "ms", "info")
    report("comparer_update_p95_ms", p95(times) * 1000, "ms", "< 20")


if __name__ == "__main__":
    main()
