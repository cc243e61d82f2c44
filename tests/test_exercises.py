"""Tests for the exercises generator and the solutions/exercises pair it keeps in sync."""

from __future__ import annotations

import re

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from resetlab import UsageError
from resetlab.__main__ import main
from resetlab._exercises import BEGIN, END, NOTE_TAG, blank_source, exercise_notebook, make_exercises
from resetlab.checks import READ, questions, score_answer

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
LESSONS = ["01-start-here", "02-reading-a-source", "03-who-said-what", "04-comparing-the-leaders",
           "05-context-and-timeline", "06-corroboration"]


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _run_in_process(nb, folder: Path) -> dict:
    """Run a notebook's code cells in one namespace, from its folder, as a kernel would."""
    namespace: dict = {"__name__": "__notebook__"}
    here = os.getcwd()
    os.chdir(folder)
    try:
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "<cell>", "exec"), namespace)  # noqa: S102 - our own notebooks
    finally:
        os.chdir(here)
    return namespace


def _outputs_text(cell) -> str:
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.get("outputs", []))


# ----------------------------------------------------------------- the committed pair


def test_one_exercise_per_solution_with_the_lesson_names():
    """solutions/ and exercises/ hold the same six file names, one per lesson."""
    assert sorted(p.stem for p in SOLUTIONS.glob("*.ipynb")) == LESSONS
    assert sorted(p.stem for p in EXERCISES.glob("*.ipynb")) == LESSONS


@pytest.mark.parametrize("name", LESSONS)
def test_committed_exercises_match_a_fresh_generation(name):
    """Regenerating from the solutions gives the committed exercises, cell for cell (run `make exercises`)."""
    fresh = exercise_notebook(_read(SOLUTIONS / f"{name}.ipynb"), name)
    committed = _read(EXERCISES / f"{name}.ipynb")
    def shape(nb):
        return [(c.cell_type, c.get("id"), c.source, _tags(c)) for c in nb.cells]
    assert shape(committed) == shape(fresh), f"exercises/{name}.ipynb is out of date: run 'make exercises'"


@pytest.mark.parametrize("name", LESSONS)
def test_solutions_cover_every_question_of_their_lesson(name):
    """Each lesson's questions each have an answer cell, a check cell and an instructor note, in order."""
    nb = _read(SOLUTIONS / f"{name}.ipynb")
    sources = [c.source for c in nb.cells]
    notes = [c.source for c in nb.cells if NOTE_TAG in _tags(c)]
    qs = questions(name)
    assert qs
    for q in qs:
        check_cell = f'check("{q.id}", {q.variable})'
        assert check_cell in sources, q.id
        answer = sources[sources.index(check_cell) - 1]
        assert f"{q.variable} = " in answer and BEGIN in answer, q.id
        assert any(f"({q.id})" in note for note in notes), q.id
    assert len(notes) == len(qs)
    headings = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("# ")]
    assert len(headings) == 1, "one H1 per notebook"


@pytest.mark.parametrize("name", LESSONS)
def test_every_solution_answer_passes_in_process(name):
    """Each checked answer the solutions compute passes; each model answer's evidence all holds (as the grader sees them)."""
    namespace = _run_in_process(_read(SOLUTIONS / f"{name}.ipynb"), SOLUTIONS)
    for q in questions(name):
        result = score_answer(q.id, namespace[q.variable])
        if q.writing:
            assert result.status == READ and result.report.problems == 0, str(result)
        else:
            assert result.passed, str(result)


@pytest.mark.parametrize("name", LESSONS)
def test_every_exercise_answer_is_not_answered(name):
    """In the learner copy every answer variable is ... (or an empty text to write in) and its check says 'not answered yet'."""
    namespace = _run_in_process(_read(EXERCISES / f"{name}.ipynb"), EXERCISES)
    for q in questions(name):
        assert namespace[q.variable] == "\n\n" if q.writing else namespace[q.variable] is Ellipsis
        assert score_answer(q.id, namespace[q.variable]).status == "not answered"


@pytest.mark.parametrize(("folder", "expected", "written"), [
    (SOLUTIONS, ": these checks passed.", ": what these checks could verify. Everything these checks can verify in your evidence holds."),
    (EXERCISES, ": not answered yet.", ": not answered yet."),
])
def test_stored_check_outputs_say_what_the_checks_say(folder, expected, written):
    """The outputs nbval compares show every check passing and every model answer's evidence holding (solutions), or politely unanswered (exercises)."""
    for name in LESSONS:
        nb = _read(folder / f"{name}.ipynb")
        checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]
        assert len(checks) == len(questions(name))
        kinds = {q.id: q.writing for q in questions(name)}
        for cell in checks:
            qid = cell.source.split('"')[1]
            assert (written if kinds[qid] else expected) in _outputs_text(cell), (name, cell.source)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error" and output.get("name") != "stderr", (name, cell.source)


