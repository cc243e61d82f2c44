"""The pinned requirements and Binder's ``environment.yml``, generated from them.

``requirements/runtime.txt`` is the one place the versions learners run are
chosen; ``requirements/test.txt`` includes it (``-r runtime.txt``) and adds the
test tools.  ``python -m resetlab environment`` (``make environment``) writes
``environment.yml`` from the runtime list, so Binder installs exactly those
pins; ``--check`` only says whether the file is up to date.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._paths import REPO_ROOT
from .errors import UsageError

RUNTIME = Path("requirements") / "runtime.txt"
TEST = Path("requirements") / "test.txt"
ENVIRONMENT = Path("environment.yml")
PYTHON = "3.11"  # the Makefile asks for python3.11 too; a test checks they agree
_PIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*==[A-Za-z0-9_.\-+!]+")

_HEADER = f"""\
# Binder / conda environment for Reset Lab: what learners need to run the course.
# Generated from {RUNTIME.as_posix()} by `make environment` (python -m resetlab environment): do not
# edit by hand, and a test fails if the two differ. Conda installs only Python and pip; every
# package comes from pip at its exact pin, so Binder runs the versions the course is tested with.
# Left out on purpose: the test tools in {TEST.as_posix()} (pytest, nbval, playwright, greenlet, ...).
"""


def read_pins(path: str | Path) -> list[str]:
    r"""Return the exact pins (``name==version``) of a requirements file, following ``-r`` includes.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("# pins\npandas==3.1.1\n")
    >>> _ = (folder / "b.txt").write_text("-r a.txt\npytest==9.2.0  # tests\n")
    >>> read_pins(folder / "b.txt")
    ['pandas==3.1.1', 'pytest==9.2.0']
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"No requirements file at {str(path)!r}; restore it with 'git checkout -- {path.as_posix()}'.") from None
    pins: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.extend(read_pins(path.parent / line[3:].strip()))
        elif _PIN.fullmatch(line):
            pins.append(line)
        else:
            raise UsageError(f"{path.name}, line {number}: expected an exact pin like 'pandas==3.1.1' (got {line!r}); pin one version.")
    return pins


def render_environment(pins: list[str]) -> str:
    """Return the text of ``environment.yml`` for *pins*."""
    body = "".join(f"      - {pin}\n" for pin in pins)
    return (f"{_HEADER}name: resetlab\nchannels:\n  - conda-forge\ndependencies:\n"
            f"  - python={PYTHON}\n  - pip\n  - pip:\n{body}")


def environment_text(root: str | Path = REPO_ROOT) -> str:
    """The ``environment.yml`` that the runtime pins in *root* call for."""
    return render_environment(read_pins(Path(root) / RUNTIME))


def write_environment(root: str | Path = REPO_ROOT, check: bool = False) -> Path:
    """Write ``environment.yml`` from the runtime pins (or, with *check*, only compare).

    Raises:
        UsageError: with *check*, when the file is missing or differs.
    """
    target = Path(root) / ENVIRONMENT
    wanted = environment_text(root)
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != wanted:
            raise UsageError(f"{ENVIRONMENT} does not match {RUNTIME.as_posix()}; run 'make environment' to regenerate it.")
        return target
    target.write_text(wanted, encoding="utf-8")
    return target
