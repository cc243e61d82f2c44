"""An IPython kernel that lowers its own resource limits before it starts.

The grader launches learners' notebooks with this module as the kernel
command (``python -m resetlab._sandbox_kernel -f {connection_file}``), so the
limits apply to the kernel and to every process the learner's code starts
from it.  Limits come from environment variables the grader sets:

``RESETLAB_LIMIT_MEMORY``   bytes of address space (RLIMIT_AS)
``RESETLAB_LIMIT_CPU``      seconds of CPU time (RLIMIT_CPU)
``RESETLAB_LIMIT_NPROC``    processes and threads for this user (RLIMIT_NPROC)
``RESETLAB_LIMIT_FSIZE``    bytes in any one file the kernel writes (RLIMIT_FSIZE)
``RESETLAB_SANDBOX_UID``    (contained mode, grader run as root) the user to become before learner code runs

A limit can only be lowered here, never raised above what the grader itself
had.  What these limits do *not* do is described in ``docs/grader.md``.
"""

from __future__ import annotations

import os
import sys

_LIMITS = {
    "RESETLAB_LIMIT_MEMORY": "RLIMIT_AS",
    "RESETLAB_LIMIT_CPU": "RLIMIT_CPU",
    "RESETLAB_LIMIT_NPROC": "RLIMIT_NPROC",
    "RESETLAB_LIMIT_FSIZE": "RLIMIT_FSIZE",
}


def apply_limits(environ: dict[str, str]) -> dict[str, int]:
    """Lower this process's resource limits from *environ*; return what was set."""
    try:
        import resource
    except ImportError:  # not POSIX: no limits to set (documented)
        return {}
    applied = {}
    for variable, name in _LIMITS.items():
        raw = environ.get(variable, "")
        if not raw.isdigit() or not hasattr(resource, name):
            continue
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        value = int(raw)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        # CPU: the soft limit sends SIGXCPU (the kernel dies); keep the hard one a little above.
        new_hard = value + 5 if name == "RLIMIT_CPU" and (hard == resource.RLIM_INFINITY or value + 5 <= hard) else value
        try:
            resource.setrlimit(which, (value, new_hard))
        except (ValueError, OSError):
            continue
        applied[name] = value
    if hasattr(resource, "RLIMIT_CORE"):
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (ValueError, OSError):
            pass
    return applied


def become(uid: int) -> None:
    """Switch to *uid* (and its group, no supplementary groups) for good: a root grader's contained
    kernel becomes a user of its own, which leaves it no capabilities and makes RLIMIT_NPROC count."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("resetlab sandbox: could not switch user; refusing to run learner code as root")


def main() -> None:
    """Set the limits, forget the variables that carried them, drop root if asked, then run ipykernel."""
    apply_limits(dict(os.environ))
    for variable in _LIMITS:
        os.environ.pop(variable, None)
    uid = os.environ.pop("RESETLAB_SANDBOX_UID", "")
    if uid.isdigit():
        become(int(uid))
    from ipykernel import kernelapp

    sys.argv[0] = "resetlab-sandbox-kernel"
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
