"""Tests for resetlab.grader: reading submissions, trusted scoring, limits and the command line.

The kernel-running tests share ONE grading run of tests/files/submissions
(module-scoped fixture, two jobs, short timeouts); each fixture file there is
named ``<case>_<exercise>.ipynb`` so its row says which failure it stands for.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from resetlab.__main__ import main
from resetlab.checks import questions
from resetlab.grader import (
    DUPLICATE,
    FAILED,
    GRADED,
    INVALID,
    PARTIAL,
    Limits,
    Row,
    _mark_duplicates,
    collect_cell_source,
    identify,
    learner_of,
    parse_answers,
    read_notebook,
    revive,
    run_notebook,
    score,
)

SUBMISSIONS = Path(__file__).parent / "files" / "submissions"
LESSON = "01-start-here"
# Short enough to keep the run quick, long enough for a loaded 2-core machine running other tests too.
TEST_LIMITS = Limits(cell_timeout=5, notebook_timeout=15, memory=1280 * 1024**2, grace=2)


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["grade", *args])
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- without a kernel


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty_01-start-here.ipynb", "empty"),
        ("not-json_01-start-here.ipynb", "not valid JSON"),
        ("json-not-notebook_01-start-here.ipynb", "not a Jupyter notebook"),
        ("not-a-notebook_essay.txt", "not a Jupyter notebook (.txt)"),
    ],
)
def test_read_notebook_refuses_broken_files_with_a_sentence(name, words):
    """A file that is not a usable notebook gives None and a sentence saying why."""
    nb, reason = read_notebook(SUBMISSIONS / name)
    assert nb is None
    assert words in reason and reason.endswith(".") and "Traceback" not in reason


def test_oversized_file_is_refused_unread(tmp_path, monkeypatch):
    """A file past the size cap is invalid with advice to clear outputs, without being parsed."""
    import resetlab.grader._submissions as grader  # where read_notebook looks the cap up

    monkeypatch.setattr(grader, "MAX_NOTEBOOK_BYTES", 100)
    path = tmp_path / "big_01-start-here.ipynb"
    path.write_bytes((SUBMISSIONS / "good_01-start-here.ipynb").read_bytes())
    nb, reason = grader.read_notebook(path)
    assert nb is None and "Clear Outputs" in reason


def test_identify_uses_metadata_then_question_ids_then_file_name():
    """The exercise is read from metadata first, then the q-variables a notebook uses, then its name."""
    import nbformat

    lessons = [q.lesson for q in questions()]
    lessons = list(dict.fromkeys(lessons))
    variables = {q.variable: q.lesson for q in questions()}
    nb = nbformat.v4.new_notebook()
    nb.metadata["resetlab"] = {"lesson": "03-who-said-what"}
    assert identify(nb, Path("x_01-start-here.ipynb"), lessons, variables) == "03-who-said-what"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("q2_3 = '2009-04-01'\ncheck('q2.3', q2_3)")])
    assert identify(nb, Path("anything.ipynb"), lessons, variables) == "02-reading-a-source"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    assert identify(nb, Path("ann_05-context-and-timeline.ipynb"), lessons, variables) == "05-context-and-timeline"
    other, _ = read_notebook(SUBMISSIONS / "other-course_homework-3.ipynb")
    assert identify(other, Path("other-course_homework-3.ipynb"), lessons, variables) is None


def test_collect_cell_round_trips_answers_through_json():
    """The answers cell's JSON comes back as equal values: text, numbers, lists, dates, tables, counts."""
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame({"statement_id": ["000-01", "003-02"], "n": [1, 2]})
    series = pd.Series({"Obama": 3, "Medvedev": 2}, name="count")
    namespace = {"q1_1": 2, "q1_2": [1, "a", None], "q1_3": dt.date(2009, 4, 1), "q2_1": frame, "q2_2": series,
                 "q2_3": {"b", "a"}, "q2_4": len, "q3_1": ...}
    printed = io.StringIO()
    with redirect_stdout(printed):
        exec(collect_cell_source(sorted(namespace) + ["q9_9"], "@@m@@"), namespace)
    answers = parse_answers(printed.getvalue(), "@@m@@")
    assert "q9_9" not in answers  # an undefined variable is simply absent
    values = {name: revive(value) for name, value in answers.items()}
    assert values["q1_1"] == 2 and values["q1_2"] == [1, "a", None] and values["q1_3"] == dt.date(2009, 4, 1)
    pd.testing.assert_frame_equal(values["q2_1"], frame)
    pd.testing.assert_series_equal(values["q2_2"], series)
    assert values["q2_3"] == ["a", "b"]
    assert callable(values["q2_4"]) and not isinstance(values["q2_4"], type(len))
    assert values["q3_1"] is Ellipsis  # the exercises' placeholder, so checks can say "not answered yet"


