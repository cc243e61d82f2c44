"""The course website (python -m resetlab site, make site): built offline from the committed notebooks, no answers.

One build serves the whole file (``make test`` gives the file to one worker): it runs the real
generator from ``.venv-site`` (``make test`` installs it from requirements/site.txt first).  The
expectations come from the course's own files, not from the site: the lessons' times and widget
outputs from the notebooks, statements from data/statements.csv, the citation from CITATION.cff,
the forbidden texts from the solutions and answers.md (the scan in tests/forbidden.py, as for the learner edition), the answer key from
the workshop plan.  The browser tests open the built pages in Debian's chromium with every request
off the machine aborted, and run axe-core on them.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from support import REPO
from forbidden import forbidden_texts, squash

from resetlab import UsageError
from resetlab.__main__ import main
from resetlab._launch import load_launch
from resetlab._notebooks import time_to_learn
from resetlab.website import (KEY_HEADING, MARK, WIDGET_VIEW, build_site, check_executed, check_site, external_links,
                              read_page, site_python)

import browser_support as bs

LESSONS = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
LAUNCH = load_launch()
BUILD_SECONDS = 60


def _generator_missing() -> str | None:
    try:
        site_python(REPO)
    except UsageError as exc:
        return str(exc)
    return None


MISSING = _generator_missing()
needs_generator = pytest.mark.skipif(MISSING is not None and not os.environ.get("CI"), reason=MISSING or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if MISSING:
        pytest.fail(f"CI must build the site: {MISSING}")  # reached only with CI set; elsewhere the tests skip
    dest = tmp_path_factory.mktemp("site") / "site"
    started = time.perf_counter()
    built = build_site(dest)
    seconds = time.perf_counter() - started
    assert built.dest == dest and (dest / "index.html").is_file() and (dest / MARK).is_file()
    print(f"site built in {seconds:.1f} s: {len(built.pages)} pages")
    assert seconds < BUILD_SECONDS, f"the site took {seconds:.0f} s to build (budget {BUILD_SECONDS} s)"
    return dest


def _notebook(folder: str, stem: str) -> dict:
    return json.loads((REPO / folder / f"{stem}.ipynb").read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    return squash(" ".join(read_page(path).text))


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_"))


# --------------------------------------------------------------------------- what is on it, and what is not


@needs_generator
@pytest.mark.slow
def test_every_lesson_and_exercise_is_a_page_in_order_with_previous_and_next(site):
    """Home, then lesson 1, exercises 1, lesson 2 ...; each page's Next goes to the following one and Previous back."""
    order = ["index.html"] + [f"{folder}/{stem}.html" for stem in LESSONS for folder in ("notebooks", "exercises")]
    order += ["notebooks/glossary.html", "data/README.html"]
    for here, there in zip(order, order[1:]):
        links = dict((cls, href) for cls, href in re.findall(r'<a class="(next-page|prev-page)" href="([^"]+)"',
                                                            (site / here).read_text(encoding="utf-8")))
        assert (site / Path(here).parent / links["next-page"]).resolve() == (site / there).resolve(), here
        back = dict(re.findall(r'<a class="(next-page|prev-page)" href="([^"]+)"', (site / there).read_text(encoding="utf-8")))
        assert (site / Path(there).parent / back["prev-page"]).resolve() == (site / here).resolve(), there
    for stem in LESSONS:
        title = re.search(r"(?m)^# (.+)$", "".join(_notebook("notebooks", stem)["cells"][0]["source"])).group(1)
        assert title.split(":")[0] in _text(site / "notebooks" / f"{stem}.html")


@needs_generator
@pytest.mark.slow
def test_no_solution_answer_or_instructor_note_is_on_any_page(site):
    """Every page's text is free of every solution line, instructor note, model answer and common mistake (the scan in tests/forbidden.py, as for the learner edition)."""
    forbidden = forbidden_texts()
    assert len(forbidden) > 50
    leaks = []
    for path in _pages(site):
        text = _text(path)
        leaks += [f"{path.relative_to(site)}: {t!r} from {o}" for t, o in forbidden.items() if t in text]
    raw = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file() and p.suffix in (".js", ".txt", ".json"))
    leaks += [f"a search or source file: {t!r} from {o}" for t, o in forbidden.items() if len(t) > 30 and t in raw]
    assert not leaks, "\n".join(leaks[:20])
    assert not (site / "solutions").exists() and not list(site.rglob("answers*"))


