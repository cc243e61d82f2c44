"""The marking desk: mark written answers one at a time, every change saved at once to marks.csv.

``MarkingDesk("marking")`` reads the folder that ``grade --marking marking``
wrote: ``answers.json`` (every answer with its evidence report) and
``marks.csv``.  It shows one answer at a time with its report, the rubric's
levels as buttons, a comment box and Previous/Next.  Each change is written to
marks.csv at once, by re-reading the file and changing only that one cell, so
a crash, a closed tab or a second desk loses nothing.  It is the file-based,
database-free counterpart of nbgrader's formgrader.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import UsageError
from . import marking

_WIDE = {"description_width": "initial"}


class MarkingDesk(w.VBox):
    """One written answer at a time: its text, its evidence report, rubric buttons, a comment, Previous/Next."""

    def __init__(self, folder: str | os.PathLike[str], question: str | None = None):
        from ..checks import questions

        self.folder = Path(folder)
        self.marks_path = self.folder / marking.MARKS_FILE
        answers_path = self.folder / marking.ANSWERS_FILE
        if not answers_path.is_file() or not self.marks_path.is_file():
            msg = (f"No marking folder at {str(self.folder)!r} (it needs {marking.ANSWERS_FILE} and {marking.MARKS_FILE}); "
                   f"run '.venv/bin/python -m resetlab grade SUBMISSIONS --marking {self.folder}' first.")
            raise UsageError(msg)
        try:
            data = json.loads(answers_path.read_text(encoding="utf-8"))
            self.answers = [a for a in data["answers"] if isinstance(a, dict)]
        except (ValueError, KeyError, TypeError):
            raise UsageError(f"{answers_path.name} in {str(self.folder)!r} is not as the grader wrote it; run the grader with --marking again (marks are kept).") from None
        marking.read_marks(self.marks_path)  # refuse a malformed file before showing anything
        self.bank = {q.id: q for q in questions() if q.writing}
        ids = sorted({a["question"] for a in self.answers if a.get("question") in self.bank}, key=lambda q: tuple(int(x) for x in q[1:].split(".")))
        if question is not None and question not in ids:
            raise UsageError(f"There are no answers to {question!r} in this marking folder; the questions are {', '.join(ids) or 'none'}.")
        self.filter = w.Dropdown(options=[("every written question", "")] + [(q, q) for q in ids], value=question or "",
                                 description="Question", style=_WIDE)
        self.filter.add_class("rl-desk-question")
        self.heading = w.HTML()
        self.answer = w.HTML()
        self.rubric_box = w.VBox()
        self.comment = w.Textarea(description="Comment", placeholder="A sentence or two for the learner",
                                  layout=w.Layout(width="95%", height="5em"), continuous_update=False, style=_WIDE)
        self.comment.add_class("rl-desk-comment")
        self.previous = w.Button(description="Previous", icon="arrow-left", tooltip="Previous answer")
        self.next = w.Button(description="Next", icon="arrow-right", tooltip="Next answer")
        self.previous.add_class("rl-desk-previous")
        self.next.add_class("rl-desk-next")
        self.status = w.HTML()
        self.status.add_class("rl-desk-status")
        self.index = 0
        self._loading = False
        self._buttons: dict[str, w.ToggleButtons] = {}
        self.filter.observe(self._filtered, names="value")
        self.comment.observe(self._comment_changed, names="value")
        self.previous.on_click(lambda _: self.go(self.index - 1))
        self.next.on_click(lambda _: self.go(self.index + 1))
        super().__init__([self.filter, self.heading, self.answer, self.rubric_box, self.comment,
                          w.HBox([self.previous, self.next]), self.status])
        self.add_class("rl-desk")
        self.go(0)

    # ------------------------------------------------------------------ navigation

    @property
    def shown(self) -> list[dict[str, Any]]:
        """The answers the question filter lets through, in the grader's order."""
        wanted = self.filter.value
        return [a for a in self.answers if a.get("question") in self.bank and (not wanted or a["question"] == wanted)]

    @property
    def current(self) -> dict[str, Any] | None:
        shown = self.shown
        return shown[self.index] if 0 <= self.index < len(shown) else None

    def _filtered(self, change) -> None:
        self.go(0)

    def go(self, index: int) -> None:
        """Show answer *index* (counted within the question filter), clamped to the first and last."""
        shown = self.shown
        self.index = max(0, min(index, len(shown) - 1))
        self._loading = True
        try:
            self._show(self.current)
        finally:
            self._loading = False
        self.previous.disabled = self.index <= 0
        self.next.disabled = self.index >= len(shown) - 1

    def _row(self, answer: dict[str, Any]) -> marking.MarkRow | None:
        _, rows = marking.read_marks(self.marks_path)
        key = (marking._learner_key(answer["learner"]), answer["question"])
        return next((r for r in rows if r.key == key), None)

    def _show(self, answer: dict[str, Any] | None) -> None:
        if answer is None:
            self.heading.value = "<p>No written answers in this marking folder.</p>"
            self.answer.value = ""
            self.rubric_box.children = ()
            return
        q = self.bank[answer["question"]]
        total = len(self.shown)
        self.heading.value = (f"<h3>{html.escape(answer['question'])}: {html.escape(str(answer['learner']))} "
                              f"<small>(answer {self.index + 1} of {total})</small></h3>"
                              f"<p>{html.escape(q.prompt)}</p>")
        text = str(answer.get("text") or "")
        body = (f'<div style="white-space: pre-wrap; border-left: 4px solid #0072B2; padding: 0.3em 0.8em;">{html.escape(text)}</div>'
                if text.strip() else "<p><i>No answer was handed in.</i></p>")
        report = "".join(f"<li>{html.escape(str(line))}</li>" for line in answer.get("marking", []))
        self.answer.value = body + (f"<p><b>Evidence report</b> ({int(answer.get('words') or 0)} words)</p><ul>{report}</ul>" if report else "")
        row = self._row(answer)
        buttons = []
        self._buttons = {}
        for criterion in q.rubric:
            options = [(f"{lv.points} {lv.label}", lv.points) for lv in criterion.levels]
            value = row.values.get(criterion.name, "").strip() if row else ""
            toggle = w.ToggleButtons(options=options, value=int(value) if value.isdigit() else None,
                                     description=criterion.title, style=_WIDE,
                                     tooltips=[lv.descriptor for lv in criterion.levels])
            toggle.add_class(f"rl-desk-{criterion.name}")
            toggle.observe(lambda change, name=criterion.name: self._level_changed(name, change), names="value")
            self._buttons[criterion.name] = toggle
            buttons.append(toggle)
        self.rubric_box.children = tuple(buttons)
        self.comment.value = row.values.get(marking.COMMENT, "") if row else ""
        self.status.value = "" if row else ('<p role="status">This answer has no row in marks.csv; run the grader with '
                                            "--marking again to add it.</p>")

    # ------------------------------------------------------------------ saving

    def _level_changed(self, criterion: str, change) -> None:
        if not self._loading:
            value = "" if change["new"] is None else str(change["new"])
            self.save(criterion, value)

    def _comment_changed(self, change) -> None:
        if not self._loading:
            self.save(marking.COMMENT, change["new"])

    def save(self, column: str, value: str) -> bool:
        """Write one cell of the current answer's row to marks.csv now; say so in the status line."""
        answer = self.current
        if answer is None:
            return False
        try:
            header, rows = marking.read_marks(self.marks_path)  # the file as it is now, with anyone else's changes
            key = (marking._learner_key(answer["learner"]), answer["question"])
            row = next((r for r in rows if r.key == key), None)
            if row is None:
                self.status.value = '<p role="status">Not saved: this answer has no row in marks.csv; run the grader with --marking again.</p>'
                return False
            row.values[column] = value
            out = []
            for r in rows:
                values = dict(r.values)
                values.update(r.extra)
                out.append(values)
            marking.write_rows(self.marks_path, out, [h for h in header if h not in marking.marks_columns()])
        except UsageError as exc:
            self.status.value = f'<p role="status">Not saved: {html.escape(str(exc))}</p>'
            return False
        shown = value if len(value) <= 40 else value[:37] + "..."
        self.status.value = (f'<p role="status">Saved to {html.escape(self.marks_path.name)}: {html.escape(column)} = '
                             f"{html.escape(shown) or '(blank)'} for {html.escape(str(answer['learner']))}, {html.escape(answer['question'])}.</p>")
        return True

    # ------------------------------------------------------------------ text

    def fallback(self) -> str:
        """The current answer and its marks as plain text (for a view with no kernel)."""
        answer = self.current
        if answer is None:
            return "No written answers in this marking folder."
        row = self._row(answer)
        q = self.bank[answer["question"]]
        lines = [f"{answer['question']}: {answer['learner']} (answer {self.index + 1} of {len(self.shown)})",
                 str(answer.get("text") or "(no answer)"), ""]
        lines += [f"- {line}" for line in answer.get("marking", [])]
        for c in q.rubric:
            lines.append(f"{c.title}: {(row.values.get(c.name) if row else '') or '-'} of {c.max}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"MarkingDesk({len(self.shown)} answers, showing {self.index + 1})"


#: Two made-up answers to q3.6 for the demonstration folder (not learners' work, not a model answer).
_DEMO = {
    "ada": ("The words \"a good rapport\" (003-07) come from a senior U.S. official the report does not name. "
            "He may have been in the room, but he speaks for one side, and nothing from the Russian side confirms it, "
            "so it is weak evidence that the two presidents got on well."),
    "ben": "Obama said they had \"a really good rapport\" (003-08), so they clearly got on.",
}


def demo_folder(path: str | os.PathLike[str] | None = None) -> Path:
    """Write a small marking folder with two made-up answers to q3.6 (for trying the desk); return its path.

    The folder is a fresh one in the system's temporary folder unless *path* is
    given; an existing marks.csv there is kept, as the grader keeps it.
    """
    import tempfile

    from ..checks import score_answer

    folder = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="resetlab-marking-demo-"))
    answers = [marking.Written(name, "03-who-said-what", "q3.6", f"{name}_03-who-said-what.ipynb", text, score_answer("q3.6", text))
               for name, text in _DEMO.items()]
    existing = marking.read_marks(folder / marking.MARKS_FILE) if (folder / marking.MARKS_FILE).exists() else None
    marking.write_marking(folder, answers, existing)
    return folder
