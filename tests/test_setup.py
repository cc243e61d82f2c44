"""Tests for the project's set-up: pins in one place, the README's two commands, CI."""

import re
import subprocess
import sys

import pytest

from support import DATA, REPO

RUNTIME = REPO / "requirements" / "runtime.txt"
TEST = REPO / "requirements" / "test.txt"
#: What only the tests need; learners' installs (Binder, hubs, the learner edition) leave these out.
TEST_ONLY = {"axe-playwright-python", "pytest", "nbval", "playwright", "pytest-xdist", "coverage", "execnet", "iniconfig", "pluggy", "greenlet"}
#: What the course itself imports or runs (pyproject's dependencies, and JupyterLab to open it in).
RUNTIME_ROOTS = ("jupyterlab", "pandas", "matplotlib", "ipywidgets", "nbclient", "nbformat", "ipykernel")


def _name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.strip().lstrip("- ").strip()
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_name(name)] = version
    return pins


def _lines(path):
    return [l for l in path.read_text().splitlines() if l.strip() and not l.startswith("#")]


def test_requirements_pin_every_package_exactly():
    """runtime.txt pins each package to one version; test.txt is '-r runtime.txt' plus pinned test tools."""
    runtime = _lines(RUNTIME)
    assert runtime and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][^ ]*", l) for l in runtime)
    test = _lines(TEST)
    assert test[0] == "-r runtime.txt" and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][^ ]*", l) for l in test[1:])
    assert set(_pins(test[1:])) == TEST_ONLY, "test.txt holds the test tools and nothing else"
    assert not TEST_ONLY & set(_pins(runtime)), "the runtime list holds no test tool"
    for base in RUNTIME_ROOTS:
        assert base in _pins(runtime)
    assert not (REPO / "requirements.txt").exists(), "one runtime list: requirements/runtime.txt"


def test_the_runtime_list_is_closed_under_its_dependencies():
    """Every dependency of the course's packages (and of theirs, extras included) is pinned in runtime.txt.

    Read from the installed packages' own metadata, so it needs no network; setuptools is pinned
    besides, to install the course in place without build isolation (Makefile, postBuild).
    """
    from importlib.metadata import distribution

    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    runtime = _pins(_lines(RUNTIME))
    environment = default_environment()
    seen, todo = set(), [(name, ()) for name in RUNTIME_ROOTS]
    while todo:
        name, extras = todo.pop()
        if (_name(name), extras) in seen:
            continue
        seen.add((_name(name), extras))
        for requirement in map(Requirement, distribution(name).requires or []):
            marker = requirement.marker
            if marker is None or any(marker.evaluate({**environment, "extra": e}) for e in ("", *extras)):
                todo.append((requirement.name, tuple(sorted(requirement.extras))))
    needed = {name for name, _ in seen}
    assert needed - set(runtime) == set(), "dependencies missing from runtime.txt"
    assert set(runtime) - needed == {"setuptools"}, "runtime.txt pins something the course does not need"


