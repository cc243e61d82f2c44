"""The learner edition (python -m resetlab release, make release): what learners need, and no answers.

The forbidden texts are read from the instructors' own material (tests/forbidden.py), so a new
question is covered without editing this file: every line of every solution region in
solutions/*.ipynb, every instructor-note cell, and the solutions, model answers and "common
mistakes" of docs/instructors/answers.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from forbidden import SET_UP, forbidden_texts, from_answers_md, from_solutions, squash
from support import REPO

from resetlab import UsageError
from resetlab.__main__ import main
from resetlab._exercises import NOTE_TAG
from resetlab._launch import load_launch
from resetlab._release import MANIFEST, build_edition
from resetlab._version import __version__
from resetlab.checks import canonical, digest, normalise_text

LESSONS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
#: What the edition may hold at its top, and nothing else.
TOP = {".gitignore", MANIFEST, "CITATION.cff", "LICENSE", "LICENSE-content.md", "Makefile", "README.md",
       "environment.yml", "postBuild", "pyproject.toml", "config", "data", "exercises", "notebooks", "requirements", "src"}


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("release") / "learner-edition"
    built = build_edition(dest)
    assert built.dest == dest and not built.kept
    return dest


def _text_of(path: Path) -> str | None:
    """What a person could read in a file: a notebook's sources and outputs, or the file's text."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        parts = []
        for cell in nb["cells"]:
            parts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                for value in output.get("data", {}).values():
                    parts.append("".join(value) if isinstance(value, list) else str(value))
        parts.append(json.dumps(nb["metadata"]))
        return "\n".join(parts)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def test_the_forbidden_texts_are_found_where_the_answers_are():
    """A positive control: the scan's texts come from every solutions notebook, its notes and every part of answers.md."""
    solutions, answers = from_solutions(), from_answers_md()
    for name in LESSONS:
        assert any(o.startswith(f"solutions/{name}") and "(solution)" in o for o in solutions.values()), name
        assert any(o.startswith(f"solutions/{name}") and "(instructor note)" in o for o in solutions.values()), name
    for kind in ("solution", "model answer", "common mistakes"):
        assert sum(o == f"answers.md ({kind})" for o in answers.values()) >= 6, kind
    assert 'q2_1 = "U.S. Department of State"' in solutions  # a fixed answer, in clear in the solutions
    assert not any(SET_UP.fullmatch(t) for t in solutions)
    text = "\n".join(squash(_text_of(p)) for p in (REPO / "solutions").glob("*.ipynb"))
    assert all(t in text for t in solutions)


def test_no_fixed_answer_model_answer_or_instructor_note_is_in_any_file(edition):
    """Every file of the edition, notebooks' outputs included, is free of every forbidden text."""
    forbidden = forbidden_texts()
    leaks = []
    for path in sorted(p for p in edition.rglob("*") if p.is_file()):
        text = _text_of(path)
        if text is None:
            continue
        squashed = squash(text)
        leaks += [f"{path.relative_to(edition)}: {t!r} from {o}" for t, o in forbidden.items() if t in squashed]
    assert not leaks, "\n".join(leaks)


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")


def _preimages(text: str, kind: str) -> set[str]:
    """Every value *text* could be read as giving, normalised as the checks normalise answers."""
    found: set[str] = set()
    if kind == "number":
        found |= {str(int(m.replace(",", ""))) for m in re.findall(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\d.,])\d+(?![\d,])", text)}
    elif kind == "date":
        found |= set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text))
        month = "|".join(_MONTHS)
        for day, name, year in re.findall(rf"\b(\d{{1,2}}) ({month}),? (\d{{4}})", text, re.I):
            found.add(f"{year}-{_MONTHS.index(name.lower()) + 1:02d}-{int(day):02d}")
        for name, day, year in re.findall(rf"\b({month}) (\d{{1,2}}),? (\d{{4}})", text, re.I):
            found.add(f"{year}-{_MONTHS.index(name.lower()) + 1:02d}-{int(day):02d}")
    elif kind == "text":
        words = re.findall(r"[\w.'\u2019-]+", text)
        found |= {normalise_text(" ".join(words[i:i + n])) for n in range(1, 7) for i in range(len(words) - n + 1)}
    elif kind == "set":
        for inside in re.findall(r"\[([^\[\]]{1,400})\]", text):
            items = re.findall(r"['\"]([^'\"]+)['\"]", inside)
            if items:
                found.add(canonical("set", items))
    return found