@needs_generator
@pytest.mark.slow
def test_the_workshop_plan_is_there_without_its_answer_key(site):
    """The plan's sections are on the site; the handout key's rows (what to listen for) are not, and the page says where it is."""
    plan = (REPO / "docs" / "instructors" / "workshop-plan.md").read_text(encoding="utf-8")
    key = KEY_HEADING.search(plan)
    assert key, "the plan has an instructor's key section (positive control)"
    rows = [row.split("|")[4].strip() for row in re.findall(r"(?m)^\| \d+ \|.*\|$", plan[key.end():])]
    assert len(rows) >= 6
    page = _text(site / "instructors" / "workshop-plan.html")
    for row in rows:
        for sentence in re.split(r"(?<=[.:])\s+", row):
            if len(sentence) > 25:
                assert squash(sentence.replace("`", "")) not in page, sentence
    assert "Handing in" in page and "Accessibility in the room" in page and "left out of this website" in page


@needs_generator
@pytest.mark.slow
def test_each_widget_output_is_its_text_with_a_sentence_and_a_launch_link_and_no_widget_script(site):
    """Every widget view in a committed lesson shows its stored text/plain, says it needs Python, and links Binder for that lesson."""
    seen = 0
    for folder in ("notebooks", "exercises"):
        for stem in LESSONS:
            html = (site / folder / f"{stem}.html").read_text(encoding="utf-8")
            assert WIDGET_VIEW not in html and "require.js" not in html and "embed-amd" not in html
            assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html)
            summaries = ["".join(o["data"]["text/plain"]) for c in _notebook(folder, stem)["cells"]
                         for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
            boxes = re.findall(r'<div class="rl-widget-static".*?</div>', html, re.S)
            assert len(boxes) == len(summaries), f"{folder}/{stem}"
            binder = LAUNCH.binder_to(f"{folder}/{stem}.ipynb").replace("&", "&amp;")
            for summary, box in zip(summaries, boxes):
                assert summary.replace("'", "&#x27;") in box, (stem, summary)
                assert f'href="{binder}"' in box and "make start" in box and "only while Python runs" in box
                seen += 1
    assert seen >= 4, "the lessons build a comparer, a concordance and a timeline explorer"


@needs_generator
@pytest.mark.slow
def test_each_lesson_page_says_its_time_to_learn_as_the_notebook_does_and_the_home_page_lists_them(site):
    """Under each title: the notebook's own minutes; the home page's table gives each lesson's total, and their sum."""
    html = (site / "index.html").read_text(encoding="utf-8")
    table = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [squash(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells:
            table[cells[1]] = int(cells[-1])
    totals = []
    for stem in LESSONS:
        nb = _notebook("notebooks", stem)
        total, lesson, exercise = time_to_learn("\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"))
        totals.append(total)
        page = (site / "notebooks" / f"{stem}.html").read_text(encoding="utf-8")
        assert f'<p class="rl-time">Time to learn: {total} minutes, about {lesson} for this lesson and {exercise}' in page, stem
        assert f'<p class="rl-time">Time to learn: about {exercise} minutes' in (site / "exercises" / f"{stem}.html").read_text(encoding="utf-8")
        title = re.search(r"(?m)^# (.+)$", "".join(nb["cells"][0]["source"])).group(1).strip()
        assert table.get(title) == total, (title, table)
    assert f"in all, about {sum(totals)} minutes" in _text(site / "index.html")


@needs_generator
@pytest.mark.slow
def test_every_page_shows_how_to_cite_and_the_licence(site):
    """The footer of every page cites CITATION.cff's title and version and states the licences."""
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    for path in _pages(site):
        text = _text(path)
        assert "How to cite:" in text and cff["title"] in text and f"Version {cff['version']}" in text, path
        assert "Licence:" in text and "CC BY 4.0" in text and f"Code: {cff['license']}" in text, path


@needs_generator
@pytest.mark.slow
def test_statement_ids_in_the_prose_link_to_the_statements_page_which_has_every_offset(site):
    """A `000-02` in a lesson's Markdown is a link to its entry; the entry gives the source and the offsets of statements.csv."""
    with (REPO / "data" / "statements.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["statement_id"]: r for r in csv.DictReader(f)}
    statements = site / "data" / "statements.html"
    page = read_page(statements)
    text = _text(statements)
    for sid, row in rows.items():
        assert f"stmt-{sid}" in page.ids, sid
        assert f"Characters {row['start']} to {row['end']} of source {row['source_id']}" in text, sid
        assert squash(row["quote"]) in text, sid
    linked = 0
    for stem in LESSONS:
        prose = "\n".join("".join(c["source"]) for c in _notebook("notebooks", stem)["cells"] if c["cell_type"] == "markdown")
        named = set(re.findall(r"`(\d{3}-\d{2})`", prose)) & set(rows)
        links = {(unquote(urlsplit(h).path), urlsplit(h).fragment, t) for h, t in read_page(site / "notebooks" / f"{stem}.html").links}
        for sid in named:
            assert ("../data/statements.html", f"stmt-{sid}", sid) in links, (stem, sid)
            linked += 1
    assert linked >= 10


@needs_generator
@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves_and_nothing_loads_from_outside(site):
    """check_site finds no broken link, missing anchor, or script, style sheet, font or image from another host."""
    problems = check_site(site)
    assert not problems, "\n".join(problems[:30])
    pages = _pages(site)
    assert sum(len(read_page(p).links) for p in pages) > 300, "the check saw the pages' links"
    glossary = read_page(site / "notebooks" / "glossary.html").ids
    assert {"Missile-defence", "NATO", "value_counts"} <= glossary or {"missile-defence", "nato", "value-counts"} <= glossary


def test_the_site_check_finds_each_kind_of_problem(tmp_path):
    """A positive control: a made-up site with a CDN script, font, image and import, a dead link and a missing anchor."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<html><head><script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/f.css">'
        '<link rel="stylesheet" href="a/s.css"><link rel="canonical" href="https://example.org/"></head><body><article>'
        '<h1 id="top">T</h1><img src="http://img.example/i.png" alt="i"><img src="data:image/png;base64,AAAA" alt="ok">'
        '<a href="a/page.html#there">fine</a><a href="a/page.html#nowhere">anchor</a><a href="gone.html">dead</a>'
        '<a href="#top">self</a><a href="https://example.org/read">outside prose link</a></article></body></html>', encoding="utf-8")
    (tmp_path / "a" / "page.html").write_text('<p id="there">x</p><a href="../index.html#top">back</a>', encoding="utf-8")
    (tmp_path / "a" / "s.css").write_text('@import "https://fonts.example/g.css"; b { background: url(missing.png) }'
                                          ' @font-face { src: url("https://font.example/f.woff2") }', encoding="utf-8")
    problems = "\n".join(check_site(tmp_path))
    for expected in ("https://cdn.example/x.js", "//fonts.example/f.css", "http://img.example/i.png", "#nowhere", "gone.html",
                     "https://fonts.example/g.css", "missing.png", "https://font.example/f.woff2"):
        assert expected in problems, expected
    for fine in ("#there", "canonical", "data:image", "#top", "example.org/read"):
        assert fine not in problems, fine
    assert len(check_site(tmp_path)) == 8
    assert external_links(tmp_path) == [("https://example.org/read", ["index.html"])]


@needs_generator
@pytest.mark.slow
def test_images_keep_their_alt_text_and_headings_step_down_one_level_at_a_time(site):
    """Every <img> has alt text (the course's figures included); each page has one h1 and no skipped heading level."""
    figures = 0
    for path in _pages(site):
        page = read_page(path)
        for img in page.images:
            assert (img.get("alt") or "").strip(), f"{path.relative_to(site)}: an image without alt text"
            figures += img.get("src", "").startswith(("data:image/png", "data:image/svg+xml"))
        levels = page.headings
        if path.name == "search.html":
            continue  # Sphinx's search page, filled in by its script
        assert levels.count(1) == 1 and levels[0] == 1, f"{path.relative_to(site)}: {levels}"
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{path.relative_to(site)}: {levels}"
    assert figures >= 2, "lesson 5's figures are on the site"


@needs_generator
@pytest.mark.slow
def test_the_search_index_covers_the_lessons_prose_and_the_link_report_lists_outside_links(site, capsys):
    """Sphinx's own search index (searchindex.js, read offline) knows the lessons; site-links lists the Binder links."""
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    for word in ("medvedev", "corrobor", "toyako"):
        assert word in index.lower(), word
    assert main(["site-links", str(site)]) == 0
    out = capsys.readouterr().out
    assert LAUNCH.binder_to("notebooks/04-comparing-the-leaders.ipynb") in out
    assert "listed, not fetched" in out.splitlines()[-1]
    assert main(["site-links", str(site / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("error: There is no built website")


# --------------------------------------------------------------------------- refusals, each one sentence


def test_a_notebook_whose_cells_were_never_run_is_refused_in_one_sentence(tmp_path):
    """The site shows stored outputs only, so an unexecuted code cell stops the build with the command to run."""
    for folder in ("notebooks", "exercises"):
        (tmp_path / folder).mkdir()
        shutil.copyfile(REPO / folder / f"{LESSONS[0]}.ipynb", tmp_path / folder / f"{LESSONS[0]}.ipynb")
    check_executed(tmp_path)
    nb = json.loads((tmp_path / "notebooks" / f"{LESSONS[0]}.ipynb").read_text(encoding="utf-8"))
    code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    nb["cells"][code]["execution_count"], nb["cells"][code]["outputs"] = None, []
    (tmp_path / "notebooks" / f"{LESSONS[0]}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(UsageError, match=rf"notebooks/{LESSONS[0]}.ipynb, cell {code + 1}, was never run.*'make notebooks'"):
        check_executed(tmp_path)


def test_a_missing_generator_and_an_occupied_folder_are_one_sentence(tmp_path, capsys):
    """`site --python nowhere` and a folder holding someone's files: exit 1, one 'error:' line, nothing deleted."""
    assert main(["site", str(tmp_path / "out"), "--python", str(tmp_path / "no-python")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: The site generator is not installed") and "make site" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "mine.txt").write_text("mine", encoding="utf-8")
    python = shutil.which("python3") or "/usr/bin/python3"
    assert main(["site", str(tmp_path), "--python", python]) == 1
    err = capsys.readouterr().err
    assert "not empty and is not the website" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert main(["site", str(REPO / "notebooks"), "--python", python]) == 1
    assert "tracked folders" in capsys.readouterr().err


def test_the_generator_is_pinned_in_its_own_file_and_make_site_installs_it_apart_from_make_start():
    """requirements/site.txt pins every package exactly; only make site and make test install it, into .venv-site."""
    pins = [line for line in (REPO / "requirements" / "site.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[\w.+-]+", p) for p in pins), pins
    names = {p.split("==")[0].lower() for p in pins}
    assert {"sphinx", "myst-nb", "myst-parser", "furo", "docutils", "jinja2"} <= names
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    learners = makefile.split("# ---- maintainers only")[0]
    assert "site.txt" not in learners and ".venv-site" not in learners
    assert re.search(r"(?m)^test: .*\$\(SITE_STAMP\)", makefile) and re.search(r"(?m)^site: .*\$\(SITE_STAMP\)", makefile)
    assert "-r requirements/site.txt" in makefile
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv-site/" in ignored and "build/" in ignored


@needs_generator
def test_the_generators_environment_has_exactly_the_pinned_versions():
    """What .venv-site holds is requirements/site.txt, no more and no less (so the pins are the whole set)."""
    frozen = subprocess.run([str(site_python(REPO)), "-m", "pip", "freeze", "--all"], capture_output=True, text=True,
                            timeout=60, check=True).stdout.split()
    installed = {line.lower() for line in frozen if not line.lower().startswith(("pip==", "setuptools==", "wheel=="))}
    pins = {line.lower() for line in (REPO / "requirements" / "site.txt").read_text(encoding="utf-8").split()
            if "==" in line}
    assert installed == pins, {"not pinned": sorted(installed - pins), "not installed": sorted(pins - installed)}


# --------------------------------------------------------------------------- in a real browser, offline

BROWSER_SKIP = bs.skip_reason()
PAGES = ["index.html", "notebooks/04-comparing-the-leaders.html", "notebooks/05-context-and-timeline.html"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    """The built site on a local static server (127.0.0.1), as a static host would serve it."""
    server = http.server.ThreadingHTTPServer((bs.ALLOWED_HOST, 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{bs.ALLOWED_HOST}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def offline(site):
    if BROWSER_SKIP:
        pytest.skip(BROWSER_SKIP)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = bs.launch_browser(playwright)
        context = bs.offline_context(browser, viewport=(1200, 900))
        yield context
        context.close()
        browser.close()


@needs_generator
@pytest.mark.browser
@pytest.mark.parametrize("where", ["file", "server"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_open_offline_with_no_request_leaving_and_axe_finds_nothing_in_the_content(site, served, offline, where, path):
    """Home and two lessons, from disk and from 127.0.0.1: no request off the machine, axe-core clean in the article."""
    page = offline.new_page()
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    base = f"file://{site}" if where == "file" else served
    page.goto(f"{base}/{path}")
    page.wait_for_load_state("load")
    assert page.locator("article h1").count() == 1
    assert not offline.blocked, f"requests off the machine: {offline.blocked}"
    assert seen and all(bs.is_local(u) for u in seen)
    course, theme = bs.axe_violations(page, content="article")
    counts: dict[str, int] = {}
    for row in theme:
        counts[row["id"]] = counts.get(row["id"], 0) + 1
    print(f"{path} ({where}): the theme's own axe violations: " + (", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) or "none"))
    assert not course, f"{path}: axe violations in the course content:\n" + "\n".join(
        f"{r['id']} ({r['impact']}): {r['target']} {r['html']}" for r in course)
    if where == "server":
        bs.screenshot(page, f"site-{Path(path).stem}")
    page.close()


@needs_generator
@pytest.mark.browser
def test_lesson_4_shows_the_comparers_text_and_launch_link_and_search_works_offline(site, served, offline):
    """The comparer's box is readable and its link names Binder for lesson 4; the search page finds a word with no network."""
    page = offline.new_page()
    page.goto(f"{served}/notebooks/04-comparing-the-leaders.html")
    box = page.locator(".rl-widget-static").first
    box.scroll_into_view_if_needed()
    assert "Comparer(4 statements left" in box.inner_text()
    link = box.get_by_role("link", name="open it on Binder")
    assert link.get_attribute("href") == LAUNCH.binder_to("notebooks/04-comparing-the-leaders.ipynb")
    link.focus()
    outline = page.evaluate("el => getComputedStyle(el).outlineWidth", link.element_handle())
    assert float(outline.removesuffix("px")) >= 2, "the focused link shows a visible focus ring"
    page.screenshot(path=str(bs.ARTIFACTS / "site-lesson-4-comparer.png"))
    page.goto(f"{served}/search.html?q=Toyako")
    page.locator("#search-results li, .search li").first.wait_for(timeout=15_000)
    # results come first and their text snippets after (fetched page by page): wait for the word, not the first item
    from playwright.sync_api import expect

    expect(page.locator("#search-results")).to_contain_text("Toyako", timeout=15_000)
    assert not offline.blocked, offline.blocked
    page.close()
