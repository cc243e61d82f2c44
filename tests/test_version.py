"""One course version: src/resetlab/_version.py, and everything that repeats it agrees."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml
from support import REPO

from resetlab._version import __version__

NOTEBOOKS = sorted(p.relative_to(REPO).as_posix() for folder in ("notebooks", "exercises", "solutions", "docs/instructors")
                   for p in (REPO / folder).glob("*.ipynb"))


def test_the_version_is_semantic_and_read_by_pyproject():
    """_version.py holds MAJOR.MINOR.PATCH and pyproject reads it from there (nowhere else writes it)."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "resetlab._version.__version__"}


def test_citation_cff_names_the_version():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == __version__


def test_the_changelogs_newest_entry_is_the_version():
    """The first '## [x.y.z] - date' of CHANGELOG.md (an 'Unreleased' section may come before it)."""
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert entries, "CHANGELOG.md needs entries like '## [0.2.0] - 2026-12-01'"
    assert entries[0][0] == __version__
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["date-released"]) == entries[0][1], "CITATION.cff's date-released is the newest entry's date"
    versions = [tuple(map(int, v.split("."))) for v, _ in entries]
    assert versions == sorted(versions, reverse=True), "newest first"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_committed_notebook_records_the_version(path):
    """make notebooks and make exercises write metadata.resetlab.version; a stale notebook fails here."""
    metadata = json.loads((REPO / path).read_text(encoding="utf-8"))["metadata"].get("resetlab", {})
    assert metadata.get("version") == __version__, f"{path}: re-run 'make notebooks' and 'make exercises'"


@pytest.mark.parametrize("document", ["README.md", "docs/launch.md"])
def test_the_documents_name_this_version(document):
    """Where README and docs/launch.md say 'version X.Y.Z', X.Y.Z is this one."""
    text = (REPO / document).read_text(encoding="utf-8")
    for said in re.findall(r"\bversion (\d+\.\d+\.\d+)", text):
        assert said == __version__, f"{document} says version {said}"
