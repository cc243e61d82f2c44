"""Real-browser tests: the lessons' widgets in JupyterLab, driven through Debian's chromium.

One JupyterLab (from this Python's environment, on 127.0.0.1, fixed token) and one headless
chromium serve the whole file; every request that is not for 127.0.0.1 is aborted and fails the
test that caused it.  Lessons are served from a temporary copy with autosave off, so nothing here
writes into the repository except screenshots of failures (``tests/artifacts/``, git-ignored).

Run with ``make test-browser``.  Everything is in this one file so that ``pytest -n 2 --dist
loadfile`` (``make test``) gives it to a single worker.  Without /usr/bin/chromium every test
skips, saying why.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

import browser_support as bs

SKIP = bs.skip_reason()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(SKIP is not None, reason=SKIP or "")]

WIDGET_CLASSES = {  # constructor in a lesson's code -> root CSS class of the rendered widget
    "Comparer(": "rl-comparer",
    "Concordance(": "rl-concordance",
    "TimelineExplorer(": "rl-timeline",
    "VariantViewer(": "rl-variants",
}
LESSONS = sorted((bs.REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _widget_lessons() -> dict[str, list[str]]:
    """Lesson file name -> root classes of the course widgets its code builds."""
    found = {}
    for path in LESSONS:
        code = _code(path)
        roots = [root for call, root in WIDGET_CLASSES.items() if call in code]
        if roots:
            found[path.name] = roots
    return found


WIDGET_LESSONS = _widget_lessons()


def _lesson_with(root: str) -> str:
    """The first lesson that builds the widget with root class *root* (fails if none does)."""
    for name, roots in WIDGET_LESSONS.items():
        if root in roots:
            return name
    pytest.fail(f"no lesson in notebooks/ builds a widget with class {root!r} (looked for "
                f"{', '.join(k for k, v in WIDGET_CLASSES.items() if v == root)} in the code cells)")


def _statements() -> list[dict[str, str]]:
    with (bs.REPO / "data" / "statements.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- fixtures

PROBE = [
    "import html\nimport ipywidgets as w\n"
    "pick = w.Dropdown(options=['alpha', 'beta', 'gamma'], description='Pick')\n"
    "pick.add_class('rl-probe-pick')\n"
    "box = w.Text(description='Type', continuous_update=False)\n"
    "box.add_class('rl-probe-box')\n"
    "shown = w.HTML('alpha')\n"
    "shown.add_class('rl-probe-shown')\n"
    "def show(change):\n"
    "    shown.value = html.escape(f'{pick.value}|{box.value}')\n"
    "pick.observe(show, names='value')\n"
    "box.observe(show, names='value')\n"
    "w.VBox([pick, box, shown])",
]

HOSTILE_SCRIPT = "<script>window.__rl_xss = 1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__rl_xss = 1">'
HOSTILE_SPEAKER = '<img src=y onerror="window.__rl_xss = 2">Mallory'
XSS = [
    # The control: ipywidgets' HTML does not sanitise, so an unescaped payload does run here.
    # It proves the page-level flag would catch a leak (and that no CSP hides one).
    "import ipywidgets as w\n"
    "w.HTML('<img src=z onerror=\"window.__rl_control = 1\">control')",
    "from resetlab import load_statements\n"
    "from resetlab.widgets import Comparer\n"
    "st = load_statements()\n"
    "hostile = st[st['speaker'].isin(['Bush', 'Obama'])].copy()\n"
    "bush = hostile.index[hostile['speaker'] == 'Bush']\n"
    "obama = hostile.index[hostile['speaker'] == 'Obama']\n"
    f"hostile.loc[bush[0], 'quote'] = {HOSTILE_SCRIPT!r}\n"
    f"hostile.loc[bush[1], 'quote'] = {HOSTILE_IMG!r}\n"
    f"hostile.loc[obama[0], 'speaker'] = {HOSTILE_SPEAKER!r}\n"
    f"hostile.loc[obama[0], 'quote'] = {HOSTILE_IMG + ' and <b>not bold</b>'!r}\n"
    "Comparer(statements=hostile)",
]


def _write_normalised(path: Path) -> None:
    """Lesson 1 with its metadata as ``make notebooks`` stores it now (``_notebooks.normalise``)."""
    import nbformat

    from resetlab._notebooks import normalise

    nb = nbformat.read(bs.REPO / "notebooks" / "01-start-here.ipynb", as_version=4)
    normalise(nb)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A private JupyterLab serving a copy of the lessons plus the tests' own notebooks."""
    root = bs.copy_course(tmp_path_factory.mktemp("course"))
    bs.write_notebook(root / "scratch" / "probe.ipynb", PROBE)
    bs.write_notebook(root / "scratch" / "xss.ipynb", XSS)
    _write_normalised(root / "scratch" / "normalised.ipynb")
    marking = root / "docs" / "instructors"
    marking.mkdir(parents=True)
    shutil.copyfile(bs.REPO / "docs" / "instructors" / "marking.ipynb", marking / "marking.ipynb")
    server = bs.start_lab(root, tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = bs.launch_browser(playwright)
    yield chromium
    chromium.close()
    playwright.stop()


class Pages:
    """One offline browser context; each notebook opened (and run) once, then shared by tests."""

    def __init__(self, browser, lab):
        self.lab = lab
        self.offline = bs.offline_context(browser)
        self.pages: dict[str, object] = {}
        self.errors: dict[str, list[str]] = {}
        self.touched: list[str] = []
        self.ran: set[str] = set()

    def open(self, path: str, run: bool = True):
        """The page showing *path*, opened and (if *run*) run top to bottom on first use."""
        self.touched.append(path)
        if path not in self.pages:
            page = self.offline.new_page()
            self.errors[path] = []
            page.on("pageerror", lambda exc, path=path: self.errors[path].append(str(exc)))
            self.pages[path] = page
            bs.open_notebook(page, self.lab, path)
        if run and path not in self.ran:
            self.ran.add(path)
            bs.run_all_cells(self.pages[path])
        return self.pages[path]

    def close(self):
        self.offline.close()


@pytest.fixture(scope="module")
def pages(browser, lab):
    opened = Pages(browser, lab)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def offline_and_screenshots(request, pages):
    """Fail a test that let the page ask for anything off 127.0.0.1; screenshot its pages on failure."""
    blocked_before = len(pages.offline.blocked)
    failed_before = request.session.testsfailed
    pages.touched = []
    yield
    if request.session.testsfailed > failed_before:
        for path in dict.fromkeys(pages.touched):
            if path in pages.pages:
                shot = bs.screenshot(pages.pages[path], f"{request.node.name}--{Path(path).stem}")
                print(f"screenshot of {path}: {shot}")
    leaked = pages.offline.blocked[blocked_before:]
    if leaked:
        pytest.fail(f"the page tried to reach the network (blocked): {leaked}")


def _select(page, css: str):
    """The native <select> inside the ipywidgets Dropdown carrying *css*."""
    return page.locator(f".{css} select").first


def _choose_by_keyboard(page, css: str, *keys: str):
    """Focus a menu, open it with Space, move with arrow keys and confirm with Enter.

    (Keys on a closed menu reach the menu too, with the course's settings: see
    test_keys_pressed_on_a_widget_menu_reach_the_menu_not_jupyterlab.)
    """
    _select(page, css).focus()
    page.keyboard.press("Space")
    for key in keys:
        page.keyboard.press(key)
    page.keyboard.press("Enter")


def _options(select) -> list[str]:
    """The menu's option labels as shown (ipywidgets writes spaces as no-break spaces)."""
    return [t.replace("\xa0", " ") for t in select.locator("option").all_inner_texts()]


def _choose(select, label: str):
    """Pick the option shown as *label* (what a mouse user does)."""
    select.select_option(index=_options(select).index(label))


def _wait_text(locator, pattern: str, timeout: float = 15_000):
    """Wait until *locator*'s text matches the regular expression *pattern*."""
    from playwright.sync_api import expect

    expect(locator).to_have_text(re.compile(pattern, re.S), timeout=timeout)


def _assert_clean_run(pages, path: str):
    page = pages.pages[path]
    errors = bs.cell_errors(page)
    assert not errors, f"{path}: cells raised when run in JupyterLab: {errors[:3]}"
    broken = bs.widget_load_errors(page)
    assert not broken, f"{path}: JupyterLab could not render a widget: {broken[:3]}"
    assert not pages.errors[path], f"{path}: JavaScript errors in the page: {pages.errors[path][:3]}"


# ---------------------------------------------------------------- the harness itself


def test_lab_uses_the_project_settings_and_shows_no_news_popup(pages):
    """JupyterLab starts with config/lab-overrides.json applied: no news question, no update check."""
    page = pages.open("scratch/probe.ipynb", run=False)
    settings = pages.lab.api("/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert settings["settings"]["fetchNews"] == "false"
    assert settings["settings"]["checkForUpdates"] is False
    page.wait_for_timeout(1000)  # the news question, when it comes, comes within a second of load
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not any("news" in t.lower() for t in toasts), f"news pop-up shown: {toasts}"
    assert page.locator(".jp-Dialog").count() == 0, "a dialog (Select Kernel?) is in the way"


def test_harness_drives_a_widget_with_mouse_and_keyboard(pages):
    """Run All Cells, pick from a dropdown and type in a text box; the page shows the result."""
    page = pages.open("scratch/probe.ipynb")
    _assert_clean_run(pages, "scratch/probe.ipynb")
    shown = page.locator(".rl-probe-shown")
    _choose(_select(page, "rl-probe-pick"), "gamma")
    _wait_text(shown, r"^gamma\|$")
    _choose_by_keyboard(page, "rl-probe-pick", "ArrowUp")
    _wait_text(shown, r"^beta\|$")
    page.locator(".rl-probe-box input").click()
    page.keyboard.type("<b>typed</b>")
    page.keyboard.press("Enter")
    _wait_text(shown, r"^beta\|<b>typed</b>$")


def test_requests_off_the_machine_are_blocked_and_recorded(pages):
    """A fetch, an image and a web socket to another host are all stopped and written down."""
    page = pages.open("scratch/probe.ipynb", run=False)
    before = len(pages.offline.blocked)
    outcome = page.evaluate(
        """async () => {
            const img = new Image(); img.src = 'https://example.org/pixel.png';
            try { new WebSocket('wss://example.org/socket'); } catch (e) {}
            try { await fetch('https://example.org/data.json'); return 'fetched'; }
            catch (e) { return 'refused'; }
        }"""
    )
    assert outcome == "refused"
    page.wait_for_timeout(500)
    blocked = pages.offline.blocked[before:]
    assert any("example.org/data.json" in b for b in blocked), blocked
    assert any("example.org/pixel.png" in b for b in blocked), blocked
    assert any(b.startswith("WEBSOCKET") for b in blocked), blocked
    assert not bs.is_local("http://localhost.example.org/") and bs.is_local("http://127.0.0.1:1/x")
    del pages.offline.blocked[before:]  # made on purpose: not a leak for the teardown check


def test_hostile_quotes_are_shown_as_text_and_never_run(pages):
    """A quote or speaker carrying <script> or <img onerror> is visible as text; no script runs."""
    page = pages.open("scratch/xss.ipynb")
    _assert_clean_run(pages, "scratch/xss.ipynb")
    page.wait_for_function("() => window.__rl_control === 1", timeout=10_000)
    left = page.locator(".rl-comparer .rl-left-quotes").first
    right = page.locator(".rl-comparer .rl-right-quotes").first
    _wait_text(left, re.escape(HOSTILE_SCRIPT))
    assert HOSTILE_IMG in left.inner_text()
    # The hostile speaker is an option in the menu (as text) and, once chosen, in the heading.
    choice = _select(page, "rl-right-speaker")
    assert HOSTILE_SPEAKER in _options(choice)
    _choose(choice, HOSTILE_SPEAKER)
    _wait_text(right, re.escape(HOSTILE_SPEAKER) + r".*" + re.escape("and <b>not bold</b>"))
    assert right.locator("b", has_text="not bold").count() == 0
    assert page.locator(".rl-comparer img, .rl-comparer script").count() == 0
    page.wait_for_timeout(500)  # give any onerror a chance to fire before reading the flag
    assert page.evaluate("() => typeof window.__rl_xss") == "undefined"


# ------------------------------------------------------------------------ the lessons


def test_every_widget_lesson_is_found():
    """The lessons still build the four course widgets (so the tests below test something)."""
    roots = {root for found in WIDGET_LESSONS.values() for root in found}
    assert roots == set(WIDGET_CLASSES.values()), f"widgets found in lessons: {WIDGET_LESSONS}"


@pytest.mark.parametrize("lesson", sorted(WIDGET_LESSONS))
def test_lesson_runs_in_jupyterlab_and_shows_its_widgets(pages, lesson):
    """Run > Run All Cells on a fresh lesson: no cell fails and every course widget is on screen."""
    path = f"notebooks/{lesson}"
    page = pages.open(path)
    _assert_clean_run(pages, path)
    for root in WIDGET_LESSONS[lesson]:
        widget = page.locator(f".{root}").first
        widget.scroll_into_view_if_needed()
        assert widget.is_visible(), f"{lesson}: no visible .{root}"
    for label in page.locator(".jp-NotebookPanel .widget-dropdown label").all_inner_texts():
        assert label.strip(), f"{lesson}: a menu without a description (screen readers say nothing)"


def _open_widget(pages, root: str):
    """Open the first lesson that builds the widget with root class *root*; return the page and the widget, on screen."""
    page = pages.open(f"notebooks/{_lesson_with(root)}")
    widget = page.locator(f".{root}").first
    widget.scroll_into_view_if_needed()
    return page, widget


def _normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@pytest.mark.parametrize("lesson", sorted(n for n, r in WIDGET_LESSONS.items() if "rl-comparer" in r))
def test_comparer_follows_its_menus_by_mouse_and_keyboard(pages, lesson):
    """Right pane: choose Medvedev with the mouse, 'any meeting' with the keyboard; quotes follow."""
    page = pages.open(f"notebooks/{lesson}")
    comparer = page.locator(".rl-comparer").first
    comparer.scroll_into_view_if_needed()
    left, right = comparer.locator(".rl-left-quotes"), comparer.locator(".rl-right-quotes")
    left_before = _normal(left.inner_text())

    speaker = comparer.locator(".rl-right-speaker select")
    _choose(speaker, "Medvedev")
    _wait_text(right, r"^\s*Right: Medvedev ·")
    event = comparer.locator(".rl-right-event select")
    event.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Home")
    page.keyboard.press("Enter")
    _wait_text(right, r"^\s*Right: Medvedev · any meeting · any topic")

    medvedev = [row for row in _statements() if row["speaker"] == "Medvedev"]
    shown = _normal(right.inner_text())
    assert f"{len(medvedev)} statement" in shown, shown[:300]
    for row in medvedev:
        assert _normal(row["quote"]) in shown, f"{row['statement_id']} missing from the right pane"
        assert row["statement_id"] in shown
    others = [r for r in _statements() if r["speaker"] != "Medvedev" and len(r["quote"]) > 40]
    assert not any(_normal(r["quote"]) in shown for r in others), "another speaker's quote leaked in"
    assert _normal(left.inner_text()).split("Shared with")[0] == left_before.split("Shared with")[0]


def test_concordance_answers_what_is_typed(pages):
    """Type a word and press Enter: counts and keyword-in-context lines agree and mark the word."""
    page, concordance = _open_widget(pages, "rl-concordance")
    box = concordance.locator(".rl-concordance-query input")
    counts = concordance.locator(".rl-concordance-counts")
    results = concordance.locator(".rl-concordance-results")

    def search(text: str):
        box.click()
        page.keyboard.press("Control+a")
        page.keyboard.type(text)
        page.keyboard.press("Enter")

    search("missile")
    _wait_text(counts, r"^\s*\d+ match(es)? for “missile”")
    n = int(re.match(r"\s*(\d+)", counts.inner_text()).group(1))
    raw = "".join(p.read_text(encoding="utf-8") for p in (bs.REPO / "data" / "raw").iterdir()
                  if p.is_file()).lower()
    assert 0 < n <= raw.count("missile")
    marks = results.locator("mark").all_inner_texts()
    assert len(marks) == n and all("missile" in m.lower() for m in marks), marks  # word forms: missile, missiles
    assert results.locator("tr").count() == n + 1  # a header row, then one row per match
    concordance.locator(".rl-concordance-exact input").check()  # whole words only
    for _ in range(100):  # the kernel answers the checkbox in well under a second; poll, as the page does
        exact = results.locator("mark").all_inner_texts()
        if exact and all(m.lower() == "missile" for m in exact):
            break
        page.wait_for_timeout(100)
    assert exact and len(exact) < n and all(m.lower() == "missile" for m in exact), exact
    concordance.locator(".rl-concordance-exact input").uncheck()

    search("<b>zzzq</b>")
    _wait_text(counts, r"^\s*0 matches for “<b>zzzq</b>”")
    _wait_text(results, r"No matches in either source")


def test_timeline_filter_shows_the_events_of_the_chosen_kind(pages):
    """Filter the timeline (keyboard, then mouse): the picture and its summary follow events.csv."""
    page, timeline = _open_widget(pages, "rl-timeline")
    summary = timeline.locator(".rl-timeline-summary")
    picture = timeline.locator(".rl-timeline-figure img")
    menu = timeline.locator(".rl-timeline-filter select")
    labels = _options(menu)

    with (bs.REPO / "data" / "events.csv").open(encoding="utf-8", newline="") as f:
        events = [e for e in csv.DictReader(f)
                  if e["end"] >= "2008-04-01" and e["start"] <= "2009-07-31"]  # the lesson's window

    def expect_events(wanted):
        ids = sorted(e["event_id"] for e in wanted)
        _wait_text(summary, rf"timeline of {len(ids)} events")
        listed = sorted(re.findall(r"^- \S+(?: to \S+)?: (\S+) \(", summary.inner_text(), re.M))
        assert listed == ids

    before = picture.get_attribute("src")
    _choose_by_keyboard(page, "rl-timeline-filter",
                        *["ArrowDown"] * labels.index("outside the sources"))
    expect_events([e for e in events if not e["mentioned_in"]])
    page.wait_for_function("([el, old]) => el.src !== old",
                           arg=[picture.element_handle(), before], timeout=10_000)
    assert "OUTSIDE" in summary.inner_text()

    _choose(menu, "mentioned in source 003")
    expect_events([e for e in events if e["mentioned_in"] == "003"])
    assert "OUTSIDE the sources" not in summary.inner_text()


def test_every_timeline_view_is_drawn_as_an_svg_picture_with_its_text(pages):
    """Each filter in each period shows a decoded SVG <img> with alt text naming the view, as JupyterLab draws it.

    Screenshots: tests/artifacts/timeline-explorer-<filter>-<period>.png.
    """
    page, timeline = _open_widget(pages, "rl-timeline")
    summary = timeline.locator(".rl-timeline-summary")
    picture = timeline.locator(".rl-timeline-figure img")
    filters, periods = timeline.locator(".rl-timeline-filter select"), timeline.locator(".rl-timeline-period select")
    for period in _options(periods):
        _choose(periods, period)
        for show in _options(filters):
            _choose(filters, show)
            _wait_text(summary, re.escape(f"filter '{_FILTER_VALUES[show]}'"))
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
            src, alt = picture.get_attribute("src"), picture.get_attribute("alt")
            assert src.startswith("data:image/svg+xml;base64,"), src[:40]
            assert alt.startswith("Timeline: ") and ("2001 to 2026" if "every" in period else "1 April 2008 to 31 July 2009") in alt, alt
            name = f"timeline-explorer-{_FILTER_VALUES[show]}-{'every-year' if 'every' in period else 'reset'}"
            timeline.screenshot(path=str(bs.ARTIFACTS / f"{name}.png"))
    _choose(periods, _options(periods)[0])
    _choose(filters, _options(filters)[0])


_FILTER_VALUES = {"all events": "all", "mentioned in source 000": "000", "mentioned in source 003": "003",
                  "outside the sources": "outside"}


def test_variant_viewer_follows_the_menu_from_the_keyboard(pages):
    """Choose another statement with the arrow keys: the marked quote, the readings and the live region follow variants.csv."""
    page, viewer = _open_widget(pages, "rl-variants")
    view = viewer.locator(".rl-variants-view")
    _wait_text(view, r"Statement 000-05: Bush")
    assert view.locator("mark").count() >= 1 and view.locator("tbody tr").count() == 2
    labels = _options(viewer.locator(".rl-variants-statement select"))
    target = next(i for i, label in enumerate(labels) if label.startswith("003-04 "))
    _choose_by_keyboard(page, "rl-variants-statement", *["ArrowDown"] * (target - labels.index(next(l for l in labels if l.startswith("000-05 ")))))
    _wait_text(view, r"Statement 003-04: Medvedev")
    with (bs.REPO / "data" / "variants.csv").open(encoding="utf-8", newline="") as f:
        readings = [v["reading"] for v in csv.DictReader(f) if v["statement_id"] == "003-04"]
    rows = view.locator("tbody tr").all_inner_texts()
    assert len(rows) == len(readings) and all(any(r in row for row in rows) for r in readings)
    _wait_text(viewer.locator(".rl-status"), r"Statement 003-04: 2 differences from 1 witness\.")
    viewer.screenshot(path=str(bs.ARTIFACTS / "variant-viewer-003-04.png"))  # for the closing note


# ---------------------------------------------------------------- a written answer, typed, saved, reopened, graded

TYPED = 'Bush said "We can get a lot done together" (000-02), and Medvedev spoke of '
PASTED = ('positions that "bring us together" (003-04). Two short reports chosen by American editors cannot show '
          "more than what they chose to quote.")


def _answer_cell(page, variable: str):
    return page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text=f'{variable} = """').first


def test_a_written_answer_is_typed_saved_reopened_checked_and_graded(pages, lab, tmp_path):
    """Type into q4.6's place to write, run its check, save, reload: the text is there, the check runs, the grader reads it."""
    path = "exercises/04-comparing-the-leaders.ipynb"
    page = pages.open(path)  # Run All first, as the exercise asks: the imports and data cells define check
    cell = _answer_cell(page, "q4_6")
    cell.scroll_into_view_if_needed()
    editor = cell.locator(".cm-content")
    assert "cm-lineWrapping" in (editor.get_attribute("class") or ""), "long lines of prose should wrap"
    lines = editor.locator(".cm-line")
    texts = [lines.nth(i).inner_text() for i in range(lines.count())]
    lines.nth(texts.index('q4_6 = """') + 1).click()  # the blank line between the quote marks
    page.keyboard.type(TYPED)  # typed key by key, quotation marks and brackets included
    page.keyboard.insert_text(PASTED)  # and the rest pasted, as learners do
    page.keyboard.press("Shift+Enter")  # run the answer cell; the check cell below is next
    page.keyboard.press("Shift+Enter")
    check_output = page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text='check("q4.6", q4_6)').first.locator(".jp-OutputArea")
    _wait_text(check_output, r"q4\.6: what these checks could verify.*You cite 2 statements \(000-02 and 003-04\)")
    bs.wait_kernel_idle(page)
    page.keyboard.press("Control+s")
    saved = lab.root / path
    expected = TYPED + PASTED
    import time

    def saved_answer() -> str:
        cells = json.loads(saved.read_text(encoding="utf-8"))["cells"]
        return next("".join(c["source"]) for c in cells if 'q4_6 = """' in "".join(c["source"]))

    deadline = time.monotonic() + 30
    while expected not in saved_answer() and time.monotonic() < deadline:
        # not time.sleep: the sync Playwright API runs the request router (which lets the save's PUT
        # through) only while a Playwright call is waiting, so sleeping would hold the save back
        page.wait_for_timeout(200)
    status = page.locator(".jp-StatusBar-TextItem").all_inner_texts()
    assert saved_answer().endswith(f'q4_6 = """\n{expected}\n"""'), f"Ctrl+S did not save the answer as typed (status bar: {status})"

    page.reload()
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for()
    bs.wait_kernel_idle(page)
    cell = _answer_cell(page, "q4_6")
    cell.scroll_into_view_if_needed()
    assert expected in cell.locator(".cm-content").inner_text().replace("\n", " ").replace("  ", " ") or \
        expected in " ".join(cell.locator(".cm-content").inner_text().split()), "the text is gone after reopening"
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    check_output = page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text='check("q4.6", q4_6)').first.locator(".jp-OutputArea")
    _wait_text(check_output, r"q4\.6: what these checks could verify.*Both passages you quote are in the sources")
    assert not bs.cell_errors(page)

    # the instructor's command, in its own process (Playwright's sync API holds this thread's event loop)
    import subprocess
    import sys

    submissions = tmp_path / "submissions"
    submissions.mkdir()
    (submissions / "dana_04-comparing-the-leaders.ipynb").write_bytes(saved.read_bytes())
    done = subprocess.run([sys.executable, "-m", "resetlab", "grade", str(submissions), "--out", str(tmp_path / "grades.csv"),
                           "--marking", str(tmp_path / "marking"), "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    answers = json.loads((tmp_path / "marking" / "answers.json").read_text(encoding="utf-8"))["answers"]
    assert next(a["text"] for a in answers if a["question"] == "q4.6") == expected
    sheet = (tmp_path / "marking" / "q4.6.md").read_text(encoding="utf-8")
    assert "## dana" in sheet and "Two short reports chosen by American editors" in sheet


def test_the_marking_desk_runs_and_saves_a_level_chosen_by_keyboard(pages):
    """The marking notebook runs clean in JupyterLab; Space on a focused level button saves it, and the cell stays a code cell."""
    path = "docs/instructors/marking.ipynb"
    page = pages.open(path)
    _assert_clean_run(pages, path)
    desk = page.locator(".rl-desk").first
    desk.scroll_into_view_if_needed()
    cells_before = page.locator(".jp-NotebookPanel .jp-Cell").count()
    button = desk.locator(".rl-desk-sourcing button", has_text="2 placed").first
    button.focus()
    page.keyboard.press("Space")
    _wait_text(desk.locator(".rl-desk-status"), r"Saved to marks\.csv: sourcing = 2 for ada, q3\.6\.")
    desk.locator(".rl-desk-limits button", has_text="1 noted").first.click()
    _wait_text(desk.locator(".rl-desk-status"), r"Saved to marks\.csv: limits = 1 for ada, q3\.6\.")
    comment = desk.locator(".rl-desk-comment textarea").first
    comment.click()
    page.keyboard.type("Who else was in the room?")
    page.keyboard.press("Tab")  # leaving the box saves the comment
    _wait_text(desk.locator(".rl-desk-status"), r"Saved to marks\.csv: comment = Who else was in the room\? for ada")
    desk.locator(".rl-desk-next").first.click()
    _wait_text(desk.locator("h3").first, r"q3\.6: ben")
    assert page.locator(".jp-NotebookPanel .jp-Cell").count() == cells_before
    assert not bs.cell_errors(page)


# ---------------------------------------------------------------- keys on a widget stay in the widget

_LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_KEYS = [*_LETTERS, *"123456", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Shift+ArrowDown", "Shift+ArrowUp",
         "Shift+M", "Shift+L", "Shift+J", "Shift+K", "Shift+A", "Shift+B", "Shift+R", "Shift+Z"]


def _cells(page) -> list[str]:
    """Each cell of the open notebook as its type (code, markdown, raw), top to bottom."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map(c =>
        c.classList.contains('jp-CodeCell') ? 'code' : c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw')""")


def _press_all_on(page, select, before: list[str]) -> list[str]:
    """Press every key JupyterLab binds in command mode on the focused, closed menu; return the values it took."""
    values = []
    for key in _KEYS:
        select.focus()
        page.keyboard.press(key)
        page.wait_for_timeout(30)
        assert _cells(page) == before, f"pressing {key} on a widget menu changed the notebook's cells"
        assert select.evaluate("e => e === document.activeElement"), f"pressing {key} moved the focus off the menu"
        values.append(select.input_value())
    return values


def test_keys_pressed_on_a_widget_menu_reach_the_menu_not_jupyterlab(pages):
    """Every letter, digit and arrow on a focused, closed menu: the cell stays as it was and the menu moves
    as a native menu does (type-ahead, arrows); Tab still leaves it (jupyter-widgets/ipywidgets#3912)."""
    page = pages.open("scratch/probe.ipynb")
    before = _cells(page)
    select = _select(page, "rl-probe-pick")
    _press_all_on(page, select, before)
    moves = [("g", "gamma"), ("b", "beta"), ("ArrowUp", "alpha"), ("ArrowDown", "beta"), ("a", "alpha")]
    for key, wanted in moves:  # one key at a time, past the browser's type-ahead pause
        select.focus()
        page.wait_for_timeout(1100)
        page.keyboard.press(key)
        _wait_text(page.locator(".rl-probe-shown"), rf"^{wanted}\|")
        assert _cells(page) == before
    select.focus()
    page.keyboard.press("Tab")
    assert not select.evaluate("e => e === document.activeElement"), "Tab did not leave the menu"
    assert _cells(page) == before


@pytest.mark.parametrize("lesson", sorted(WIDGET_LESSONS))
def test_keys_on_every_menu_of_a_course_widget_stay_in_the_widget(pages, lesson):
    """Every menu and checkbox of every course widget in every lesson: no key turns a cell into Markdown, adds or moves one."""
    page = pages.open(f"notebooks/{lesson}")
    before = _cells(page)
    menus = page.locator(".rl-comparer select, .rl-timeline select, .rl-variants select, .rl-concordance input[type=checkbox]")
    assert menus.count() >= 1
    for i in range(menus.count()):
        select = menus.nth(i)
        select.scroll_into_view_if_needed()
        is_menu = select.evaluate("e => e.tagName") == "SELECT"
        start = select.input_value() if is_menu else select.is_checked()
        _press_all_on(page, select, before)
        if is_menu:
            select.select_option(start)  # leave the widget as the other tests expect it
        else:
            assert select.is_checked() == start  # no key but Space ticks a checkbox, and none was pressed



# ---------------------------------------------------------------- accessibility (issue 11, item 2)

_CONTROLS = ".rl-course select, .rl-course input, .rl-course textarea, .rl-course button"


def test_every_course_widget_control_shows_a_focus_ring_of_2px_at_3_to_1(pages):
    """Each menu, box and checkbox of every course widget, focused: a solid outline >= 2 px whose colour
    has >= 3:1 against the background behind it (WCAG 1.4.11); unfocused, no outline (so the ring is the change)."""
    measured = []
    for lesson in sorted(WIDGET_LESSONS):
        page = pages.open(f"notebooks/{lesson}")
        controls = page.locator(_CONTROLS)
        # at least one control per course widget the lesson builds (the VariantViewer has one menu)
        assert controls.count() >= len(WIDGET_LESSONS[lesson]), f"{lesson}: no course widget controls found"
        for i in range(controls.count()):
            control = controls.nth(i)
            if not control.is_visible():
                continue
            control.scroll_into_view_if_needed()
            control.focus()
            on = control.evaluate(bs.FOCUS_STYLE_JS)
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            off = control.evaluate(bs.FOCUS_STYLE_JS)
            kind = control.evaluate("e => e.tagName.toLowerCase() + ' in ' + e.closest('.jupyter-widgets').className")
            name = f"{lesson}: {kind}"
            ratio = bs.contrast(on["color"], on["background"])
            measured.append((name, on["width"], on["color"], on["background"], round(ratio, 2)))
            assert on["focused"], f"{name}: could not be focused"
            assert on["style"] == "solid" and on["width"] >= 2, f"{name}: focus outline {on}"
            assert ratio >= 3, f"{name}: focus ring {on['color']} on {on['background']} is {ratio:.2f}:1"
            assert off["style"] == "none" or off["width"] == 0, f"{name}: outline when not focused {off}"
    for row in sorted(set((m[1], m[2], m[3], m[4]) for m in measured)):
        print(f"focus ring: {row[0]:g} px {row[1]} on {row[2]}: {row[3]}:1")
    # a picture of the ring, for the closing note
    page = pages.open(f"notebooks/{_lesson_with('rl-comparer')}")
    menu = page.locator(".rl-comparer .rl-right-speaker select").first
    menu.focus()
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = bs.ARTIFACTS / "focus-ring.png"
    page.locator(".rl-comparer").first.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def test_a_result_change_is_announced_in_one_sentence_by_a_polite_live_region(pages):
    """Each course widget has a polite live region; choosing a speaker puts 'Right pane: N statements by X' in it."""
    for lesson, roots in sorted(WIDGET_LESSONS.items()):
        page = pages.open(f"notebooks/{lesson}")
        for root in roots:
            region = page.locator(f".{root} .rl-status [aria-live='polite'][role='status']")
            assert region.count() >= 1, f"{lesson}: .{root} has no polite live region"
            sentence = _normal(region.first.inner_text())
            assert sentence.endswith(".") and sentence.count(". ") == 0, f"{lesson}: .{root} says {sentence!r}"
    page = pages.open(f"notebooks/{_lesson_with('rl-comparer')}")
    comparer = page.locator(".rl-comparer").first
    speaker = comparer.locator(".rl-right-speaker select")
    start = speaker.input_value()
    _choose(speaker, "Medvedev")
    n = sum(row["speaker"] == "Medvedev" for row in _statements())
    region = comparer.locator(".rl-status [aria-live='polite']")
    _wait_text(region, rf"right pane: {n} statements by Medvedev\b")
    speaker.select_option(start)
    _wait_text(region, rf"right pane: \d+ statements? by {re.escape(start) if start else 'any speaker'}\b")


def _control_names(page, css: str) -> list[str]:
    """The accessible name a screen reader gives each control (its <label>'s text, hidden parts included)."""
    return [_normal(n) for n in page.locator(css).evaluate_all(
        "els => els.map(e => (e.labels && e.labels.length ? e.labels[0].textContent : e.getAttribute('aria-label')) || '')")]


def test_two_comparers_in_one_lesson_have_distinct_names_and_headings_fit_the_lesson(pages):
    """Lesson 4's Comparers: no two controls share a name, each widget has a title; pane headings sit under it."""
    two = [n for n in sorted(WIDGET_LESSONS) if _code(bs.REPO / "notebooks" / n).count("Comparer(") >= 2]
    assert two, "no lesson builds two Comparers any more"
    page = pages.open(f"notebooks/{two[0]}")
    names = _control_names(page, ".rl-comparer select")
    assert len(names) >= 12 and all(names), names
    assert len(set(names)) == len(names), f"controls share a name: {sorted(n for n in names if names.count(n) > 1)}"
    hidden = page.locator(".rl-comparer .widget-dropdown label .rl-sr-only").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width <= 1 && getComputedStyle(e).position === 'absolute')")
    assert len(hidden) == len(names) and all(hidden), "the widget's name (heard, not shown) shows on screen"
    titles = [_normal(t) for t in page.locator(".rl-comparer .rl-widget-title h3").all_inner_texts()]
    assert len(titles) == page.locator(".rl-comparer").count() and len(set(titles)) == len(titles), titles
    levels = page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook :is(h1,h2,h3,h4,h5,h6)')]
        .filter(h => h.offsetParent !== null).map(h => +h.tagName[1])""")
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not jumps, f"headings skip a level: {jumps} in {levels}"


@pytest.mark.parametrize("lesson", sorted(WIDGET_LESSONS))
def test_course_widgets_fit_a_narrow_window_as_at_200_percent_zoom(pages, lesson):
    """At 640 px wide (a 1280 px screen at 200 %), every course menu lies inside its widget, arrow and all,
    and no widget scrolls sideways (the VariantViewer's table included)."""
    page = pages.open(f"notebooks/{lesson}")
    size = page.viewport_size
    page.set_viewport_size({"width": 640, "height": 900})
    try:
        page.wait_for_timeout(300)
        for root in WIDGET_LESSONS[lesson]:
            widgets = page.locator(f".{root}")
            for i in range(widgets.count()):
                widget = widgets.nth(i)
                widget.scroll_into_view_if_needed()
                cut = widget.evaluate("""root => {
                    const box = root.getBoundingClientRect(), out = [];
                    for (const el of root.querySelectorAll('select, input[type=text]')) {
                        const r = el.getBoundingClientRect();
                        if (r.right > box.right + 0.5 || r.left < box.left - 0.5) out.push(el.className + ' ' + r.right + '>' + box.right);
                    }
                    if (root.scrollWidth > root.clientWidth + 1) out.push('widget scrolls: ' + root.scrollWidth + '>' + root.clientWidth);
                    return out;
                }""")
                assert not cut, f".{root}: cut off at 640 px: {cut}"
        shot = bs.screenshot(page, f"widgets-640px-{Path(lesson).stem}")
        print(f"screenshot: {shot}")
    finally:
        page.set_viewport_size(size)


@pytest.mark.parametrize("path", ["scratch/normalised.ipynb", "notebooks/01-start-here.ipynb"])
def test_a_lesson_opened_and_closed_untouched_asks_nothing(pages, path):
    """Open, let the kernel start, close: the tab is never marked unsaved and no 'Save your work?' dialog comes.

    (JupyterLab writes the kernel's language_info into the notebook; a lesson stored with less is changed
    at once.  The committed lessons pass once 'make notebooks' has re-run them with _notebooks.normalise.)"""
    page = pages.offline.new_page()
    try:
        bs.open_notebook(page, pages.lab, path)
        page.wait_for_timeout(1500)
        tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current").first
        assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), f"{path} is marked unsaved on opening"
        page.keyboard.press("Alt+w")  # File > Close Tab
        page.wait_for_timeout(800)
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
    finally:
        page.close()


@pytest.mark.parametrize("lesson", [p.name for p in LESSONS])
def test_axe_finds_nothing_in_the_course_content_of_a_lesson_after_run_all(pages, lesson):
    """axe-core (bundled by axe-playwright-python) over the lesson after Run All: no violation inside cell
    outputs, widgets or rendered Markdown; JupyterLab's own are printed, not failed on."""
    path = f"notebooks/{lesson}"
    page = pages.open(path)
    course, lab = bs.axe_violations(page)
    counts: dict[str, int] = {}
    for row in lab:
        counts[f"{row['id']} ({row['impact']})"] = counts.get(f"{row['id']} ({row['impact']})", 0) + 1
    print(f"{lesson}: JupyterLab's own axe violations: " + (", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) or "none"))
    assert not course, f"{lesson}: axe violations in course content:\n" + "\n".join(
        f"  {r['id']} ({r['impact']}): {r['help']}: {r['target']} {r['html']}" for r in course)