def test_parse_answers_needs_the_marker():
    """Text without the run's marker yields no answers, so a printed guess cannot pose as the answers."""
    assert parse_answers('@@resetlab-answers-guess@@{"q1_1": 2}@@resetlab-answers-guess@@', "@@real@@") is None
    assert parse_answers('@@real@@{"q1_1": 2}@@real@@\n', "@@real@@") == {"q1_1": 2}
    assert parse_answers("@@real@@{not json@@real@@", "@@real@@") is None


def test_score_runs_the_course_checks_in_this_process():
    """Answers are scored by checks.score_answer; a missing variable says it was not defined."""
    results = score(LESSON, {"q1_1": 2, "q1_3": "000"})
    by_id = {r.question_id: r for r in results}
    assert by_id["q1.1"].passed and by_id["q1.1"].score == by_id["q1.1"].points
    assert not by_id["q1.3"].passed and by_id["q1.3"].score == 0
    assert "q1_2 was not defined" in by_id["q1.2"].message
    assert all(r.score == 0 for r in score(LESSON, None))


def test_newest_file_of_a_learner_counts():
    """Two files by one learner for one exercise: the newer counts, the other is marked duplicate."""
    old = Row(file="amy_01-start-here.ipynb", learner="amy", notebook=LESSON, mtime=100.0)
    new = Row(file="amy_01-start-here-again.ipynb", learner="Amy", notebook=LESSON, mtime=200.0)
    other = Row(file="amy_02-reading-a-source.ipynb", learner="amy", notebook="02-reading-a-source", mtime=50.0)
    _mark_duplicates([old, new, other])
    assert (old.status, new.status, other.status) == (DUPLICATE, GRADED, GRADED)
    assert "amy_01-start-here-again.ipynb" in old.reason
    tie_a = Row(file="bo_a.ipynb", learner="bo", notebook=LESSON, mtime=1.0)
    tie_b = Row(file="bo_b.ipynb", learner="bo", notebook=LESSON, mtime=1.0)
    _mark_duplicates([tie_b, tie_a])
    assert (tie_a.status, tie_b.status) == (DUPLICATE, GRADED)


def test_learner_name_rule():
    """The learner is the text before the first underscore of the file (or of its top folder)."""
    assert learner_of(Path("li_wei_03-who-said-what.ipynb")) == "li"
    assert learner_of(Path("solo.ipynb")) == "solo"
    assert learner_of(Path("maria_123") / "sub" / "03.ipynb") == "maria"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([], "does not exist"),
        (["--jobs", "0"], "--jobs must be"),
        (["--out", "inside.csv"], "inside the submissions folder"),
        (["--feedback", "fb"], "inside the submissions folder"),
        (["--out", "missing-folder/grades.csv"], "does not exist"),
        (["--timeout", "0"], "more than 0 seconds"),
        (["--timeout", "nan"], "more than 0 seconds"),
        (["--notebook-timeout", "inf"], "more than 0 seconds"),
        (["--memory", "0"], "at least 64 megabytes"),
    ],
)
def test_usage_errors_exit_2_with_one_sentence(tmp_path, extra, words):
    """Usage errors print one plain sentence on stderr and exit 2, writing nothing."""
    folder = tmp_path / "subs"
    if words != "does not exist" or extra:
        folder.mkdir()
    fixed = []
    for item in extra:
        if item in ("inside.csv", "fb"):
            item = str(folder / item)
        elif item.startswith("missing-folder"):
            item = str(tmp_path / item)
        fixed.append(item)
    if "--out" not in fixed:
        fixed += ["--out", str(tmp_path / "grades.csv")]
    code, out, err = _cli(str(folder), *fixed)
    assert code == 2
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "grades.csv").exists()
    if folder.exists():
        assert list(folder.iterdir()) == []


