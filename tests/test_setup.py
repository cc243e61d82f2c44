"""Tests for the project's set-up: pins in one place, the README's two commands, CI."""

import re
import subprocess
import sys

from support import DATA, REPO

BROWSER_ONLY = {"playwright", "greenlet"}


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.strip().lstrip("- ").strip()
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_requirements_pin_every_package_exactly():
    """requirements.txt pins each package to one version (no ranges, no bare names)."""
    lines = [l for l in (REPO / "requirements.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][^ ]*", l) for l in lines)
    for base in ("jupyterlab", "pandas", "matplotlib", "ipywidgets", "nbclient", "nbval", "pytest", "playwright"):
        assert base in _pins(lines)


def test_environment_yml_agrees_with_requirements():
    """Binder's environment.yml installs the same pins, less the browser-test-only packages."""
    env = (REPO / "environment.yml").read_text().splitlines()
    assert "  - python=3.11" in env
    req = _pins((REPO / "requirements.txt").read_text().splitlines())
    expected = {k: v for k, v in req.items() if k not in BROWSER_ONLY}
    assert _pins(env) == expected


def test_installed_versions_match_the_pins():
    """The environment running the tests is the pinned one (catches a stale .venv)."""
    from importlib.metadata import version

    req = _pins((REPO / "requirements.txt").read_text().splitlines())
    for name in ("pandas", "ipywidgets", "nbclient", "nbval", "jupyterlab"):
        assert version(name) == req[name]


def test_readme_gives_exactly_two_setup_commands_that_the_makefile_has():
    """The README's set-up block is `make start` and `make test`, and both targets exist."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Set up and run.*?```bash\n(.*?)```", readme, re.S).group(1)
    commands = [l.split("#")[0].strip() for l in block.splitlines() if l.strip()]
    assert commands == ["make start", "make test"]
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^start: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)


def test_ci_runs_the_readme_test_command():
    """.ci/run installs chromium with apt and runs `make test`, the README's command, as a command line."""
    lines = [l.strip() for l in (REPO / ".ci" / "run").read_text().splitlines()]
    assert "make test" in lines
    assert any(l.startswith("apt-get install") and "chromium" in l for l in lines)


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
