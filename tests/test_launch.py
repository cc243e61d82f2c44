"""The launch routes: Binder configuration, postBuild, and the links in README and docs/launch.md."""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
OWNER, REPO_NAME, BRANCH = "reset-lab", "resetlab", "main"  # forks change these (docs/launch.md)
START_HERE = "notebooks/01-start-here.ipynb"
TEST_ONLY = {"pytest", "nbval", "playwright", "greenlet"}  # in requirements/test.txt, not in what learners install


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.split("==")[0].strip()).lower()


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line:
            continue
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.\-+]+", line), f"not an exact pin: {line!r}"
        pins[_name(line)] = line.split("==")[1]
    return pins


def _environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def _launch_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Ways to launch")
    return readme[start:readme.index("\n## ", start + 5)]


def test_environment_yml_pins_the_same_versions_as_the_runtime_list():
    """Binder installs exactly the runtime pins (requirements/runtime.txt), and no test tool."""
    local = _pins((REPO / "requirements" / "runtime.txt").read_text(encoding="utf-8").splitlines())
    pip_lists = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert len(pip_lists) == 1, "environment.yml needs exactly one pip: section"
    assert _pins(pip_lists[0]) == local
    assert not TEST_ONLY & set(local)


def test_environment_yml_leaves_nothing_to_a_conda_solve():
    """Conda installs only Python 3.11 and pip; no local path, so repo2docker can cache the layer."""
    conda = [d for d in _environment()["dependencies"] if isinstance(d, str)]
    assert sorted(conda) == ["pip", "python=3.11"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "python3.11" in makefile, "local set-up and Binder should use the same Python"
    pip_lines = next(d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict))
    assert not any(line.startswith(("-e", ".", "/", "file:")) for line in pip_lines)


@pytest.mark.skipif(shutil.which("bash") is None, reason="postBuild is a bash script")
def test_postbuild_installs_the_course_and_the_lab_settings(tmp_path):
    """postBuild, run with a stand-in python, installs the package in place and the overrides."""
    app_dir = tmp_path / "share" / "jupyter" / "lab"
    calls = tmp_path / "calls.txt"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$PWD :: $*" >> "{calls}"\n'
        'if [ "$1" = "-c" ]; then\n'
        '  case "$2" in *get_app_dir*) echo "' + str(app_dir) + '";; *) exit 3;; esac\n'
        "fi\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    postbuild = REPO / "postBuild"
    assert postbuild.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash")
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
           "CONDA_DIR": str(tmp_path / "not-the-notebook-env")}
    subprocess.run(["bash", str(postbuild)], cwd=REPO, env=env, check=True, timeout=60)
    log = calls.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(f"{REPO} :: -m pip install") and line.endswith("-e .") for line in log), log
    installed = app_dir / "settings" / "overrides.json"
    assert installed.read_bytes() == (REPO / "config" / "lab-overrides.json").read_bytes()
    assert not (tmp_path / "not-the-notebook-env").exists()


def _binder_links(text: str) -> list[str]:
    return re.findall(r"https://mybinder\.org/v2/[^\s)>\]`]+", text)


def test_binder_badge_opens_jupyterlab_on_the_start_here_notebook():
    """The README's badge (and docs/launch.md's) points at this repository, main, lesson 1 in lab."""
    section = _launch_section()
    assert "https://mybinder.org/badge_logo.svg" in section
    links = _binder_links(section) + _binder_links((REPO / "docs" / "launch.md").read_text(encoding="utf-8"))
    assert len(links) >= 2
    for link in links:
        parts = urlsplit(link)
        assert parts.path == f"/v2/gh/{OWNER}/{REPO_NAME}/{BRANCH}"
        urlpath = parse_qs(parts.query)["urlpath"]
        assert urlpath == [f"lab/tree/{START_HERE}"]
        assert (REPO / unquote(urlpath[0]).removeprefix("lab/tree/")).is_file()


def _gitpuller_links(text: str) -> list[str]:
    return re.findall(r"https://[^\s)>`]+/hub/user-redirect/git-pull\?[^\s)>`]+", text)