def test_folder_of_only_broken_files_is_graded_with_exit_0(tmp_path):
    """Bad submissions are rows, not failures: the command exits 0 and writes one row per file."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("empty_01-start-here.ipynb", "not-a-notebook_essay.txt", "other-course_homework-3.ipynb"):
        (folder / name).write_bytes((SUBMISSIONS / name).read_bytes())
    code, out, err = _cli(str(folder), "--out", str(tmp_path / "g.csv"))
    assert code == 0, err
    rows = _read_csv(tmp_path / "g.csv")
    assert [r["file"] for r in rows] == ["empty_01-start-here.ipynb", "not-a-notebook_essay.txt", "other-course_homework-3.ipynb"]
    assert {r["status"] for r in rows} == {INVALID}
    assert "another course" in rows[2]["reason"]


def test_links_pipes_and_unreadable_files_are_rows_not_crashes(tmp_path, monkeypatch):
    """A broken link, a link to a file outside the folder (the solutions, say), a named pipe: invalid rows, read from nowhere else."""
    folder = tmp_path / "subs"
    folder.mkdir()
    outside = tmp_path / "solutions_01-start-here.ipynb"
    outside.write_bytes((SUBMISSIONS / "good_01-start-here.ipynb").read_bytes())
    (folder / "alice_01-start-here.ipynb").symlink_to(outside)
    (folder / "bob_01-start-here.ipynb").symlink_to(tmp_path / "nowhere.ipynb")
    os.mkfifo(folder / "carol_01-start-here.ipynb")  # reading it would block the grader for ever
    code, out, err = _cli(str(folder), "--out", str(tmp_path / "g.csv"))
    assert code == 0, err
    rows = {r["learner"]: r for r in _read_csv(tmp_path / "g.csv")}
    assert {r["status"] for r in rows.values()} == {INVALID}
    assert "outside the submissions folder" in rows["alice"]["reason"]
    assert "broken symbolic link" in rows["bob"]["reason"]
    assert "not a regular file" in rows["carol"]["reason"]

    import resetlab.grader as grader

    readable = tmp_path / "dave_01-start-here.ipynb"
    readable.write_bytes(outside.read_bytes())
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    nb, reason = grader.read_notebook(readable)
    assert nb is None and "could not be read (Permission denied)" in reason


def test_old_format_notebook_is_read():
    """An nbformat 3 notebook (worksheets, not cells) is upgraded and read, not called 'not a notebook'."""
    import tempfile

    v3 = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"metadata": {}, "cells": [
        {"cell_type": "code", "collapsed": False, "input": "q1_1 = 2", "language": "python", "metadata": {}, "outputs": []}]}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old_01-start-here.ipynb"
        path.write_text(json.dumps(v3), encoding="utf-8")
        nb, reason = read_notebook(path)
    assert reason == "" and nb.nbformat == 4 and nb.cells[0].source == "q1_1 = 2"


# --------------------------------------------------------------------------- one shared grading run


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every fixture submission once (two jobs, short timeouts); hash the folder around it."""
    from resetlab.grader import grade_folder

    out = tmp_path_factory.mktemp("grading")
    before = _tree_hash(SUBMISSIONS)
    rows = grade_folder(SUBMISSIONS, out / "grades.csv", out / "feedback", jobs=2, limits=TEST_LIMITS)
    after = _tree_hash(SUBMISSIONS)
    table = _read_csv(out / "grades.csv")
    return {"rows": {r.file: r for r in rows}, "table": table, "out": out, "hashes": (before, after)}


def _row(graded, case):
    return graded["rows"][f"{case}_{LESSON}.ipynb"]


@pytest.mark.slow
def test_submissions_folder_is_never_written(graded):
    """Hash of every file name, byte and modification time is the same before and after grading."""
    before, after = graded["hashes"]
    assert before == after


