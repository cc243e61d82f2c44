"""Hostile hand-ins, graded contained and limited: what each mode refuses, proven rather than claimed.

Every hostile notebook is exercise 1 answered as a learner would, with hostile cells
put after its first answer.  Around the submissions folder the test lays decoys of
what a grader's machine holds: another learner's hand-in, a file in an "instructor's
home", a file beside the grader's output, the course data (a copy, through
RESETLAB_DATA), a process standing for the grader, and a TCP server on 127.0.0.1.

Contained mode must refuse everything (each row's reason names the refusal, no
decoy's content reaches grades.csv, the feedback or the report, no decoy changes).
Limited mode is tested for what ``docs/grader.md`` says it does *not* refuse: reading
and writing your files, the loopback network, signalling your processes.  The
fixtures that would harm the machine running the tests (a fork bomb as root,
killing the grader, deleting what it can from ``/``) are run contained only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from class_support import answered

from resetlab.grader import Limits, grade_folder
from resetlab.grader._contain import probe

REPO = Path(__file__).resolve().parents[1]
LESSON = "01-start-here"
LIMITS = Limits(cell_timeout=10, notebook_timeout=45, memory=1280 * 1024**2, grace=2, scratch=64 * 1024**2)
SECRETS = {"sibling": "SIBLING-SECRET-4b1f", "home": "HOME-SECRET-93ad", "output": "OUTPUT-SECRET-27c0"}

pytestmark = pytest.mark.slow


def _hostile(cells: list[str]) -> nbformat.NotebookNode:
    nb = answered(LESSON)
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "q1_1 =" in c.source)
    for offset, source in enumerate(cells, start=1):
        nb.cells.insert(first + offset, nbformat.v4.new_code_cell(source))
    nb.cells.append(nbformat.v4.new_code_cell(
        'q1_2 = " | ".join(str(v) for k, v in sorted(globals().items()) if k.startswith("leak_")) or q1_2'))
    return nb


def _fixtures(place: dict, contained: bool) -> dict[str, list[str]]:
    p = {k: repr(str(v)) for k, v in place.items()}
    fixtures = {
        "reads-others": [f"import json\nleak_sibling = ''.join(json.load(open({p['sibling']}))['cells'][0]['source'])", f"leak_home = open({p['home_secret']}).read()",
                         f"leak_output = open({p['out_secret']}).read()", "leak_shadow = open('/etc/shadow').read()[:20]"],
        "network": [f"import socket\nleak_loopback = socket.create_connection(('127.0.0.1', {place['port']}), timeout=3).recv(64).decode()",
                    "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=3)"],
        "writes-outside": [f"open({p['subs_evil']}, 'w').write('evil')", f"open({p['data_evil']}, 'w').write('evil')",
                           f"open({p['home_evil']}, 'w').write('evil')", f"open({p['out_secret']}, 'a').write('evil')"],
        "kills": [f"import os, signal\nos.kill({place['decoy_pid']}, signal.SIGKILL)"],
        "fills-disk": ["import os\nwritten = 0\nwhile written < 96 * 2**20:\n    with open(f'fill-{written}', 'wb') as f:\n"
                       "        f.write(os.urandom(8 * 2**20))\n    written += 8 * 2**20\nleak_disk = f'wrote {written >> 20} MB'"],
        "ignores-deadline": ["import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(1000)"],
        "deletes": [f"import os\nos.chdir('/')\nos.remove({p['subs_keep']})", f"os.remove({p['home_keep']})",
                    f"os.remove({p['data_keep']})"],
    }
    if contained:  # these would harm the machine running the tests in limited mode
        fixtures["kills"] += ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
                              "import os, signal\nos.killpg(os.getpgid(os.getppid()), signal.SIGKILL)"]
        fixtures["fork-bomb"] = ["import os, time\nchildren = 0\nwhile True:\n    if os.fork() == 0:\n        time.sleep(20)\n"
                                 "        os._exit(0)\n    children += 1"]
        fixtures["deletes"] += ["import shutil\nshutil.rmtree('/', ignore_errors=True)\nleak_deleted = 'tried'"]
    return fixtures


def _hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for root in paths:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file():
                digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


class _Server:
    """A TCP server on 127.0.0.1 standing for a service of the grading machine; counts who reached it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.reached = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.reached += 1
            conn.sendall(b"LOOPBACK-SERVICE-REACHED")
            conn.close()


