"""Grade a folder of learners' exercise notebooks: ``python -m resetlab grade``.

Each submission runs on a temporary copy, in a fresh kernel started with
resource limits (``_sandbox_kernel``), a stripped environment and per-cell and
per-notebook deadlines; nbclient drives the kernels.  When the learner's cells
have run, one more cell added by the grader prints the answer variables as
JSON after a random marker.  The grader reads them back and scores each with
``checks.score_answer`` *in this process*, so nothing the notebook does to
``check``, to its check cells, to its stored outputs or to the package inside
the kernel changes the score.  A forged answer block can only claim answers,
and claimed answers are checked like any other.

What this does and does not isolate is written down in ``docs/grader.md``.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as _dt
import hashlib
import html
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ResetLabError, UsageError

#: Status values a row can have, from best to worst.
GRADED = "graded"  # every cell ran; every answer was scored
PARTIAL = "partial"  # answers were scored, but some cells failed, timed out or printed too much
FAILED = "failed"  # the notebook could not run to the end; the answers could not be read
INVALID = "invalid"  # not a notebook of this course: nothing was run
DUPLICATE = "duplicate"  # graded, but another file of the same learner counts instead
STATUSES = (GRADED, PARTIAL, FAILED, INVALID, DUPLICATE)

FIXED_COLUMNS = ("file", "learner", "notebook")
TAIL_COLUMNS = ("total", "max", "status", "reason")

_SKIP_NAMES = {".ipynb_checkpoints", "__pycache__", "__MACOSX"}


@dataclass(frozen=True)
class Limits:
    """What one submission may use.  Times in seconds, sizes in bytes."""

    cell_timeout: float = 60.0
    notebook_timeout: float = 600.0
    memory: int = 2 * 1024**3
    output: int = 1_000_000
    file_size: int = 100 * 1024**2
    processes: int = 64
    #: after a timed-out cell is interrupted, how long to wait for it to stop before killing the kernel
    grace: float = 3.0


@dataclass
class Row:
    """One line of the grades table, plus the per-question results for feedback."""

    file: str
    learner: str
    notebook: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    total: int | str = ""
    max: int | str = ""
    status: str = GRADED
    reason: str = ""
    results: list[Any] = field(default_factory=list)
    mtime: float = 0.0

    def as_csv(self, question_ids: list[str]) -> dict[str, Any]:
        row = {"file": _cell(self.file), "learner": _cell(self.learner), "notebook": _cell(self.notebook)}
        row.update({qid: self.scores.get(qid, "") for qid in question_ids})
        row.update({"total": self.total, "max": self.max, "status": self.status, "reason": _cell(self.reason)})
        return row


def _cell(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula.

    File names come from learners: ``=HYPERLINK(...)_01-start-here.ipynb`` must
    stay text when an instructor opens grades.csv (OWASP's CSV-injection advice).

    >>> _cell("=1+1_01-start-here.ipynb")
    "'=1+1_01-start-here.ipynb"
    >>> _cell("alice")
    'alice'
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --------------------------------------------------------------------------- discovering and reading


def learner_of(relative: Path) -> str:
    """The learner a file belongs to: the first path part's text before its first underscore.

    ``alice_03-who-said-what.ipynb`` and ``alice/03-who-said-what.ipynb`` are both alice's;
    a file name without an underscore is its own learner.

    >>> learner_of(Path("alice_03-who-said-what.ipynb"))
    'alice'
    >>> learner_of(Path("bob") / "notes.ipynb")
    'bob'
    """
    first = relative.parts[0]
    if len(relative.parts) == 1:
        first = relative.stem
    return first.split("_", 1)[0].strip() or first


def discover(folder: Path) -> list[Path]:
    """Every file under *folder*, sorted, skipping hidden files and checkpoint folders."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_NAMES)
        found.extend(Path(root) / name for name in files if not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def _lessons() -> list[str]:
    from .checks import questions

    seen: dict[str, None] = {}
    for q in questions():
        seen.setdefault(q.lesson, None)
    return list(seen)


def read_notebook(path: Path, root: Path | None = None) -> tuple[Any, str]:
    """Return ``(notebook, "")``, or ``(None, reason)`` when *path* is not a usable notebook.

    *root*, the submissions folder, if given: a link that leads outside it is refused
    unread (a learner could otherwise hand in a link to the instructor's solutions).
    """
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None, "The file is a link to nothing (a broken symbolic link); ask the learner for the notebook file itself."
        if root is not None and root.resolve() not in target.parents:
            return None, ("The file is a link to a file outside the submissions folder, which the grader does not read; "
                          "ask the learner for the notebook file itself.")
    if not path.is_file():  # a named pipe or device would block or never end
        return None, "This is not a regular file (a pipe, a device or a socket); ask the learner for the notebook file itself."
    if path.suffix.lower() != ".ipynb":
        kind = path.suffix or "a file without an extension"
        return None, f"This is not a Jupyter notebook ({kind}); the grader expects .ipynb files."
    try:
        size = path.stat().st_size
        blob = path.read_bytes() if size <= MAX_NOTEBOOK_BYTES else b""
    except OSError as exc:
        return None, f"The file could not be read ({exc.strerror or type(exc).__name__}); check its permissions and grade again."
    if size > MAX_NOTEBOOK_BYTES:
        return None, (f"The file is {size / 1024**2:,.0f} MB, more than the {MAX_NOTEBOOK_BYTES // 1024**2} MB a submitted "
                      "notebook may be; ask the learner to clear its outputs (Edit > Clear Outputs of All Cells) and submit it again.")
    if not blob.strip():
        return None, "The file is empty (no notebook inside); ask the learner to save the notebook and submit it again."
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "The file is not text (expected a notebook's JSON); it may be a different file renamed to .ipynb."
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"The file is not valid JSON (line {exc.lineno}: {exc.msg}), so it is not a readable notebook; it may have been cut short or edited by hand."
    old_format = isinstance(data, dict) and isinstance(data.get("worksheets"), list)  # nbformat 3: nbformat upgrades it
    if not isinstance(data, dict) or not (isinstance(data.get("cells"), list) or old_format) or "nbformat" not in data:
        return None, "The file is JSON but not a Jupyter notebook (no 'cells' and 'nbformat'); ask for the .ipynb saved from Jupyter."
    import warnings

    import nbformat  # lazy: ~1.5 s to import in a full Jupyter environment

    try:
        with warnings.catch_warnings():  # a missing cell id is the learner's Jupyter's business, not the grader's terminal's
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for broken files
        return None, f"The notebook could not be read ({type(exc).__name__}); ask the learner to open it in Jupyter, save it and submit it again."
    return nb, ""


#: A bigger .ipynb is refused unread (exercise notebooks are tens of kilobytes; stored outputs are discarded anyway).
MAX_NOTEBOOK_BYTES = 50 * 1024**2

_QUESTION_REF = re.compile(r"\bq(\d+)[._](\d+)\b")


def identify(nb: Any, path: Path, lessons: list[str], variables: dict[str, str]) -> str | None:
    """Which exercise *nb* is: its metadata, else the questions it mentions, else its file name."""
    meta = nb.metadata.get("resetlab", {})
    if isinstance(meta, dict):
        for key in ("lesson", "notebook", "exercise"):
            value = str(meta.get(key, ""))
            if value in lessons:
                return value
            stem = Path(value).stem
            if stem in lessons:
                return stem
    counts: dict[str, int] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for match in _QUESTION_REF.finditer(str(cell.get("source", ""))):
            lesson = variables.get(f"q{match.group(1)}_{match.group(2)}")
            if lesson:
                counts[lesson] = counts.get(lesson, 0) + 1
    if counts:
        return max(sorted(counts), key=lambda name: counts[name])
    name = path.name
    for lesson in lessons:
        if lesson in name:
            return lesson
    return None


# --------------------------------------------------------------------------- the answers cell

_COLLECT = r'''
def __resetlab_collect(names, marker, limit):
    import json as _json, sys as _sys, math as _math, datetime as _dt
    ns = _sys._getframe(1).f_globals
    def plain(v, depth=0):
        if depth > 30:
            raise ValueError("too deep")
        if v is None or isinstance(v, (bool, str)):
            return v
        if v is Ellipsis:
            return {"__ellipsis__": True}
        if isinstance(v, int):
            return int.__index__(v)
        if isinstance(v, float):
            return float(v) if _math.isfinite(v) else {"__float__": repr(float(v))}
        mod = type(v).__module__ or ""
        name = type(v).__name__
        if mod.startswith("pandas") and name == "DataFrame":
            split = v.to_dict("split")
            return {"__dataframe__": {k: plain(split[k], depth + 1) for k in ("index", "columns", "data")}}
        if mod.startswith("pandas") and name == "Series":
            return {"__series__": {"index": plain(list(v.index), depth + 1), "data": plain(v.tolist(), depth + 1),
                                   "name": plain(v.name, depth + 1)}}
        if mod.startswith("pandas") and name == "Timestamp":
            return {"__datetime__": v.isoformat()}
        if mod.startswith("numpy") and hasattr(v, "tolist"):
            return plain(v.tolist(), depth + 1)
        if isinstance(v, _dt.datetime):
            return {"__datetime__": v.isoformat()}
        if isinstance(v, _dt.date):
            return {"__date__": v.isoformat()}
        if isinstance(v, (list, tuple)):
            return [plain(x, depth + 1) for x in v]
        if isinstance(v, (set, frozenset)):
            items = [plain(x, depth + 1) for x in v]
            return sorted(items, key=lambda x: _json.dumps(x, sort_keys=True))
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                key = plain(k, depth + 1)
                out[key if isinstance(key, str) else _json.dumps(key)] = plain(x, depth + 1)
            return out
        return {"__object__": name, "callable": callable(v)}
    found = {}
    for var in names:
        if var not in ns:
            continue
        try:
            text = _json.dumps(plain(ns[var]))
        except Exception as exc:
            text = _json.dumps({"__object__": type(ns[var]).__name__, "callable": False, "error": type(exc).__name__})
        if len(text) > limit:
            text = _json.dumps({"__object__": "too large", "callable": False, "size": len(text)})
        found[var] = _json.loads(text)
    _sys.stdout.write(marker + _json.dumps(found) + marker + "\n")
    _sys.stdout.flush()
__resetlab_collect(%(names)r, %(marker)r, %(limit)d)
del __resetlab_collect
'''

#: The largest JSON one answer may take (a whole statements table is far below this).
ANSWER_LIMIT = 2_000_000


def collect_cell_source(variables: list[str], marker: str) -> str:
    """The code of the cell the grader appends to read the answer variables."""
    return _COLLECT % {"names": list(variables), "marker": marker, "limit": ANSWER_LIMIT}


class _Unreadable:
    """Stands for an answer that cannot travel as data (a function, an open file…)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def revive(value: Any) -> Any:
    """Turn the JSON the answers cell printed back into Python values (DataFrames included)."""
    if isinstance(value, list):
        return [revive(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and "__dataframe__" in value:
        import pandas as pd

        split = value["__dataframe__"]
        return pd.DataFrame(revive(split.get("data", [])), index=revive(split.get("index")), columns=revive(split.get("columns")))
    if len(value) == 1 and "__series__" in value:
        import pandas as pd

        part = value["__series__"]
        return pd.Series(revive(part.get("data", [])), index=revive(part.get("index")), name=part.get("name"), dtype=object if not part.get("data") else None)
    if len(value) == 1 and "__date__" in value:
        return _dt.date.fromisoformat(value["__date__"])
    if len(value) == 1 and "__datetime__" in value:
        return _dt.datetime.fromisoformat(value["__datetime__"])
    if len(value) == 1 and "__ellipsis__" in value:
        return ...
    if len(value) == 1 and "__float__" in value:
        return float(value["__float__"])
    if "__object__" in value and set(value) <= {"__object__", "callable", "error", "size"}:
        name = re.sub(r"\W", "", str(value["__object__"]))[:40] or "object"
        body: dict[str, Any] = {"__repr__": _Unreadable.__repr__}
        if value.get("callable"):
            body["__call__"] = lambda self, *a, **k: None
            body["__name__"] = name
        return type(name, (_Unreadable,), body)()
    return {k: revive(v) for k, v in value.items()}


def parse_answers(text: str, marker: str) -> dict[str, Any] | None:
    """The answers between the last pair of *marker* in *text*, or None if there is none."""
    end = text.rfind(marker)
    start = text.rfind(marker, 0, end) if end > 0 else -1
    if start < 0:
        return None
    try:
        data = json.loads(text[start + len(marker) : end])
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------- running one notebook


@dataclass
class RunResult:
    """What happened when one notebook ran."""

    answers: dict[str, Any] | None = None
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (cell index, ename, evalue)
    timed_out: list[int] = field(default_factory=list)  # cell indexes interrupted after the cell timeout
    output_cut: bool = False
    fatal: str = ""  # why the run stopped early, as a sentence; "" if it ran to the end
    labels: dict[int, str] = field(default_factory=dict)  # cell index -> "cell 6 (`while True:`)"


class _Stop(Exception):
    """The kernel was stopped on purpose (ignored an interrupt, or the notebook deadline passed)."""


def _sandbox_spec_manager():
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    spec = KernelSpec(
        argv=[sys.executable, "-m", "resetlab._sandbox_kernel", "-f", "{connection_file}"],
        display_name="Reset Lab sandbox (Python)", language="python",
        metadata={}, interrupt_mode="signal",
    )

    class _Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return spec

    return _Specs()


def _client_class():
    from nbclient import NotebookClient

    class _GradingClient(NotebookClient):
        """nbclient with a size cap on stored output and a kill for cells that ignore interrupts."""

        def __init__(self, nb, km, *, limits: Limits, skip_cap: int, **kw):
            super().__init__(nb, km=km, **kw)
            self.limits = limits
            self.skip_cap = skip_cap  # index of the grader's own cell (its output is read, not capped)
            self.output_bytes = 0
            self.output_cut = False
            self.timed_out: list[int] = []
            self.idle_cells: set[int] = set()
            self.current = -1
            self.stopped = ""

        def output(self, outs, msg, display_id, cell_index):
            if cell_index != self.skip_cap:
                content = msg.get("content", {})
                size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in (content.get("data") or {}).values())
                size += sum(len(str(t)) for t in content.get("traceback", []) or [])
                self.output_bytes += size
                if self.output_bytes > self.limits.output:
                    if not self.output_cut:
                        self.output_cut = True
                        outs.append(_cut_note(self.limits.output))
                    return None
            return super().output(outs, msg, display_id, cell_index)

        def process_message(self, msg, cell, cell_index):
            # nbclient only passes on messages whose parent is the current cell's request
            if msg.get("msg_type") == "status" and msg["content"].get("execution_state") == "idle":
                self.idle_cells.add(cell_index)
            return super().process_message(msg, cell, cell_index)

        async def _async_handle_timeout(self, timeout, cell=None):
            self.timed_out.append(self.current)
            return await super()._async_handle_timeout(timeout, cell)

        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            self.current = cell_index
            result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
            if cell_index in self.timed_out and cell_index not in self.idle_cells:
                # interrupted, yet the kernel never went idle within the grace period: it ignored the interrupt
                self.stopped = "ignored"
                await _kill(self.km)
                raise _Stop("the cell ignored the interrupt")
            return result

    return _GradingClient


def _cut_note(limit: int) -> Any:
    from nbformat.v4 import new_output

    return new_output("stream", name="stderr", text=f"[the grader cut the output here: more than {limit:,} characters]\n")


async def _kill(km) -> None:
    """Kill the kernel's whole process group (children included), ignoring a kernel already gone."""
    provisioner = getattr(km, "provisioner", None)
    pgid = getattr(provisioner, "pgid", None)
    try:
        if pgid and hasattr(os, "killpg"):
            os.killpg(pgid, signal.SIGKILL)
        elif provisioner is not None:
            await provisioner.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    if provisioner is not None and provisioner.has_process:
        # reap it, so no zombie or "still running" warning is left behind; poll often
        # (the provisioner's own wait() sleeps 0.1 s between polls: 0.1 s per submission)
        for _ in range(500):
            if await provisioner.poll() is not None:
                break
            await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(provisioner.wait(), 5)
        except (asyncio.TimeoutError, OSError):
            pass


def _kernel_env(home: Path, limits: Limits) -> dict[str, str]:
    """The whole environment of a learner's kernel: nothing of the grader's beyond these."""
    package_parent = str(Path(__file__).resolve().parents[1])
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TMPDIR": str(home / "tmp"),
        "PYTHONPATH": package_parent,
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": str(home / "matplotlib"),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "RESETLAB_LIMIT_MEMORY": str(int(limits.memory)),
        "RESETLAB_LIMIT_CPU": str(int(limits.notebook_timeout) + 5),
        "RESETLAB_LIMIT_FSIZE": str(int(limits.file_size)),
    }
    if limits.processes and hasattr(os, "getuid") and os.getuid() != 0:
        # RLIMIT_NPROC counts every process and thread of this user, the grader's included.
        env["RESETLAB_LIMIT_NPROC"] = str(_user_processes() + int(limits.processes))
    for name in ("RESETLAB_DATA", "LC_ALL", "SYSTEMROOT"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def _user_processes() -> int:
    """How many processes and threads this user runs now (Linux /proc; a safe guess elsewhere)."""
    uid = os.getuid()
    count = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        count += len(os.listdir(f"/proc/{entry.name}/task"))
                except OSError:
                    continue
    except OSError:
        return 512
    return count


def _matplotlib_cache() -> Path | None:
    base = os.environ.get("MPLCONFIGDIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    path = Path(base)
    return path if path.is_dir() else None


async def run_notebook(nb: Any, variables: list[str], workdir: Path, limits: Limits) -> RunResult:
    """Run *nb* in a sandboxed kernel from *workdir*; return errors, timeouts and the answers.

    When the kernel dies or has to be killed at cell *k* (``os._exit``, a crash,
    a loop that ignores interrupts), the answers are lost with it; the grader
    then runs cells 1 to *k*-1 once more in a fresh kernel and reads the
    answers those cells define, so one bad cell does not cost the whole notebook.
    """
    home = workdir / "home"
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    (home / "matplotlib").mkdir(exist_ok=True)
    cache = _matplotlib_cache()
    if cache is not None:
        for font_list in cache.glob("fontlist-*.json"):
            shutil.copyfile(font_list, home / "matplotlib" / font_list.name)
    for cell in nb.cells:  # nothing the learner stored survives: outputs are rebuilt by running
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    cells = list(nb.cells)

    first = await _attempt(nb, cells, variables, workdir, home, limits)
    result = _summarise(first, cells, limits)
    stopped_at = first.client.current
    if result.answers is None and first.client.stopped in ("died", "ignored") and 0 < stopped_at < len(cells):
        again = await _attempt(nb, cells[:stopped_at], variables, workdir, home, limits)
        if again.answers is not None and not again.client.stopped:
            result.answers = again.answers
            result.fatal += f"; the grader ran cells 1 to {stopped_at} again without it and scored the answers they define"
            result.timed_out = [i for i in result.timed_out if i != stopped_at]
    return result


@dataclass
class _Attempt:
    client: Any
    answers: dict[str, Any] | None
    collect_index: int


async def _attempt(nb: Any, cells: list[Any], variables: list[str], workdir: Path, home: Path, limits: Limits) -> _Attempt:
    """Run *cells* plus the grader's answers cell once, in a fresh sandboxed kernel."""
    from jupyter_client import AsyncKernelManager
    from nbclient.exceptions import DeadKernelError
    from nbformat.v4 import new_code_cell

    marker = f"@@resetlab-answers-{secrets.token_hex(16)}@@"
    nb.cells = [_fresh_copy(c) for c in cells] + [new_code_cell(collect_cell_source(variables, marker))]
    collect_index = len(nb.cells) - 1
    km = AsyncKernelManager(kernel_name="resetlab-sandbox", kernel_spec_manager=_sandbox_spec_manager())
    log = open(workdir / "kernel.log", "ab")  # the kernel's own stdout/stderr, never the grader's terminal
    client = _client_class()(
        nb, km, limits=limits, skip_cap=collect_index,
        timeout=max(1, int(round(limits.cell_timeout))), interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": "the cell ran too long", "traceback": []},
        iopub_timeout=max(1, int(round(limits.grace))), allow_errors=True, record_timing=False,
        shutdown_kernel="immediate", startup_timeout=60, skip_cells_with_tag="\0",
    )

    def on_deadline() -> None:
        client.stopped = "deadline"
        asyncio.ensure_future(_kill(km))

    timer = asyncio.get_running_loop().call_later(limits.notebook_timeout, on_deadline)
    try:
        await asyncio.wait_for(
            client.async_execute(cwd=str(workdir), env=_kernel_env(home, limits), stdout=log, stderr=log),
            limits.notebook_timeout + limits.grace + 10,
        )
    except _Stop:
        pass
    except DeadKernelError:
        client.stopped = client.stopped or "died"
    except asyncio.TimeoutError:
        client.stopped = "deadline"
    except Exception as exc:  # a kernel that would not start, a broken connection...
        client.stopped = client.stopped or f"error:{type(exc).__name__}"
    finally:
        timer.cancel()
        await _kill(km)
        try:
            await km.cleanup_resources()
        except Exception:
            pass
        if client.kc is not None:
            client.kc.stop_channels()
        log.close()
    outputs = nb.cells[collect_index].get("outputs", [])
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return _Attempt(client, parse_answers(text, marker), collect_index)


def _fresh_copy(cell: Any) -> Any:
    import copy

    return copy.deepcopy(cell)


def _cell_label(cells: list[Any], index: int) -> str:
    """'cell 6 (`while True:`)': the position from the top, and the start of its code."""
    if not 0 <= index < len(cells):
        return "the grader's answers cell"
    lines = [ln.strip() for ln in str(cells[index].get("source", "")).splitlines() if ln.strip()]
    start = lines[0] if lines else ""
    if len(start) > 30:
        start = start[:27] + "..."
    return f"cell {index + 1}" + (f" (`{start}`)" if start else "")


def _summarise(attempt: _Attempt, cells: list[Any], limits: Limits) -> RunResult:
    client = attempt.client
    ran = client.nb.cells
    result = RunResult(answers=attempt.answers, output_cut=client.output_cut)
    result.timed_out = [i for i in client.timed_out if i < len(cells)]
    for index, cell in enumerate(ran[: len(cells)]):
        if index in client.timed_out or "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                result.errors.append((index, str(out.get("ename", "")), str(out.get("evalue", ""))))
    where = _cell_label(cells, client.current)
    if client.stopped == "deadline":
        result.fatal = f"The notebook ran longer than the {limits.notebook_timeout:g}-second limit and was stopped at {where}"
    elif client.stopped == "ignored":
        result.fatal = f"{where[0].upper()}{where[1:]} ran longer than {limits.cell_timeout:g} seconds and ignored the interrupt, so the grader stopped it"
    elif client.stopped == "died":
        if client.current >= attempt.collect_index:
            result.fatal = "The kernel stopped while the grader was reading the answers (the notebook may have changed print or sys.stdout)"
        else:
            result.fatal = (f"The kernel stopped at {where} (the code exited Python, crashed, "
                            f"or used more than {limits.memory // 1024**2:,} MB of memory)")
    elif client.stopped.startswith("error:"):
        result.fatal = f"The grader could not run the notebook ({client.stopped[6:]})"
    elif attempt.answers is None:
        result.fatal = "The grader could not read the answers at the end (the notebook may have changed print, sys.stdout or json)"
    result.labels = {i: _cell_label(cells, i) for i in {*result.timed_out, *(e[0] for e in result.errors)}}
    return result


# --------------------------------------------------------------------------- scoring


def score(lesson: str, answers: dict[str, Any] | None) -> list[Any]:
    """Score every question of *lesson* with the course's own checks, in this process."""
    from .checks import NOT_ANSWERED, CheckResult, questions, score_answer

    results = []
    for q in questions(lesson):
        if answers is None:
            results.append(CheckResult(q.id, NOT_ANSWERED, "The grader could not read this answer because the notebook did not run to the end.", q.points, 0))
        elif q.variable not in answers:
            msg = f"No answer found: the variable {q.variable} was not defined when the notebook finished (was its cell deleted, moved below its use, or did it fail?)."
            results.append(CheckResult(q.id, NOT_ANSWERED, msg, q.points, 0))
        else:
            try:
                value = revive(answers[q.variable])
                results.append(score_answer(q.id, value))
            except Exception as exc:  # score_answer should never raise; a malformed claim still must not stop the run
                results.append(CheckResult(q.id, "not yet", f"The answer could not be checked ({type(exc).__name__}).", q.points, 0))
    return results


def _problem_sentence(run: RunResult, limits: Limits) -> tuple[str, str]:
    """The row's status and one plain sentence about what went wrong (if anything)."""
    if run.answers is None:
        reason = run.fatal or "The grader could not read the answers at the end"
        return FAILED, reason + "; no answers could be scored."
    if run.fatal:  # the kernel was lost, and a second run of the cells above the bad one gave the answers
        return PARTIAL, run.fatal + "."
    parts = []
    if run.timed_out:
        cells = " and ".join(run.labels[c] for c in run.timed_out[:2])
        parts.append(f"{cells} ran longer than {limits.cell_timeout:g} seconds and {'was' if len(run.timed_out) == 1 else 'were'} interrupted")
    if run.errors:
        number, ename, evalue = run.errors[0]
        if ename == "MemoryError":
            first = f"{run.labels[number]} ran out of memory (the limit is {limits.memory // 1024**2:,} MB)"
        else:
            shown = evalue if len(evalue) <= 80 else evalue[:77] + "..."
            first = f"{run.labels[number]} raised {ename}" + (f" ({shown})" if shown else "")
        more = len(run.errors) - 1
        parts.append(first + (f", and {more} more cell{'s' if more > 1 else ''} raised errors" if more else ""))
    if run.output_cut:
        parts.append(f"the output passed {limits.output:,} characters and the rest was not kept")
    if not parts:
        return GRADED, ""
    sentence = "; ".join(parts)
    return PARTIAL, sentence[0].upper() + sentence[1:] + "; the answers defined by the end were scored."


# --------------------------------------------------------------------------- the whole folder


@dataclass
class _Job:
    index: int
    path: Path
    row: Row
    nb: Any = None
    lesson: str = ""


def _validate(submissions: Path, out: Path | None, feedback: Path | None, jobs: int, limits: Limits) -> Path:
    if not submissions.exists():
        raise UsageError(f"The submissions folder {str(submissions)!r} does not exist; give the folder that holds the learners' .ipynb files.")
    if not submissions.is_dir():
        raise UsageError(f"{str(submissions)!r} is a file, not a folder; give the folder that holds the learners' .ipynb files.")
    if not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs must be a whole number of 1 or more (got {jobs!r}); use 1 to grade one notebook at a time.")
    if not (0 < limits.cell_timeout < 1e6 and 0 < limits.notebook_timeout < 1e6):  # nan and inf fail here too
        raise UsageError(f"Timeouts must be more than 0 seconds and less than a million "
                         f"(got {limits.cell_timeout:g} and {limits.notebook_timeout:g}); the defaults are 60 and 600.")
    if limits.memory < 64 * 1024**2:
        raise UsageError(f"--memory must be at least 64 megabytes (got {limits.memory // 1024**2:,}); a kernel needs about 200, and the default is 2048.")
    root = submissions.resolve()
    for label, target in (("--out", out), ("--feedback", feedback)):
        if target is not None and (target.resolve() == root or root in target.resolve().parents):
            raise UsageError(f"{label} {str(target)!r} is inside the submissions folder; the grader never writes there, so choose a place outside it.")
    if out is not None:
        if out.is_dir():
            raise UsageError(f"--out {str(out)!r} is a folder; give a file name such as grades.csv.")
        if not out.parent.is_dir():
            raise UsageError(f"Cannot write --out {str(out)!r}: the folder {str(out.parent)!r} does not exist; create it or choose another place.")
        existed = out.exists()
        try:
            with open(out, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise UsageError(f"Cannot write --out {str(out)!r} ({exc.strerror or exc}); choose a file in a folder you can write to.") from None
        if not existed:
            out.unlink()
    if feedback is not None:
        if feedback.exists() and not feedback.is_dir():
            raise UsageError(f"--feedback {str(feedback)!r} is a file; give a folder for the feedback files.")
        try:
            feedback.mkdir(parents=True, exist_ok=True)
            probe = feedback / f".resetlab-probe-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"Cannot write feedback files into {str(feedback)!r} ({exc.strerror or exc}); choose a folder you can write to.") from None
    return root


def _fingerprint(folder: Path) -> str:
    """A hash of every file's path and bytes under *folder* (to warn if learner code changed it)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def grade_folder(
    submissions: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    feedback: str | os.PathLike[str] | None = None,
    *,
    jobs: int = 2,
    limits: Limits | None = None,
) -> list[Row]:
    """Grade every file in *submissions*; write the CSV to *out* and feedback files if asked.

    Never writes into *submissions*.  Returns the rows, sorted by learner,
    notebook and file name.

    Raises:
        UsageError: for a missing folder, an unwritable output, ``jobs`` below 1,
            or an output inside the submissions folder.
    """
    limits = limits or Limits()
    folder = Path(submissions)
    out_path = Path(out) if out is not None else None
    feedback_path = Path(feedback) if feedback is not None else None
    root = _validate(folder, out_path, feedback_path, jobs, limits)

    from .checks import questions

    all_questions = questions()  # load and validate the specs before any learner code runs
    lessons = _lessons()
    variables = {q.variable: q.lesson for q in all_questions}
    lesson_rank = {name: i for i, name in enumerate(lessons)}

    jobs_list: list[_Job] = []
    for index, path in enumerate(discover(root)):
        relative = path.relative_to(root)
        try:
            mtime = path.lstat().st_mtime
        except OSError:  # removed while the folder was being read
            mtime = 0.0
        row = Row(file=relative.as_posix(), learner=learner_of(relative), mtime=mtime)
        job = _Job(index, path, row)
        nb, why = read_notebook(path, root)
        if nb is None:
            row.status, row.reason = INVALID, why
        else:
            lesson = identify(nb, path, lessons, variables)
            if lesson is None:
                row.status = INVALID
                row.reason = ("This notebook is not one of this course's exercises (no Reset Lab metadata, no question "
                              "like q2.3, no exercise name in the file name); it may belong to another course.")
            else:
                job.nb, job.lesson, row.notebook = nb, lesson, lesson
        jobs_list.append(job)

    runnable = [j for j in jobs_list if j.nb is not None]
    if runnable:
        # the data the checks read, fingerprinted before learner code runs (see docs/grader.md)
        from ._paths import data_dir

        data_before = _safe_fingerprint(data_dir)
        asyncio.run(_run_all(runnable, jobs, limits))
        if data_before and data_before != _safe_fingerprint(data_dir):
            print("warning: the course data files changed while grading (learner code may have written to them); "
                  "restore them with 'git checkout -- data' and grade again.", file=sys.stderr)

    rows = [j.row for j in jobs_list]
    _mark_duplicates(rows)
    rows.sort(key=lambda r: (r.learner.casefold(), lesson_rank.get(r.notebook, len(lessons)), r.file))
    if out_path is not None:
        write_csv(rows, out_path, [q.id for q in all_questions])
    if feedback_path is not None:
        write_feedback(rows, feedback_path)
    return rows


def _safe_fingerprint(data_dir) -> str:
    try:
        return _fingerprint(data_dir())
    except (ResetLabError, OSError):
        return ""


async def _run_all(jobs_list: list[_Job], jobs: int, limits: Limits) -> None:
    gate = asyncio.Semaphore(jobs)
    base = Path(tempfile.mkdtemp(prefix="resetlab-grade-"))
    try:
        await asyncio.gather(*(_grade_one(job, gate, base, limits) for job in jobs_list))
    finally:
        shutil.rmtree(base, ignore_errors=True)


async def _grade_one(job: _Job, gate: asyncio.Semaphore, base: Path, limits: Limits) -> None:
    from .checks import questions

    async with gate:
        workdir = base / f"submission-{job.index:04d}"
        workdir.mkdir()
        # the learner's notebook is copied, so their own file is never opened for writing
        shutil.copyfile(job.path, workdir / job.path.name)
        variables = [q.variable for q in questions(job.lesson)]
        try:
            run = await run_notebook(job.nb, variables, workdir, limits)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    results = await asyncio.to_thread(score, job.lesson, run.answers)
    row = job.row
    row.results = results
    row.scores = {r.question_id: r.score for r in results}
    row.total = sum(r.score for r in results)
    row.max = sum(r.points for r in results)
    row.status, row.reason = _problem_sentence(run, limits)


def _mark_duplicates(rows: list[Row]) -> None:
    """Of several files by one learner for one notebook, the newest counts (ties: last by name)."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.notebook and row.status != INVALID:
            groups.setdefault((row.learner.casefold(), row.notebook), []).append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        counted = max(group, key=lambda r: (r.mtime, r.file))
        for row in group:
            if row is not counted:
                row.status = DUPLICATE
                row.reason = (f"Not counted: {row.learner} also submitted {counted.file} for {row.notebook}, "
                              "which is newer and counts instead.")


def write_csv(rows: list[Row], path: Path, question_ids: list[str]) -> Path:
    """Write the grades table: one row per file, a column per question, then total, max, status, reason."""
    columns = [*FIXED_COLUMNS, *question_ids, *TAIL_COLUMNS]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(row.as_csv(question_ids))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"Cannot write {str(path)!r} ({exc.strerror or exc}); choose a file in a folder you can write to.") from None
    return path


def _safe_name(learner: str) -> str:
    name = re.sub(r"[^\w.-]+", "-", learner).strip(".-")
    return name or "learner"


def _md(text: str) -> str:
    r"""Learner-controlled text made inert for Markdown viewers that render HTML and links.

    >>> print(_md("<img src=x onerror=alert(1)> [x](javascript:1)"))
    &lt;img src=x onerror=alert(1)&gt; \[x\](javascript:1)
    """
    text = html.escape(str(text), quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)


def write_feedback(rows: list[Row], folder: Path) -> list[Path]:
    """Write one Markdown file per learner: each submission's score, status and each question's message."""
    by_learner: dict[str, list[Row]] = {}
    for row in rows:
        by_learner.setdefault(row.learner, []).append(row)
    written = []
    used: set[str] = set()
    for learner in sorted(by_learner, key=str.casefold):
        name = _safe_name(learner)
        while name.casefold() in used:
            name += "_"
        used.add(name.casefold())
        lines = [f"# Feedback for {_md(learner)}", ""]
        for row in by_learner[learner]:
            lines.append(f"## {_md(row.notebook or row.file)}")
            lines.append("")
            lines.append(f"File: {_md(row.file)}")
            if row.max != "":
                lines.append(f"Score: {row.total} of {row.max}")
            if row.reason:
                lines.append(f"Note: {_md(row.reason)}")
            lines.append("")
            for result in row.results:
                status = "passed" if result.passed else result.status
                lines.append(f"- **{result.question_id}** ({result.score}/{result.points}, {status}): {_md(result.message)}")
            if row.results:
                lines.append("")
        path = folder / f"{name}.md"
        path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
        written.append(path)
    return written


# --------------------------------------------------------------------------- command line


def add_arguments(parser) -> None:
    """The ``grade`` subcommand's options (used by ``resetlab.__main__``)."""
    parser.add_argument("submissions", help="folder of submitted notebooks (never written to)")
    parser.add_argument("--out", default="grades.csv", help="CSV file to write (default: grades.csv)")
    parser.add_argument("--feedback", help="folder for one Markdown feedback file per learner")
    parser.add_argument("--timeout", type=float, default=Limits.cell_timeout, help="seconds one cell may run (default: 60)")
    parser.add_argument("--notebook-timeout", type=float, default=Limits.notebook_timeout, help="seconds one notebook may run (default: 600)")
    parser.add_argument("--memory", type=int, default=Limits.memory // 1024**2, help="megabytes of memory per notebook (default: 2048)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at the same time (default: 2)")


def run_command(args) -> int:
    """Run ``grade`` from parsed arguments; 0 when the folder was graded, 2 for a usage error."""
    limits = Limits(cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout, memory=args.memory * 1024**2)
    started = time.monotonic()
    try:
        rows = grade_folder(args.submissions, args.out, args.feedback, jobs=args.jobs, limits=limits)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    learners = len({r.learner for r in rows})
    print(f"graded {len(rows)} file(s) from {learners} learner(s) in {time.monotonic() - started:.1f} s"
          f"{': ' + summary if summary else ''}; wrote {args.out}"
          + (f" and feedback in {args.feedback}" if args.feedback else ""))
    return 0
