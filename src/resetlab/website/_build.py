"""Building the course website: staging the learner edition's pages and running Sphinx on them.

``python -m resetlab site [DEST]`` (``make site``; default ``build/site``) writes a static,
read-only HTML site of the course: a home page, each lesson followed by its exercises, the
glossary, the data pages (``data/README.md``, the sources' provenance, every statement with its
offsets), the instructors' workshop plan less its answer key, and the corroboration handout.

It is built from the **learner edition** (:func:`resetlab._release.build_edition`, written to a
temporary folder), so what the site can show is exactly what learners may receive: no
``solutions/``, no ``answers.md``, no instructor-note cells.  Nothing is executed: the pages show
the outputs committed in the notebooks, the ones nbval checks.  Each widget's output becomes a
static box with its text summary, a sentence and a link that launches the lesson live (Binder,
from ``config/launch.toml``).

The HTML comes from Sphinx with MyST-NB and the Furo theme (pinned in ``requirements/site.txt``,
installed by ``make site`` into ``.venv-site``), run as a separate process; the Sphinx side of the
course is :mod:`resetlab.website._sphinx`.  :mod:`resetlab.website._check` reads a built
site back: broken internal links and anchors, resources from outside hosts, and the links in the
prose that point off the site (``python -m resetlab site-links``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .._paths import REPO_ROOT
from .._version import __version__
from ..errors import UsageError

DEFAULT_DEST = Path("build") / "site"
#: The site generator's own interpreter (``make site`` builds it); ``RESETLAB_SITE_PYTHON`` or ``--python`` override it.
SITE_PYTHON = Path(".venv-site") / "bin" / "python"
SITE_REQUIREMENTS = Path("requirements") / "site.txt"
MARK = ".resetlab-site"  # written into every built site, so a rebuild knows the folder is one
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PLAN = Path("docs") / "instructors" / "workshop-plan.md"
HANDOUT = Path("docs") / "instructors" / "corroboration-handout.md"
#: The plan's section that is an answer key: its heading, and what the site says instead.
KEY_HEADING = re.compile(r"(?m)^## [^\n]*\binstructor'?s'? key\b[^\n]*$", re.I)
KEY_LEFT_OUT = ("The key is left out of this website, which learners can read. It is at the end of "
                "`docs/instructors/workshop-plan.md` in the course's full repository.")
STATEMENT_ID = re.compile(r"\d{3}-\d{2}")
LICENCE = ("Course text, lessons' prose and derived data: CC BY 4.0, credit \u201cReset Lab contributors\u201d. "
           "Code: {code}. The two source texts keep their publishers' terms.")
#: The course's own style on top of the theme: the widgets' text boxes, a visible focus ring.
CSS = """\
.rl-widget-static { border: 2px solid #555; border-radius: 4px; padding: 0.5rem 0.9rem; margin: 0.5rem 0; }
.rl-widget-static pre { margin: 0.4rem 0; white-space: pre-wrap; }
/* Code and printed text wrap instead of scrolling sideways: a phone can read them, and no region needs a keyboard scroll. */
.highlight pre, .output pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.rl-time { font-weight: bold; }
a:focus-visible, button:focus-visible, input:focus-visible, label:focus-visible, summary:focus-visible {
  outline: 3px solid #1a5fb4; outline-offset: 2px;
}
.rl-footer { font-size: 0.85rem; margin-top: 1rem; }
"""
#: The theme's page with the course's citation and licence under every page (Jinja escapes them with |e), and named sidebars.
PAGE_TEMPLATE = """\
{% extends "!page.html" %}
{#- Furo's two sidebars are unnamed <aside> landmarks, which axe-core flags (landmark-unique): name them. -#}
{% block body %}{{ super()|replace('<aside class="sidebar-drawer">', '<aside class="sidebar-drawer" aria-label="Course pages">')
                          |replace('<aside class="toc-drawer', '<aside aria-label="On this page" class="toc-drawer') }}{% endblock %}
{% block footer %}
{{ super() }}
<div class="rl-footer">
  <p><strong>How to cite:</strong> {{ resetlab_citation|e }}</p>
  <p><strong>Licence:</strong> {{ resetlab_licence|e }}</p>
</div>
{% endblock footer %}
"""
CONF = """\
# Written by python -m resetlab site (resetlab.website); the settings are in site.json beside this file.
from resetlab.website._sphinx import configure

configure(globals())
"""


@dataclass(frozen=True)
class Site:
    """What :func:`build_site` wrote."""

    dest: Path
    pages: tuple[str, ...]
    seconds: float
    placeholder: str | None = None  # the address the site will live at, while it is a placeholder

    def summary(self) -> str:
        lessons = sum(bool(re.fullmatch(r"notebooks/\d\d-[\w-]+\.html", p)) for p in self.pages)
        line = (f"wrote the website to {self.dest} in {self.seconds:.2f} s: {len(self.pages)} pages "
                f"({lessons} lessons with their exercises, the glossary, the data and the workshop plan), "
                f"version {__version__}, no solutions, answers or instructor notes; open {self.dest / 'index.html'}")
        if self.placeholder:
            line += f"; it is to be published at {self.placeholder}, a placeholder until then (config/launch.toml)"
        return line


# --------------------------------------------------------------------------- building


def site_python(root: Path = REPO_ROOT, python: str | os.PathLike[str] | None = None) -> Path:
    """The site generator's interpreter: *python*, else ``$RESETLAB_SITE_PYTHON``, else the repository's ``.venv-site``."""
    chosen = python or os.environ.get("RESETLAB_SITE_PYTHON") or root / SITE_PYTHON
    path = Path(chosen)
    if not path.is_file():
        raise UsageError(f"The site generator is not installed ({path} does not exist); run 'make site', which installs "
                         f"{SITE_REQUIREMENTS.as_posix()} into {SITE_PYTHON.parts[0]} and builds the site.")
    return path


def build_site(dest: str | os.PathLike[str] = DEFAULT_DEST, root: str | os.PathLike[str] = REPO_ROOT,
               python: str | os.PathLike[str] | None = None) -> Site:
    """Write the course website of the repository at *root* into *dest*; return what was written.

    Raises:
        UsageError: for a folder that is not a previous site and not empty, a folder among the
            repository's tracked ones, a notebook whose code cells were never run, a repository
            not ready to release, a missing generator, or a build that reports a problem.
    """
    from .._release import build_edition, check_output_folder

    started = time.perf_counter()
    root = Path(root).resolve()
    dest = Path(dest).expanduser().resolve()
    generator = site_python(root, python)
    check_output_folder(dest, root, "the website", DEFAULT_DEST, MARK)
    with tempfile.TemporaryDirectory(prefix="resetlab-site-") as tmp:
        edition = build_edition(Path(tmp) / "edition", root).dest
        check_executed(edition)
        source = Path(tmp) / "source"
        stage(edition, root, source)
        out = Path(tmp) / "html"
        _run_sphinx(generator, source, out, Path(tmp) / "doctrees")
        (out / MARK).write_text(f"Reset Lab website {__version__}, written by python -m resetlab site; "
                                "the next build replaces this folder whole.\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), dest)
    from .._launch import load_launch

    launch = load_launch(root / "config" / "launch.toml")
    pages = tuple(sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.html")
                         if not p.relative_to(dest).parts[0].startswith("_")))
    return Site(dest, pages, time.perf_counter() - started, None if launch.published else launch.site)


def check_executed(folder: Path) -> None:
    """Refuse lessons or exercises with a code cell that was never run: the site shows stored outputs only."""
    for path in sorted([*(folder / "notebooks").glob("*.ipynb"), *(folder / "exercises").glob("*.ipynb")]):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells, start=1):
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip() and cell.get("execution_count") is None:
                raise UsageError(f"{path.parent.name}/{path.name}, cell {index}, was never run, and the website shows the "
                                 "committed outputs without running anything; run 'make notebooks' and 'make exercises', "
                                 "then 'make site'.")


def _run_sphinx(python: Path, source: Path, out: Path, doctrees: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                        os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    command = [str(python), "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-E",
               "-d", str(doctrees), str(source), str(out)]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    except OSError as exc:
        raise UsageError(f"The site generator {python} could not be started ({exc.strerror}); run 'make site' to reinstall it.") from None
    if result.returncode == 0:
        return
    missing = re.search(r"No module named '?([\w.]+)'?", result.stderr)
    if missing:
        raise UsageError(f"The site generator at {python} lacks {missing.group(1)}; run 'make site', which installs "
                         f"{SITE_REQUIREMENTS.as_posix()} into {SITE_PYTHON.parts[0]}.")
    problems = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line] or \
        result.stderr.strip().splitlines()[-1:] or [f"exit code {result.returncode}"]
    first = problems[0].replace(str(source) + os.sep, "")
    raise UsageError(f"The website did not build: {first} ({len(problems)} problem(s) in all; the pages are made "
                     "from the committed notebooks and docs, so fix the file it names).")


# --------------------------------------------------------------------------- what goes in


def lesson_pages(edition: Path) -> list[dict]:
    """Each lesson of the edition in order: its stem, title, minutes (total, lesson, exercise), and exercise title."""
    from .._notebooks import time_to_learn

    lessons = []
    for path in sorted((edition / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        minutes = time_to_learn("\n".join(markdown))
        if minutes is None:
            raise UsageError(f"notebooks/{path.name} does not say its time to learn (a '**Time to learn: N minutes**: about A "
                             "for this lesson and B for its exercises' line); add it to its Prerequisites cell.")
        exercise = edition / "exercises" / path.name
        if not exercise.is_file():
            raise UsageError(f"notebooks/{path.name} has no exercise notebook exercises/{path.name}; run 'make exercises'.")
        lessons.append({"stem": path.stem, "title": _title(markdown, path.name), "minutes": minutes,
                        "exercise_title": _title(["".join(c["source"]) for c in json.loads(exercise.read_text(encoding="utf-8"))["cells"]
                                                  if c["cell_type"] == "markdown"], exercise.name)})
    return lessons


def _title(markdown: list[str], name: str) -> str:
    for text in markdown:
        found = re.search(r"(?m)^# (.+)$", text)
        if found:
            return found.group(1).strip()
    raise UsageError(f"{name} has no '# Title' heading; the website names each page by it.")


def md_escape(text: str) -> str:
    """*text* as literal Markdown: every ASCII punctuation mark backslash-escaped (CommonMark allows it for all of them).

    >>> md_escape("a *b* [c](d) 1-2")
    'a \\\\*b\\\\* \\\\[c\\\\]\\\\(d\\\\) 1\\\\-2'
    """
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(str(text).split()))


def _what_they_teach(root: Path) -> dict[str, str]:
    """Lesson stem -> the README lesson table's 'what it teaches' cell."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"(?m)^\| \d+ \| `notebooks/(\d\d-[a-z-]+)\.ipynb` \| ([^|]+?) \| \d+ \|", readme))


def citation(root: Path) -> str:
    """How to cite the course, one line, from ``CITATION.cff``."""
    import yaml

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
                        for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    return f"{authors} ({year}). {cff['title']}. Version {cff['version']}."


def licence(root: Path) -> str:
    """The licence line every page shows: the content licence, and the code's from ``CITATION.cff``."""
    import yaml

    return LICENCE.format(code=yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))["license"])


