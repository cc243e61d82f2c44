"""Helpers for the real-browser tests: a private JupyterLab, an offline chromium, cell running.

Used by ``tests/test_browser.py`` and ``bench/bench_browser.py``.  Nothing here imports
Playwright at module level, so ``make test`` on a machine without it still collects.

Facts this module relies on (measured, see the project's notebook-testing notes):

* JupyterLab refuses to start as root without ``--allow-root``.
* The news pop-up stays away only with a settings value (``fetchNews: "false"``); we write the
  project's own ``config/lab-overrides.json`` into a private user-settings folder
  (``JUPYTERLAB_SETTINGS_DIR``), so the test also proves that file does its job.
* ``?reset`` on the URL stops earlier tabs from reopening; a notebook without kernelspec
  metadata opens a Select Kernel dialog (the lessons carry it; our own scratch notebooks too).
* Autosave is switched off and lessons are served from a temporary copy, so running cells in
  the browser can never write outputs back into the repository.
* Every request passes through a Playwright route handler (``offline_context``), and the sync
  API runs handlers only while a Playwright call is waiting: a test that ``time.sleep``s while
  JupyterLab saves holds the save's request back. Wait with ``page.wait_for_timeout`` instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
#: Debian's chromium; RESETLAB_CHROMIUM points elsewhere (another distribution's package).
CHROMIUM = Path(os.environ.get("RESETLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Belt and braces under the request router: no host name resolves, so even a request the
    # router never sees (a browser-internal fetch) cannot leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
TOKEN = "resetlab-browser-tests"  # fixed, local only: the server listens on 127.0.0.1
ALLOWED_HOST = "127.0.0.1"

#: Settings the tests add to the project's own overrides (config/lab-overrides.json).
TEST_SETTINGS = {
    # Never write a lesson back to disk from the browser (we serve a copy anyway).
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # Render every cell, so a widget below the fold is in the DOM and can be scrolled to.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is not installed: the browser tests need Debian's chromium "
            "(apt-get install chromium; .ci/run does this)."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing: run 'make start' to build .venv."
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        return "jupyterlab is missing from this Python: run the tests with .venv/bin/python."
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((ALLOWED_HOST, 0))
        return sock.getsockname()[1]


def write_lab_settings(folder: Path) -> Path:
    """Write the project's lab overrides plus the tests' own as per-user settings files."""
    settings = json.loads((REPO / "config" / "lab-overrides.json").read_text(encoding="utf-8"))
    for plugin, values in TEST_SETTINGS.items():
        settings.setdefault(plugin, {}).update(values)
    for plugin, values in settings.items():
        package, _, name = plugin.partition(":")
        target = folder / package / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2), encoding="utf-8")
    return folder


@dataclass
class LabServer:
    """A running JupyterLab serving *root* on 127.0.0.1."""

    root: Path
    port: int
    process: subprocess.Popen
    log_path: Path
    _log: object = field(repr=False, default=None)

    @property
    def base(self) -> str:
        return f"http://{ALLOWED_HOST}:{self.port}"

    def lab_url(self, path: str) -> str:
        """The address that opens *path* (relative to root) in a fresh JupyterLab layout."""
        return f"{self.base}/lab/tree/{path}?reset&token={TOKEN}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def stop(self) -> None:
        """Shut the server and its kernels down cleanly, then make sure the process is gone."""
        if self.process.poll() is None:
            try:
                self.api("/api/shutdown", method="POST")
            except (OSError, urllib.error.URLError):
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        if self._log is not None:
            self._log.close()


def start_lab(root: Path, workdir: Path, timeout: float = 90) -> LabServer:
    """Start JupyterLab from this Python's environment on 127.0.0.1 with a fixed token.

    *root* is what the file browser shows; *workdir* receives private settings, runtime files
    and the server log, so nothing of the user's own Jupyter set-up leaks in or is changed.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ)
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(write_lab_settings(workdir / "user-settings")),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "workspaces"),
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        JUPYTER_NO_CONFIG="1",
        IPYTHONDIR=str(workdir / "ipython"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        # Anything in the server or a kernel that tries the network goes to a closed local port.
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--ip={ALLOWED_HOST}",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = workdir / "jupyterlab.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    server = LabServer(root=root, port=port, process=process, log_path=log_path, _log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            msg = f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}"
            raise RuntimeError(msg)
        try:
            server.api("/api/status")
            return server
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    server.stop()
    msg = f"JupyterLab did not answer on port {port} within {timeout:.0f} s:\n{server.log_tail()}"
    raise RuntimeError(msg)


def copy_course(target: Path) -> Path:
    """Copy the lessons and the learner copies (and nothing the browser could damage) into *target*."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in ("notebooks", "exercises"):
        source = REPO / folder
        if source.is_dir():
            shutil.copytree(
                source, target / folder, dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
    return target


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a minimal nbformat-4 notebook of code cells, with kernelspec metadata."""
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                           "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [
            {"cell_type": "code", "id": f"cell-{i}", "metadata": {}, "execution_count": None,
             "outputs": [], "source": source}
            for i, source in enumerate(cells)
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


# ---------------------------------------------------------------- browser side


def launch_browser(playwright):
    """Debian's chromium, headless, through Playwright (never Playwright's own download)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """True for addresses that stay inside the page, on 127.0.0.1 or on this machine's disk (the website opened from file://)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript", "file"):
        return True
    return parts.hostname == ALLOWED_HOST


@dataclass
class OfflineContext:
    """A browser context that aborts, and records, every request not bound for 127.0.0.1."""

    context: object
    blocked: list[str] = field(default_factory=list)

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(30_000)
        return page

    def close(self) -> None:
        self.context.close()


def offline_context(browser, viewport=(1400, 1000)) -> OfflineContext:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    offline = OfflineContext(context=context)

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            offline.blocked.append(f"{route.request.method} {route.request.url}")
            route.abort("blockedbyclient")

    def refuse_socket(socket_route):
        offline.blocked.append(f"WEBSOCKET {socket_route.url}")
        socket_route.close()

    context.route("**/*", route)
    # Only foreign sockets are routed: routing the kernel's own socket through Playwright
    # (connect_to_server) left JupyterLab's kernel "Connecting" for ever.
    context.route_web_socket(lambda url: not is_local(url), refuse_socket)
    return offline


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    path = ARTIFACTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# ------------------------------------------------------------- JupyterLab driving


def open_notebook(page, server: LabServer, path: str, timeout: float = 60_000) -> None:
    """Open *path* in JupyterLab and wait until its kernel is idle and no dialog is in the way."""
    page.goto(server.lab_url(path))
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=timeout)
    wait_kernel_idle(page, timeout)
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        msg = f"JupyterLab showed a dialog on opening {path}: {dialog.first.inner_text()!r}"
        raise AssertionError(msg)


