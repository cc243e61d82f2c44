"""Finding, reading and identifying submitted files: nothing here runs learner code."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

_SKIP_NAMES = {".ipynb_checkpoints", "__pycache__", "__MACOSX"}



def learner_of(relative: Path) -> str:
    """The learner's name a file's path gives (see ``_identity.origin_of`` for the conventions followed).

    >>> learner_of(Path("alice_03-who-said-what.ipynb"))
    'alice'
    >>> learner_of(Path("bob") / "notes.ipynb")
    'bob'
    """
    from ._identity import origin_of

    return origin_of(relative, _lessons()).name


#: Inside a copy of the course (a hub home's pulled ``resetlab`` folder), folders that hold no hand-ins.
_COURSE_SKIP = {"tests", "bench", "build", "src", "data", "config", "site-packages", "node_modules", "venv", ".venv"}


def _is_course_copy(folder: Path) -> bool:
    """True for a copy of the course itself (nbgitpuller's or Binder's), not a learner's own folder."""
    return (folder / "data" / "sources.csv").is_file() or (folder / "src" / "resetlab").is_dir()


def discover(folder: Path) -> tuple[list[Path], int]:
    """Every file under *folder*, sorted, and how many course files were passed over.

    Hidden files and checkpoint folders are skipped.  Inside a copy of the course
    (a hub home folder with the pulled course), only notebooks are looked at, and
    not those in its code, data or test folders: the course's own CSV, Python and
    Markdown files are not hand-ins, and listing hundreds of them would bury the rows
    that matter.  Its lessons and solutions are still rows, so they can be
    reported as not counted.
    """
    found: list[Path] = []
    passed_over = 0
    course_roots: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        if _is_course_copy(here):
            course_roots.append(here)
        inside = any(here == c or c in here.parents for c in course_roots)
        keep = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_NAMES)
        if inside:
            passed_over += sum(1 for d in keep if d in _COURSE_SKIP and here in course_roots)
            keep = [d for d in keep if not (d in _COURSE_SKIP and here in course_roots)]
        dirs[:] = keep
        for name in files:
            if name.startswith("."):
                continue
            if inside and not name.lower().endswith(".ipynb"):
                passed_over += 1
                continue
            found.append(here / name)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix()), passed_over


def _lessons() -> list[str]:
    from ..checks import questions

    seen: dict[str, None] = {}
    for q in questions():
        seen.setdefault(q.lesson, None)
    return list(seen)


def read_notebook(path: Path, root: Path | None = None) -> tuple[Any, str]:
    """Return ``(notebook, "")``, or ``(None, reason)`` when *path* is not a usable notebook.

    *root*, the submissions folder, if given: a link that leads outside it is refused
    unread (a learner could otherwise hand in a link to the instructor's solutions).
    """
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None, "The file is a link to nothing (a broken symbolic link); ask the learner for the notebook file itself."
        if root is not None and root.resolve() not in target.parents:
            return None, ("The file is a link to a file outside the submissions folder, which the grader does not read; "
                          "ask the learner for the notebook file itself.")
    if not path.is_file():  # a named pipe or device would block or never end
        return None, "This is not a regular file (a pipe, a device or a socket); ask the learner for the notebook file itself."
    if path.suffix.lower() != ".ipynb":
        kind = path.suffix or "a file without an extension"
        return None, f"This is not a Jupyter notebook ({kind}); the grader expects .ipynb files."
    try:
        size = path.stat().st_size
        blob = path.read_bytes() if size <= MAX_NOTEBOOK_BYTES else b""
    except OSError as exc:
        return None, f"The file could not be read ({exc.strerror or type(exc).__name__}); check its permissions and grade again."
    if size > MAX_NOTEBOOK_BYTES:
        return None, (f"The file is {size / 1024**2:,.0f} MB, more than the {MAX_NOTEBOOK_BYTES // 1024**2} MB a submitted "
                      "notebook may be; ask the learner to clear its outputs (Edit > Clear Outputs of All Cells) and submit it again.")
    if not blob.strip():
        return None, "The file is empty (no notebook inside); ask the learner to save the notebook and submit it again."
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "The file is not text (expected a notebook's JSON); it may be a different file renamed to .ipynb."
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"The file is not valid JSON (line {exc.lineno}: {exc.msg}), so it is not a readable notebook; it may have been cut short or edited by hand."
    old_format = isinstance(data, dict) and isinstance(data.get("worksheets"), list)  # nbformat 3: nbformat upgrades it
    if not isinstance(data, dict) or not (isinstance(data.get("cells"), list) or old_format) or "nbformat" not in data:
        return None, "The file is JSON but not a Jupyter notebook (no 'cells' and 'nbformat'); ask for the .ipynb saved from Jupyter."
    import warnings

    import nbformat  # lazy: ~1.5 s to import in a full Jupyter environment

    try:
        with warnings.catch_warnings():  # a missing cell id is the learner's Jupyter's business, not the grader's terminal's
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for broken files
        return None, f"The notebook could not be read ({type(exc).__name__}); ask the learner to open it in Jupyter, save it and submit it again."
    return nb, ""


