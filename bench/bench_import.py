"""Import resetlab and load all data, against importing pandas alone (the floor).

Both are timed in fresh interpreters, interleaved so machine noise hits both
alike; the figure is the ratio of medians.  Target: within 1.3x of the floor.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import fresh_python_seconds, median, report  # noqa: E402

FLOOR = "import pandas"
TASK = "import resetlab; resetlab.load_all()"


def main(rounds: int = 9) -> None:
    floor, task = [], []
    for _ in range(rounds):
        floor += fresh_python_seconds(FLOOR, 1)
        task += fresh_python_seconds(TASK, 1)
    report("import_and_load_vs_pandas", median(task) / median(floor), "x", "<= 1.3")
    report("import_and_load_seconds", median(task), "s", "info")
    report("import_pandas_floor_seconds", median(floor), "s", "info")


if __name__ == "__main__":
    main()
