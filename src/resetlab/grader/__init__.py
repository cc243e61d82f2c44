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
    Graded,
    _mark_duplicates,  # noqa: F401 (tests use it)
    add_arguments,
    grade_folder,
    run_command,
)
from ._identity import Learner, Origin, Roster, fold, origin_of, read_roster
from ._kernel import (
    ANSWER_LIMIT,
    Limits,
    RunResult,
    collect_cell_source,
    parse_answers,
    revive,
    run_notebook,
)
from ._lms import LMS_FILES, write_gradebook
from ._rows import (
    BLANK,
    DUPLICATE,
    FAILED,
    FIXED_COLUMNS,
    GRADED,
    INVALID,
    MISSING,
    NOT_COUNTED,
    PARTIAL,
    STATUSES,
    TAIL_COLUMNS,
    Row,
)
from ._scoring import score
from ._submissions import (
    MAX_NOTEBOOK_BYTES,
    classify,
    discover,
    identify,
    learner_of,
    read_notebook,
)
from ._tables import read_csv, write_csv, write_feedback

__all__ = [
    "ANSWER_LIMIT", "BLANK", "DUPLICATE", "FAILED", "FIXED_COLUMNS", "GRADED", "Graded", "INVALID", "LMS_FILES",
    "Learner", "Limits", "MAX_NOTEBOOK_BYTES", "MISSING", "NOT_COUNTED", "Origin", "PARTIAL", "Roster", "Row",
    "RunResult", "STATUSES", "TAIL_COLUMNS", "add_arguments", "classify", "collect_cell_source", "discover", "fold",
    "grade_folder", "identify", "learner_of", "origin_of", "parse_answers", "read_csv", "read_notebook",
    "read_roster", "revive", "run_command", "run_notebook", "score", "write_csv", "write_feedback", "write_gradebook",
]
