"""What grading writes: the grades CSV, one feedback file per learner, and reading a grades CSV back."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ._inert import _md
from ._rows import FIXED_COLUMNS, TAIL_COLUMNS, Row


def spreadsheet_text(raw: bytes) -> str | None:
    """A CSV file's text as a spreadsheet may have saved it: UTF-8 (a byte-order mark dropped), else
    Windows-1252 (Excel's "CSV" on Windows); ``None`` when it is neither, so the caller can say which file."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return None


def write_csv(rows: list[Row], path: Path, question_ids: list[str], *, bom: bool = False) -> Path:
    """Write the grades table: one row per file, a column per question, then total, max, status, reason.

    *bom*: start with a UTF-8 byte-order mark, which Excel needs to read accented names right.
    """
    columns = [*FIXED_COLUMNS, *question_ids, *TAIL_COLUMNS]

    def body(handle) -> None:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row.as_csv(question_ids))

    return atomic_csv(path, body, bom=bom)


def atomic_csv(path: Path, body, *, bom: bool = False) -> Path:
    """Write a CSV file through *body(handle)* into a temporary file, then put it in place in one step."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            body(handle)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"Cannot write {str(path)!r} ({exc.strerror or exc}); choose a file in a folder you can write to.") from None
    return path


def read_csv(path: Path) -> list[Row]:
    """Read a grades file this grader wrote back into rows (for ``--only``); results are rebuilt from the scores.

    Raises:
        UsageError: if the file is not a grades file of this version of the grader.
    """
    from ..checks import CheckResult, questions
    from ._identity import fold

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"The grades file {str(path)!r} could not be read ({getattr(exc, 'strerror', None) or type(exc).__name__}); "
                         "grade the whole class again without --only.") from None
    table = list(csv.DictReader(text.splitlines()))
    header = list(table[0]) if table else next(csv.reader(text.splitlines()[:1]), [])
    needed = [*FIXED_COLUMNS, *TAIL_COLUMNS]
    missing = [c for c in needed if c not in header]
    if missing:
        raise UsageError(f"{path.name} has no {missing[0]!r} column, so it was not written by this version of the grader "
                         "(or was edited); grade the whole class again without --only.")
    bank = {q.id: q for q in questions()}
    rows = []
    for values in table:
        scores: dict[str, Any] = {}
        results = []
        lesson = values["notebook"]
        for q in (questions(lesson) if lesson in {b.lesson for b in bank.values()} else []):
            got = values.get(q.id, "")
            scores[q.id] = int(got) if got.strip().isdigit() else ""
            if isinstance(scores[q.id], int):
                passed = scores[q.id] >= q.points
                results.append(CheckResult(q.id, "passed" if passed else "not yet", "", q.points, scores[q.id]))
        learner_id = values["learner_id"]
        row = Row(file=values["file"], learner=values["learner"], notebook=lesson, scores=scores,
                  total=int(values["total"]) if values["total"].strip().isdigit() else "",
                  max=int(values["max"]) if values["max"].strip().isdigit() else "",
                  status=values["status"], reason=values["reason"], results=results,
                  flags=[f for f in values["flags"].split("; ") if f], learner_id=learner_id, lms_id=values["lms_id"], lms=values["lms"], isolation=values["isolation"],
                  late=values["late"] == "late")
        row.key = "id:" + fold(learner_id) if learner_id else ("name:" + fold(row.learner) if not row.learner.startswith("(unknown") else "file:" + row.file)
        rows.append(row)
    return rows


def _safe_name(learner: str) -> str:
    """A feedback file name that keeps the learner's name (accents too, in NFC) and nothing a file system objects to."""
    import unicodedata

    name = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", learner)).strip(".-")[:80]
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


FEEDBACK_INDEX = ".resetlab-feedback.json"


def write_feedback(rows: list[Row], folder: Path, only: set[str] | None = None) -> list[Path]:
    """Write one Markdown file per learner: each submission's score, status and each question's message.

    The folder keeps an index of the files the grader wrote, by learner, so a
    regraded learner's old file is replaced, not left beside the new one, and a
    file the grader did not write is never removed.  *only*: the learners (keys)
    regraded this time; everyone else's file is left as it is.
    """
    import json

    index_path = folder / FEEDBACK_INDEX
    try:
        previous = json.loads(index_path.read_text(encoding="utf-8")).get("files", {})
        previous = {str(k): str(v) for k, v in previous.items()} if isinstance(previous, dict) else {}
    except (OSError, ValueError, AttributeError):
        previous = {}
    by_learner: dict[str, list[Row]] = {}
    for row in rows:
        if only is not None and row.key not in only:
            continue
        by_learner.setdefault(row.key or row.learner, []).append(row)
    written = []
    index = {k: v for k, v in previous.items() if only is not None and k not in only}
    used: set[str] = {v.casefold() for v in index.values()}
    for key in sorted(by_learner, key=lambda k: by_learner[k][0].learner.casefold()):
        group = by_learner[key]
        learner = group[0].learner
        name = _safe_name(learner)
        while f"{name}.md".casefold() in used:
            name += "_"
        used.add(f"{name}.md".casefold())
        lines = [f"# Feedback for {_md(learner)}", ""]
        for row in group:
            lines.append(f"## {_md(row.notebook or row.file or 'no hand-in')}")
            lines.append("")
            if row.file:
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
        index[key] = path.name
        written.append(path)
    keep = {v for v in index.values()}
    for key, old in previous.items():  # stale files of regraded (or vanished) learners, written by the grader
        if old not in keep and (only is None or key in only) and "/" not in old and old.endswith(".md"):
            (folder / old).unlink(missing_ok=True)
    index_path.write_text(json.dumps({"files": dict(sorted(index.items()))}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return written
