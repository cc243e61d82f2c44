"""Grading a whole folder: finding who handed in what, running each hand-in, duplicates, and the command."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ResetLabError, UsageError
from ._kernel import Limits, revive, run_notebook
from ._lms import LMS_FILES, write_gradebook
from ._rows import BLANK, DUPLICATE, INVALID, MISSING, NOT_COUNTED, STATUSES, Row
from ._scoring import _problem_sentence, merge_marks, score
from ._submissions import _lessons, classify, discover, identify, read_notebook
from ._tables import read_csv, write_csv, write_feedback

# --------------------------------------------------------------------------- the whole folder


@dataclass
class _Job:
    index: int
    path: Path
    row: Row
    nb: Any = None
    lesson: str = ""


def _validate(submissions: Path, out: Path | None, feedback: Path | None, jobs: int, limits: Limits,
              marking: Path | None = None, report: Path | None = None) -> Path:
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
    for label, target in (("--out", out), ("--feedback", feedback), ("--marking", marking), ("--report", report)):
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
    roster: str | os.PathLike[str] | None = None,
    lms: tuple[str, ...] | list[str] = (),
    excel: bool = False,
    only: str | None = None,
    report: str | os.PathLike[str] | None = None,
    isolation: str | None = None,
) -> Graded:
    """Grade every file in *submissions*; write the CSV to *out* and feedback files if asked.

    *marking*, a folder: also write a marking sheet per writing question,
    ``answers.json`` and ``marks.csv`` there (keeping marks already entered).
    *marks*, a marks.csv file: merge its marks into the totals and feedback.
    *roster*, a CSV of learners (id, name, login, email, lms_id): files are matched
    to its learners, and learners with no hand-in get a row.  *lms*: ``"canvas"``,
    ``"moodle"`` or both: a gradebook file for that LMS beside *out*.  *excel*: the
    CSV files start with a byte-order mark so Excel reads them as UTF-8.  *only*, a
    learner's name or roster id: grade only that learner's files and merge their
    rows into the existing *out*, keeping every other row.  *report*: where to write
    the class report (HTML).  *isolation*: ``"contained"`` (each kernel in a bubblewrap
    sandbox), ``"limited"`` (limits only), or ``None``: contained where this machine
    can, else limited, with the reason in ``Graded.isolation_note``.
    Never writes into *submissions*.  Returns the rows, sorted by learner,
    notebook and file name.

    Raises:
        UsageError: for a missing folder, an unwritable output, ``jobs`` below 1,
            an output inside the submissions folder, a malformed roster or marks file
            (``marking.MarksError``: its row and column; nothing is written then).
    """
    from . import marking as _marking
    from ._identity import read_roster

    limits = limits or Limits()
    folder = Path(submissions)
    out_path = Path(out) if out is not None else None
    feedback_path = Path(feedback) if feedback is not None else None
    marking_path = Path(marking) if marking is not None else None
    marks_path = Path(marks) if marks is not None else None
    report_path = Path(report) if report is not None else None
    lms = tuple(lms or ())
    root = _validate(folder, out_path, feedback_path, jobs, limits, marking_path, report_path)
    unknown = [name for name in lms if name not in LMS_FILES]
    if unknown:
        raise UsageError(f"--lms {unknown[0]!r} is not an LMS the grader writes for; give canvas or moodle.")
    if lms and out_path is None:
        raise UsageError("--lms writes its gradebook beside --out; give --out as well.")
    if only is not None and out_path is None:
        raise UsageError("--only merges one learner's rows into an existing grades file; give --out too.")
    if only is not None and marking_path is not None:
        raise UsageError("--only cannot write marking sheets (they hold the whole class's answers); grade the whole "
                         "class with --marking, or leave --marking out when regrading one learner.")
    from ._contain import choose

    mode, mode_note = choose(isolation)
    kept_rows = _read_kept(out_path) if only is not None else None
    class_roster = read_roster(roster) if roster is not None else None
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

    found, passed_over = discover(root)
    jobs_list: list[_Job] = []
    for index, path in enumerate(found):
        relative = path.relative_to(root)
        try:
            mtime = path.lstat().st_mtime
        except OSError:  # removed while the folder was being read
            mtime = 0.0
        row = Row(file=relative.as_posix(), learner="", mtime=mtime)
        identify_learner(row, relative, lessons, class_roster)
        jobs_list.append(_Job(index, path, row))
    _unify_names(jobs_list)
    if only is not None:
        jobs_list = _only(jobs_list, only, class_roster, root)

    for job in jobs_list:
        row, path = job.row, job.path
        nb, why = read_notebook(path, root)
        if nb is None:
            row.status, row.reason = INVALID, why
            continue
        lesson = identify(nb, path, lessons, variables)
        if lesson is None:
            row.status = INVALID
            row.reason = ("This notebook is not one of this course's exercises (no Reset Lab metadata, no question "
                          "like q2.3, no exercise name in the file name); it may belong to another course.")
            continue
        row.notebook = lesson
        status, reason, flags = classify(nb, path.relative_to(root), lesson, lessons)
        row.flags += flags
        if status == NOT_COUNTED:
            row.status, row.reason = NOT_COUNTED, reason
        elif status == BLANK:
            _blank(row, lesson)
            row.reason = reason
        else:
            row.add_reason(reason)
            job.nb, job.lesson = nb, lesson

    if given_marks is not None:  # every learner named in the marks must be here, before any notebook runs
        _marking.check_against(marks_path, given_marks[1], {}, {j.row.learner for j in jobs_list if j.nb is not None or j.row.status == BLANK})
    runnable = [j for j in jobs_list if j.nb is not None]
    if runnable:
        # the data the checks read, fingerprinted before learner code runs (see docs/grader.md)
        from .._paths import data_dir

        data_before = _safe_fingerprint(data_dir)
        asyncio.run(_run_all(runnable, jobs, limits, mode))
        if data_before and data_before != _safe_fingerprint(data_dir):
            print("warning: the course data files changed while grading (learner code may have written to them); "
                  "restore them with 'git checkout -- data' and grade again.", file=sys.stderr)

    rows = [j.row for j in jobs_list]
    _mark_duplicates(rows)
    if class_roster is not None and only is None:
        rows += _missing(class_roster, rows)
    regraded = {r.key for r in rows}
    if kept_rows is not None:
        rows += [r for r in kept_rows if r.key not in regraded]
        if class_roster is not None:  # grades.csv does not hold logins and emails; the LMS files need them
            by_id = {lr.id: lr for lr in class_roster.learners}
            for r in rows:
                if r.learner_id in by_id:
                    r.login, r.email = by_id[r.learner_id].login, by_id[r.learner_id].email
    rows.sort(key=lambda r: (r.learner.casefold(), lesson_rank.get(r.notebook, len(lessons)), r.file))
    answers = _marking.collect(rows)
    by_key = {(_marking._learner_key(a.learner), a.question_id): a for a in answers}
    graded_learners = {r.learner for r in rows if r.status not in (INVALID, MISSING, NOT_COUNTED)}
    if given_marks is not None:
        _marking.check_against(marks_path, given_marks[1], by_key, graded_learners)
        merge_marks(rows, given_marks[1], by_key)
    if kept_marks is not None and kept_marks is not given_marks:
        # rows of learners not graded this time are kept as they are; only edited text is refused
        kept_learners = graded_learners | {m.values["learner"] for m in kept_marks[1]}
        _marking.check_against(marking_path / _marking.MARKS_FILE, kept_marks[1], by_key, kept_learners)
    result = Graded(rows)
    result.passed_over = passed_over
    result.isolation, result.isolation_note = mode, mode_note
    if marking_path is not None:
        _marking.write_marking(marking_path, answers, kept_marks)
    if out_path is not None:
        write_csv(rows, out_path, [q.id for q in all_questions], bom=excel)
        result.written.append(out_path)
        for name in lms:
            path, skipped = write_gradebook(name, rows, out_path.parent / LMS_FILES[name], bom=excel)
            result.written.append(path)
            result.lms_skipped[name] = skipped
    if feedback_path is not None:
        write_feedback(rows, feedback_path, only={r.key for r in rows if r.key in regraded} if only is not None else None)
    if report_path is not None:
        from .report import write_report

        write_report(rows, report_path)
        result.written.append(report_path)
    return result


class Graded(list):
    """The rows of a grading run (a list), with what the run wrote and passed over."""

    def __init__(self, rows=()):
        super().__init__(rows)
        self.passed_over = 0  #: course files in pulled copies of the course that are not hand-ins
        self.written: list[Path] = []  #: the CSV, LMS and report files written
        self.lms_skipped: dict[str, list[str]] = {}  #: per LMS, learners left out of its file (no id it can match)
        self.isolation = ""  #: "contained" or "limited": how learner code ran
        self.isolation_note = ""  #: why it is not contained, when it could not be


def identify_learner(row: Row, relative: Path, lessons: list[str], roster: Any = None) -> None:
    """Fill in *row*'s learner, key, ids and late flag from its path (and the roster, if any)."""
    from ._identity import fold, origin_of

    origin = origin_of(relative, lessons)
    row.late = origin.late
    row.lms_id, row.lms = origin.lms_id, (origin.convention if origin.lms_id else "")
    if roster is not None:
        learner, why = roster.match(origin)
        if learner is not None:
            row.learner, row.learner_id = learner.name, learner.id
            if learner.lms_id:
                row.lms_id, row.lms = learner.lms_id, "roster"
            row.login, row.email = learner.login, learner.email
            row.key = "id:" + fold(learner.id)
            return
        row.flags.append("unmatched")
        row.add_reason(f"Not matched to the roster: {why}. Add the learner to {roster.path}, or rename the file "
                       "with the name or id the roster has, and grade again.")
    elif not origin.name:
        row.flags.append("unmatched")
        row.add_reason("The file name does not say whose it is; rename it name_exercise.ipynb (for example "
                       "jsmith_04-comparing-the-leaders.ipynb) or put it in a folder named for the learner, or "
                       "grade with --roster, and grade again.")
    if origin.name:
        row.learner, row.key = origin.name, "name:" + fold(origin.name)
    else:
        row.learner, row.key = f"(unknown: {relative.stem})", "file:" + relative.as_posix()


