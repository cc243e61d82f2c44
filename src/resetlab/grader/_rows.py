"""A row of the grades table and the statuses it can have."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._inert import _cell

#: Status values a row can have, from best to worst.
GRADED = "graded"  # every cell ran; every answer was scored
PARTIAL = "partial"  # answers were scored, but some cells failed, timed out or printed too much
FAILED = "failed"  # the notebook could not run to the end; the answers could not be read
INVALID = "invalid"  # not a notebook of this course: nothing was run
DUPLICATE = "duplicate"  # graded, but another file of the same learner counts instead
BLANK = "blank"  # the learner's copy of an exercise with nothing answered: nothing was run
NOT_COUNTED = "not counted"  # a course notebook that is not a learner's exercise (an instructors' copy, a lesson)
MISSING = "no hand-in"  # a learner on the roster with no file at all
STATUSES = (GRADED, PARTIAL, FAILED, BLANK, NOT_COUNTED, INVALID, DUPLICATE, MISSING)

FIXED_COLUMNS = ("file", "learner", "learner_id", "lms", "lms_id", "notebook")
TAIL_COLUMNS = ("total", "max", "status", "late", "flags", "isolation", "reason")


@dataclass
class Row:
    """One line of the grades table, plus the per-question results for feedback."""

    file: str
    learner: str
    notebook: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    total: int | str = ""
    max: int | str = ""
    status: str = GRADED
    reason: str = ""
    results: list[Any] = field(default_factory=list)
    mtime: float = 0.0
    #: written answers as typed in the saved cells: question id -> text ("" when the cell holds none)
    written: dict[str, str] = field(default_factory=dict)
    #: marks merged from marks.csv: question id -> {"levels": {criterion: points}, "comment": ..., "stale": bool}
    marks: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: checked answers as the kernel gave them back (revived): question id -> value; for the class report
    answers: dict[str, Any] = field(default_factory=dict)
    #: short flags for the instructor's eye: "late", "misnamed", "other version", "unmatched"
    flags: list[str] = field(default_factory=list)
    #: the roster's id for this learner, and the LMS's own ids when known (roster or file name)
    learner_id: str = ""
    lms_id: str = ""
    #: where lms_id comes from: "canvas" or "moodle" (the file name), "roster" (its lms_id column)
    lms: str = ""
    #: the LMS marked the hand-in late (Canvas writes LATE into the file name)
    late: bool = False
    #: from the roster, for the LMS files (not written to grades.csv)
    login: str = ""
    email: str = ""
    #: how the learner's code ran: "contained" (a bubblewrap sandbox) or "limited"; "" when nothing ran
    isolation: str = ""
    #: folded name or roster id: rows with the same key are the same person
    key: str = ""

    def add_reason(self, sentence: str) -> None:
        """Add one sentence to the row's reason."""
        self.reason = f"{self.reason} {sentence}".strip()

    def as_csv(self, question_ids: list[str]) -> dict[str, Any]:
        row = {"file": _cell(self.file), "learner": _cell(self.learner), "learner_id": _cell(self.learner_id),
               "lms": self.lms, "lms_id": _cell(self.lms_id), "notebook": _cell(self.notebook)}
        row.update({qid: self.scores.get(qid, "") for qid in question_ids})
        row.update({"total": self.total, "max": self.max, "status": self.status, "late": "late" if self.late else "",
                    "flags": _cell("; ".join(self.flags)), "isolation": self.isolation, "reason": _cell(self.reason)})
        return row

    @property
    def counts(self) -> bool:
        """True if this row is a learner's exercise whose score counts (not a duplicate, a course copy or a broken file)."""
        return bool(self.notebook) and self.status not in (INVALID, DUPLICATE, NOT_COUNTED)