def stage(edition: Path, root: Path, source: Path) -> dict:
    """Write the site's Sphinx sources into *source* from the learner *edition*; return the settings written."""
    from .._launch import load_launch

    launch = load_launch(root / "config" / "launch.toml")
    lessons = lesson_pages(edition)
    source.mkdir(parents=True)
    pages: dict[str, dict] = {}
    order = ["index"]
    for lesson in lessons:
        stem, (total, reading, exercise) = lesson["stem"], lesson["minutes"]
        for folder in ("notebooks", "exercises"):
            (source / folder).mkdir(exist_ok=True)
            rel = f"{folder}/{stem}.ipynb"
            nb = json.loads((edition / rel).read_text(encoding="utf-8"))
            static_widgets(nb, launch, rel, launch.published)
            (source / rel).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
            pages[f"{folder}/{stem}"] = {"minutes": (f"Time to learn: {total} minutes, about {reading} for this lesson and "
                                                     f"{exercise} for its exercises." if folder == "notebooks" else
                                                     f"Time to learn: about {exercise} minutes for these exercises "
                                                     f"(lesson and exercises together: {total} minutes).")}
            order.append(f"{folder}/{stem}")
    shutil.copyfile(edition / "notebooks" / "glossary.md", source / "notebooks" / "glossary.md")
    (source / "data").mkdir()
    shutil.copyfile(edition / "data" / "README.md", source / "data" / "README.md")
    (source / "data" / "sources.md").write_text(sources_page(edition / "data"), encoding="utf-8")
    statements, ids = statements_page(edition / "data")
    (source / "data" / "statements.md").write_text(statements, encoding="utf-8")
    (source / "instructors").mkdir()
    plan = (root / PLAN).read_text(encoding="utf-8")
    (source / "instructors" / "workshop-plan.md").write_text(without_key(plan), encoding="utf-8")
    shutil.copyfile(root / HANDOUT, source / "instructors" / "corroboration-handout.md")
    pages["instructors/workshop-plan"] = {"outside": _outside_links(plan, root / PLAN.parent, source / "instructors"),
                                          "note": "The instructors' plan as the course repository holds it, less its key to "
                                                  "the corroboration handout. Files it names that are not on this site are in "
                                                  "the repository's docs/ folder."}
    order += ["notebooks/glossary", "data/README", "data/sources", "data/statements",
              "instructors/workshop-plan", "instructors/corroboration-handout"]
    (source / "index.md").write_text(home_page(root, lessons, launch, order), encoding="utf-8")
    (source / "_static").mkdir()
    (source / "_static" / "resetlab.css").write_text(CSS, encoding="utf-8")
    (source / "_templates").mkdir()
    (source / "_templates" / "page.html").write_text(PAGE_TEMPLATE, encoding="utf-8")
    settings = {"version": __version__, "citation": citation(root), "licence": licence(root),
                "statement_ids": ids, "pages": pages, "widget_view": WIDGET_VIEW}
    (source / "site.json").write_text(json.dumps(settings, indent=1, ensure_ascii=False), encoding="utf-8")
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    return settings


