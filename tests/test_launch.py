"""The launch routes: Binder configuration, postBuild, make start, and the links in README and docs/launch.md.

Every link is built from config/launch.toml (the learner edition's public address, the one place
it is written) and the course version; the documents are checked against what
`python -m resetlab links` builds.
"""

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

from resetlab import UsageError
from resetlab.__main__ import main
from resetlab._launch import Launch, find_links, find_site_links, load_launch, rewrite_links, series
from resetlab._version import __version__

REPO = Path(__file__).resolve().parents[1]
LAUNCH = load_launch()
START_HERE = "notebooks/01-start-here.ipynb"
DOCUMENTS = ("README.md", "docs/launch.md")


def _environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def _launch_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Ways to launch")
    return readme[start:readme.index("\n## ", start + 5)]


def _read(document: str) -> str:
    return (REPO / document).read_text(encoding="utf-8")


def test_environment_yml_leaves_nothing_to_a_conda_solve():
    """Conda installs only Python 3.11 and pip; no local path, so repo2docker can cache the layer."""
    conda = [d for d in _environment()["dependencies"] if isinstance(d, str)]
    assert sorted(conda) == ["pip", "python=3.11"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "python3.11" in makefile, "local set-up and Binder should use the same Python"
    pip_lines = next(d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict))
    assert not any(line.startswith(("-e", ".", "/", "file:")) for line in pip_lines)
    assert not {"pytest", "nbval", "playwright", "greenlet"} & {line.split("==")[0].lower() for line in pip_lines}


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


def test_the_configuration_names_the_learner_edition_at_this_version():
    """config/launch.toml: a repository that is not the full one, the version's tag, a branch for nbgitpuller."""
    assert LAUNCH.tag == f"v{__version__}" and LAUNCH.branch == f"release-{series()}"
    assert LAUNCH.repo != "resetlab", "the launch routes open the learner edition, not the repository with the solutions"
    assert LAUNCH.tag != LAUNCH.branch, "nbgitpuller follows a branch; a tag of the same name would be ambiguous"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_binder_links_open_the_edition_at_its_tag_on_lesson_1(document):
    """Every Binder link is the one config/launch.toml builds: the edition's tag, JupyterLab, lesson 1."""
    binder, _ = find_links(_read(document))
    assert binder, f"{document}: no Binder link"
    for link in binder:
        assert link == LAUNCH.binder, f"{document}: replace {link} by {LAUNCH.binder} (python -m resetlab links --write {document})"
        parts = urlsplit(link)
        assert parts.path == f"/v2/gh/{LAUNCH.owner}/{LAUNCH.repo}/{LAUNCH.tag}"
        urlpath = parse_qs(parts.query)["urlpath"]
        assert urlpath == [f"lab/tree/{START_HERE}"]
        assert (REPO / unquote(urlpath[0]).removeprefix("lab/tree/")).is_file()
    assert "https://mybinder.org/badge_logo.svg" in _launch_section()


@pytest.mark.parametrize("document", DOCUMENTS)
def test_nbgitpuller_links_pull_the_edition_and_open_lesson_1(document):
    """The template (HUB) and the worked example (hub.example.edu) are config/launch.toml's, well formed and encoded."""
    _, links = find_links(_read(document))
    hubs = {hub for hub, _ in links}
    assert {"HUB", "hub.example.edu"} <= hubs, f"{document}: need the template and the worked example"
    for hub, link in links:
        assert link == LAUNCH.nbgitpuller(hub), f"{document}: replace {link} by {LAUNCH.nbgitpuller(hub)}"
        parts = urlsplit(link)
        query = parse_qs(parts.query, strict_parsing=True)
        assert set(query) == {"repo", "branch", "urlpath"}
        assert query["repo"] == [LAUNCH.address] and query["branch"] == [LAUNCH.branch]
        assert query["urlpath"] == [f"lab/tree/{LAUNCH.repo}/{START_HERE}"]
        assert "/" not in parts.query.split("repo=")[1].split("&")[0], "repo value not URL-encoded"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_other_mention_of_the_address_and_refs_agrees_with_the_configuration(document):
    """Clone commands, the hub's pip install and RESETLAB_DATA, tags and branches named in prose: all from config/launch.toml."""
    text = _read(document)
    routes = _launch_section() if document == "README.md" else text.split("## Publishing the learner edition")[0]
    for owner, repo in re.findall(r"github\.com[/:]([\w.-]+)/([\w.-]+?)(?:\.git)?(?=[\s`)@>/]|$)", routes):
        assert (owner, repo) in {(LAUNCH.owner, LAUNCH.repo), ("jupyterhub", "nbgitpuller")}, f"{document}: {owner}/{repo}"
    for tag in re.findall(r"(?<![\w-])v\d+\.\d+\.\d+", routes):
        assert tag == LAUNCH.tag, f"{document}: {tag} where the edition's tag is {LAUNCH.tag}"
    for branch in re.findall(r"\brelease-\d+\.\d+", routes):
        assert branch == LAUNCH.branch, f"{document}: {branch} where the branch is {LAUNCH.branch}"
    assert "@main" not in text and "branch=main" not in text, "the routes name the version, not main"
    if document == "docs/launch.md":
        assert f"pip install --no-cache-dir --no-deps {LAUNCH.pip_package}" in text
        assert LAUNCH.raw_file("requirements/runtime.txt") in text
        assert f'c.Spawner.environment = {{"RESETLAB_DATA": "{LAUNCH.data_folder}"}}' in text
        assert "{username}/" not in text.replace("/home/{username}/...", ""), "JupyterHub's Spawner passes {username} literally"


