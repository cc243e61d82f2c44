"""Execute notebooks with nbclient and store them in a deterministic form.

Used by ``make notebooks`` (lessons and solutions) so every committed notebook
ran top to bottom in a fresh kernel, with no timestamps or widget-state ids
that would change from run to run.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def language_info() -> dict:
    """The notebook's ``language_info`` exactly as ipykernel reports it and JupyterLab stores it.

    JupyterLab writes the kernel's ``language_info`` into the notebook as soon as
    the kernel starts; a stored value that differs (the bare ``{"name": "python"}``
    once kept here) marks every lesson unsaved the moment it opens, and closing it
    untouched then asks to save.  The version is this Python's, the one the
    course's kernel runs.
    """
    import platform

    return {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": platform.python_version(),
    }


#: How a lesson's Prerequisites cell states its time to learn (read by the tests, the site and its home page).
TIME_TO_LEARN = re.compile(r"Time to learn: (\d+) minutes\*\*: about (\d+) for this lesson and (\d+) for its exercises")


def time_to_learn(markdown: str) -> tuple[int, int, int] | None:
    """A lesson's 'Time to learn' total and its lesson and exercise parts, from its Markdown; None if it has none.

    >>> time_to_learn("**Time to learn: 80 minutes**: about 35 for this lesson and 45 for its exercises")
    (80, 35, 45)
    """
    found = TIME_TO_LEARN.search(markdown)
    return tuple(int(g) for g in found.groups()) if found else None


def header_id(heading: str) -> str:
    """The anchor JupyterLab gives a Markdown heading: its text, spaces as hyphens (createHeaderId).

    The lessons link glossary entries by these anchors, so the website gives its headings the same ones.

    >>> header_id("### NATO Membership Action Plan")
    'NATO-Membership-Action-Plan'
    >>> header_id("### `value_counts`")
    'value_counts'
    """
    return heading.lstrip("#").strip().replace("`", "").replace(" ", "-")


#: What a notebook is, by the folder it is kept in; recorded in ``metadata.resetlab.kind``.
KINDS = {"notebooks": "lesson", "exercises": "exercise", "solutions": "solution", "instructors": "instructors"}


def stamp(nb, path: str | Path) -> None:
    """Record in *nb*'s metadata what it is (lesson, exercise, solution) and the course version.

    The grader reads this: an instructors' copy or a lesson handed in is never a
    learner's score, and a copy from another version of the course is named.
    A notebook outside the course's folders is left as it is.
    """
    from ._version import __version__

    path = Path(path)
    kind = KINDS.get(path.parent.name)
    if kind is None:
        return
    meta = dict(nb.metadata.get("resetlab") or {})
    meta.setdefault("lesson", path.stem)
    meta["kind"] = kind
    meta["version"] = __version__
    nb.metadata["resetlab"] = meta


def normalise(nb) -> None:
    """Strip run-specific metadata in place: timings, widget state, cell ids' churn."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = language_info()
    widget_views = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view is not None:
                # The widget state is not stored, so the random model id only churns diffs.
                widget_views += 1
                view["model_id"] = f"{widget_views:032x}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def execute_in_place(path: str | Path, timeout: int = 120) -> None:
    """Run *path* top to bottom in a fresh kernel from its own folder and save it."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise UsageError(f"Cannot execute {str(path)!r}: it {what}; give notebook files, like notebooks/01-start-here.ipynb.")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for a file that is not a notebook
        raise UsageError(f"Cannot execute {str(path)!r}: it is not a readable notebook ({type(exc).__name__}); open it in Jupyter and save it, or restore it with git.") from None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    normalise(nb)
    stamp(nb, path)
    nbformat.write(nb, path)
