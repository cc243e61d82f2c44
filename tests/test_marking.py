"""Tests for written answers in the grader: reading them, marking sheets, marks.csv, merging marks, the desk.

One module-scoped grading run (three learners' copies of exercise 1, made from
the committed learner copy) serves the slow tests; the marks-file checks are
pure and run without a kernel.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat
import pytest

from resetlab.__main__ import main
from resetlab.grader import Limits, grade_folder
from resetlab.grader import marking
from resetlab.grader.desk import MarkingDesk, demo_folder

REPO = Path(__file__).resolve().parents[1]
LIMITS = Limits(cell_timeout=20, notebook_timeout=60, memory=1280 * 1024**2, grace=2)
ALICE = ('Medvedev spoke of "European affairs and missile defense" (000-07) in 2008 and of positions '
         'that "bring us together" (003-04) in 2009; the comparer finds no shared word, which proves little '
         "about a few translated quotes.")


def _learner_copy(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The committed exercise 1 with some answer cells replaced by the given sources."""
    nb = nbformat.read(REPO / "exercises" / "01-start-here.ipynb", as_version=4)
    for cell in nb.cells:
        for var, source in answers.items():
            if cell.cell_type == "code" and f"{var} = " in cell.source:
                cell.source = source
    return nb


def _write(folder: Path, name: str, nb) -> Path:
    path = folder / f"{name}_01-start-here.ipynb"
    nbformat.write(nb, path)
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["grade", *args])
    return code, out.getvalue(), err.getvalue()


def _marks(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _save_marks(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------- reading the text from the cells


def test_written_text_survives_a_syntax_error_and_takes_the_last_assignment():
    """A deleted closing quote still gives the text; of two assignments the later wins; no cell gives None."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('q1_4 = """\nfirst try\n"""'),
        nbformat.v4.new_code_cell('q1_4 = """\nMy answer says "we can" (000-02).\n'),
    ])
    assert marking.written_text(nb, "q1_4") == 'My answer says "we can" (000-02).'
    assert marking.written_text(nb, "q6_6") is None
    assert marking.written_text(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("q1_4 = ...")]), "q1_4") is None


# --------------------------------------------------------------------------- one grading run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """alice answers q1.4; bob deleted the closing quote marks; carol handed in a blank copy; graded with --marking."""
    base = tmp_path_factory.mktemp("marking-run")
    subs = base / "submissions"
    subs.mkdir()
    _write(subs, "alice", _learner_copy({"q1_1": "q1_1 = 2", "q1_4": f'q1_4 = """\n{ALICE}\n"""'}))
    _write(subs, "bob", _learner_copy({"q1_4": 'q1_4 = """\nBush said "We can get a lot done together" (000-05).\n'}))
    _write(subs, "carol", _learner_copy({}))
    marking_dir = base / "marking"
    rows = grade_folder(subs, base / "grades.csv", base / "feedback", jobs=2, limits=LIMITS, marking=marking_dir)
    return {"base": base, "subs": subs, "marking": marking_dir, "rows": {r.learner: r for r in rows}}


@pytest.mark.slow
def test_the_grader_reads_each_written_answer_from_the_saved_cell(run):
    """alice's text is read and reported on; bob's, in a cell that cannot run, is read too; carol's is empty."""
    rows = run["rows"]
    assert rows["alice"].written["q1.4"] == ALICE
    assert rows["bob"].written["q1.4"].startswith("Bush said")
    assert "The written answer in the failing cell (q1.4) was read as typed all the same." in rows["bob"].reason
    assert rows["carol"].written["q1.4"] == ""
    bob = next(r for r in rows["bob"].results if r.question_id == "q1.4")
    assert any("in 000-02, not in 000-05, which you cite" in d for d in bob.details)
    assert rows["alice"].scores["q1.4"] == "" and rows["alice"].max == 7  # no score until a person marks it