def _run(tmp: Path, isolation: str) -> dict:
    subs, home, out, data = tmp / "subs", tmp / "instructor-home", tmp / "out", tmp / "data"
    for folder in (subs, home, out):
        folder.mkdir()
    shutil.copytree(REPO / "data", data)
    nbformat.write(_with_secret(answered(LESSON)), subs / f"sibling_{LESSON}.ipynb")
    (home / "notes.txt").write_text(SECRETS["home"], encoding="utf-8")
    (out / "previous-grades.csv").write_text(SECRETS["output"], encoding="utf-8")
    decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    server = _Server()
    place = {"sibling": subs / f"sibling_{LESSON}.ipynb", "home_secret": home / "notes.txt",
             "out_secret": out / "previous-grades.csv", "subs_evil": subs / "evil.txt", "data_evil": data / "evil.csv",
             "home_evil": home / "evil.txt", "subs_keep": subs / "keep-me.txt", "home_keep": home / "keep-me.txt",
             "data_keep": data / "keep-me.txt", "port": server.port, "decoy_pid": decoy.pid}
    for key in ("subs_keep", "home_keep", "data_keep"):
        place[key].write_text("keep me", encoding="utf-8")
    fixtures = _fixtures(place, isolation == "contained")
    for name, cells in fixtures.items():
        nbformat.write(_hostile(cells), subs / f"{name}_{LESSON}.ipynb")
    before = _hash([subs, home, data, out / "previous-grades.csv"])
    old = os.environ.get("RESETLAB_DATA")
    os.environ["RESETLAB_DATA"] = str(data)
    try:
        rows = grade_folder(subs, out / "grades.csv", out / "feedback", jobs=2, limits=LIMITS, isolation=isolation,
                            report=out / "report.html")
    finally:
        if old is None:
            os.environ.pop("RESETLAB_DATA", None)
        else:
            os.environ["RESETLAB_DATA"] = old
    outputs = (out / "grades.csv").read_text(encoding="utf-8") + (out / "report.html").read_text(encoding="utf-8")
    outputs += "".join(p.read_text(encoding="utf-8") for p in sorted((out / "feedback").glob("*.md")))
    decoy_alive = decoy.poll() is None
    if decoy_alive:
        decoy.kill()
    decoy.wait()
    server.sock.close()
    after = _hash([subs, home, data, out / "previous-grades.csv"])
    return {"rows": {r.file.split("_", 1)[0]: r for r in rows}, "outputs": outputs, "decoy_alive": decoy_alive,
            "server": server, "tmp": tmp, "unchanged": before == after, "place": place,
            "watched_now": {"subs_evil": place["subs_evil"].exists(), "data_evil": place["data_evil"].exists(),
                            "home_evil": place["home_evil"].exists(), "subs_keep": place["subs_keep"].exists(),
                            "home_keep": place["home_keep"].exists(), "data_keep": place["data_keep"].exists(),
                            "out_secret": place["out_secret"].read_text(encoding="utf-8")}}


def _with_secret(nb):
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"My private notes: {SECRETS['sibling']}"))
    return nb


@pytest.fixture(scope="module")
def contained(tmp_path_factory):
    works, why = probe()
    if not works:
        pytest.skip(f"bubblewrap cannot contain here: {why}")
    return _run(tmp_path_factory.mktemp("contained"), "contained")


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("limited"), "limited")


# --------------------------------------------------------------------------- contained: everything refused


def test_the_report_says_how_learner_code_ran(contained, limited):
    assert "Learner code ran contained" in contained["outputs"] and "Learner code ran limited" in limited["outputs"]


def test_contained_nothing_from_outside_the_submission_reaches_any_output(contained):
    for secret in [*SECRETS.values(), "LOOPBACK-SERVICE-REACHED", "root:"]:
        assert secret not in contained["outputs"]
    reads = contained["rows"]["reads-others"]
    assert reads.isolation == "contained" and reads.status == "partial"
    assert "FileNotFoundError" in reads.reason and "and 3 more cells raised errors" in reads.reason


