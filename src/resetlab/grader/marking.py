"""Written answers: read from the saved cells, reported on, marked by a person, merged into the grades.

The grader reads each written answer from the text the learner typed in the
saved notebook (the string between the three quote marks of ``q6_6 =``), so an answer is read even
when its cell, or the notebook, fails to run.  ``--marking DIR`` writes, for
each writing question, a marking sheet (``DIR/q6.6.md``: every learner's
answer with its evidence report and the dates it names beside their timeline
entries), ``DIR/answers.json`` for the marking notebook, and ``DIR/marks.csv``:
one row per learner and writing question, a column per rubric criterion and a
comment column.  Running the grader again keeps every mark already entered.
``--marks DIR/marks.csv`` merges the marks into the grades and the feedback;
a malformed file is refused with one sentence naming its row and column, and
nothing is written.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ._inert import _cell, _md
from ._tables import spreadsheet_text

MARKS_FILE = "marks.csv"
ANSWERS_FILE = "answers.json"
#: Columns the grader writes and checks; the instructor fills the criteria and the comment.
KEY_COLUMNS = ("learner", "question")
INFO_COLUMNS = ("notebook", "file", "words", "answer_sha", "answer_start")
COMMENT = "comment"
#: The comment pre-filled where a learner wrote nothing (with every criterion at 0).
NO_ANSWER = "No answer was handed in for this question."


class MarksError(UsageError):
    """A marks file that cannot be used: the message names the row and the column."""


def marks_columns() -> list[str]:
    """The header of marks.csv: keys, what the grader read, one column per rubric criterion, the comment."""
    from ..checks import CRITERIA, questions

    used = {c.name for q in questions() if q.writing for c in q.rubric}
    return [*KEY_COLUMNS, *INFO_COLUMNS, *(c for c in CRITERIA if c in used), COMMENT]


# --------------------------------------------------------------------------- reading the answer from the cells


_ASSIGN = re.compile(r"^[ \t]*(q\d+_\d+)[ \t]*=[ \t]*(?:[rRuU]{0,2})(\"\"\"|'''|\"|')", re.M)


def written_text(nb: Any, variable: str) -> str | None:
    r'''The text a learner typed for *variable* (between the three quote marks of ``q6_6 =``), or None.

    The last cell that assigns the variable a string counts, as it would when
    run top to bottom.  A cell with a syntax error (a closing quote mark
    deleted, say) still gives the text between the opening quote marks and the
    closing ones, or the end of the cell.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('q6_6 = """\nMy answer "quoted".\n')])
    >>> written_text(nb, "q6_6")
    'My answer "quoted".'
    '''
    found = None
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        source = str(cell.get("source", ""))
        if variable not in source:
            continue
        text = _literal(source, variable)
        if text is None:
            text = _lenient(source, variable)
        if text is not None:
            found = text
    return None if found is None else found.strip()


def _literal(source: str, variable: str) -> str | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    value = None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == variable and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            value = node.value.value
    return value


def _lenient(source: str, variable: str) -> str | None:
    for match in reversed(list(_ASSIGN.finditer(source))):
        if match.group(1) != variable:
            continue
        quote = match.group(2)
        rest = source[match.end():]
        end = rest.find(quote)
        return rest if end < 0 else rest[:end]
    return None


# --------------------------------------------------------------------------- answers and their reports


@dataclass(frozen=True)
class Written:
    """One learner's answer to one writing question, with its evidence report."""

    learner: str
    notebook: str
    question_id: str
    file: str
    text: str
    result: Any  # the CheckResult of checks.score_answer

    @property
    def sha(self) -> str:
        """A short fingerprint of the answer, so a mark can be matched to the text it was given for."""
        return answer_sha(self.text)

    @property
    def start(self) -> str:
        return answer_start(self.text)

    @property
    def words(self) -> int:
        report = getattr(self.result, "report", None)
        return report.words if report is not None else 0


def answer_sha(text: str) -> str:
    """The first 12 hex digits of the sha256 of the answer's text (stripped), or "" for no answer."""
    text = (text or "").strip()
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12] if text else ""


def answer_start(text: str) -> str:
    """The answer's first words on one line, at most 40 characters, safe for a spreadsheet cell."""
    line = " ".join((text or "").split())
    line = "".join(ch for ch in line if ch.isprintable())
    return _cell(line if len(line) <= 40 else line[:37].rstrip() + "...")


def collect(rows: Iterable[Any]) -> list[Written]:
    """Every writing question of every counted row (graded, partial or failed), in row order."""
    from ..checks import questions

    out = []
    for row in rows:
        if row.status in ("invalid", "duplicate") or not row.notebook:
            continue
        results = {r.question_id: r for r in row.results}
        for q in questions(row.notebook):
            if q.writing:
                text = row.written.get(q.id) or ""
                out.append(Written(row.learner, row.notebook, q.id, row.file, text, results.get(q.id)))
    return out


# --------------------------------------------------------------------------- marks.csv


@dataclass
class MarkRow:
    """One row of marks.csv as read, with its line number (for messages)."""

    line: int
    values: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)  # columns the grader does not know, kept as they are

    @property
    def key(self) -> tuple[str, str]:
        return _learner_key(self.values.get("learner", "")), self.values.get("question", "")

    def entered(self, criteria: Iterable[str]) -> bool:
        """True if an instructor has put anything in this row (a level or a comment other than the pre-fill)."""
        comment = self.values.get(COMMENT, "").strip()
        levels = [self.values.get(c, "").strip() for c in criteria]
        prefilled = comment == NO_ANSWER and all(v in ("", "0") for v in levels)
        return not prefilled and (bool(comment) or any(levels))


def _learner_key(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", name.strip()).casefold()


def _where(path: Path, line: int, column: str) -> str:
    return f"{path.name}, row {line}, column {column!r}"


def read_marks(path: str | os.PathLike[str]) -> tuple[list[str], list[MarkRow]]:
    """Read marks.csv (as the grader wrote it, or as a spreadsheet saved it) and check its shape and levels.

    Raises:
        MarksError: naming the row and column of the first problem, and how to fix it.
    """
    from ..checks import CRITERIA, questions

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MarksError(f"There is no marks file at {str(path)!r}; run the grader with --marking DIR first, then give DIR/{MARKS_FILE}.") from None
    except IsADirectoryError:
        raise MarksError(f"--marks {str(path)!r} is a folder; give the file inside it, {str(path / MARKS_FILE)!r}.") from None
    except OSError as exc:
        raise MarksError(f"The marks file {str(path)!r} could not be read ({exc.strerror or exc}); check its permissions.") from None
    text = spreadsheet_text(raw)
    if text is None:
        raise MarksError(f"{path.name} is not a text file in UTF-8; save it from your spreadsheet as 'CSV UTF-8'.")
    sample = text[:2000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        table = list(reader)
    except csv.Error as exc:
        raise MarksError(f"{path.name} is not a readable CSV file ({exc}); save it from your spreadsheet as 'CSV UTF-8'.") from None
    if not table:
        raise MarksError(f"{path.name} is empty (no header, no marks); delete it and run the grader with --marking to write it again.")
    header = [h.strip() for h in table[0]]
    needed = [*KEY_COLUMNS, *INFO_COLUMNS, COMMENT]
    missing = [c for c in needed if c not in header]
    if missing:
        raise MarksError(f"{path.name}, row 1: the column {missing[0]!r} is missing (the header should start "
                         f"{', '.join(marks_columns()[:4])}, ...); restore the header row the grader wrote.")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise MarksError(f"{path.name}, row 1: the column {repeated[0]!r} appears twice; delete the copy.")
    bank = {q.id: q for q in questions() if q.writing}
    rows: list[MarkRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line a spreadsheet added
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise MarksError(f"{path.name}, row {number}: it has {len(cells)} cells but the header has {len(header)}; "
                             "a comma inside a comment needs the comment in quotes (save from a spreadsheet, which adds them).")
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        known = {h: v for h, v in values.items() if h in needed or h in CRITERIA}
        extra = {h: v for h, v in values.items() if h not in known and h}
        row = MarkRow(number, known, extra)
        qid = known["question"].strip()
        q = bank.get(qid)
        if q is None:
            ids = ", ".join(bank)
            raise MarksError(f"{_where(path, number, 'question')}: {qid!r} is not a written question of this course "
                             f"(they are {ids}); put back the id the grader wrote.")
        if not known["learner"].strip():
            raise MarksError(f"{_where(path, number, 'learner')}: the learner is blank; put back the name the grader wrote.")
        if row.key in seen:
            raise MarksError(f"{_where(path, number, 'learner')}: {known['learner']!r} has a second row for {qid} "
                             f"(the first is row {seen[row.key]}); keep one and delete the other.")
        seen[row.key] = number
        rubric = {c.name: c for c in q.rubric}
        for name in CRITERIA:
            if name not in header:
                if name in rubric:
                    raise MarksError(f"{path.name}, row 1: the column {name!r} is missing, and {qid} is marked on it; restore the header row the grader wrote.")
                continue
            value = known.get(name, "").strip()
            if not value:
                continue
            if name not in rubric:
                raise MarksError(f"{_where(path, number, name)}: {qid} has no {name!r} criterion (it is marked on "
                                 f"{', '.join(rubric)}); leave this cell blank.")
            top = rubric[name].max
            if not re.fullmatch(r"\d+(?:\.0+)?", value) or int(float(value)) > top:
                raise MarksError(f"{_where(path, number, name)}: {value!r} is not a level of {rubric[name].title!r}; "
                                 f"give a whole number from 0 to {top}.")
            known[name] = str(int(float(value)))
        sha = known["answer_sha"].strip()
        if sha and not re.fullmatch(r"[0-9a-f]{12}", sha):
            raise MarksError(f"{_where(path, number, 'answer_sha')}: {sha!r} is not what the grader wrote (12 letters and "
                             "digits, 0-9 and a-f); put it back, or delete the row and run the grader with --marking again.")
        words = known["words"].strip()
        if words and not words.isdigit():
            raise MarksError(f"{_where(path, number, 'words')}: {words!r} is not a number of words; put back what the grader wrote.")
        rows.append(row)
    return header, rows


def check_against(path: Path, rows: list[MarkRow], written: Mapping[tuple[str, str], Written], learners: set[str]) -> None:
    """Refuse marks for learners not in this grading run, or whose copied text was edited.

    Raises:
        MarksError: naming the row and column.
    """
    known = {_learner_key(name): name for name in learners}
    for row in rows:
        learner = row.values["learner"]
        if _learner_key(learner) not in known:
            names = sorted(known.values(), key=str.casefold)
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            raise MarksError(f"{_where(path, row.line, 'learner')}: there is no learner {learner!r} in this grading run "
                             f"(the learners are {shown or 'none'}); correct the name if it was mistyped, or grade the folder that "
                             "holds every learner of this marks file.")
        answer = written.get(row.key)
        if answer is not None and row.values["answer_sha"].strip() == answer.sha and answer.sha:
            start = row.values["answer_start"]
            if start != answer.start:
                raise MarksError(f"{_where(path, row.line, 'answer_start')}: this text was changed (the grader wrote "
                                 f"{answer.start!r}); put back what the grader wrote: marks are matched to answers by this column and answer_sha.")


def levels_of(row: MarkRow, question) -> dict[str, int] | None:
    """The row's level per criterion, or None unless every criterion of the rubric has one."""
    levels = {}
    for criterion in question.rubric:
        value = row.values.get(criterion.name, "").strip()
        if not value:
            return None
        levels[criterion.name] = int(value)
    return levels


def _row_values(answer: Written, criteria: list[str]) -> dict[str, str]:
    values = {"learner": answer.learner, "question": answer.question_id, "notebook": answer.notebook,
              "file": answer.file, "words": str(answer.words), "answer_sha": answer.sha, "answer_start": answer.start}
    values.update({c: "" for c in criteria})
    values[COMMENT] = ""
    if not answer.text.strip():
        from ..checks import questions

        q = next(q for q in questions(answer.notebook) if q.id == answer.question_id)
        for criterion in q.rubric:
            values[criterion.name] = "0"
        values[COMMENT] = NO_ANSWER
    return values


def update_marks(existing: list[MarkRow], answers: list[Written]) -> list[dict[str, str]]:
    """The rows of the new marks.csv: every existing row kept, marks untouched; new answers appended.

    A row nobody has marked yet is refreshed to the learner's current answer; a
    marked row keeps its marks and the fingerprint of the answer they were given for.
    """
    columns = marks_columns()
    criteria = [c for c in columns if c not in (*KEY_COLUMNS, *INFO_COLUMNS, COMMENT)]
    by_key = {(_learner_key(a.learner), a.question_id): a for a in answers}
    out = []
    seen = set()
    for row in existing:
        values = {c: row.values.get(c, "") for c in columns}
        values.update(row.extra)
        answer = by_key.get(row.key)
        if answer is not None:
            seen.add(row.key)
            if not row.entered(criteria):
                values.update(_row_values(answer, criteria))
            else:
                values["notebook"], values["file"] = answer.notebook, answer.file
        out.append(values)
    for key, answer in by_key.items():
        if key not in seen:
            out.append(_row_values(answer, criteria))
    return out


def write_rows(path: Path, rows: list[dict[str, str]], extra_columns: Iterable[str] = ()) -> None:
    """Write marks.csv atomically (UTF-8 with a byte-order mark, so spreadsheets read names right)."""
    columns = [*marks_columns(), *[c for c in extra_columns if c not in marks_columns()]]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
            writer.writeheader()
            for values in rows:
                writer.writerow({c: _cell(values.get(c, "")) if c in (*KEY_COLUMNS, "file") else values.get(c, "") for c in columns})
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"Cannot write {str(path)!r} ({exc.strerror or exc}); choose a marking folder you can write to.") from None


# --------------------------------------------------------------------------- the marking folder


def event_describer():
    """A function that names a timeline event for a marking sheet: "london-2009 (2009-04-01, in a source)".

    The timeline is read once, when the describer is made (once per marking run), not once per date
    in every answer: a class of 30 made it read events.csv 90 times.
    """
    from ..timeline import load_events

    events = load_events().set_index("event_id")

    def describe(event_id: str) -> str:
        if event_id not in events.index:
            return event_id
        r = events.loc[event_id]
        place = "in a source" if str(r.get("mentioned_in", "")).strip() not in ("", "none", "no") else "outside the sources"
        return f"{event_id} ({r['start']}, {place})"

    return describe


def sheet(question, answers: list[Written], marks: Mapping[tuple[str, str], MarkRow], describe_event=None) -> str:
    """The Markdown marking sheet of one writing question: the rubric, then every answer with its report.

    *describe_event* names a timeline event beside each date (``event_describer()``; made here if not given).
    """
    describe_event = describe_event or event_describer()
    a, b = question.words
    lines = [f"# Marking sheet: {question.id} ({question.lesson})", "",
             f"**Question.** {question.prompt}", "",
             f"*Length asked:* {a} to {b} words. *Evidence asked for:* {question.evidence.get('asks', '-')}. "
             f"*Points:* {question.points}.", "", "| criterion | levels |", "| --- | --- |"]
    for c in question.rubric:
        levels = "; ".join(f"{lv.points} {lv.label}: {lv.descriptor}" for lv in c.levels)
        lines.append(f"| {c.title} (`{c.name}`) | {levels} |")
    lines += ["", f"{len(answers)} answer(s). Enter marks in `{MARKS_FILE}` or with the marking notebook; "
              "the evidence report below is what the learner saw from `check`, plus the dates for you.", ""]
    for answer in answers:
        lines += [f"## {_md(answer.learner)}", "", f"File: {_md(answer.file)} · {answer.words} words · answer {answer.sha or '(none)'}", ""]
        if not answer.text.strip():
            lines += ["*No answer was handed in.*", ""]
        else:
            lines += ["> " + line if line.strip() else ">" for line in _md(answer.text).splitlines()]
            lines.append("")
            report = getattr(answer.result, "report", None)
            if report is not None:
                lines += ["Evidence report:", ""]
                lines += [f"- {_md(s)}" for s in report.marking_lines(describe_event)]
                lines.append("")
        mark = marks.get((_learner_key(answer.learner), answer.question_id))
        if mark is not None and mark.entered(c.name for c in question.rubric):
            given = ", ".join(f"{c.name} {mark.values.get(c.name) or '-'}" for c in question.rubric)
            changed = mark.values.get("answer_sha", "") not in ("", answer.sha)
            lines += [f"Marks so far: {given}." + (" **The answer has changed since it was marked: check the marks.**" if changed else ""), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_marking(folder: Path, answers: list[Written], existing: tuple[list[str], list[MarkRow]] | None) -> list[Path]:
    """Write the sheets, answers.json and marks.csv into *folder*, keeping every mark already in marks.csv."""
    from ..checks import questions

    folder.mkdir(parents=True, exist_ok=True)
    describe_event = event_describer()
    header, old_rows = existing if existing else ([], [])
    marks = {row.key: row for row in old_rows}
    written = []
    for q in questions():
        if not q.writing:
            continue
        mine = [a for a in answers if a.question_id == q.id]
        if not mine:
            continue
        path = folder / f"{q.id}.md"
        _atomic_text(path, sheet(q, mine, marks, describe_event))
        written.append(path)
    data = [{"learner": a.learner, "question": a.question_id, "notebook": a.notebook, "file": a.file,
             "text": a.text, "words": a.words, "answer_sha": a.sha,
             "report": list(getattr(a.result, "details", ()) or ()),
             "marking": a.result.report.marking_lines(describe_event) if getattr(a.result, "report", None) else []}
            for a in answers]
    path = folder / ANSWERS_FILE
    _atomic_text(path, json.dumps({"format": 1, "answers": data}, ensure_ascii=False, indent=1) + "\n")
    written.append(path)
    extra = [h for h in header if h not in marks_columns()]
    path = folder / MARKS_FILE
    write_rows(path, update_marks(old_rows, answers), extra)
    written.append(path)
    return written


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"Cannot write {str(path)!r} ({exc.strerror or exc}); choose a marking folder you can write to.") from None