@pytest.mark.slow
def test_marking_folder_has_sheets_answers_and_prefilled_marks(run):
    """--marking writes q1.4.md with every answer and its report, answers.json, and marks.csv pre-filled for a blank."""
    folder = run["marking"]
    sheet = (folder / "q1.4.md").read_text(encoding="utf-8")
    assert "## alice" in sheet and "## bob" in sheet and "## carol" in sheet and "*No answer was handed in.*" in sheet
    assert "Date '2008'" in sheet or "a year only" in sheet
    data = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
    assert {a["learner"] for a in data["answers"]} == {"alice", "bob", "carol"}
    marks = {r["learner"]: r for r in _marks(folder / "marks.csv")}
    assert list(_marks(folder / "marks.csv")[0])[:7] == ["learner", "question", "notebook", "file", "words", "answer_sha", "answer_start"]
    assert marks["carol"]["evidence"] == "0" and marks["carol"]["limits"] == "0" and marks["carol"]["comment"] == marking.NO_ANSWER
    assert marks["alice"]["evidence"] == "" and marks["alice"]["answer_sha"] == marking.answer_sha(ALICE)
    assert marks["alice"]["claim"] == ""  # q1.4 is not marked on 'claim': that cell stays blank


@pytest.mark.slow
def test_marks_merge_into_totals_and_feedback_and_a_rerun_keeps_them(run, tmp_path):
    """Levels entered in marks.csv give q1.4 its score; grading again with --marking keeps them, even for a changed answer."""
    folder = tmp_path / "marking"
    shutil.copytree(run["marking"], folder)
    rows = _marks(folder / "marks.csv")
    for row in rows:
        if row["learner"] == "alice":
            row.update({"evidence": "2", "limits": "1", "comment": "Say why the quotes prove little."})
    _save_marks(folder / "marks.csv", rows)
    code, out, err = _cli(str(run["subs"]), "--out", str(tmp_path / "g.csv"), "--feedback", str(tmp_path / "fb"),
                          "--marks", str(folder / "marks.csv"))
    assert code == 0, err
    grades = {r["learner"]: r for r in _marks(tmp_path / "g.csv")}
    assert grades["alice"]["q1.4"] == "3" and grades["alice"]["total"] == "4"
    assert grades["carol"]["q1.4"] == "0"  # the pre-filled zeros count
    assert "not marked yet in marks.csv: q1.4" in grades["bob"]["reason"]
    feedback = (tmp_path / "fb" / "alice.md").read_text(encoding="utf-8")
    assert "Evidence from the comparer: 2 of 2" in feedback and "Say why the quotes prove little." in feedback

    # alice hands in a new answer; the grader runs again with --marking: her marks stay, flagged as older
    changed = run["subs"].parent / "resubmitted"
    shutil.copytree(run["subs"], changed)
    _write(changed, "alice", _learner_copy({"q1_4": 'q1_4 = """\nA new answer citing 003-04.\n"""'}))
    before = (folder / "marks.csv").read_bytes()
    code, _, err = _cli(str(changed), "--out", str(tmp_path / "g2.csv"), "--marking", str(folder), "--marks", str(folder / "marks.csv"))
    assert code == 0, err
    kept = {r["learner"]: r for r in _marks(folder / "marks.csv")}
    assert (kept["alice"]["evidence"], kept["alice"]["limits"], kept["alice"]["comment"]) == ("2", "1", "Say why the quotes prove little.")
    assert kept["alice"]["answer_sha"] == marking.answer_sha(ALICE)  # the answer the marks were given for
    assert "The answer has changed since it was marked" in (folder / "q1.4.md").read_text(encoding="utf-8")
    assert "marked against an earlier answer" in {r["learner"]: r for r in _marks(tmp_path / "g2.csv")}["alice"]["reason"]
    assert before.count(b"\n") == (folder / "marks.csv").read_bytes().count(b"\n")  # no row lost or added twice
    shutil.rmtree(changed)


@pytest.mark.slow
def test_a_malformed_marks_file_writes_nothing(run, tmp_path):
    """A level out of range stops the grader with one sentence naming row and column; grades.csv and marks.csv stay as they were."""
    folder = tmp_path / "marking"
    shutil.copytree(run["marking"], folder)
    rows = _marks(folder / "marks.csv")
    rows[0]["evidence"] = "7"
    _save_marks(folder / "marks.csv", rows)
    (tmp_path / "g.csv").write_text("the instructor's old grades\n", encoding="utf-8")
    marks_before = (folder / "marks.csv").read_bytes()
    code, out, err = _cli(str(run["subs"]), "--out", str(tmp_path / "g.csv"), "--marking", str(folder), "--marks", str(folder / "marks.csv"))
    assert code == 2
    assert err.startswith("error: marks.csv, row 2, column 'evidence': '7' is not a level of 'Evidence from the comparer'; give a whole number from 0 to 2.")
    assert "Traceback" not in err and err.count("\n") == 1
    assert (tmp_path / "g.csv").read_text(encoding="utf-8") == "the instructor's old grades\n"
    assert (folder / "marks.csv").read_bytes() == marks_before


