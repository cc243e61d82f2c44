"""Finding, reading and identifying submitted files: nothing here runs learner code."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

_SKIP_NAMES = {".ipynb_checkpoints", "__pycache__", "__MACOSX"}



def learner_of(relative: Path) -> str:
    """The learner a file belongs to: the first path part's text before its first underscore.

    ``alice_03-who-said-what.ipynb`` and ``alice/03-who-said-what.ipynb`` are both alice's;
    a file name without an underscore is its own learner.

    >>> learner_of(Path("alice_03-who-said-what.ipynb"))
    'alice'
    >>> learner_of(Path("bob") / "notes.ipynb")
    'bob'
    """
    first = relative.parts[0]
    if len(relative.parts) == 1:
        first = relative.stem
    return first.split("_", 1)[0].strip() or first


def discover(folder: Path) -> list[Path]:
    """Every file under *folder*, sorted, skipping hidden files and checkpoint folders."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_NAMES)
        found.extend(Path(root) / name for name in files if not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


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
