"""Running one submission: a sandboxed kernel, deadlines, output caps, and the answers read back.

nbclient drives the kernel; when the learner's cells have run, one more cell added by the
grader prints the answer variables as JSON after a random marker, and ``parse_answers`` reads
them back in the grader's process.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as _dt
import json
import os
import re
import secrets
import shutil
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
    #: bytes the kernel may write in its scratch folder and in /tmp (contained mode: each a tmpfs of this size)
    scratch: int = 512 * 1024**2


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


def _sandbox_spec_manager(prefix: list[str] | None = None):
    """The kernel spec: the limited kernel, wrapped in *prefix* (a bwrap command) when contained.

    A contained kernel runs in a new session, out of reach of the grader's signals,
    so it is interrupted by a message on its control channel instead.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    spec = KernelSpec(
        # abspath, not realpath: "x/../.venv/bin/python" needs x inside a sandbox, and the venv's own link must stay
        argv=[*(prefix or []), os.path.abspath(sys.executable), "-m", "resetlab._sandbox_kernel", "-f", "{connection_file}"],
        display_name="Reset Lab sandbox (Python)", language="python",
        metadata={}, interrupt_mode="message" if prefix else "signal",
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


def _kernel_env(home: Path, limits: Limits, uid: int | None = None) -> dict[str, str]:
    """The whole environment of a learner's kernel: nothing of the grader's beyond these."""
    package_parent = str(Path(__file__).resolve().parents[2])  # the folder holding resetlab/
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
    root = hasattr(os, "getuid") and os.getuid() == 0
    if limits.processes and hasattr(os, "getuid") and not root:
        # RLIMIT_NPROC counts every process and thread of this user, the grader's included.
        env["RESETLAB_LIMIT_NPROC"] = str(_user_processes() + int(limits.processes))
    elif uid is not None and root:
        # root is exempt from RLIMIT_NPROC; a contained kernel becomes a user of its own, so the limit counts
        env["RESETLAB_SANDBOX_UID"] = str(uid)
        if limits.processes:
            env["RESETLAB_LIMIT_NPROC"] = str(_user_processes(uid) + 4 * int(limits.processes))
    for name in ("LC_ALL", "SYSTEMROOT"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    if os.environ.get("RESETLAB_DATA"):
        # resolved here: the kernel's HOME is its scratch folder, so "~/..." would point inside it
        from .._paths import data_dir
        from ..errors import ResetLabError

        try:
            env["RESETLAB_DATA"] = str(data_dir().resolve())
        except ResetLabError:
            env["RESETLAB_DATA"] = os.environ["RESETLAB_DATA"]
    return env


def _user_processes(uid: int | None = None) -> int:
    """How many processes and threads *uid* (default: this user) runs now (Linux /proc; a safe guess elsewhere)."""
    uid = os.getuid() if uid is None else uid
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


async def run_notebook(nb: Any, variables: list[str], workdir: Path, limits: Limits, isolation: str = "limited") -> RunResult:
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

    first = await _attempt(nb, cells, variables, workdir, home, limits, isolation)
    result = _summarise(first, cells, limits)
    stopped_at = first.client.current
    if result.answers is None and first.client.stopped in ("died", "ignored") and 0 < stopped_at < len(cells):
        again = await _attempt(nb, cells[:stopped_at], variables, workdir, home, limits, isolation)
        if again.answers is not None and not again.client.stopped:
            result.answers = again.answers
            above = _code_number(cells, stopped_at - 1)
            result.fatal += f"; the grader ran code cells 1 to {above} again without it and scored the answers they define"
            result.timed_out = [i for i in result.timed_out if i != stopped_at]
    return result


@dataclass
class _Attempt:
    client: Any
    answers: dict[str, Any] | None
    collect_index: int


def _contained_manager(workdir: Path, home: Path, limits: Limits):
    """A kernel manager whose kernel runs in a bwrap sandbox and talks over IPC sockets in a folder of its own."""
    from jupyter_client import AsyncKernelManager

    from .. import _paths
    from ..errors import ResetLabError
    from ._contain import prepare_ipc, sandbox_argv, sandbox_uid

    uid = sandbox_uid() if os.getuid() == 0 else None
    ipc = workdir.parent / f"{workdir.name}-ipc-{secrets.token_hex(4)}"
    prepare_ipc(ipc, uid)
    read_only = [Path(__file__).resolve().parents[1]]  # the course's package
    try:
        read_only.append(_paths.data_dir().resolve())
    except ResetLabError:
        pass  # the notebook will say there is no data, as it would anywhere
    extra = [(p, str(p)) for p in sorted(home.glob("matplotlib/*.json"))]
    extra += [(p, str(p)) for p in sorted(workdir.glob("*.ipynb"))]
    prefix = sandbox_argv(workdir, ipc, read_only, limits.scratch, extra)

    class _ContainedManager(AsyncKernelManager):
        def write_connection_file(self, **kwargs: Any) -> None:
            super().write_connection_file(**kwargs)
            if uid is not None:  # the kernel reads it as its own user; the folder is shared with that kernel only
                os.chown(self.connection_file, uid, uid)

    km = _ContainedManager(kernel_name="resetlab-sandbox", kernel_spec_manager=_sandbox_spec_manager(prefix),
                           transport="ipc", ip=str(ipc / "k"), connection_file=str(ipc / "kernel.json"))
    return km, ipc, uid


async def _attempt(nb: Any, cells: list[Any], variables: list[str], workdir: Path, home: Path, limits: Limits,
                   isolation: str = "limited") -> _Attempt:
    """Run *cells* plus the grader's answers cell once, in a fresh sandboxed kernel."""
    from jupyter_client import AsyncKernelManager
    from nbclient.exceptions import DeadKernelError
    from nbformat.v4 import new_code_cell

    marker = f"@@resetlab-answers-{secrets.token_hex(16)}@@"
    nb.cells = [_fresh_copy(c) for c in cells] + [new_code_cell(collect_cell_source(variables, marker))]
    collect_index = len(nb.cells) - 1
    contained = isolation == "contained"
    ipc = uid = None
    if contained:
        km, ipc, uid = _contained_manager(workdir, home, limits)
    else:
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
            client.async_execute(cwd=str(workdir), env=_kernel_env(home, limits, uid), stdout=log, stderr=log),
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
        # nbclient leaves its exit hook registered when a kernel fails to start; it would print a traceback at exit
        atexit.unregister(client._cleanup_kernel)
        await _kill(km)
        try:
            await km.cleanup_resources()
        except Exception:
            pass
        if client.kc is not None:
            client.kc.stop_channels()
        log.close()
        if ipc is not None:
            shutil.rmtree(ipc, ignore_errors=True)
    outputs = nb.cells[collect_index].get("outputs", [])
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return _Attempt(client, parse_answers(text, marker), collect_index)


def _fresh_copy(cell: Any) -> Any:
    import copy

    return copy.deepcopy(cell)


def _cell_label(cells: list[Any], index: int) -> str:
    """'code cell 4 (`while True:`)': which code cell from the top (Markdown cells not counted), and its first line."""
    if not 0 <= index < len(cells):
        return "the grader's answers cell"
    lines = [ln.strip() for ln in str(cells[index].get("source", "")).splitlines() if ln.strip()]
    start = lines[0] if lines else ""
    if len(start) > 30:
        start = start[:27] + "..."
    return f"code cell {_code_number(cells, index)}" + (f" (`{start}`)" if start else "")


def _code_number(cells: list[Any], index: int) -> int:
    """The position of cell *index* among the code cells, counting from 1 (a learner sees no Markdown numbers)."""
    return sum(1 for cell in cells[: index + 1] if cell.get("cell_type") == "code")


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