def _unify_names(jobs_list: list[_Job]) -> None:
    """One learner, one spelling: ``alice`` and ``Alice`` (or NFC and NFD ``zoë``) become the commonest form."""
    forms: dict[str, dict[str, int]] = {}
    for job in jobs_list:
        if job.row.key.startswith("name:"):
            spelt = forms.setdefault(job.row.key, {})
            spelt[job.row.learner] = spelt.get(job.row.learner, 0) + 1
    chosen = {key: min(spelt, key=lambda f: (-spelt[f], f == f.lower(), f)) for key, spelt in forms.items()}
    for job in jobs_list:
        if job.row.key in chosen:
            job.row.learner = chosen[job.row.key]


def _only(jobs_list: list[_Job], only: str, roster: Any, root: Path) -> list[_Job]:
    """The jobs of the one learner *only* names (a name as in grades.csv, or a roster id or login)."""
    from ._identity import Origin, fold

    wanted = {"name:" + fold(only), "id:" + fold(only)}
    if roster is not None:
        learner, _ = roster.match(Origin(only, "file name", folder=only))
        if learner is not None:
            wanted.add("id:" + fold(learner.id))
    chosen = [j for j in jobs_list if j.row.key in wanted or fold(j.row.learner) == fold(only)]
    if not chosen:
        names = sorted({j.row.learner for j in jobs_list if not j.row.key.startswith("file:")}, key=str.casefold)
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        raise UsageError(f"No file in {str(root)!r} belongs to {only!r} (the learners there are {shown or 'none'}); "
                         "give the name as grades.csv's learner column shows it, or a roster id.")
    return chosen