@pytest.mark.slow
def test_csv_has_one_row_per_file_with_question_columns(graded):
    """The CSV has a row per file, a column per question, and total/max/status/reason, sorted by learner."""
    table = graded["table"]
    files = sorted(p.name for p in SUBMISSIONS.iterdir() if not p.name.startswith("."))
    assert sorted(r["file"] for r in table) == files
    ids = [q.id for q in questions()]
    assert list(table[0]) == ["file", "learner", "learner_id", "lms", "lms_id", "notebook", *ids, "total", "max", "status", "late", "flags", "isolation", "reason"]
    assert [r["learner"].casefold() for r in table] == sorted(r["learner"].casefold() for r in table)
    good = next(r for r in table if r["file"] == f"good_{LESSON}.ipynb")
    assert (good["q1.1"], good["q1.2"], good["q1.3"], good["total"], good["max"], good["status"]) == ("1", "1", "1", "3", "7", GRADED)
    assert good["q2.1"] == ""  # questions of other exercises stay blank


@pytest.mark.slow
@pytest.mark.parametrize("case", ["redefined-check", "prefilled-outputs", "monkeypatch"])
def test_cheating_does_not_change_the_score(graded, case):
    """Redefining check, pasting passing outputs or patching the package in the kernel scores 0 for wrong answers."""
    row = _row(graded, case)
    assert row.status == GRADED and row.total == 0 and row.max == 7  # 3 checked points and q1.4's 4, to be marked


@pytest.mark.slow
def test_edited_check_cell_scores_the_variable_not_the_literal(graded):
    """check("q1.1", 2) in an edited cell does not help: the variable q1_1 (wrong) is scored."""
    row = _row(graded, "edited-checks")
    assert row.scores == {"q1.1": 0, "q1.2": 1, "q1.3": 1, "q1.4": ""}


@pytest.mark.slow
def test_a_wrong_answer_loses_only_its_points(graded):
    """One wrong answer: the others still score."""
    assert _row(graded, "one-wrong").scores == {"q1.1": 1, "q1.2": 1, "q1.3": 0, "q1.4": ""}


@pytest.mark.slow
def test_infinite_loop_is_interrupted_and_the_rest_scores(graded):
    """A loop that stops on interrupt costs that cell only."""
    row = _row(graded, "infinite-loop")
    assert (row.status, row.total) == (PARTIAL, 3)
    assert row.reason.startswith("Code cell 4 (`while True:`) ran longer than 5 seconds")


@pytest.mark.slow
def test_loop_that_ignores_interrupts_is_killed_and_earlier_answers_score(graded):
    """A loop that swallows KeyboardInterrupt is killed; the cells above it are run again and scored."""
    row = _row(graded, "ignores-interrupt")
    assert row.status == PARTIAL and row.scores == {"q1.1": 1, "q1.2": 0, "q1.3": 0, "q1.4": ""}
    assert "ignored the interrupt" in row.reason and "code cells 1 to 3" in row.reason  # code cells, as a learner counts them


@pytest.mark.slow
def test_notebook_deadline_stops_a_slow_notebook(graded):
    """Cells that are each short but together pass the notebook limit: the row says so."""
    row = _row(graded, "too-slow")
    assert row.status == FAILED and row.total == 0
    assert "longer than the 15-second limit" in row.reason


@pytest.mark.slow
def test_sys_exit_is_an_error_in_its_cell_only(graded):
    """sys.exit() in a cell is reported, and the answers after it still count."""
    row = _row(graded, "sys-exit")
    assert (row.status, row.total) == (PARTIAL, 3) and "SystemExit" in row.reason


@pytest.mark.slow
def test_kernel_death_is_reported_and_earlier_answers_score(graded):
    """A kernel that kills itself: reason names the cell; answers above it are recovered."""
    row = _row(graded, "kernel-dies")
    assert row.status == PARTIAL and row.scores["q1.1"] == 1
    assert "kernel stopped at code cell 4" in row.reason


@pytest.mark.slow
def test_huge_output_is_cut_and_marked(graded):
    """Output past the cap is dropped (the row says so); the answers still score."""
    row = _row(graded, "huge-output")
    assert (row.status, row.total) == (PARTIAL, 3) and "output passed" in row.reason


@pytest.mark.slow
def test_memory_hog_hits_the_memory_limit(graded):
    """A cell that grows memory without end gets MemoryError from the kernel's limit."""
    row = _row(graded, "memory-hog")
    assert (row.status, row.total) == (PARTIAL, 3)
    assert "ran out of memory (the limit is 1,280 MB)" in row.reason