def test_readme_says_near_the_top_that_the_address_is_a_placeholder():
    """While config/launch.toml says published = false, the README's first lines say so plainly."""
    top = "\n".join(_read("README.md").splitlines()[:12])
    if LAUNCH.published:
        assert "placeholder" not in top
    else:
        assert "placeholder" in top and LAUNCH.address in top and LAUNCH.tag in top
        assert "placeholder" in _read("docs/launch.md").split("## Binder")[0]


def test_links_command_prints_the_links_and_builds_them_for_any_address(capsys):
    """`links --hub HOST` prints Binder, nbgitpuller, the hub's needs and the tag to create; overrides change the address."""
    assert main(["links", "--hub", "hub.example.edu"]) == 0
    out = capsys.readouterr().out
    assert f"binder: {LAUNCH.binder}\n" in out and f"nbgitpuller: {LAUNCH.nbgitpuller('hub.example.edu')}\n" in out
    assert f"tag {LAUNCH.tag}" in out and f"branch {LAUNCH.branch}" in out and LAUNCH.pip_package in out
    assert ("placeholder" in out) is not LAUNCH.published
    assert main(["links", "--hub", "https://jupyter.uni.example/", "--owner", "my-org", "--repo", "course", "--tag", "v9.9.9"]) == 0
    out = capsys.readouterr().out
    other = Launch("my-org", "course", "v9.9.9", LAUNCH.branch)
    assert other.binder in out and other.nbgitpuller("jupyter.uni.example") in out
    for bad in (["--hub", "hub.example.edu/hub/login"], ["--owner", "a b"], ["--tag", "v1..2"]):
        assert main(["links", *bad]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, (bad, err)


def test_links_write_keeps_the_documents_as_they_are_and_rewrites_a_fork(tmp_path, capsys):
    """The committed documents are what `links --write` makes; for another address it rewrites every link, hubs kept."""
    for document in DOCUMENTS:
        text = _read(document)
        assert rewrite_links(text, LAUNCH) == text, f"run: python -m resetlab links --write {document}"
        copy = tmp_path / Path(document).name
        copy.write_text(text, encoding="utf-8")
        assert main(["links", "--write", str(copy), "--owner", "fork", "--repo", "course-learners"]) == 0
        assert "rewrote" in capsys.readouterr().out
        fork = Launch("fork", "course-learners", LAUNCH.tag, LAUNCH.branch)
        binder, pullers = find_links(copy.read_text(encoding="utf-8"))
        assert binder and set(binder) == {fork.binder}
        assert {link for _, link in pullers} == {fork.nbgitpuller(hub) for hub, _ in find_links(text)[1]}
    assert main(["links", "--write", str(tmp_path / "missing.md")]) == 1
    assert capsys.readouterr().err.startswith("error: ")


def test_a_broken_configuration_is_one_sentence(tmp_path):
    """A missing table, an empty value, an unknown field or bad TOML names the file and the fix."""
    for text, message in (("published = false\n", r"needs an \[edition\] table"),
                          ('[edition]\nowner = "a"\nrepo = ""\ntag = "v1"\nbranch = "b"\n', "'repo' must be a non-empty"),
                          ('[edition]\nowner = "a"\nrepo = "r"\ntag = "v{release}"\nbranch = "b"\n', r"only \{version\} and \{series\}"),
                          ("[edition\n", "not valid TOML")):
        path = tmp_path / "launch.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=message):
            load_launch(path)


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
        text = path.read_text(encoding="utf-8")  # the plan teaches the lesson part; exercises have rows of their own
        found = re.search(r"Time to learn: \d+ minutes\*\*: about (\d+) for this lesson", text) or re.search(r"Time to learn: (\d+) minutes", text)
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


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_website_address_is_the_configured_one_and_said_to_be_a_placeholder(document):
    """README and docs/launch.md link the website at config/launch.toml's [site] address, and call it a placeholder until published."""
    text = _read(document)
    links = find_site_links(text)
    assert links and set(links) == {LAUNCH.site}, f"{document}: run python -m resetlab links --write {document}"
    assert LAUNCH.site.startswith("https://") and LAUNCH.site.endswith("/")
    if not LAUNCH.published:
        for match in re.finditer(re.escape(LAUNCH.site), text):
            assert "placeholder" in text[match.start():match.end() + 200], f"{document}: say the address is a placeholder"


def test_links_write_rewrites_the_website_address_and_a_bad_one_is_one_sentence(tmp_path):
    """A fork with its own [site] address gets it in both documents; an address that is not https://.../ is refused."""
    fork = Launch("fork", "course-learners", LAUNCH.tag, LAUNCH.branch, site_address="https://course.example.edu/reset/")
    for document in DOCUMENTS:
        rewritten = rewrite_links(_read(document), fork)
        assert set(find_site_links(rewritten)) == {"https://course.example.edu/reset/"}
    assert Launch("fork", "course-learners", LAUNCH.tag, LAUNCH.branch).site == "https://fork.github.io/course-learners/"
    path = tmp_path / "launch.toml"
    config = (REPO / "config" / "launch.toml").read_text(encoding="utf-8")
    for bad in ('"http://example.org/"', '"https://example.org/no-slash"', "3"):
        path.write_text(re.sub(r'(?m)^address = .*$', f"address = {bad}", config), encoding="utf-8")
        with pytest.raises(UsageError, match=r"\[site\]: 'address' must be a web address ending in '/'"):
            load_launch(path)