@pytest.mark.slow
def test_the_desk_saves_each_click_to_marks_csv(run, tmp_path):
    """Pressing a level button and typing a comment in the desk change marks.csv at once, keeping the other rows."""
    folder = tmp_path / "marking"
    shutil.copytree(run["marking"], folder)
    desk = MarkingDesk(folder, question="q1.4")
    assert repr(desk) == "MarkingDesk(3 answers, showing 1)" and "alice" in desk.fallback()
    desk._buttons["evidence"].value = 2
    desk.comment.value = "Clear, with ids from both meetings."
    rows = {r["learner"]: r for r in _marks(folder / "marks.csv")}
    assert rows["alice"]["evidence"] == "2" and rows["alice"]["comment"] == "Clear, with ids from both meetings."
    assert rows["carol"]["comment"] == marking.NO_ANSWER
    assert "Saved to marks.csv" in desk.status.value
    desk.next.click()
    assert "bob" in desk.fallback() and desk.index == 1
    desk.go(99)
    assert desk.index == 2 and desk.next.disabled


# --------------------------------------------------------------------------- the marks file's checks (no kernel)


def _marks_file(tmp_path: Path, edit) -> Path:
    folder = demo_folder(tmp_path / "demo")
    rows = _marks(folder / "marks.csv")
    edit(rows)
    _save_marks(folder / "marks.csv", rows)
    return folder / "marks.csv"


@pytest.mark.parametrize(("edit", "words"), [
    (lambda rows: rows[0].update(sourcing="3"), "row 2, column 'sourcing': '3' is not a level of 'Who said it'; give a whole number from 0 to 2."),
    (lambda rows: rows[1].update(limits="two"), "row 3, column 'limits': 'two' is not a level"),
    (lambda rows: rows[0].update(claim="1"), "row 2, column 'claim': q3.6 has no 'claim' criterion"),
    (lambda rows: rows[0].update(question="q3.9"), "row 2, column 'question': 'q3.9' is not a written question"),
    (lambda rows: rows[1].update(learner="ADA"), "row 3, column 'learner': 'ADA' has a second row for q3.6 (the first is row 2)"),
    (lambda rows: rows[0].update(answer_sha="edited by hand"), "row 2, column 'answer_sha': 'edited by hand' is not what the grader wrote"),
    (lambda rows: rows[0].update(words="many"), "row 2, column 'words': 'many' is not a number of words"),
    (lambda rows: [r.pop("comment") for r in rows], "row 1: the column 'comment' is missing"),
])
def test_malformed_marks_name_the_row_and_column(tmp_path, edit, words):
    """Each kind of damage to marks.csv is one sentence that names where it is and how to fix it."""
    path = _marks_file(tmp_path, edit)
    with pytest.raises(marking.MarksError) as caught:
        marking.read_marks(path)
    assert words in str(caught.value) and str(caught.value).startswith("marks.csv, row ")


def test_marks_for_an_unknown_learner_or_an_edited_answer_start_are_refused(tmp_path):
    """A learner not in the grading run, or an answer_start changed in a spreadsheet, is named with its row."""
    path = _marks_file(tmp_path, lambda rows: rows[0].update(learner="adda"))
    _, rows = marking.read_marks(path)
    with pytest.raises(marking.MarksError, match=r"row 2, column 'learner': there is no learner 'adda' in this grading run \(the learners are ada, ben\)"):
        marking.check_against(path, rows, {}, {"ada", "ben"})
    path = _marks_file(tmp_path / "two", lambda rows: rows[0].update(answer_start="The words a good rapport"))
    _, rows = marking.read_marks(path)
    answers = json.loads((path.parent / "answers.json").read_text(encoding="utf-8"))["answers"]
    written = {(a["learner"], a["question"]): marking.Written(a["learner"], a["notebook"], a["question"], a["file"], a["text"], None)
               for a in answers}
    with pytest.raises(marking.MarksError, match=r"row 2, column 'answer_start': this text was changed"):
        marking.check_against(path, rows, written, {"ada", "ben"})


def test_a_spreadsheet_saved_file_with_semicolons_and_windows_encoding_is_read(tmp_path):
    """marks.csv saved by a spreadsheet in another dialect (semicolons, cp1252) still reads, levels and names intact."""
    path = _marks_file(tmp_path, lambda rows: rows[0].update(sourcing="2", comment="Très bien; clair."))
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    _, read = marking.read_marks(path)
    assert read[0].values["sourcing"] == "2" and read[0].values["comment"] == "Très bien; clair."