def test_environment_yml_is_generated_from_the_runtime_list():
    """Binder's environment.yml is exactly what `python -m resetlab environment` writes from runtime.txt."""
    from resetlab._environment import environment_text

    env = (REPO / "environment.yml").read_text()
    assert env == environment_text(REPO), "run 'make environment'"
    assert "  - python=3.11" in env.splitlines()
    assert _pins(env.splitlines()) == _pins(_lines(RUNTIME))
    result = subprocess.run([sys.executable, "-m", "resetlab", "environment", "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "environment.yml is up to date", result.stderr


def test_environment_check_names_the_fix_when_the_lists_differ(tmp_path):
    """A stale environment.yml, or a runtime pin that is not exact, is one sentence saying what to run."""
    from resetlab import UsageError
    from resetlab._environment import write_environment

    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "runtime.txt").write_text("pandas==3.1.1\n")
    (tmp_path / "environment.yml").write_text("name: resetlab\n")
    with pytest.raises(UsageError, match="run 'make environment'"):
        write_environment(tmp_path, check=True)
    write_environment(tmp_path)
    assert write_environment(tmp_path, check=True) == tmp_path / "environment.yml"
    (tmp_path / "requirements" / "runtime.txt").write_text("pandas>=3\n")
    with pytest.raises(UsageError, match="line 1: expected an exact pin"):
        write_environment(tmp_path)


def test_installed_versions_match_the_pins():
    """The environment running the tests is the pinned one (catches a stale .venv)."""
    from importlib.metadata import version

    req = _pins(_lines(RUNTIME)) | _pins(_lines(TEST)[1:])
    for name in ("pandas", "ipywidgets", "nbclient", "nbval", "jupyterlab", "pytest"):
        assert version(name) == req[name]


def test_makefile_installs_the_test_list_here_and_the_runtime_list_in_the_edition():
    """The stamp depends on both lists; it installs test.txt where it exists, else runtime.txt."""
    makefile = (REPO / "Makefile").read_text()
    assert "REQUIREMENTS := $(firstword $(wildcard requirements/test.txt) requirements/runtime.txt)" in makefile
    assert re.search(r"^\$\(STAMP\): requirements/runtime\.txt \$\(REQUIREMENTS\) ", makefile, re.M)
    assert "pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)" in makefile
    assert re.search(r"^environment: ", makefile, re.M) and "-m resetlab environment" in makefile


def test_resetlab_data_expands_home_and_variables(tmp_path, monkeypatch):
    """RESETLAB_DATA='~/resetlab/data' (a hub's one value for every learner) is read from each learner's home."""
    from resetlab import DataError
    from resetlab._paths import data_dir

    (tmp_path / "resetlab" / "data").mkdir(parents=True)
    (tmp_path / "resetlab" / "data" / "sources.csv").write_text("source_id\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COURSE", "resetlab")
    for value in ("~/resetlab/data", "$HOME/resetlab/data", "${HOME}/${COURSE}/data"):
        monkeypatch.setenv("RESETLAB_DATA", value)
        assert data_dir() == tmp_path / "resetlab" / "data", value
    monkeypatch.setenv("RESETLAB_DATA", "$NO_SUCH_VARIABLE_HERE/data")
    with pytest.raises(DataError, match=r"names \$NO_SUCH_VARIABLE_HERE, which is not set here"):
        data_dir()


def test_readme_gives_exactly_two_setup_commands_that_the_makefile_has():
    """The README's set-up block is `make start` and `make test`, and both targets exist."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Set up and run.*?```bash\n(.*?)```", readme, re.S).group(1)
    commands = [l.split("#")[0].strip() for l in block.splitlines() if l.strip()]
    assert commands == ["make start", "make test"]
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^start: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)


def test_ci_runs_the_readme_test_command():
    """.ci/run installs chromium and bubblewrap with apt and runs `make test`, the README's command, as a command line."""
    lines = [l.strip() for l in (REPO / ".ci" / "run").read_text().splitlines()]
    assert "make test" in lines
    assert any(l.startswith("apt-get install") and "chromium" in l and "bubblewrap" in l for l in lines)


def test_build_data_command_writes_where_asked(tmp_path):
    """`build-data --out` writes the table elsewhere and leaves data/ untouched."""
    before = (DATA / "statements.csv").read_bytes()
    out = tmp_path / "statements.csv"
    result = subprocess.run([sys.executable, "-m", "resetlab", "build-data", "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == before == (DATA / "statements.csv").read_bytes()


def test_usage_error_is_one_sentence():
    """An unknown command gets argparse's usage message and exit 2, not a traceback."""
    result = subprocess.run([sys.executable, "-m", "resetlab", "no-such-command"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_command_line_mistakes_are_one_sentence_not_a_traceback(tmp_path):
    """execute on a missing file, a folder or a non-notebook, build-data --out a folder: exit 1 and one 'error:' line."""
    (tmp_path / "notes.ipynb").write_text("not json", encoding="utf-8")
    for args in (["execute", str(tmp_path / "missing.ipynb")], ["execute", str(tmp_path)],
                 ["execute", str(tmp_path / "notes.ipynb")], ["build-data", "--out", str(tmp_path)]):
        result = subprocess.run([sys.executable, "-m", "resetlab", *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr and result.stderr.startswith("error: "), (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, args


def test_lab_settings_leave_every_command_mode_key_on_a_widget_to_the_widget():
    """config/lab-overrides.json disables each notebook command-mode shortcut of the installed JupyterLab
    and binds it again outside widgets only; a JupyterLab upgrade that adds one fails here (run lab-settings)."""
    import json

    from resetlab._lab_settings import OUTSIDE_WIDGETS, SHORTCUTS_PLUGIN, command_mode_shortcuts

    shipped = json.loads((REPO / "config" / "lab-overrides.json").read_text(encoding="utf-8"))[SHORTCUTS_PLUGIN]["shortcuts"]
    expected = command_mode_shortcuts()
    assert len(expected) > 30  # M, A, B, J, K, Y, R, the arrows... (the schemas were found)
    for shortcut in expected:
        assert {**shortcut, "disabled": True} in shipped, shortcut
        assert {**shortcut, "selector": shortcut["selector"] + OUTSIDE_WIDGETS} in shipped, shortcut
    assert len(shipped) == 2 * len(expected)
