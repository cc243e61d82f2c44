"""Grading a whole folder: scoring each run, duplicates, the grades CSV, feedback files and the command."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ResetLabError, UsageError
from ._inert import _cell, _md
from ._kernel import Limits, RunResult, revive, run_notebook
from ._submissions import _lessons, discover, identify, learner_of, read_notebook

#: Status values a row can have, from best to worst.
GRADED = "graded"  # every cell ran; every answer was scored
PARTIAL = "partial"  # answers were scored, but some cells failed, timed out or printed too much
FAILED = "failed"  # the notebook could not run to the end; the answers could not be read
INVALID = "invalid"  # not a notebook of this course: nothing was run
DUPLICATE = "duplicate"  # graded, but another file of the same learner counts instead
BLANK = "blank"  # the learner's copy of an exercise with nothing answered: nothing was run
NOT_COUNTED = "not counted"  # a course notebook that is not a learner's exercise (an instructors' copy, a lesson)
STATUSES = (GRADED, PARTIAL, FAILED, BLANK, NOT_COUNTED, INVALID, DUPLICATE)

FIXED_COLUMNS = ("file", "learner", "notebook")
TAIL_COLUMNS = ("total", "max", "status", "reason")



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

    def add_reason(self, sentence: str) -> None:
        """Add one sentence to the row's reason."""
        self.reason = f"{self.reason} {sentence}".strip()

    def as_csv(self, question_ids: list[str]) -> dict[str, Any]:
        row = {"file": _cell(self.file), "learner": _cell(self.learner), "notebook": _cell(self.notebook)}
        row.update({qid: self.scores.get(qid, "") for qid in question_ids})
        row.update({"total": self.total, "max": self.max, "status": self.status, "reason": _cell(self.reason)})
        return row


# --------------------------------------------------------------------------- scoring


def score(lesson: str, answers: dict[str, Any] | None, written: dict[str, str | None] | None = None) -> list[Any]:
    """Score every question of *lesson* with the course's own checks, in this process.

    A written answer is read only from *written* (the text typed in the saved
    cell), never from the kernel: learner code cannot put anything else (a file
    of the grader's machine, say) into the marking sheet or the feedback.  Its
    result is the evidence report, with no score until a person marks it.
    """
    from ..checks import NOT_ANSWERED, CheckResult, questions, score_answer

    written = written or {}
    results = []
    for q in questions(lesson):
        if q.writing and written.get(q.id) is not None:
            results.append(score_answer(q.id, written[q.id]))
        elif q.writing:
            msg = (f"No written answer found: no cell holds {q.variable} = \"\"\" … \"\"\" (was the notebook made from an "
                   "older copy of the exercise, or the cell deleted?).")
            results.append(CheckResult(q.id, NOT_ANSWERED, msg, q.points, 0))
        elif answers is None:
            results.append(CheckResult(q.id, NOT_ANSWERED, "The grader could not read this answer because the notebook did not run to the end.", q.points, 0))
        elif q.variable not in answers:
            msg = f"No answer found: the variable {q.variable} was not defined when the notebook finished (was its cell deleted, moved below its use, or did it fail?)."
            results.append(CheckResult(q.id, NOT_ANSWERED, msg, q.points, 0))
        else:
            try:
                value = revive(answers[q.variable])
                results.append(score_answer(q.id, value))
            except Exception as exc:  # score_answer should never raise; a malformed claim still must not stop the run
                results.append(CheckResult(q.id, "not yet", f"The answer could not be checked ({type(exc).__name__}).", q.points, 0))
    return results


def _problem_sentence(run: RunResult, limits: Limits) -> tuple[str, str]:
    """The row's status and one plain sentence about what went wrong (if anything)."""
    if run.answers is None:
        reason = run.fatal or "The grader could not read the answers at the end"
        return FAILED, reason + "; no checked answers could be scored (written answers are read from their cells all the same)."
    if run.fatal:  # the kernel was lost, and a second run of the cells above the bad one gave the answers
        return PARTIAL, run.fatal + "."
    parts = []
    if run.timed_out:
        cells = " and ".join(run.labels[c] for c in run.timed_out[:2])
        parts.append(f"{cells} ran longer than {limits.cell_timeout:g} seconds and {'was' if len(run.timed_out) == 1 else 'were'} interrupted")
    if run.errors:
        number, ename, evalue = run.errors[0]
        if ename == "MemoryError":
            first = f"{run.labels[number]} ran out of memory (the limit is {limits.memory // 1024**2:,} MB)"
        else:
            shown = evalue if len(evalue) <= 80 else evalue[:77] + "..."
            first = f"{run.labels[number]} raised {ename}" + (f" ({shown})" if shown else "")
        more = len(run.errors) - 1
        parts.append(first + (f", and {more} more cell{'s' if more > 1 else ''} raised errors" if more else ""))
    if run.output_cut:
        parts.append(f"the output passed {limits.output:,} characters and the rest was not kept")
    if not parts:
        return GRADED, ""
    sentence = "; ".join(parts)
    return PARTIAL, sentence[0].upper() + sentence[1:] + "; the answers defined by the end were scored."