def _blank(row: Row, lesson: str) -> None:
    """A blank exercise's row: every question unanswered, 0 points, nothing run."""
    from ..checks import NOT_ANSWERED, CheckResult, questions

    row.status = BLANK
    row.results = [CheckResult(q.id, NOT_ANSWERED, "Not answered: the answer is still ... (or the written answer empty).", q.points, 0)
                   for q in questions(lesson)]
    row.scores = {q.id: ("" if q.writing else 0) for q in questions(lesson)}
    row.total, row.max = 0, sum(q.points for q in questions(lesson))
    row.written = {q.id: "" for q in questions(lesson) if q.writing}


def _missing(roster: Any, rows: list[Row]) -> list[Row]:
    """A row for every roster learner with no file at all."""
    from ._identity import fold

    seen = {r.key for r in rows}
    return [Row(file="", learner=lr.name, learner_id=lr.id, lms_id=lr.lms_id, lms="roster" if lr.lms_id else "",
                login=lr.login, email=lr.email,
                key="id:" + fold(lr.id), status=MISSING,
                reason="No hand-in found for this learner on the roster.")
            for lr in roster.learners if "id:" + fold(lr.id) not in seen]


def _read_kept(out_path: Path) -> list[Row]:
    """The rows of the existing grades file, for ``--only`` to merge into."""
    if not out_path.is_file():
        raise UsageError(f"--only merges into an existing grades file, and there is none at {str(out_path)!r}; "
                         "grade the whole class once without --only first.")
    return read_csv(out_path)