def _exercise_sections(edition: Path) -> dict[str, str]:
    """The text of each question's part of its exercise notebook: prompt, answer cell, check and output."""
    sections: dict[str, list[str]] = {}
    for path in sorted((edition / "exercises").glob("*.ipynb")):
        current = None
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            heading = re.match(r"## Question (\d+\.\d+)", source)
            if heading:
                current = f"q{heading.group(1)}"
            elif source.startswith("## "):
                current = None
            if current:
                outputs = ["".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                           for o in cell.get("outputs", [])]
                sections.setdefault(current, []).extend([source, *outputs])
    return {qid: "\n".join(parts) for qid, parts in sections.items()}


def test_nothing_said_about_a_question_gives_away_its_hashed_answer(edition):
    """No prompt, hint, feedback, explanation or exercise cell of a question holds a value that matches its digest.

    Hashed answers are only as secret as the words around them: a hint that states the answer
    breaks the digest. Every number, date, phrase of up to six words and quoted list in what the
    edition says about a question is hashed as its check would hash an answer.
    """
    spec = json.loads((edition / "src" / "resetlab" / "questions.json").read_text(encoding="utf-8"))
    sections = _exercise_sections(edition)
    hashed = [q for q in spec["questions"] if "sha256" in q["answer"]]
    assert len(hashed) >= 10 and set(sections) == {q["id"] for q in spec["questions"]}
    leaks = []
    for q in hashed:
        said = {k: v for k, v in q.items() if k != "answer"}
        text = json.dumps(said, ensure_ascii=False) + "\n" + sections[q["id"]]
        accepted = set(q["answer"]["sha256"])
        leaks += [f"{q['id']}: {value!r}" for value in _preimages(text, q["answer"]["kind"]) if digest(q["id"], value) in accepted]
    assert not leaks, leaks
    # positive control: the scan does find an answer when it is said
    q = next(q for q in hashed if q["id"] == "q2.1")
    assert any(digest("q2.1", v) in q["answer"]["sha256"] for v in _preimages("It was the U.S. Department of State.", "text"))


def test_questions_json_holds_answers_only_as_digests_or_data_rules(edition):
    """The edition's question bank is the repository's, and its answers are digests or filters over the data."""
    shipped = edition / "src" / "resetlab" / "questions.json"
    assert shipped.read_bytes() == (REPO / "src" / "resetlab" / "questions.json").read_bytes()
    for q in json.loads(shipped.read_text(encoding="utf-8"))["questions"]:
        plain = {k: v for k, v in q["answer"].items() if k not in {"sha256"}}
        assert set(plain) <= {"kind", "table", "where", "by", "explode", "choices", "source_id", "min_words",
                              "event", "field", "column", "words", "evidence"}, q["id"]