def wait_kernel_idle(page, timeout: float = 60_000) -> None:
    """Wait until the status bar says the notebook's kernel is connected and Idle."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                 .some(el => /\\|\\s*Idle\\s*$/.test(el.textContent))""",
        timeout=timeout,
    )


def run_all_cells(page, timeout: float = 120_000) -> None:
    """Run > Run All Cells through the menu, then wait until every code cell has a number."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    wait_all_cells_ran(page, timeout)


def wait_all_cells_ran(page, timeout: float = 120_000) -> None:
    """Wait until every code cell shows an execution count (none is pending, none is blank)."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll(
                '.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];
            if (!prompts.length) return false;
            return prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=timeout,
    )
    wait_kernel_idle(page, timeout)


def cell_errors(page) -> list[str]:
    """Text of every error output in the open notebook (tracebacks, friendly errors)."""
    return page.locator(
        ".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
        " .jp-NotebookPanel .jp-OutputArea-output.jp-mod-error"
    ).all_inner_texts()


def widget_load_errors(page) -> list[str]:
    """Outputs where the widget manager failed to render a view (shown as an error box)."""
    return page.locator(".jp-NotebookPanel .jupyter-widgets.jupyter-widgets-error-widget").all_inner_texts()


# ------------------------------------------------------------- accessibility measurements

#: What counts as the course's own content in a JupyterLab page: cell outputs (tables, figures,
#: check results), widgets and rendered Markdown.  Everything else is JupyterLab's.
COURSE_CONTENT = ".jp-OutputArea, .jp-RenderedHTMLCommon, .jp-MarkdownOutput, .jupyter-widgets"


def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def parse_rgb(css: str) -> tuple[float, float, float, float]:
    """'rgb(25, 118, 210)' or 'rgba(0, 0, 0, 0)' as (r, g, b, alpha)."""
    import re

    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def contrast(css_a: str, css_b: str) -> float:
    """WCAG contrast ratio of two opaque CSS colours (1 to 21)."""
    la, lb = (0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
              for r, g, b, _ in (parse_rgb(css_a), parse_rgb(css_b)))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


#: In the page: the focused control's outline, and the first opaque background behind it.
FOCUS_STYLE_JS = """el => {
    const s = getComputedStyle(el);
    let node = el.parentElement, background = 'rgb(255, 255, 255)';
    while (node) {
        const b = getComputedStyle(node).backgroundColor;
        if (b && !/rgba\\(.*,\\s*0\\)$/.test(b) && b !== 'transparent') { background = b; break; }
        node = node.parentElement;
    }
    return {width: parseFloat(s.outlineWidth), style: s.outlineStyle, color: s.outlineColor,
            border: s.borderTopColor, background, focused: el === document.activeElement};
}"""


def axe_violations(page, content: str = COURSE_CONTENT) -> tuple[list[dict], list[dict]]:
    """Run axe-core on *page*; return (violations inside *content*, the rest: JupyterLab's or a theme's own), one dict a node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    course, lab = [], []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            target = node["target"][-1] if node["target"] else ""
            inside = page.evaluate(
                "([sel, css]) => { try { const el = document.querySelector(sel); return !!(el && el.closest(css)); }"
                " catch (e) { return false; } }",
                [target if isinstance(target, str) else target[-1], content],
            )
            row = {"id": violation["id"], "impact": violation["impact"], "target": target,
                   "html": node["html"][:160], "help": violation["help"]}
            (course if inside else lab).append(row)
    return course, lab
