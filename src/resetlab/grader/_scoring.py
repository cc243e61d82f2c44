"""Scoring: each run's answers with the course's checks, in the grader's process, and marks merged in."""

from __future__ import annotations

from typing import Any

from ._kernel import Limits, RunResult, revive
from ._rows import FAILED, GRADED, PARTIAL, Row


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
            results.append(_in_feedback(q, score_answer(q.id, written[q.id])))
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
                results.append(_in_feedback(q, score_answer(q.id, value)))
            except Exception as exc:  # score_answer should never raise; a malformed claim still must not stop the run
                results.append(CheckResult(q.id, "not yet", f"The answer could not be checked ({type(exc).__name__}).", q.points, 0))
    return results


def _in_feedback(q: Any, result: Any) -> Any:
    """A 'not answered' result reworded for a feedback file, where there is no cell to "run again"."""
    import dataclasses

    from ..checks import NOT_ANSWERED

    if result.status != NOT_ANSWERED:
        return result
    if q.writing:
        msg = f"The cell for {q.variable} had no words between its three quote marks (\"\"\") when the notebook was handed in."
    else:
        msg = f"{q.variable} was still ... (or None) when the notebook finished: the answer cell was not filled in."
    return dataclasses.replace(result, message=msg)


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



def merge_marks(rows: list[Row], marks: list[Any], answers: dict[tuple[str, str], Any]) -> None:
    """Put the levels of complete marks rows into the rows' scores and totals; say what is still to mark."""
    from ..checks import questions
    from .marking import _learner_key, levels_of

    by_key = {m.key: m for m in marks}
    for row in rows:
        if not row.counts:
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
