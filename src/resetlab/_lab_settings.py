"""The JupyterLab settings the course ships (``config/lab-overrides.json``), shortcuts included.

JupyterLab's notebook shortcuts in command mode are single keys (M, A, B, J, K, Y, R, the
arrows...) bound to "whatever has focus inside a notebook in command mode".  A focused widget
menu *is* such a thing, so a learner who types "Y" to pick Yevgeny Volk turns the widget's cell
into code, "M" into Markdown (the widget disappears), ArrowDown moves to the next cell instead of
the next option (jupyter-widgets/ipywidgets#3912).  The course's settings disable each of those
shortcuts and bind it again to the same keys with a selector that leaves out everything inside an
ipywidget (``.jupyter-widgets``), so keys pressed on a course widget reach the widget, and Tab
still leaves it.  The list is made from the installed JupyterLab's own shortcut schemas:
``python -m resetlab lab-settings`` rewrites the file; a test checks it is current.
"""

from __future__ import annotations

import json
from pathlib import Path

SHORTCUTS_PLUGIN = "@jupyterlab/shortcuts-extension:shortcuts"
#: Left out of every notebook command-mode shortcut: the widget controls and everything inside them.
OUTSIDE_WIDGETS = ":not(.jupyter-widgets):not(.jupyter-widgets *)"


def _schemas() -> Path:
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir()) / "schemas"


def command_mode_shortcuts(schemas: Path | None = None) -> list[dict]:
    """JupyterLab's shortcuts that fire on whatever is focused in a notebook in command mode."""
    found = []
    for path in sorted((schemas or _schemas()).rglob("*.json")):
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for shortcut in schema.get("jupyter.lab.shortcuts", []) if isinstance(schema, dict) else []:
            selector = shortcut.get("selector", "")
            if "jp-mod-commandMode" in selector and selector.endswith(":focus") and shortcut.get("keys") and any(shortcut["keys"]):
                found.append({"command": shortcut["command"], "keys": list(shortcut["keys"]), "selector": selector})
    return sorted(found, key=lambda s: (s["command"], s["keys"]))


def shortcut_overrides(shortcuts: list[dict]) -> list[dict]:
    """Each shortcut disabled, then bound again to its keys everywhere but inside a widget."""
    out = []
    for s in shortcuts:
        out.append({**s, "disabled": True})
        out.append({**s, "selector": s["selector"] + OUTSIDE_WIDGETS})
    return out


def settings(current: dict, schemas: Path | None = None) -> dict:
    """*current* (the file's other settings, kept) with the shortcut overrides made afresh."""
    result = {k: v for k, v in current.items() if k != SHORTCUTS_PLUGIN}
    result[SHORTCUTS_PLUGIN] = {"shortcuts": shortcut_overrides(command_mode_shortcuts(schemas))}
    return result


def write(path: str | Path = "config/lab-overrides.json", check: bool = False) -> tuple[Path, bool]:
    """Rewrite *path* (or, with *check*, only compare); return it and whether it was already current."""
    path = Path(path)
    current = json.loads(path.read_text(encoding="utf-8"))
    wanted = settings(current)
    text = json.dumps(wanted, indent=2, ensure_ascii=False) + "\n"
    same = path.read_text(encoding="utf-8") == text
    if not check and not same:
        path.write_text(text, encoding="utf-8")
    return path, same