def static_widgets(nb: dict, launch, path: str, published: bool = True) -> int:
    """Replace each widget view output in *nb* by a static box: its text summary, a sentence, a launch link.

    A page has no kernel, so a live widget could only be a dead control; its ``text/plain`` (the
    summary nbval checks) is shown instead, with the way to run the lesson.  Returns how many.
    """
    cells = nb["cells"]
    replaced = 0
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            summary = "".join(data.get("text/plain", "")).strip() or "a widget"
            kind = re.match(r"[A-Za-z_]\w*", summary)
            name = kind.group(0) if kind else "widget"
            shown = _shown_variable("".join(cell["source"]))
            later = shown and any(f"{shown}.fallback()" in "".join(c["source"]) for c in cells[index + 1:]
                                  if c["cell_type"] == "code")
            binder = launch.binder_to(path)
            parts = [
                f"<p><strong>A live widget, shown here as text.</strong> The {html.escape(name)} answers its menus "
                "only while Python runs the lesson, so this page shows the summary the notebook stores:</p>",
                f"<pre>{html.escape(summary)}</pre>",
                "<p>" + (f"A cell further down prints its full text version (<code>{html.escape(shown)}.fallback()</code>). "
                         if later else "") +
                f"To use the widget, run this lesson: <a href=\"{html.escape(binder)}\">open it on Binder</a>"
                + ("" if published else " (a placeholder until the course is published)") +
                f", open it on your institution's hub, or run <code>make start</code> on your own computer and open "
                f"<code>{html.escape(path)}</code>.</p>",
            ]
            label = f"{name} widget, shown as text"
            output["data"] = {"text/html": f"<div class=\"rl-widget-static\" role=\"note\" aria-label=\"{html.escape(label)}\">"
                                           + "".join(parts) + "</div>",
                              "text/plain": data.get("text/plain", summary)}
            replaced += 1
    return replaced