def test_update_marks_keeps_entered_marks_and_refreshes_untouched_rows(tmp_path):
    """A rerun appends new answers, keeps any row with marks as it was, and refreshes rows nobody marked."""
    folder = demo_folder(tmp_path / "demo")
    rows = _marks(folder / "marks.csv")
    rows[0].update(sourcing="2", limits="1")
    _save_marks(folder / "marks.csv", rows)
    _, existing = marking.read_marks(folder / "marks.csv")
    from resetlab.checks import score_answer

    new = [marking.Written("ada", "03-who-said-what", "q3.6", "ada_v2.ipynb", "Changed.", score_answer("q3.6", "Changed.")),
           marking.Written("ben", "03-who-said-what", "q3.6", "ben_v2.ipynb", "Also changed.", score_answer("q3.6", "Also changed.")),
           marking.Written("cy", "03-who-said-what", "q3.6", "cy.ipynb", "", score_answer("q3.6", ""))]
    out = marking.update_marks(existing, new)
    by = {r["learner"]: r for r in out}
    assert (by["ada"]["sourcing"], by["ada"]["limits"], by["ada"]["answer_sha"]) == ("2", "1", rows[0]["answer_sha"])
    assert by["ada"]["file"] == "ada_v2.ipynb"
    assert by["ben"]["answer_sha"] == marking.answer_sha("Also changed.")
    assert by["cy"]["comment"] == marking.NO_ANSWER and by["cy"]["sourcing"] == "0"
    assert [r["learner"] for r in out] == ["ada", "ben", "cy"]


def test_hostile_learner_text_stays_inert_in_the_marking_files(tmp_path):
    """HTML and a spreadsheet formula in an answer stay text in the sheet and in marks.csv."""
    from resetlab.checks import score_answer

    text = '=HYPERLINK("x") <script>alert(1)</script> "a good rapport" (003-07)'
    answer = marking.Written("=evil", "03-who-said-what", "q3.6", "=evil_03.ipynb", text, score_answer("q3.6", text))
    marking.write_marking(tmp_path, [answer], None)
    sheet = (tmp_path / "q3.6.md").read_text(encoding="utf-8")
    assert "<script>" not in sheet and "&lt;script&gt;" in sheet
    row = _marks(tmp_path / "marks.csv")[0]
    assert row["learner"] == "'=evil" and row["answer_start"].startswith("'=HYPERLINK")


def test_the_desk_refuses_a_missing_folder_with_the_command_to_run(tmp_path):
    """A folder with no marking files gives one sentence with the grade command that makes them."""
    from resetlab.errors import UsageError

    with pytest.raises(UsageError, match=r"No marking folder at .*run '\.venv/bin/python -m resetlab grade SUBMISSIONS --marking"):
        MarkingDesk(tmp_path / "nowhere")


@pytest.mark.slow
def test_an_empty_marks_file_in_the_marking_folder_is_written_afresh(run, tmp_path):
    """A marks.csv emptied by accident holds no marks to keep: --marking writes it again instead of stopping."""
    folder = tmp_path / "marking"
    shutil.copytree(run["marking"], folder)
    (folder / "marks.csv").write_bytes(b"")
    code, _, err = _cli(str(run["subs"]), "--out", str(tmp_path / "g.csv"), "--marking", str(folder))
    assert code == 0, err
    assert {r["learner"] for r in _marks(folder / "marks.csv")} == {"alice", "bob", "carol"}
    code, _, err = _cli(str(run["subs"]), "--out", str(tmp_path / "g.csv"), "--marks", str(tmp_path / "none.csv"))
    assert code == 2 and "run the grader with --marking DIR first" in err


def test_a_written_answer_is_never_taken_from_the_kernel():
    """q1_4 built by code (reading a file of the grading machine) is not an answer; only typed text is read."""
    from resetlab.grader import score

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("q1_4 = open('/etc/hostname').read()")])
    written = {"q1.4": marking.written_text(nb, "q1_4")}
    results = {r.question_id: r for r in score("01-start-here", {"q1_4": "secret from the grader's machine"}, written)}
    assert written["q1.4"] is None
    assert results["q1.4"].status == "not answered" and "No written answer found" in results["q1.4"].message
    assert "secret" not in str(results["q1.4"])
