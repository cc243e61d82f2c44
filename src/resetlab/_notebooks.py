"""Execute notebooks with nbclient and store them in a deterministic form.

Used by ``make notebooks`` (lessons and solutions) so every committed notebook
ran top to bottom in a fresh kernel, with no timestamps or widget-state ids
that would change from run to run.
"""

from __future__ import annotations

from pathlib import Path

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


def normalise(nb) -> None:
    """Strip run-specific metadata in place: timings, widget state, cell ids' churn."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def execute_in_place(path: str | Path, timeout: int = 120) -> None:
    """Run *path* top to bottom in a fresh kernel from its own folder and save it."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    normalise(nb)
    nbformat.write(nb, path)