@pytest.mark.slow
def test_deleted_and_reordered_cells(graded):
    """A deleted answer cell scores 0 for that question; moved cells score what was defined by the end."""
    deleted = _row(graded, "deleted-cells")
    assert deleted.scores == {"q1.1": 1, "q1.2": 0, "q1.3": 1, "q1.4": ""} and "NameError" in deleted.reason
    assert "was not defined" in next(r.message for r in deleted.results if r.question_id == "q1.2")
    reordered = _row(graded, "reordered-cells")
    assert reordered.scores == {"q1.1": 0, "q1.2": 1, "q1.3": 1, "q1.4": ""} and reordered.status == PARTIAL


@pytest.mark.slow
def test_two_files_from_one_learner(graded):
    """Both files are graded; exactly one counts and the other's reason names it."""
    rows = [graded["rows"][f"twice_{LESSON}.ipynb"], graded["rows"][f"twice_{LESSON}-v2.ipynb"]]
    assert sorted(r.status for r in rows) == [DUPLICATE, GRADED]
    dup, kept = sorted(rows, key=lambda r: r.status != DUPLICATE)
    assert kept.file in dup.reason and dup.max == 7


@pytest.mark.slow
def test_broken_and_foreign_files_are_invalid_rows(graded):
    """Empty, cut-off, non-notebook and other-course files are rows with status invalid and a reason."""
    for name in ("empty_01-start-here.ipynb", "not-json_01-start-here.ipynb", "json-not-notebook_01-start-here.ipynb",
                 "not-a-notebook_essay.txt", "other-course_homework-3.ipynb"):
        row = graded["rows"][name]
        assert row.status == INVALID and row.reason and row.total == ""


@pytest.mark.slow
def test_feedback_file_per_learner(graded):
    """One Markdown file per learner, with each question's message."""
    folder = graded["out"] / "feedback"
    learners = {r.learner for r in graded["rows"].values()}
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(learners)
    text = (folder / "good.md").read_text(encoding="utf-8")
    assert text.startswith("# Feedback for good\n") and "Score: 3 of 7" in text
    for q in questions(LESSON):
        assert f"**{q.id}**" in text
    assert "ignored the interrupt" in (folder / "ignores-interrupt.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_kernel_runs_stripped_limited_and_in_a_temporary_folder(tmp_path, monkeypatch):
    """The kernel sees only the grader's short environment, its memory limit, and a temporary working folder."""
    import nbformat

    monkeypatch.setenv("RESETLAB_TEST_SECRET", "do-not-leak")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, resource\n"
        "q1_1 = sorted(os.environ)\n"
        "q1_2 = os.getcwd()\n"
        "q1_3 = resource.getrlimit(resource.RLIMIT_AS)[0]"
    )])
    run = asyncio.run(run_notebook(nb, ["q1_1", "q1_2", "q1_3"], tmp_path, Limits(cell_timeout=20, notebook_timeout=30, memory=1500 * 1024**2)))
    assert run.errors == [] and run.answers is not None
    env = set(run.answers["q1_1"])
    assert "RESETLAB_TEST_SECRET" not in env and not any(k.startswith("RESETLAB_LIMIT") for k in env)
    assert {"PATH", "HOME"} <= env
    assert Path(run.answers["q1_2"]).resolve() == tmp_path.resolve()
    assert run.answers["q1_3"] == 1500 * 1024**2
    assert json.dumps(run.answers)  # plain data only
    assert os.environ["RESETLAB_TEST_SECRET"] == "do-not-leak"


def test_learner_text_cannot_become_a_formula_or_markup(tmp_path):
    """A hostile file name stays text in grades.csv, and HTML in feedback is escaped."""
    import csv as _csv

    from resetlab.grader import Row, write_csv, write_feedback

    row = Row(file="=HYPERLINK(\"http://x\")_01-start-here.ipynb", learner="<img src=x onerror=alert(1)>",
              notebook="01-start-here", reason="+cmd")
    out = write_csv([row], tmp_path / "grades.csv", [])
    with out.open(encoding="utf-8") as handle:
        (record,) = list(_csv.DictReader(handle))
    assert record["file"].startswith("'=") and record["reason"] == "'+cmd"
    assert record["learner"] == "<img src=x onerror=alert(1)>"  # not a formula: kept as it is
    (tmp_path / "fb").mkdir()
    (path,) = write_feedback([row], tmp_path / "fb")
    text = path.read_text(encoding="utf-8")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