@pytest.mark.parametrize("name", LESSONS)
def test_exercises_hold_no_solution_text(name):
    """No instructor note, no marker and no line of a solution region reaches the learner copy."""
    solution = _read(SOLUTIONS / f"{name}.ipynb")
    exercise = _read(EXERCISES / f"{name}.ipynb")
    text = "\n".join(c.source for c in exercise.cells)
    assert BEGIN not in text and END not in text and "Instructor note" not in text
    assert not any(NOTE_TAG in _tags(c) for c in exercise.cells)
    exercise_lines = {line.strip() for line in text.splitlines()}
    for cell in solution.cells:
        if BEGIN not in cell.source:
            continue
        body = cell.source.split(BEGIN, 1)[1].split(END, 1)[0]
        for line in body.splitlines():
            if line.strip() == '"""' or re.fullmatch(r'q\d+_\d+ = """', line.strip()):
                continue  # a written answer's place to write keeps its quote marks
            if line.strip() and not line.strip().startswith("#"):
                assert line.strip() not in exercise_lines, (name, line)


# ----------------------------------------------------------------- the generator


def test_blank_source_keeps_indent_and_falls_back_to_ellipsis():
    """A region becomes '<indent>q_var = ...', or '...' when it assigns no question variable."""
    source = f"if True:\n    {BEGIN}\n    q2_1 = 1\n    {END}\nprint('kept')"
    assert blank_source(source) == "if True:\n    q2_1 = ...\nprint('kept')"
    assert blank_source(f"{BEGIN}\nx = 1\n{END}") == "..."
    assert blank_source("no markers here") == "no markers here"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (f"{BEGIN}\nq1_1 = 2", "never closed"),
        (f"q1_1 = 2\n{END}", "without a"),
        (f"{BEGIN}\n{BEGIN}\n{END}", "before another"),
    ],
)
def test_unbalanced_markers_are_usage_errors(source, message):
    """Unbalanced markers stop the generator with a sentence naming the cell and line."""
    with pytest.raises(UsageError, match=message) as info:
        blank_source(source, "demo.ipynb, cell 3")
    assert str(info.value).startswith("demo.ipynb, cell 3")


def _demo_notebook():
    note = new_markdown_cell("Instructor note: learners forget the quotes.", id="note")
    note.metadata["tags"] = [NOTE_TAG]
    answer = new_code_cell(f"# A number.\n{BEGIN}\nq1_1 = 2\n{END}", id="answer")
    answer.outputs = [nbformat.v4.new_output("stream", name="stdout", text="leftover\n")]
    answer.execution_count = 7
    return new_notebook(cells=[new_markdown_cell("# Demo", id="title"), answer,
                               new_code_cell('print("hello")', id="check"), note],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})


def test_exercise_notebook_drops_notes_and_outputs_without_touching_the_master():
    """Notes go, outputs are cleared, ids stay; the solution notebook object is unchanged."""
    master = _demo_notebook()
    before = nbformat.writes(master)
    learner = exercise_notebook(master, "demo.ipynb")
    assert nbformat.writes(master) == before
    assert [c.id for c in learner.cells] == ["title", "answer", "check"]
    assert learner.cells[1].source == "# A number.\nq1_1 = ..."
    assert learner.cells[1].outputs == [] and learner.cells[1].execution_count is None


def test_markers_in_markdown_are_refused():
    """A solution marker in a markdown cell would leak: the generator says to tag the cell instead."""
    nb = new_notebook(cells=[new_markdown_cell(f"{BEGIN}\nthe answer\n{END}", id="md")])
    with pytest.raises(UsageError, match=NOTE_TAG):
        exercise_notebook(nb, "demo.ipynb")