def _shown_variable(source: str) -> str | None:
    """The name a code cell ends by showing (``us_presidents`` in ``us_presidents = Comparer(...)\\nus_presidents``)."""
    lines = [line.strip() for line in source.strip().splitlines()]
    return lines[-1] if lines and re.fullmatch(r"[A-Za-z_]\w*", lines[-1]) else None


def without_key(plan: str) -> str:
    """The workshop plan less its answer key section: the heading stays (links to it resolve), with a note instead."""
    found = KEY_HEADING.search(plan)
    if not found:
        return plan
    after = re.search(r"(?m)^## ", plan[found.end():])
    rest = plan[found.end() + after.start():] if after else ""
    return plan[:found.end()] + "\n\n" + KEY_LEFT_OUT + "\n\n" + rest


def _outside_links(text: str, folder: Path, staged: Path) -> list[str]:
    """Link targets in *text* that are files of the repository (relative to *folder*) but not pages of the site."""
    outside = set()
    for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)\s]*)?\)", text):
        if "://" not in target and (folder / target).exists() and not (staged / target).exists():
            outside.add(target)
    return sorted(outside)


def sources_page(data: Path) -> str:
    """The sources' provenance, one section per source, from ``data/sources.csv``."""
    from ..sources import load_manifest

    lines = ["# The two sources", "",
             "Where each source text comes from, as `data/sources.csv` records it. The raw files are kept byte for byte; "
             "every statement points to character offsets in them ([all statements](statements.md)).", ""]
    labels = [("publisher", "Publisher"), ("publisher_kind", "Kind of publisher"), ("date", "Date"),
              ("date_basis", "Date stated or inferred"), ("date_evidence", "Evidence for the date"),
              ("meeting", "Meeting"), ("place", "Place"), ("original_url", "Original address"),
              ("capture_evidence", "When this copy was made"), ("file", "File in data/raw/"), ("sha256", "SHA-256"),
              ("encoding", "Encoding"), ("quote_style", "Quotation marks")]
    for row in load_manifest(data).to_dict("records"):
        lines += [f"(source-{row['source_id']})=", f"## Source {row['source_id']}: {md_escape(row['title'])}", ""]
        for key, label in labels:
            value = str(row.get(key) or "").strip() or "not known"
            shown = f"`{value}`" if key in ("file", "sha256") else md_escape(value)
            lines.append(f"- **{label}:** {shown}")
        lines.append("")
    return "\n".join(lines)