# --------------------------------------------------------------------------- the whole folder


@dataclass
class _Job:
    index: int
    path: Path
    row: Row
    nb: Any = None
    lesson: str = ""


def _validate(submissions: Path, out: Path | None, feedback: Path | None, jobs: int, limits: Limits,
              marking: Path | None = None) -> Path:
    if not submissions.exists():
        raise UsageError(f"The submissions folder {str(submissions)!r} does not exist; give the folder that holds the learners' .ipynb files.")
    if not submissions.is_dir():
        raise UsageError(f"{str(submissions)!r} is a file, not a folder; give the folder that holds the learners' .ipynb files.")
    if not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs must be a whole number of 1 or more (got {jobs!r}); use 1 to grade one notebook at a time.")
    if not (0 < limits.cell_timeout < 1e6 and 0 < limits.notebook_timeout < 1e6):  # nan and inf fail here too
        raise UsageError(f"Timeouts must be more than 0 seconds and less than a million "
                         f"(got {limits.cell_timeout:g} and {limits.notebook_timeout:g}); the defaults are 60 and 600.")
    if limits.memory < 64 * 1024**2:
        raise UsageError(f"--memory must be at least 64 megabytes (got {limits.memory // 1024**2:,}); a kernel needs about 200, and the default is 2048.")
    root = submissions.resolve()
    for label, target in (("--out", out), ("--feedback", feedback), ("--marking", marking)):
        if target is not None and (target.resolve() == root or root in target.resolve().parents):
            raise UsageError(f"{label} {str(target)!r} is inside the submissions folder; the grader never writes there, so choose a place outside it.")
    if out is not None:
        if out.is_dir():
            raise UsageError(f"--out {str(out)!r} is a folder; give a file name such as grades.csv.")
        if not out.parent.is_dir():
            raise UsageError(f"Cannot write --out {str(out)!r}: the folder {str(out.parent)!r} does not exist; create it or choose another place.")
        existed = out.exists()
        try:
            with open(out, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise UsageError(f"Cannot write --out {str(out)!r} ({exc.strerror or exc}); choose a file in a folder you can write to.") from None
        if not existed:
            out.unlink()
    if marking is not None and marking.exists() and not marking.is_dir():
        raise UsageError(f"--marking {str(marking)!r} is a file; give a folder for the marking sheets and marks.csv.")
    if feedback is not None:
        if feedback.exists() and not feedback.is_dir():
            raise UsageError(f"--feedback {str(feedback)!r} is a file; give a folder for the feedback files.")
        try:
            feedback.mkdir(parents=True, exist_ok=True)
            probe = feedback / f".resetlab-probe-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"Cannot write feedback files into {str(feedback)!r} ({exc.strerror or exc}); choose a folder you can write to.") from None
    return root


def _fingerprint(folder: Path) -> str:
    """A hash of every file's path and bytes under *folder* (to warn if learner code changed it)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def grade_folder(
    submissions: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    feedback: str | os.PathLike[str] | None = None,
    *,
    jobs: int = 2,
    limits: Limits | None = None,
    marking: str | os.PathLike[str] | None = None,
    marks: str | os.PathLike[str] | None = None,
) -> list[Row]:
    """Grade every file in *submissions*; write the CSV to *out* and feedback files if asked.

    *marking*, a folder: also write a marking sheet per writing question,
    ``answers.json`` and ``marks.csv`` there (keeping marks already entered).
    *marks*, a marks.csv file: merge its marks into the totals and feedback.
    Never writes into *submissions*.  Returns the rows, sorted by learner,
    notebook and file name.

    Raises:
        UsageError: for a missing folder, an unwritable output, ``jobs`` below 1,
            an output inside the submissions folder, or a malformed marks file
            (``marking.MarksError``: its row and column; nothing is written then).
    """
    from . import marking as _marking

    limits = limits or Limits()
    folder = Path(submissions)
    out_path = Path(out) if out is not None else None
    feedback_path = Path(feedback) if feedback is not None else None
    marking_path = Path(marking) if marking is not None else None
    marks_path = Path(marks) if marks is not None else None
    root = _validate(folder, out_path, feedback_path, jobs, limits, marking_path)
    # marks files are read and checked before any learner code runs: a bad one stops everything, nothing written
    given_marks = _marking.read_marks(marks_path) if marks_path is not None else None
    kept_marks = None
    kept_file = marking_path / _marking.MARKS_FILE if marking_path is not None else None
    if kept_file is not None and kept_file.is_file() and not kept_file.read_bytes().strip(b"\xef\xbb\xbf \r\n\t"):
        kept_file = None  # an empty marks.csv holds no marks: written afresh
    if kept_file is not None and kept_file.exists():
        same = marks_path is not None and (marking_path / _marking.MARKS_FILE).resolve() == marks_path.resolve()
        kept_marks = given_marks if same else _marking.read_marks(marking_path / _marking.MARKS_FILE)

    from ..checks import questions

    all_questions = questions()  # load and validate the specs before any learner code runs
    lessons = _lessons()
    variables = {q.variable: q.lesson for q in all_questions}
    lesson_rank = {name: i for i, name in enumerate(lessons)}

    jobs_list: list[_Job] = []
    for index, path in enumerate(discover(root)):
        relative = path.relative_to(root)
        try:
            mtime = path.lstat().st_mtime
        except OSError:  # removed while the folder was being read
            mtime = 0.0
        row = Row(file=relative.as_posix(), learner=learner_of(relative), mtime=mtime)
        job = _Job(index, path, row)
        nb, why = read_notebook(path, root)
        if nb is None:
            row.status, row.reason = INVALID, why
        else:
            lesson = identify(nb, path, lessons, variables)
            if lesson is None:
                row.status = INVALID
                row.reason = ("This notebook is not one of this course's exercises (no Reset Lab metadata, no question "
                              "like q2.3, no exercise name in the file name); it may belong to another course.")
            else:
                job.nb, job.lesson, row.notebook = nb, lesson, lesson
        jobs_list.append(job)

    if given_marks is not None:  # every learner named in the marks must be here, before any notebook runs
        _marking.check_against(marks_path, given_marks[1], {}, {j.row.learner for j in jobs_list if j.nb is not None})
    runnable = [j for j in jobs_list if j.nb is not None]
    if runnable:
        # the data the checks read, fingerprinted before learner code runs (see docs/grader.md)
        from .._paths import data_dir

        data_before = _safe_fingerprint(data_dir)
        asyncio.run(_run_all(runnable, jobs, limits))
        if data_before and data_before != _safe_fingerprint(data_dir):
            print("warning: the course data files changed while grading (learner code may have written to them); "
                  "restore them with 'git checkout -- data' and grade again.", file=sys.stderr)

    rows = [j.row for j in jobs_list]
    _mark_duplicates(rows)
    rows.sort(key=lambda r: (r.learner.casefold(), lesson_rank.get(r.notebook, len(lessons)), r.file))
    answers = _marking.collect(rows)
    by_key = {(_marking._learner_key(a.learner), a.question_id): a for a in answers}
    graded_learners = {r.learner for r in rows if r.status != INVALID}
    if given_marks is not None:
        _marking.check_against(marks_path, given_marks[1], by_key, graded_learners)
        merge_marks(rows, given_marks[1], by_key)
    if kept_marks is not None and kept_marks is not given_marks:
        # rows of learners not graded this time are kept as they are; only edited text is refused
        kept_learners = graded_learners | {m.values["learner"] for m in kept_marks[1]}
        _marking.check_against(marking_path / _marking.MARKS_FILE, kept_marks[1], by_key, kept_learners)
    if marking_path is not None:
        _marking.write_marking(marking_path, answers, kept_marks)
    if out_path is not None:
        write_csv(rows, out_path, [q.id for q in all_questions])
    if feedback_path is not None:
        write_feedback(rows, feedback_path)
    return rows


def _safe_fingerprint(data_dir) -> str:
    try:
        return _fingerprint(data_dir())
    except (ResetLabError, OSError):
        return ""


async def _run_all(jobs_list: list[_Job], jobs: int, limits: Limits) -> None:
    gate = asyncio.Semaphore(jobs)
    base = Path(tempfile.mkdtemp(prefix="resetlab-grade-"))
    try:
        await asyncio.gather(*(_grade_one(job, gate, base, limits) for job in jobs_list))
    finally:
        shutil.rmtree(base, ignore_errors=True)


def merge_marks(rows: list[Row], marks: list[Any], answers: dict[tuple[str, str], Any]) -> None:
    """Put the levels of complete marks rows into the rows' scores and totals; say what is still to mark."""
    from ..checks import questions
    from .marking import _learner_key, levels_of

    by_key = {m.key: m for m in marks}
    for row in rows:
        if row.status in (INVALID, DUPLICATE) or not row.notebook:
            continue
        unmarked, stale = [], []
        for q in questions(row.notebook):
            if not q.writing:
                continue
            mark = by_key.get((_learner_key(row.learner), q.id))
            levels = levels_of(mark, q) if mark is not None else None
            if levels is None:
                unmarked.append(q.id)
                continue
            answer = answers.get((_learner_key(row.learner), q.id))
            is_stale = bool(answer is not None and mark.values.get("answer_sha", "").strip() not in ("", answer.sha))
            if is_stale:
                stale.append(q.id)
            row.marks[q.id] = {"levels": levels, "comment": mark.values.get("comment", "").strip(), "stale": is_stale}
            row.scores[q.id] = sum(levels.values())
        if row.max != "":
            row.total = sum(v for v in row.scores.values() if isinstance(v, int))
        if unmarked:
            row.add_reason(f"Written answer{'s' if len(unmarked) > 1 else ''} not marked yet in marks.csv: {', '.join(unmarked)}.")
        if stale:
            row.add_reason(f"{', '.join(stale)} {'was' if len(stale) == 1 else 'were'} marked against an earlier answer; check the marks.")


async def _grade_one(job: _Job, gate: asyncio.Semaphore, base: Path, limits: Limits) -> None:
    from ..checks import questions
    from .marking import written_text

    # written answers are read from the cells as saved, before anything runs
    job.row.written = {q.id: written_text(job.nb, q.variable) for q in questions(job.lesson) if q.writing}
    async with gate:
        workdir = base / f"submission-{job.index:04d}"
        workdir.mkdir()
        # the learner's notebook is copied, so their own file is never opened for writing
        shutil.copyfile(job.path, workdir / job.path.name)
        variables = [q.variable for q in questions(job.lesson)]
        try:
            run = await run_notebook(job.nb, variables, workdir, limits)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    results = await asyncio.to_thread(score, job.lesson, run.answers, job.row.written)
    row = job.row
    row.results = results
    writing = {q.id for q in questions(job.lesson) if q.writing}
    # a written answer has no score until a person marks it (grade --marks)
    row.scores = {r.question_id: ("" if r.question_id in writing else r.score) for r in results}
    row.total = sum(r.score for r in results if r.question_id not in writing)
    row.max = sum(r.points for r in results)
    row.written = {qid: (text or "") for qid, text in row.written.items()}
    row.status, row.reason = _problem_sentence(run, limits)
    sources = [str(c.get("source", "")) for c in job.nb.cells]
    broken = [q.id for q in questions(job.lesson) if q.writing and row.written.get(q.id)
              and any(0 <= i < len(sources) and f"{q.variable} =" in sources[i] for i, _, _ in run.errors)]
    if broken:  # the cell failed to run, yet its text was read: say so, or the row reads as a lost answer
        row.add_reason(f"The written answer{'s' if len(broken) > 1 else ''} in the failing cell "
                       f"({', '.join(broken)}) {'were' if len(broken) > 1 else 'was'} read as typed all the same.")


def _mark_duplicates(rows: list[Row]) -> None:
    """Of several files by one learner for one notebook, the newest counts (ties: last by name)."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.notebook and row.status != INVALID:
            groups.setdefault((row.learner.casefold(), row.notebook), []).append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        counted = max(group, key=lambda r: (r.mtime, r.file))
        for row in group:
            if row is not counted:
                row.status = DUPLICATE
                row.reason = (f"Not counted: {row.learner} also submitted {counted.file} for {row.notebook}, "
                              "which is newer and counts instead.")


def write_csv(rows: list[Row], path: Path, question_ids: list[str]) -> Path:
    """Write the grades table: one row per file, a column per question, then total, max, status, reason."""
    columns = [*FIXED_COLUMNS, *question_ids, *TAIL_COLUMNS]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(row.as_csv(question_ids))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"Cannot write {str(path)!r} ({exc.strerror or exc}); choose a file in a folder you can write to.") from None
    return path


def _safe_name(learner: str) -> str:
    name = re.sub(r"[^\w.-]+", "-", learner).strip(".-")
    return name or "learner"


def _feedback_lines(row: Row, result: Any) -> list[str]:
    """One question's feedback: its score and message; for a written answer, its evidence report and any marks."""
    from ..checks import questions

    qid = result.question_id
    mark = row.marks.get(qid)
    if not result.details and mark is None:
        status = "passed" if result.passed else result.status
        return [f"- **{qid}** ({result.score}/{result.points}, {status}): {_md(result.message)}"]
    score = f"{row.scores[qid]}/{result.points}, marked" if mark else f"to be marked, {result.points} points"
    lines = [f"- **{qid}** (written; {score}): {_md(result.message)}"]
    lines += [f"  - {_md(line)}" for line in result.details]
    if mark:
        q = next(q for q in questions(row.notebook) if q.id == qid)
        for criterion in q.rubric:
            got = mark["levels"][criterion.name]
            level = criterion.levels[got]
            lines.append(f"  - {_md(criterion.title)}: {got} of {criterion.max} ({_md(level.label)}: {_md(level.descriptor)})")
        if mark["comment"]:
            lines.append(f"  - Your instructor's comment: {_md(mark['comment'])}")
    return lines


def write_feedback(rows: list[Row], folder: Path) -> list[Path]:
    """Write one Markdown file per learner: each submission's score, status and each question's message."""
    by_learner: dict[str, list[Row]] = {}
    for row in rows:
        by_learner.setdefault(row.learner, []).append(row)
    written = []
    used: set[str] = set()
    for learner in sorted(by_learner, key=str.casefold):
        name = _safe_name(learner)
        while name.casefold() in used:
            name += "_"
        used.add(name.casefold())
        lines = [f"# Feedback for {_md(learner)}", ""]
        for row in by_learner[learner]:
            lines.append(f"## {_md(row.notebook or row.file)}")
            lines.append("")
            lines.append(f"File: {_md(row.file)}")
            if row.max != "":
                lines.append(f"Score: {row.total} of {row.max}")
            if row.reason:
                lines.append(f"Note: {_md(row.reason)}")
            lines.append("")
            for result in row.results:
                lines.extend(_feedback_lines(row, result))
            if row.results:
                lines.append("")
        path = folder / f"{name}.md"
        path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
        written.append(path)
    return written


# --------------------------------------------------------------------------- command line


def add_arguments(parser) -> None:
    """The ``grade`` subcommand's options (used by ``resetlab.__main__``)."""
    parser.add_argument("submissions", help="folder of submitted notebooks (never written to)")
    parser.add_argument("--out", default="grades.csv", help="CSV file to write (default: grades.csv)")
    parser.add_argument("--feedback", help="folder for one Markdown feedback file per learner")
    parser.add_argument("--marking", help="folder for a marking sheet per written question, answers.json and marks.csv (marks already entered are kept)")
    parser.add_argument("--marks", help="a marks.csv with the instructor's marks, merged into the totals and the feedback")
    parser.add_argument("--timeout", type=float, default=Limits.cell_timeout, help="seconds one cell may run (default: 60)")
    parser.add_argument("--notebook-timeout", type=float, default=Limits.notebook_timeout, help="seconds one notebook may run (default: 600)")
    parser.add_argument("--memory", type=int, default=Limits.memory // 1024**2, help="megabytes of memory per notebook (default: 2048)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at the same time (default: 2)")


def run_command(args) -> int:
    """Run ``grade`` from parsed arguments; 0 when the folder was graded, 2 for a usage error."""
    limits = Limits(cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout, memory=args.memory * 1024**2)
    started = time.monotonic()
    try:
        rows = grade_folder(args.submissions, args.out, args.feedback, jobs=args.jobs, limits=limits,
                            marking=args.marking, marks=args.marks)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    learners = len({r.learner for r in rows})
    print(f"graded {len(rows)} file(s) from {learners} learner(s) in {time.monotonic() - started:.1f} s"
          f"{': ' + summary if summary else ''}; wrote {args.out}"
          + (f" and feedback in {args.feedback}" if args.feedback else "")
          + (f"; marking sheets and marks.csv in {args.marking}" if args.marking else "")
          + (f"; merged the marks in {args.marks}" if args.marks else ""))
    return 0
