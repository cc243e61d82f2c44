"""In-browser figures: the first five minutes of a learner, measured inside chromium.

Starts a private JupyterLab on 127.0.0.1 (as the browser tests do), opens lesson 1 in Debian's
chromium with a cold cache, clicks Run > Run All Cells and times, with ``performance.now()`` in
the page:

* ``browser_first_widget``: navigation start -> the lesson's comparer is on screen (includes
  JupyterLab loading, the kernel starting and every cell above the widget running);
* ``browser_comparer_change``: a menu ``change`` event -> the quotes pane's DOM updated, over
  20 changes of the right-hand speaker (Medvedev / Obama, alternately);
* ``browser_widget_roundtrip_floor``: the same for a bare ipywidgets Dropdown that echoes its
  value into an HTML widget, served by the same JupyterLab and timed interleaved with the
  comparer (one floor change after each comparer change), so both see the same machine load:
  the floor the comparer cannot beat.  The ratio is the figure to compare between machines.

Run: ``.venv/bin/python bench/bench_browser.py`` (``make bench`` runs it with the others).
Without /usr/bin/chromium it prints why and exits 0.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import browser_support as bs  # noqa: E402
from _common import median, p95, report  # noqa: E402

LESSON = "notebooks/01-start-here.ipynb"
CHANGES = 20
FLOOR_CELL = (
    "import html\nimport ipywidgets as w\n"
    "floor_menu = w.Dropdown(options=['Medvedev', 'Obama'], description='Floor')\n"
    "floor_menu.add_class('rl-floor-menu')\n"
    "floor_out = w.HTML('Medvedev')\n"
    "floor_out.add_class('rl-floor-out')\n"
    "floor_menu.observe(lambda c: setattr(floor_out, 'value', html.escape(c['new'])), names='value')\n"
    "w.VBox([floor_menu, floor_out])"
)

# Records, in page time, when the first course widget is visible.
FIRST_WIDGET_SCRIPT = """
(() => {
  const seen = () => {
    const el = document.querySelector('.rl-comparer');
    if (el && el.getBoundingClientRect().height > 0 && window.__rl_first_widget === undefined) {
      window.__rl_first_widget = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
"""

# Arms a one-shot timer: menu change event -> first DOM mutation in the pane.
ARM = """
([menu, pane]) => {
  window.__rl_t0 = undefined; window.__rl_t1 = undefined;
  const observer = new MutationObserver(() => {
    if (window.__rl_t0 !== undefined && window.__rl_t1 === undefined) {
      window.__rl_t1 = performance.now(); observer.disconnect();
    }
  });
  observer.observe(pane, {childList: true, subtree: true, characterData: true});
  menu.addEventListener('change', () => { window.__rl_t0 = performance.now(); }, {once: true});
}
"""


class Timer:
    """Times one menu: change it to the next of *labels*, return change -> pane updated (ms)."""

    def __init__(self, page, menu_css: str, pane_css: str, labels: list[str]):
        self.page, self.labels, self.count = page, labels, 0
        self.menu = page.locator(f"{menu_css} select").first
        self.pane = page.locator(pane_css).first
        self.menu.scroll_into_view_if_needed()
        self.options = [t.replace("\xa0", " ") for t in self.menu.locator("option").all_inner_texts()]

    def change(self) -> float:
        label = self.labels[self.count % len(self.labels)]
        self.count += 1
        self.page.evaluate(ARM, [self.menu.element_handle(), self.pane.element_handle()])
        self.menu.select_option(index=self.options.index(label))
        self.page.wait_for_function("() => window.__rl_t1 !== undefined", timeout=10_000)
        return self.page.evaluate("() => window.__rl_t1 - window.__rl_t0")


def main() -> int:
    reason = bs.skip_reason()
    if reason:
        print(f"bench: browser = skipped ({reason})")
        return 0
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="resetlab-bench-browser-"))
    try:
        root = bs.copy_course(work / "course")
        # The floor widget runs in lesson 1's own kernel and page: same conditions, one run.
        bs.write_notebook(root / "floor.ipynb", [FLOOR_CELL])
        server = bs.start_lab(root, work / "lab")
        try:
            with sync_playwright() as playwright:
                browser = bs.launch_browser(playwright)
                offline = bs.offline_context(browser)
                page = offline.new_page()
                page.add_init_script(FIRST_WIDGET_SCRIPT)
                bs.open_notebook(page, server, LESSON)
                clicked = page.evaluate("() => performance.now()")
                bs.run_all_cells(page)
                page.wait_for_function("() => window.__rl_first_widget !== undefined")
                first = page.evaluate("() => window.__rl_first_widget")
                floor_page = offline.new_page()
                bs.open_notebook(floor_page, server, "floor.ipynb")
                bs.run_all_cells(floor_page)
                comparer_timer = Timer(page, ".rl-comparer .rl-right-speaker",
                                       ".rl-comparer .rl-right-quotes", ["Medvedev", "Obama"])
                floor_timer = Timer(floor_page, ".rl-floor-menu", ".rl-floor-out",
                                    ["Obama", "Medvedev"])
                comparer, floor = [], []
                for _ in range(CHANGES):
                    comparer.append(comparer_timer.change())
                    floor.append(floor_timer.change())
                if offline.blocked:
                    print(f"bench: the page tried to reach the network: {offline.blocked}")
                    return 1
                offline.close()
                browser.close()
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report("browser_lab_ready", clicked / 1000, "s", "info: page open -> kernel idle, cold cache")
    report("browser_first_widget", first / 1000, "s", "info: page open -> comparer visible, incl. Run All")
    report("browser_comparer_change_median", median(comparer), "ms", f"info: {CHANGES} changes")
    report("browser_comparer_change_p95", p95(comparer), "ms", "< 100")
    report("browser_widget_roundtrip_floor_median", median(floor), "ms", "info: bare ipywidgets echo")
    report("browser_widget_roundtrip_floor_p95", p95(floor), "ms", "info: bare ipywidgets echo")
    report("browser_comparer_change_p95_ratio", p95(comparer) / p95(floor), "x floor", "info")
    report("browser_load_average", os.getloadavg()[0], f"(1 min, {os.cpu_count()} CPUs)", "info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
