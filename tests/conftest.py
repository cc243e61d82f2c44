"""Shared fixtures: a private copy of the course data that a test may break."""

import shutil
from pathlib import Path

import pytest
from support import DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (raw sources included) for tests that corrupt a file."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