def _digest_tree(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_command_writes_exercises_and_never_touches_solutions(tmp_path, capsys):
    """The command line writes one exercise per solution and leaves the solutions byte for byte."""
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(_demo_notebook(), solutions / "01-demo.ipynb")
    before = _digest_tree(solutions)
    assert main(["make-exercises", str(solutions), str(tmp_path / "exercises"), "--no-execute"]) == 0
    assert _digest_tree(solutions) == before
    written = _read(tmp_path / "exercises" / "01-demo.ipynb")
    assert written.cells[1].source == "# A number.\nq1_1 = ..."
    assert sorted(p.name for p in (tmp_path / "exercises").iterdir()) == ["01-demo.ipynb"]
    assert "wrote" in capsys.readouterr().out


def test_command_refuses_bad_folders(tmp_path, capsys):
    """Same folder twice, or no solutions folder: exit 1 with a sentence, no traceback."""
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(_demo_notebook(), solutions / "01-demo.ipynb")
    assert main(["make-exercises", str(solutions), str(solutions)]) == 1
    assert "must not be the solutions folder" in capsys.readouterr().err
    assert main(["make-exercises", str(tmp_path / "nowhere"), str(tmp_path / "out")]) == 1
    assert "No solutions folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="holds no notebooks"):
        make_exercises(tmp_path / "empty", tmp_path / "ex")


@pytest.mark.slow
def test_generated_exercise_runs_in_a_kernel(tmp_path):
    """With execution on, the learner copy runs top to bottom in a fresh kernel and stores its outputs."""
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nb = _demo_notebook()
    nb.cells[2].source = "from resetlab import check\ncheck('q1.1', q1_1)"
    nbformat.write(nb, solutions / "01-demo.ipynb")
    (path,) = make_exercises(solutions, tmp_path / "exercises")
    run = _read(path)
    assert "q1.1: not answered yet." in _outputs_text(run.cells[2])
    assert [c.execution_count for c in run.cells if c.cell_type == "code"] == [1, 2]
    assert not list((tmp_path / "exercises").glob(".*"))


# ----------------------------------------------------------------- answers the learner must find


_MONTHS = "January February March April May June July August September October November December".split()


def _lesson_text(name: str) -> list[str]:
    """What a lesson shows a learner: its markdown and its stored outputs (HTML tags dropped), one part per cell."""
    import html as _html

    parts = []
    for cell in _read(SOLUTIONS.parent / "notebooks" / f"{name}.ipynb").cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = output.get("text", "") + data.get("text/plain", "")
            text += _html.unescape(re.sub(r"<[^>]+>", " ", data.get("text/html", "")))
            parts.append(text)
    return [" ".join(p.replace("\u2019", "'").replace("\u00a0", " ").split()) for p in parts]


def _printed(value, parts: list[str]) -> bool:
    """True if *value* (a solution's answer) can be read off one part of the lesson as it is."""
    def has(needle: str, part: str) -> bool:
        return re.search(r"(?<![\w-])" + re.escape(needle) + r"(?![\w-])", part, re.I) is not None

    def forms(v) -> list[str]:
        if isinstance(v, bool):
            return [str(v)]
        if isinstance(v, int) or (hasattr(v, "dtype") and str(v).lstrip("-").isdigit()):
            return [str(int(v)), f"{int(v):,}"]
        text = str(getattr(v, "date", lambda: v)()) if hasattr(v, "date") and not isinstance(v, str) else str(v)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            y, m, d = text.split("-")
            return [text, f"{int(d)} {_MONTHS[int(m) - 1]} {y}", f"{_MONTHS[int(m) - 1]} {int(d)}, {y}"]
        return [text]

    name = type(value).__name__
    if name == "DataFrame":
        items = list(value["statement_id"]) if "statement_id" in value.columns else list(value.index)
    elif name == "Series":  # printed if one part shows every label with its count beside it
        pairs = [(str(k), str(int(v))) for k, v in value.items()]
        return any(all(re.search(re.escape(k) + r"\W{1,12}" + v + r"\b", part, re.I) for k, v in pairs) for part in parts)
    elif isinstance(value, (list, tuple, set)):
        items = list(value)
    else:
        return any(has(f, part) for f in forms(value) for part in parts)
    return any(all(any(has(f, part) for f in forms(item)) for item in items) for part in parts)


def test_at_least_half_of_the_checked_answers_are_found_not_copied():
    """At least half the checked questions have an answer the lesson does not print: the learner finds it with the data or a widget."""
    found, copied = [], []
    for name in LESSONS:
        namespace = _run_in_process(_read(SOLUTIONS / f"{name}.ipynb"), SOLUTIONS)
        parts = _lesson_text(name)
        for q in questions(name):
            if not q.writing:
                (copied if _printed(namespace[q.variable], parts) else found).append(q.id)
    assert len(found) * 2 >= len(found) + len(copied), f"only {len(found)} of {len(found) + len(copied)} must be found: {found}; printed in the lesson: {copied}"


def test_the_printed_check_finds_an_answer_that_is_printed():
    """The rule above is not blind: q1.1's answer (2 sources) and q6.1's (26 members) are printed in their lessons."""
    assert _printed(2, _lesson_text("01-start-here")) and _printed(26, _lesson_text("06-corroboration"))
    assert not _printed(123456, _lesson_text("01-start-here"))


def test_answers_md_is_generated_from_the_committed_solutions():
    """docs/instructors/answers.md is what make_answers.py writes from the solutions now (regenerate it after make notebooks)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_answers", ROOT / "docs" / "instructors" / "make_answers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert text == (ROOT / "docs" / "instructors" / "answers.md").read_text(encoding="utf-8"), \
        "answers.md is out of date: run '.venv/bin/python docs/instructors/make_answers.py'"
    for q in questions():
        assert f"### {q.id} (" in text, q.id
    assert "NOT CHECKED" not in text