def _safe_fingerprint(data_dir) -> str:
    try:
        return _fingerprint(data_dir())
    except (ResetLabError, OSError):
        return ""


async def _run_all(jobs_list: list[_Job], jobs: int, limits: Limits, isolation: str = "limited") -> None:
    gate = asyncio.Semaphore(jobs)
    base = Path(tempfile.mkdtemp(prefix="resetlab-grade-"))
    try:
        await asyncio.gather(*(_grade_one(job, gate, base, limits, isolation) for job in jobs_list))
    finally:
        shutil.rmtree(base, ignore_errors=True)


async def _grade_one(job: _Job, gate: asyncio.Semaphore, base: Path, limits: Limits, isolation: str = "limited") -> None:
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
            run = await run_notebook(job.nb, variables, workdir, limits, isolation)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    results = await asyncio.to_thread(score, job.lesson, run.answers, job.row.written)
    row = job.row
    row.results = results
    row.isolation = isolation
    row.answers = _answers_for_report(job.lesson, run.answers)
    writing = {q.id for q in questions(job.lesson) if q.writing}
    # a written answer has no score until a person marks it (grade --marks)
    row.scores = {r.question_id: ("" if r.question_id in writing else r.score) for r in results}
    row.total = sum(r.score for r in results if r.question_id not in writing)
    row.max = sum(r.points for r in results)
    row.written = {qid: (text or "") for qid, text in row.written.items()}
    known = row.reason  # what was found before the run (a misnamed file, another version, no match on the roster)
    row.status, row.reason = _problem_sentence(run, limits)
    row.reason = f"{known} {row.reason}".strip()
    sources = [str(c.get("source", "")) for c in job.nb.cells]
    broken = [q.id for q in questions(job.lesson) if q.writing and row.written.get(q.id)
              and any(0 <= i < len(sources) and f"{q.variable} =" in sources[i] for i, _, _ in run.errors)]
    if broken:  # the cell failed to run, yet its text was read: say so, or the row reads as a lost answer
        row.add_reason(f"The written answer{'s' if len(broken) > 1 else ''} in the failing cell "
                       f"({', '.join(broken)}) {'were' if len(broken) > 1 else 'was'} read as typed all the same.")


def _answers_for_report(lesson: str, answers: dict[str, Any] | None) -> dict[str, Any]:
    """The checked answers as values, for the class report's "common wrong answers" (never for scoring)."""
    from ..checks import questions

    values: dict[str, Any] = {}
    for q in questions(lesson):
        if q.writing or not answers or q.variable not in answers:
            continue
        try:
            values[q.id] = revive(answers[q.variable])
        except Exception:  # a malformed claim is left out of the report; its score says what happened
            continue
    return values


