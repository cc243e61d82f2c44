"""Containment: each learner's kernel in a bubblewrap sandbox of its own (Linux namespaces, no Docker).

``contained`` runs the kernel under ``bwrap`` with:

* a new, empty root holding read-only binds of what the notebook legitimately
  needs: the system's ``/usr`` (and the ``/bin``, ``/lib`` links into it), a few
  files of ``/etc`` (the loader cache, ``passwd``, fonts; not ``shadow``), the
  Python installation and environment, the course's package and its data;
* a private, size-capped scratch folder (a tmpfs) as the kernel's working folder
  and home, and a private ``/tmp``: the learner's home, the submissions folder,
  the other submissions, the grader's output and the instructor's files are not
  there at all;
* its own network namespace (loopback only: nothing reaches outside, or the
  grader), PID namespace (it cannot see or signal the grader or other kernels),
  IPC and UTS namespaces, a new session (no terminal to inject keys into), and
  ``--die-with-parent``;
* no capabilities: as an unprivileged user bwrap adds a user namespace and drops
  them all; run as root, the kernel switches to an unused user id of its own
  (``SANDBOX_UIDS``) before any learner code runs (``_sandbox_kernel``), which drops
  them and makes the process limit count (root is exempt from it).

The kernel talks to the grader over IPC sockets in a folder shared only with that
kernel; nbclient and the scoring stay in the grader's process.
``limited`` is the grader as before: resource limits and a stripped environment
only.  What each mode guarantees is in ``docs/grader.md``.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

CONTAINED = "contained"
LIMITED = "limited"
ISOLATIONS = (CONTAINED, LIMITED)

#: A root grader's kernels each become a user of their own from this range (no account, no files of its own):
#: the process limit counts per user, so one kernel's fork bomb cannot starve the kernels beside it.
SANDBOX_UIDS = range(200_000, 250_000)
_next_uid = itertools.count()


def sandbox_uid() -> int:
    """A user id for the next contained kernel (only used when the grader runs as root)."""
    return SANDBOX_UIDS[next(_next_uid) % len(SANDBOX_UIDS)]

_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf", "localtime",
        "fonts", "alternatives", "mime.types", "hosts")
_TOP_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def _as_root() -> bool:
    return hasattr(os, "getuid") and os.getuid() == 0


def _namespace_flags() -> list[str]:
    common = ["--die-with-parent", "--new-session", "--hostname", "resetlab-sandbox"]
    if _as_root():
        # no user namespace: the kernel switches to a user of its own, which needs these two, then has none
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", *common]
    return ["--unshare-all", "--cap-drop", "ALL", *common]


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in _TOP_LINKS:
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _python_paths() -> list[str]:
    """The Python installation and environment, as real paths (a venv's python links to its base)."""
    paths: list[str] = []
    for raw in (sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix):
        for path in {raw, os.path.realpath(raw)}:
            if path and path not in paths and Path(path).is_dir() and not path.startswith("/usr"):
                paths.append(path)
    return paths


@functools.cache
def probe() -> tuple[bool, str]:
    """Can this machine start a sandbox?  ``(True, "")``, or ``(False, one sentence why not)``; asked once."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap is not installed on this machine (Debian and Ubuntu: apt-get install bubblewrap)"
    argv = [bwrap, *_namespace_flags(), *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--", "/bin/sh", "-c", "exit 0"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap could not be started ({type(exc).__name__})"
    if done.returncode == 0:
        return True, ""
    said = (done.stderr.strip().splitlines() or ["no message"])[-1].removeprefix("bwrap: ")
    lowered = said.lower()
    if any(word in lowered for word in ("namespace", "operation not permitted", "uid map", "permission denied")):
        return False, f"user namespaces are disabled on this machine (bubblewrap said: {said})"
    return False, f"bubblewrap could not start a sandbox here (it said: {said})"


def choose(asked: str | None) -> tuple[str, str]:
    """The isolation to use and, when it is not what was asked or hoped for, one sentence why.

    *asked* ``None`` means "contained where it works".

    Raises:
        UsageError: for an unknown mode, or ``contained`` asked for where it cannot work.
    """
    from ..errors import UsageError

    if asked is not None and asked not in ISOLATIONS:
        raise UsageError(f"--isolation {asked!r} is not a mode the grader has; give contained or limited.")
    if asked == LIMITED:
        return LIMITED, ""
    works, why = probe()
    if works:
        return CONTAINED, ""
    if asked == CONTAINED:
        raise UsageError(f"--isolation contained cannot work here: {why}; install or enable it, or grade with --isolation limited.")
    return LIMITED, f"Grading in limited mode, not contained: {why}."


def sandbox_argv(workdir: Path, ipc: Path, read_only: list[Path], scratch_bytes: int, extra_files: list[tuple[Path, str]]) -> list[str]:
    """The ``bwrap`` command that wraps one kernel: *workdir* (a tmpfs of *scratch_bytes*) is its
    working folder and home, *ipc* the folder of its sockets, *read_only* what it may read.

    *extra_files*: ``(host file, path inside)`` pairs bound read-only into the scratch folder.
    """
    bwrap = shutil.which("bwrap") or "bwrap"
    args = [bwrap, *_namespace_flags(), *_system_binds()]
    made: set[str] = {"/", "/usr", "/etc", "/tmp", "/proc", "/dev"}

    def parents(path: str) -> list[str]:
        # bwrap makes a mount point's missing parents mode 0700, which the nobody user could not pass
        out = []
        for parent in reversed(Path(path).parents):
            if str(parent) not in made and not str(parent).startswith(("/usr/", "/etc/")):
                made.add(str(parent))
                out += ["--perms", "0755", "--dir", str(parent)]
        return out

    # /tmp first: a tmpfs mounted later would hide what is bound beneath it (a course copy in /tmp, say)
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", "/tmp"]
    for path in [*_python_paths(), *(str(p) for p in read_only)]:
        args += [*parents(path), "--ro-bind", path, path]
    args += [*parents(str(workdir)), *parents(str(ipc))]
    args += ["--perms", "0777", "--size", str(scratch_bytes), "--tmpfs", str(workdir)]
    for sub in ("home", "home/tmp", "home/matplotlib"):
        args += ["--perms", "0777", "--dir", str(workdir / sub)]
    for host, inside in extra_files:
        args += ["--ro-bind", str(host), inside]
    # ipykernel would watch for its launcher's pid, which a PID namespace hides: it would take itself for orphaned
    args += ["--bind", str(ipc), str(ipc), "--chdir", str(workdir), "--unsetenv", "JPY_PARENT_PID", "--"]
    return args


def prepare_ipc(ipc: Path, uid: int | None) -> None:
    """The socket folder, writable by the kernel's user (*uid*, when the grader runs as root) and no one else."""
    ipc.mkdir(mode=0o700)
    if uid is not None and _as_root():
        os.chown(ipc, uid, uid)