def test_the_edition_holds_what_learners_need_and_nothing_for_instructors(edition):
    """Lessons, exercises, data, the package and set-up files; no solutions, docs, tests, bench or CI."""
    assert {p.name for p in edition.iterdir()} == TOP
    assert sorted(p.name for p in (edition / "notebooks").iterdir()) == sorted([*LESSONS, "glossary.md"])
    assert sorted(p.name for p in (edition / "exercises").iterdir()) == LESSONS
    assert sorted(p.name for p in (edition / "requirements").iterdir()) == ["runtime.txt"]
    for folder, kind in (("notebooks", "lesson"), ("exercises", "exercise")):
        for path in (edition / folder).glob("*.ipynb"):
            nb = json.loads(path.read_text(encoding="utf-8"))
            assert nb["metadata"]["resetlab"] == {"lesson": path.stem, "kind": kind, "version": __version__}
            assert not any(NOTE_TAG in c["metadata"].get("tags", []) for c in nb["cells"]), path.name
    data = {p.relative_to(REPO / "data") for p in (REPO / "data").rglob("*") if p.is_file()}
    assert {p.relative_to(edition / "data") for p in (edition / "data").rglob("*") if p.is_file()} == data
    package = {p.relative_to(REPO / "src").as_posix() for p in (REPO / "src" / "resetlab").rglob("*")
               if p.is_file() and p.suffix in (".py", ".json")}
    shipped = {p.relative_to(edition / "src").as_posix() for p in (edition / "src").rglob("*") if p.is_file()}
    assert shipped == package
    for name in ("environment.yml", "postBuild", "LICENSE", "LICENSE-content.md", "CITATION.cff",
                 "requirements/runtime.txt", "config/lab-overrides.json", "config/launch.toml", "notebooks/glossary.md"):
        assert (edition / name).read_bytes() == (REPO / name).read_bytes(), name
    assert os.access(edition / "postBuild", os.X_OK)
    assert "[tool.pytest" not in (edition / "pyproject.toml").read_text(encoding="utf-8")
    manifest = json.loads((edition / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["version"] == __version__
    assert set(manifest["files"]) == {p.relative_to(edition).as_posix() for p in edition.rglob("*") if p.is_file()} - {MANIFEST}


def test_the_learner_readme_links_the_edition_and_every_lesson(edition):
    """Its Binder link is config/launch.toml's, it lists every lesson, and its relative links resolve."""
    readme = (edition / "README.md").read_text(encoding="utf-8")
    launch = load_launch()
    assert launch.binder in readme and f"git clone --branch {launch.tag} {launch.address}.git" in readme
    assert f"version {__version__}" in readme.splitlines()[0]
    for name in LESSONS:
        assert f"notebooks/{name}" in readme
    for target in re.findall(r"\]\((?!https?://)([^)#]+)\)", readme):
        assert (edition / target).exists(), target
    assert not re.search(r"\{\w+\}", readme), "a template field was left unfilled"
    for word in ("solutions/", "docs/instructors", "answers.md", "make test"):
        assert word not in readme, word


def test_the_package_imports_and_checks_from_the_edition_with_no_data_path_set(edition, tmp_path):
    """Installed in place in the edition (its src/ first on the path), the package finds the edition's data/."""
    env = {k: v for k, v in os.environ.items() if k not in ("RESETLAB_DATA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(edition / "src")
    code = ("import resetlab, resetlab._paths as p; from resetlab import check, load_statements\n"
            "print(resetlab.__file__); print(p.data_dir()); print(len(load_statements()))\n"
            "print(check('q1.1', 2).passed, check('q1.1', 3).passed)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    where, data, count, verdicts = result.stdout.splitlines()
    assert Path(where).is_relative_to(edition) and Path(data) == edition / "data"
    assert int(count) > 0 and verdicts == "True False"
    result = subprocess.run([sys.executable, "-m", "resetlab", "check-data"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "all data files are valid" in result.stdout, result.stderr


@pytest.mark.slow
def test_an_exercise_and_a_lesson_run_in_the_edition(edition, tmp_path):
    """Lesson 1 and its exercise run top to bottom in a fresh kernel that imports the edition's package."""
    import nbformat
    from nbclient import NotebookClient

    env = {k: v for k, v in os.environ.items() if k != "RESETLAB_DATA"}
    env["PYTHONPATH"] = str(edition / "src")
    started = time.perf_counter()
    for folder in ("exercises", "notebooks"):
        path = edition / folder / LESSONS[0]
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("import resetlab\nprint(resetlab.__file__)"))
        client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
        client.execute(env=env)  # the kernel's environment: no RESETLAB_DATA, the edition's src/ first
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert not errors, (folder, errors[:1])
        assert Path(nb.cells[-1].outputs[0]["text"].strip()).is_relative_to(edition), "the kernel used another resetlab"
    assert time.perf_counter() - started < 120


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_editions_makefile_has_the_learners_targets_only(edition):
    """make start and make check-data work there (dry run); the maintainers' targets are not there."""
    for target in ("start", "check-data"):
        result = subprocess.run(["make", "-n", target], cwd=edition, capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert "requirements/runtime.txt" in result.stdout and "test.txt" not in result.stdout
    assert "--LabApp.default_url=/lab/tree/notebooks/01-start-here.ipynb" in subprocess.run(
        ["make", "-n", "start"], cwd=edition, capture_output=True, text=True, timeout=30).stdout
    for target in ("test", "release", "links", "environment"):
        result = subprocess.run(["make", "-n", target], cwd=edition, capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and "No rule" in result.stderr, target


# ----------------------------------------------------------------- where it may write


def test_a_folder_that_is_not_an_edition_is_refused_and_left_alone(tmp_path):
    """Someone's files are never deleted: a non-empty folder without the manifest is refused."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty and is not a learner edition"):
        build_edition(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / MANIFEST).write_text("not json", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot be read"):
        build_edition(broken)
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        build_edition(tmp_path / "a-file")


@pytest.mark.parametrize("inside", [".", "notebooks", "notebooks/edition", "docs/edition", "src", "learner-edition"])
def test_the_repositorys_own_folders_are_refused(inside):
    """Inside the repository, only a git-ignored place with no tracked files (build/) will do."""
    dest = REPO / inside
    existed = dest.exists()
    with pytest.raises(UsageError, match="repository"):
        build_edition(dest)
    assert dest.exists() == existed


def test_a_previous_edition_is_replaced_and_other_files_are_kept(tmp_path):
    """A re-release replaces the files the last one wrote (its manifest's list), keeps .git and the rest, and says so."""
    dest = tmp_path / "edition"
    (dest / ".git").mkdir(parents=True)  # a fresh clone of the edition's repository
    (dest / ".git" / "HEAD").write_text("ref: refs/heads/release\n", encoding="utf-8")
    build_edition(dest)
    old = dest / "exercises" / "99-withdrawn.ipynb"
    old.write_text("{}", encoding="utf-8")
    manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].append("exercises/99-withdrawn.ipynb")
    (dest / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (dest / "my-notes.md").write_text("mine", encoding="utf-8")
    (dest / "README.md").write_text("edited by hand", encoding="utf-8")
    again = build_edition(dest)
    assert not old.exists() and (dest / "my-notes.md").read_text(encoding="utf-8") == "mine"
    assert (dest / ".git" / "HEAD").is_file()
    assert (dest / "README.md").read_text(encoding="utf-8").startswith("# Reset Lab (learner edition")
    assert again.kept == ("my-notes.md",) and "kept 1 file(s) it did not write: my-notes.md" in again.summary()


def test_the_command_says_where_and_how_long_and_errors_are_one_sentence(tmp_path, capsys):
    """`release DIR` prints 'wrote the learner edition to DIR in N.NN s: ...'; a refusal is one 'error:' line."""
    assert main(["release", str(tmp_path / "out")]) == 0
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"wrote the learner edition to {re.escape(str(tmp_path / 'out'))} in \d+\.\d\d s: .+", line), line
    assert main(["release", str(REPO / "notebooks")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_the_default_folder_is_git_ignored_and_make_release_uses_it():
    """make release writes build/learner-edition, which git ignores."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "RELEASE ?= build/learner-edition" in makefile and "-m resetlab release $(RELEASE)" in makefile
    if shutil.which("git") and (REPO / ".git").exists():
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", "build/learner-edition"], cwd=REPO, timeout=30)
        assert ignored.returncode == 0