def statements_page(data: Path) -> tuple[str, list[str]]:
    """Every statement with its source, speaker, date and offsets into the raw file; and the statement ids."""
    from ..statements import load_statements

    statements = load_statements(data)
    lines = ["# All statements", "",
             "Every quoted passage in the two sources, as `data/statements.csv` holds it. Each one has an id "
             "(source, then number) and its place in the raw file: the characters from *start* up to *end*, counted "
             "in the text decoded as UTF-8. The lessons link here wherever they name an id.", ""]
    ids = []
    for source_id, rows in statements.groupby("source_id", sort=True):
        lines += [f"## Source {source_id}", "", f"Provenance: [source {source_id}](sources.md#source-{source_id}).", ""]
        for row in rows.to_dict("records"):
            sid = row["statement_id"]
            ids.append(sid)
            through = ", through an interpreter" if row["interpreted"] else ""
            lines += [f"(stmt-{sid})=", f"### {sid}: {md_escape(row['speaker'])}", "",
                      f"> {md_escape(row['quote'])}", "",
                      f"{md_escape(row['speaker'])} ({md_escape(row['side'])}){through}; event `{row['event']}`, "
                      f"{md_escape(row['date'])}; kind *{md_escape(row['kind'])}*; topics: {md_escape(row['topics'].replace(';', ', '))}. "
                      f"Characters {row['start']} to {row['end']} of source {source_id}'s raw file.", ""]
    return "\n".join(lines), ids


