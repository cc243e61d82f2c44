"""Grade a folder of learners' exercise notebooks: ``python -m resetlab grade``.

Each submission runs on a temporary copy, in a fresh kernel started with
resource limits (``_sandbox_kernel``), a stripped environment and per-cell and
per-notebook deadlines; nbclient drives the kernels.  When the learner's cells
have run, one more cell added by the grader prints the answer variables as
JSON after a random marker.  The grader reads them back and scores each with
``checks.score_answer`` *in this process*, so nothing the notebook does to
``check``, to its check cells, to its stored outputs or to the package inside
the kernel changes the score.  A forged answer block can only claim answers,
and claimed answers are checked like any other.

What this does and does not isolate is written down in ``docs/grader.md``.
"""

from ._folder import (
    DUPLICATE,
    FAILED,
    FIXED_COLUMNS,
    GRADED,
    INVALID,
    PARTIAL,
    STATUSES,
    TAIL_COLUMNS,
    Row,
    _mark_duplicates,  # noqa: F401 (tests use it)
    add_arguments,
    grade_folder,
    run_command,
    score,
    write_csv,
    write_feedback,
)
from ._kernel import (
    ANSWER_LIMIT,
    Limits,
    RunResult,
    collect_cell_source,
    parse_answers,
    revive,
    run_notebook,
)
from ._submissions import (
    MAX_NOTEBOOK_BYTES,
    discover,
    identify,
    learner_of,
    read_notebook,
)

__all__ = [
    "ANSWER_LIMIT", "DUPLICATE", "FAILED", "FIXED_COLUMNS", "GRADED", "INVALID", "MAX_NOTEBOOK_BYTES", "PARTIAL",
    "STATUSES", "TAIL_COLUMNS", "Limits", "Row", "RunResult", "add_arguments", "collect_cell_source", "discover",
    "grade_folder", "identify", "learner_of", "parse_answers", "read_notebook", "revive", "run_command", "run_notebook",
    "score", "write_csv", "write_feedback",
]