#: A bigger .ipynb is refused unread (exercise notebooks are tens of kilobytes; stored outputs are discarded anyway).
MAX_NOTEBOOK_BYTES = 50 * 1024**2

_QUESTION_REF = re.compile(r"\bq(\d+)[._](\d+)\b")


def identify(nb: Any, path: Path, lessons: list[str], variables: dict[str, str]) -> str | None:
    """Which exercise *nb* is: its metadata, else the questions it mentions, else its file name."""
    meta = nb.metadata.get("resetlab", {})
    if isinstance(meta, dict):
        for key in ("lesson", "notebook", "exercise"):
            value = str(meta.get(key, ""))
            if value in lessons:
                return value
            stem = Path(value).stem
            if stem in lessons:
                return stem
    counts: dict[str, int] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for match in _QUESTION_REF.finditer(str(cell.get("source", ""))):
            lesson = variables.get(f"q{match.group(1)}_{match.group(2)}")
            if lesson:
                counts[lesson] = counts.get(lesson, 0) + 1
    if counts:
        return max(sorted(counts), key=lambda name: counts[name])
    name = path.name
    for lesson in lessons:
        if lesson in name:
            return lesson
    return None


def _assigns(nb: Any) -> dict[str, list[Any]]:
    """Every ``qN_M = value`` in *nb*'s code cells, as the values' syntax trees (cells that do not parse are left out)."""
    import ast

    found: dict[str, list[Any]] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(str(cell.get("source", "")))
        except (SyntaxError, ValueError):
            found.setdefault("", []).append(None)  # a cell that does not parse: someone typed something
            continue
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                if isinstance(target, ast.Name) and re.fullmatch(r"q\d+_\d+", target.id):
                    found.setdefault(target.id, []).append(getattr(node, "value", None))
    return found


def _is_placeholder(value: Any) -> bool:
    import ast

    if not isinstance(value, ast.Constant):
        return False
    return value.value is Ellipsis or (isinstance(value.value, str) and not value.value.strip())


def classify(nb: Any, relative: Path, lesson: str, lessons: list[str]) -> tuple[str, str, list[str]]:
    """What a course notebook handed in is, before anything runs: ``(status, reason, flags)``.

    *status* is ``""`` for a learner's exercise to grade, ``"not counted"`` for an
    instructors' copy or a lesson notebook, ``"blank"`` for an exercise with nothing
    answered.  *flags* name what the instructor should look at in a graded row:
    ``"misnamed"`` (file name and content disagree), ``"other version"``.
    """
    from .._version import __version__
    from ..checks import questions

    meta = nb.metadata.get("resetlab", {})
    meta = meta if isinstance(meta, dict) else {}
    kind = str(meta.get("kind", ""))
    parts = {p.casefold() for p in relative.parts[:-1]}
    exercise_file = f"exercises/{lesson}.ipynb"
    if kind == "solution" or (not kind and "solutions" in parts):
        return "not counted", (f"This is the instructors' copy of {lesson} (from the solutions folder), with the answers in it; "
                               "it is not counted. Ask the learner for their own exercise notebook if it is missing."), []
    if kind == "instructors":
        return "not counted", "This is one of the instructors' notebooks, not a learner's exercise; it is not counted.", []
    variables = {q.variable for q in questions(lesson)}
    assigned = _assigns(nb)
    if kind == "lesson" or (not kind and not (variables & set(assigned))):
        return "not counted", (f"This is the lesson notebook {lesson}, not its exercise: it holds none of the exercise's answer "
                               f"cells, so it is not counted. Ask the learner to hand in {exercise_file} (the lesson is for reading).") , []
    flags: list[str] = []
    reasons: list[str] = []
    named = next((name for name in sorted(lessons, key=len, reverse=True) if name.casefold() in relative.name.casefold()), None)
    if named is None:  # "04-comparing..." abbreviated as "04-..." or "lesson 4"
        number = re.search(r"(?i)(?:^|[^0-9])0?([1-9])(?:[^0-9]|$)", _strip_ids(relative.name))
        named = next((name for name in lessons if number and name.startswith(f"0{number.group(1)}-")), None) if number else None
    if named is not None and named != lesson:
        flags.append("misnamed")
        reasons.append(f"The file is named like {named} but holds the exercise {lesson}; it was graded as {lesson}, "
                       f"so {named} has no grade from this file.")
    version = str(meta.get("version", ""))
    if meta and version != __version__:
        flags.append("other version")
        made = f"course version {version}" if version else "a course version before 0.2.0 (it records none)"
        reasons.append(f"This copy was made from {made}; it was graded with version {__version__}'s questions, "
                       "which may differ: check its feedback.")
    blank = not assigned.get("") and all(all(_is_placeholder(v) for v in assigned.get(var, [None])) for var in variables)
    if blank:
        return "blank", (f"Nothing is answered in this copy of {lesson}: every answer is still ... and every written answer "
                         "is empty, so it was not run. The learner may have handed in the copy they downloaded before working."), flags
    return "", " ".join(reasons), flags


def _strip_ids(name: str) -> str:
    """A file name without the LMS's numeric ids, so a Canvas user id is not read as a lesson number."""
    return re.sub(r"_\d{3,}", "_", name)