def home_page(root: Path, lessons: list[dict], launch, order: list[str]) -> str:
    """The home page: what the course is, for whom, its question, the lessons with their times, how to launch it."""
    teaches = _what_they_teach(root)
    total = sum(lesson["minutes"][0] for lesson in lessons)
    rows = ["| # | lesson | exercises | what it teaches | minutes |", "| --- | --- | --- | --- | --- |"]
    for n, lesson in enumerate(lessons, start=1):
        stem = lesson["stem"]
        rows.append(f"| {n} | [{md_escape(lesson['title'])}](notebooks/{stem}.ipynb) | [exercises](exercises/{stem}.ipynb) "
                    f"| {md_escape(teaches.get(stem, ''))} | {lesson['minutes'][0]} |")
    placeholder = "" if launch.published else (
        f"\n\n**Not published yet.** The launch links below name `{launch.address}`, a placeholder until the course is "
        "published there; until then they lead nowhere, and the local route is the one that works.")
    toctree = "\n".join(["```{toctree}", ":hidden:", ":maxdepth: 1", "", *[p for p in order if p != "index"], "```"])
    return f"""\
# Reset Lab

Reset Lab is an open course on the 2008\u20132009 U.S.\u2013Russia \u201creset\u201d, taught from two primary sources: a
U.S. State Department report of Bush and Medvedev at the G8 summit in July 2008, and a Radio Free Europe/Radio
Liberty report of Obama and Medvedev in London in April 2009. It is written as Jupyter notebooks, with widgets
for comparing what the leaders said and exercises that check themselves.

This website shows every lesson and its exercises as they are stored, outputs included, so you can read
the course before you run it. Nothing on it runs: widgets appear as text, with a link to open the lesson
live. Version {__version__}.

## Who it is for

Students in a history, international-relations or digital-methods module; instructors running a workshop;
anyone learning on their own. You need no programming beyond running a cell: the later lessons introduce a
little pandas.

## The course's question

*What changed in the way the American and Russian presidents spoke about each other between July 2008 and
April 2009, and how far can two short news reports show it?* You answer it in your own words, with evidence
from both sources, at the end of lesson 6.

## The lessons

Each lesson is followed by its exercises. The minutes are for both together; in all, about {total} minutes.

{chr(10).join(rows)}

Words that may be new are explained in the [glossary](notebooks/glossary.md). The [data pages](data/README.md)
say where each source comes from and how the tables were made; [every statement](data/statements.md) is listed
with its place in the source text, and the lessons link to it wherever they name an id such as `000-02`.
Use the search box to find a word anywhere on the site.

## How to launch it

To run the lessons, open them in JupyterLab in one of three ways.{placeholder}

1. **Binder**, with nothing to install: [open lesson 1 on Binder]({launch.binder}). The first start takes
   several minutes, and a session keeps nothing when it ends: download your work before you leave.
2. **Your institution's JupyterHub**, for a workshop: your instructor gives you a link that copies the
   course into your own folder on the hub.
3. **Your own computer**, with Python 3.11 and `make`: `git clone --branch {launch.tag} {launch.address}.git`,
   then `make start` in the folder it makes.

## For instructors

The [workshop plan](instructors/workshop-plan.md) has a two-hour and a half-day session, and the
[corroboration handout](instructors/corroboration-handout.md) is the sheet for lesson 6. This website is
made from the learner edition of the course, so it holds no solutions, answer keys or instructor notes.

{toctree}
"""
