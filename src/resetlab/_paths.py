"""Where the course's data lives, independent of the current directory."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import DataError

#: The repository (or learner edition) the package sits in when it is installed in place
#: (``pip install -e .``), which is how ``make start``, CI and Binder install it.
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Its ``data/`` folder.
_REPO_DATA = REPO_ROOT / "data"

_UNSET = re.compile(r"\$(\w+|\{\w+\})")


def expand(value: str) -> str:
    """Expand ``~`` and ``$VARS`` in a path from the environment, as a shell would.

    A hub passes ``RESETLAB_DATA`` to every learner's server as one literal
    string (JupyterHub's own Spawner does not fill in ``{username}``), so the
    course expands it where it runs, with that learner's ``$HOME``:

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"HOME": "/home/ada", "COURSE": "resetlab"}):
    ...     expand("~/resetlab/data"), expand("$HOME/${COURSE}/data")
    ('/home/ada/resetlab/data', '/home/ada/resetlab/data')
    """
    return os.path.expandvars(os.path.expanduser(value))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder: *override*, else ``$RESETLAB_DATA``, else the repo's ``data/``.

    ``~`` and ``$VARS`` in either are expanded (see :func:`expand`).
    """
    chosen = override or os.environ.get("RESETLAB_DATA") or _REPO_DATA
    if isinstance(chosen, str):
        chosen = expand(chosen)
        unset = _UNSET.search(chosen)
        if unset:
            name = unset.group(1).strip("{}")
            msg = (f"The data folder {chosen!r} names ${name}, which is not set here; set {name} "
                   "or give RESETLAB_DATA as a full path (or starting with ~).")
            raise DataError(msg)
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
