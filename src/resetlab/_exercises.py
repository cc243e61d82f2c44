"""Make the learner copies in ``exercises/`` from the instructor masters in ``solutions/``.

``python -m resetlab make-exercises solutions exercises`` (``make exercises``):

* in code cells, every region between a line ``# BEGIN SOLUTION`` and a line
  ``# END SOLUTION`` is replaced by one placeholder line: ``q2_3 = ...`` when the
  region assigns a question variable (the last one it assigns), else ``...``;
  a region that is a written answer (``q6_6 =`` three double quote marks and a
  model answer) becomes the empty place to write: the same opening line, a
  blank line, and the closing three quote marks;
* markdown cells tagged ``instructor-note`` are dropped;
* every output is cleared, then each exercise is run in a fresh kernel and
  saved, so its stored outputs are the checks' "not answered yet" messages.

Cell ids and metadata are kept, so the same solutions always give the same
exercises.  The solutions folder is only read, never written.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

from .errors import UsageError

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
NOTE_TAG = "instructor-note"
_ASSIGN = re.compile(r"^\s*(q\d+_\d+)\s*=")
_WRITING = re.compile(r'^\s*(q\d+_\d+)\s*=\s*"""')


def blank_source(source: str, where: str = "cell") -> str:
    r'''Replace each solution region of a code cell's source with a ``...`` placeholder.

    >>> print(blank_source("# A number.\n# BEGIN SOLUTION\nx = 1\nq1_1 = x + 1\n# END SOLUTION"))
    # A number.
    q1_1 = ...
    >>> print(blank_source('# BEGIN SOLUTION\nq6_6 = """\nA model answer.\n"""\n# END SOLUTION'))
    q6_6 = """
    <BLANKLINE>
    """
    '''
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if region is not None:
                raise UsageError(f"{where}, line {number}: expected '{END}' before another '{BEGIN}' (got a second BEGIN); close the first region.")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif marker == END:
            if region is None:
                raise UsageError(f"{where}, line {number}: '{END}' without a '{BEGIN}' above it; add the BEGIN line or remove this one.")
            names = [m.group(1) for m in map(_ASSIGN.match, region) if m]
            writing = next((m.group(1) for m in map(_WRITING.match, region[:1]) if m), None)
            if writing:
                out.extend([f'{indent}{writing} = """', "", '"""'])
            else:
                out.append(f"{indent}{names[-1]} = ..." if names else f"{indent}...")
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise UsageError(f"{where}: '{BEGIN}' is never closed; add a '{END}' line after the solution.")
    return "\n".join(out)


def exercise_notebook(solution, name: str = "notebook"):
    """Return a learner copy of a solutions notebook (an nbformat node); the input is not changed."""
    nb = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(nb.cells, start=1):
        if NOTE_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.source = blank_source(cell.source, f"{name}, cell {index}")
            cell.outputs = []
            cell.execution_count = None
        elif BEGIN in cell.source or END in cell.source:
            raise UsageError(f"{name}, cell {index}: solution markers only work in code cells; tag a markdown cell '{NOTE_TAG}' to leave it out instead.")
        cells.append(cell)
    nb.cells = cells
    # Tells the grader which exercise a submitted copy is, whatever its file name.
    from ._version import __version__

    nb.metadata["resetlab"] = {"lesson": Path(name).stem, "kind": "exercise", "version": __version__}
    return nb


def make_exercises(solutions: str | os.PathLike[str], exercises: str | os.PathLike[str], execute: bool = True) -> list[Path]:
    """Write ``exercises/<name>.ipynb`` for every ``solutions/<name>.ipynb``; return the paths written.

    Raises:
        UsageError: for a missing solutions folder, the same folder twice,
            unbalanced solution markers, or an exercise that fails to run.
    """
    import nbformat

    src, dst = Path(solutions), Path(exercises)
    if not src.is_dir():
        raise UsageError(f"No solutions folder at {str(src)!r}; give the folder that holds the instructor notebooks, like 'solutions'.")
    masters = sorted(src.glob("*.ipynb"))
    if not masters:
        raise UsageError(f"The folder {str(src)!r} holds no notebooks (*.ipynb); give the solutions folder.")
    if dst.exists() and dst.resolve() == src.resolve():
        raise UsageError(f"The exercises folder must not be the solutions folder (got {str(dst)!r} for both); exercises are written to their own folder.")
    dst.mkdir(parents=True, exist_ok=True)
    written = []
    for master in masters:
        learner = exercise_notebook(nbformat.read(master, as_version=4), f"{src.name}/{master.name}")
        target = dst / master.name
        partial = dst / f".{master.stem}.partial.ipynb"
        nbformat.write(learner, partial)
        try:
            if execute:
                _run(partial, target)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(target)
    return written


def _run(path: Path, target: Path) -> None:
    from nbclient.exceptions import CellExecutionError

    from ._notebooks import execute_in_place

    try:
        execute_in_place(path)
    except CellExecutionError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        msg = (f"{target.name}: a cell failed when the learner copy was run ({first}); "
               "learner cells must run with '...' answers: fix the solutions notebook so only answers are blanked.")
        raise UsageError(msg) from None