def test_contained_no_byte_changes_outside_the_scratch_folder(contained):
    now = contained["watched_now"]
    assert not now["subs_evil"] and not now["data_evil"] and not now["home_evil"]
    assert now["subs_keep"] and now["home_keep"] and now["data_keep"]
    assert now["out_secret"] == SECRETS["output"]
    assert contained["unchanged"]  # every byte of the submissions, the home, the data and the output decoy
    for name in ("writes-outside", "deletes"):
        row = contained["rows"][name]
        assert row.status == "partial" and any(w in row.reason for w in ("FileNotFoundError", "PermissionError", "Read-only"))


def test_contained_network_is_refused_loopback_included(contained):
    row = contained["rows"]["network"]
    assert contained["server"].reached == 0
    assert "ConnectionRefusedError" in row.reason and "and 1 more cell raised errors" in row.reason


def test_contained_cannot_signal_the_grader_or_its_processes(contained):
    assert contained["decoy_alive"]
    row = contained["rows"]["kills"]
    assert "ProcessLookupError" in row.reason or "PermissionError" in row.reason


def test_contained_fork_bomb_disk_filler_and_deadline_are_stopped_and_the_rest_is_graded(contained):
    rows = contained["rows"]
    bomb = rows["fork-bomb"]
    assert bomb.status == "partial" and ("BlockingIOError" in bomb.reason or "Resource temporarily unavailable" in bomb.reason), bomb.reason
    disk = rows["fills-disk"]
    assert disk.status == "partial" and "No space left on device" in disk.reason, disk.reason
    late = rows["ignores-deadline"]
    assert late.status == "partial" and "ignored the interrupt" in late.reason
    sibling = rows["sibling"]
    assert (sibling.status, sibling.total) == ("graded", 3) and sibling.isolation == "contained"
    for name in _fixtures(contained["place"], True):  # every hostile hand-in still has its scored answers
        assert rows[name].max == 7 and rows[name].status in ("graded", "partial"), name


# --------------------------------------------------------------------------- limited: what the docs say it does not refuse


def test_limited_mode_is_recorded_and_does_not_stop_reading_or_writing_your_files(limited):
    """Documented: in limited mode learner code runs as you and can read and write what you can."""
    reads = limited["rows"]["reads-others"]
    assert reads.isolation == "limited"
    assert SECRETS["sibling"] in limited["outputs"] and SECRETS["home"] in limited["outputs"]
    now = limited["watched_now"]
    assert now["subs_evil"] and now["data_evil"] and now["home_evil"] and not now["home_keep"]
    assert not limited["unchanged"]


def test_limited_mode_does_not_stop_the_network_or_signals(limited):
    """Documented: limited mode has the machine's network and can signal your processes."""
    assert limited["server"].reached == 1
    assert not limited["decoy_alive"]


def test_limited_mode_still_stops_the_disk_filler_at_nothing_but_the_deadline_and_grades_the_rest(limited):
    rows = limited["rows"]
    assert "No space left" not in rows["fills-disk"].reason  # documented: no scratch cap in limited mode
    assert "ignored the interrupt" in rows["ignores-deadline"].reason
    assert (rows["sibling"].status, rows["sibling"].total) == ("graded", 3)


def test_isolation_contained_is_refused_with_a_sentence_where_it_cannot_work(tmp_path, monkeypatch):
    from resetlab.errors import UsageError
    from resetlab.grader import _contain

    monkeypatch.setattr(_contain, "probe", lambda: (False, "user namespaces are disabled on this machine"))
    (tmp_path / "subs").mkdir()
    with pytest.raises(UsageError, match="--isolation contained cannot work here: user namespaces are disabled"):
        grade_folder(tmp_path / "subs", tmp_path / "g.csv", isolation="contained")
    rows = grade_folder(tmp_path / "subs", tmp_path / "g.csv")
    assert rows.isolation == "limited" and "user namespaces are disabled" in rows.isolation_note
    assert not (tmp_path / "subs" / "g.csv").exists()
