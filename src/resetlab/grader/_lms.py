"""Gradebook files an LMS imports: one row per learner, one column per lesson.

* **Canvas** (Grades > Import): the columns ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID`` and ``Section``, then one column per assignment, and a second
  row ``Points Possible``.  Canvas finds each student by ``ID`` (its own user id,
  which its "Download Submissions" file names carry), else by the SIS columns
  (the roster's ``id`` and ``login``).  A column whose name matches no assignment
  becomes a new assignment; a blank cell changes nothing.
* **Moodle** (Grades > Import > CSV file): ``Full name``, ``Email address`` and
  ``ID number``, then one column per lesson; on import, map ``Email address`` (or
  ``ID number``) to the user field of the same name and each lesson column to its
  grade item.  Moodle's download names carry a per-assignment participant number,
  which its gradebook import cannot use, so Moodle needs the roster's email or id.

A learner the LMS could not match (no id of the kind it needs) is left out of its
file and named in the grader's summary, rather than imported into the wrong row.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ._rows import Row
from ._tables import atomic_csv

LMS_FILES = {"canvas": "canvas-grades.csv", "moodle": "moodle-grades.csv"}
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Full name", "Email address", "ID number")


def lesson_title(lesson: str) -> str:
    """The gradebook column for a lesson: ``04-comparing-the-leaders`` is ``Reset Lab 4: Comparing the leaders``.

    >>> lesson_title("04-comparing-the-leaders")
    'Reset Lab 4: Comparing the leaders'
    """
    number, _, words = lesson.partition("-")
    text = words.replace("-", " ")
    return f"Reset Lab {int(number)}: {text[:1].upper()}{text[1:]}" if number.isdigit() else f"Reset Lab: {lesson}"


def gradebook(rows: list[Row]) -> tuple[list[str], dict[str, int], list[tuple[Row, dict[str, int]]]]:
    """The lessons handed in, their points possible, and per learner (first row as its identity) the counted totals."""
    from ..checks import questions

    lessons: list[str] = []
    for q in questions():
        if q.lesson not in lessons and any(r.counts and r.notebook == q.lesson for r in rows):
            lessons.append(q.lesson)
    possible = {lesson: sum(q.points for q in questions(lesson)) for lesson in lessons}
    people: dict[str, tuple[Row, dict[str, int]]] = {}
    for row in rows:
        if row.key.startswith("file:"):  # a file naming nobody belongs in no one's grade
            continue
        first, totals = people.setdefault(row.key, (row, {}))
        if (row.learner_id and not first.learner_id) or (row.lms_id and not first.lms_id):
            people[row.key] = (row, totals)
        if row.counts and isinstance(row.total, int):
            totals[row.notebook] = row.total
    return lessons, possible, sorted(people.values(), key=lambda p: p[0].learner.casefold())


def write_gradebook(lms: str, rows: list[Row], path: Path, *, bom: bool = False) -> tuple[Path, list[str]]:
    """Write *lms*'s gradebook import file; return its path and the learners left out (no id that LMS can match)."""
    lessons, possible, people = gradebook(rows)
    titles = [lesson_title(lesson) for lesson in lessons]
    skipped: list[str] = []
    lines: list[list[str]] = []
    if lms == "canvas":
        header = [*CANVAS_COLUMNS, *titles]
        lines.append(["Points Possible", "", "", "", "", *(str(possible[lesson]) for lesson in lessons)])
        for row, totals in people:
            canvas_id = row.lms_id if row.lms in ("canvas", "roster") else ""  # a Moodle number is no Canvas id
            if not (canvas_id or row.learner_id):
                skipped.append(row.learner)
                continue
            lines.append([row.learner, canvas_id, row.learner_id, row.login, "", *(_grade(totals, lesson) for lesson in lessons)])
    else:
        header = [*MOODLE_COLUMNS, *titles]
        for row, totals in people:
            if not (row.email or row.learner_id):
                skipped.append(row.learner)
                continue
            lines.append([row.learner, row.email, row.learner_id, *(_grade(totals, lesson) for lesson in lessons)])

    def body(handle) -> None:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[_safe(cell) for cell in line] for line in lines])

    return atomic_csv(path, body, bom=bom), skipped


def _grade(totals: dict[str, int], lesson: str) -> str:
    return str(totals[lesson]) if lesson in totals else ""


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (names come from learners' file names)."""
    from ._inert import _cell

    return _cell(text)