@pytest.mark.parametrize("document", ["README.md", "docs/launch.md"])
def test_nbgitpuller_example_decodes_to_the_repo_branch_and_notebook(document):
    """The worked nbgitpuller link is well formed and opens lesson 1 inside the pulled folder."""
    text = (REPO / document).read_text(encoding="utf-8")
    links = _gitpuller_links(text)
    examples = [link for link in links if link.startswith("https://hub.example.edu/")]
    templates = [link for link in links if link.startswith("https://HUB/")]
    assert examples and templates, f"{document}: need the template and the worked example"
    for link in links:
        parts = urlsplit(link)
        query = parse_qs(parts.query, strict_parsing=True)
        assert set(query) == {"repo", "branch", "urlpath"}
        assert query["repo"] == [f"https://github.com/{OWNER}/{REPO_NAME}"]
        assert query["branch"] == [BRANCH]
        assert query["urlpath"] == [f"lab/tree/{REPO_NAME}/{START_HERE}"]
        assert "/" not in parts.query.split("repo=")[1].split("&")[0], "repo value not URL-encoded"
    for example in examples:
        assert example.replace("https://hub.example.edu/", "https://HUB/") in templates


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_start_opens_jupyterlab_on_lesson_1(tmp_path):
    """The Makefile's own `jupyter lab` line, run on a free port: / redirects to lesson 1 (LabApp.default_url).

    ServerApp.default_url is not enough: JupyterLab's LabApp sets /lab, which wins.
    """
    dry = subprocess.run(["make", "-n", "start", "STAMP=/dev/null", "DISPLAY="], cwd=REPO,
                         capture_output=True, text=True, timeout=30)
    line = next(l for l in dry.stdout.splitlines() if "jupyter lab" in l)
    assert "--LabApp.default_url=/lab/tree/notebooks/01-start-here.ipynb" in line
    flags = [f for f in line.split() if f.startswith("--") and f != "--allow-root"]
    port, token = _free_port(), f"t{os.getpid()}"
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    lab = subprocess.Popen([str(Path(sys.executable).with_name("jupyter")), "lab", *flags, "--allow-root", f"--port={port}",
                            "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={REPO}"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, landed = time.monotonic() + 60, None
        while landed is None and time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=5) as response:
                    landed = urlsplit(response.geturl()).path
            except OSError:
                time.sleep(0.3)
        assert landed == f"/lab/tree/{START_HERE}"
    finally:
        lab.terminate()
        lab.wait(timeout=30)


def test_readme_lists_the_routes_in_order_and_says_what_jupyterlite_cannot_do():
    """Binder, then JupyterHub, then Local; JupyterLite is named as not offered, with the reason."""
    section = _launch_section()
    positions = [section.index(f"**{route}**") for route in ("Binder", "JupyterHub", "Local")]
    assert positions == sorted(positions)
    lite = section[section.index("JupyterLite"):]
    assert "pandas" in lite and "matplotlib" in lite and "offline" in lite
    assert "docs/launch.md" in section


def test_ci_installs_chromium_and_tries_the_local_commands_on_a_fresh_clone():
    """.ci/run installs Debian's chromium with apt, clones afresh and runs make test and make start."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" in script and "chromium" in script
    assert "git clone" in script
    clone = script.index("git clone")
    assert script.index("make test", clone) < script.index("make start", clone)
    assert 'f"{base}/?token={token}"' in script and "r.geturl()" in script, "CI follows the redirect from /"
    assert 'LESSON_1 = "/lab/tree/notebooks/01-start-here.ipynb"' in script and "landed.endswith(LESSON_1)" in script


def test_workshop_plan_timings_add_up_to_the_lessons_own():
    """Each plan variant sums to its stated total, and each lesson row has the lesson's own minutes."""
    plan = (REPO / "docs" / "instructors" / "workshop-plan.md").read_text(encoding="utf-8")
    own = {}
    for path in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"):
        found = re.search(r"Time to learn: (\d+) minutes", path.read_text(encoding="utf-8"))
        own[path.stem] = int(found.group(1))
    variants = re.split(r"\n## ", plan)
    checked = 0
    for variant in variants:
        rows = re.findall(r"^\| (\d+:\d\d) \| (\d+) \| ([^|]+) \|", variant, re.M)
        total = re.search(r"Total: (\d+) minutes \(lessons ([\d +]+) = (\d+)\)", variant)
        if not rows:
            continue
        checked += 1
        assert total, "each variant states its total"
        assert sum(int(m) for _, m, _ in rows) == int(total.group(1))
        clock = 0
        lesson_minutes = []
        for start, minutes, what in rows:
            hours, mins = map(int, start.split(":"))
            assert hours * 60 + mins == clock, f"row {what!r} starts at {start}"
            clock += int(minutes)
            lesson = re.search(r"notebooks/(\d\d-[a-z-]+)\.ipynb", what)
            if lesson:
                assert int(minutes) == own[lesson.group(1)], f"{lesson.group(1)}: plan {minutes}, lesson says {own[lesson.group(1)]}"
                lesson_minutes.append(int(minutes))
        assert sum(lesson_minutes) == int(total.group(3))
    assert checked == 2, "the two-hour and half-day variants"