def _mark_duplicates(rows: list[Row]) -> None:
    """Of several files by one learner for one notebook, the newest counts (ties: last by name)."""
    from ._identity import fold

    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.notebook and row.status not in (INVALID, NOT_COUNTED):
            groups.setdefault((row.key or "name:" + fold(row.learner), row.notebook), []).append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        counted = max(group, key=lambda r: (r.mtime, r.file))
        for row in group:
            if row is not counted:
                row.status = DUPLICATE
                row.reason = (f"Not counted: {row.learner} also submitted {counted.file} for {row.notebook}, "
                              "which is newer and counts instead.")


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
    parser.add_argument("--roster", help="a CSV of learners (id,name and optionally login,email,lms_id): files are matched to it")
    parser.add_argument("--lms", action="append", choices=sorted(LMS_FILES), default=[],
                        help="also write that LMS's gradebook import file beside --out (canvas-grades.csv, moodle-grades.csv); may be repeated")
    parser.add_argument("--excel", action="store_true", help="start the CSV files with a byte-order mark, so Excel shows accented names right")
    parser.add_argument("--only", metavar="LEARNER", help="regrade one learner (name as in grades.csv, or roster id) and merge the rows into --out")
    parser.add_argument("--report", help="the class report to write (default: report.html beside --out)")
    parser.add_argument("--isolation", choices=("contained", "limited"),
                        help="contained: each kernel in a bubblewrap sandbox (the default where it works); limited: resource limits only")


def run_command(args) -> int:
    """Run ``grade`` from parsed arguments; 0 when the folder was graded, 2 for a usage error."""
    limits = Limits(cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout, memory=args.memory * 1024**2)
    started = time.monotonic()
    report = args.report or str(Path(args.out).parent / "report.html")
    try:
        rows = grade_folder(args.submissions, args.out, args.feedback, jobs=args.jobs, limits=limits,
                            marking=args.marking, marks=args.marks, roster=args.roster, lms=args.lms,
                            excel=args.excel, only=args.only, report=report, isolation=args.isolation)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    learners = len({r.key for r in rows if not r.key.startswith("file:")})
    files = sum(1 for r in rows if r.file)
    print(f"graded {files} file(s) from {learners} learner(s) in {time.monotonic() - started:.1f} s ({rows.isolation})"
          f"{': ' + summary if summary else ''}; wrote {', '.join(str(p) for p in rows.written)}"
          + (f" and feedback in {args.feedback}" if args.feedback else "")
          + (f"; marking sheets and marks.csv in {args.marking}" if args.marking else "")
          + (f"; merged the marks in {args.marks}" if args.marks else ""))
    if rows.isolation_note:
        print(f"warning: {rows.isolation_note} See docs/grader.md, 'Isolation'.", file=sys.stderr)
    for line in summary_lines(rows):
        print(line)
    return 0


def summary_lines(rows: Graded) -> list[str]:
    """What the instructor must act on, one sentence each: unmatched files, learners missing, LMS rows left out."""
    lines = []
    unmatched = [r.file for r in rows if "unmatched" in r.flags]
    if unmatched:
        shown = ", ".join(unmatched[:5]) + (f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else "")
        lines.append(f"not matched to a learner ({len(unmatched)}): {shown}; see their reason in the grades file.")
    missing = [r.learner for r in rows if r.status == MISSING]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        lines.append(f"on the roster with no hand-in ({len(missing)}): {shown}.")
    unmarked = sum(1 for r in rows if r.counts and any(v == "" for q, v in r.scores.items() if q not in r.marks)
                   and "not marked yet" in r.reason)
    if unmarked:
        lines.append(f"{unmarked} hand-in(s) have written answers not marked yet: their totals count the checked questions only "
                     "(see docs/instructors/grading.md, step 4).")
    for lms, skipped in rows.lms_skipped.items():
        if skipped:
            need = "an LMS id (roster lms_id, or Canvas's own file names) or a roster id" if lms == "canvas" else "an email or id in the roster"
            lines.append(f"left out of {LMS_FILES[lms]} ({len(skipped)}), having no {need}: {', '.join(skipped[:8])}.")
    if rows.passed_over:
        lines.append(f"passed over {rows.passed_over} course file(s) and folder(s) in pulled copies of the course (not hand-ins).")
    return lines
