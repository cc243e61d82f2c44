"""Where the course's data lives, independent of the current directory."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

#: The repository's ``data/`` folder when the package is installed in place
#: (``pip install -e .``), which is how ``make start``, CI and Binder install it.
_REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder: *override*, else ``$RESETLAB_DATA``, else the repo's ``data/``."""
    chosen = override or os.environ.get("RESETLAB_DATA") or _REPO_DATA
    path = Path(chosen)
    if (path / "sources.csv").is_dir():
        msg = (f"In {path.name!r}, sources.csv is a folder, not a file; remove the folder and restore the file "
               "with 'git checkout -- data/sources.csv'.")
        raise DataError(msg)
    if not (path / "sources.csv").is_file():
        msg = (
            f"No course data found in {path.name!r} (expected a folder holding sources.csv). "
            "Install the course with 'make start' from the repository, or set RESETLAB_DATA "
            "to the repository's data folder."
        )
        raise DataError(msg)
    return path
