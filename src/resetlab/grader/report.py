"""The class at a glance: one self-contained ``report.html`` for the instructor, written after grading.

``write_report(rows, path)`` takes the grader's rows and writes a single HTML
file that needs nothing else: no script, no external font, style sheet or
image (a Content-Security-Policy in the page forbids loading any), so it opens
the same from a laptop, a shared drive or an e-mail attachment.  It shows:

* how many files had each status (rows that are not counted, invalid or
  duplicates are not learners' work and count nowhere else);
* for each checked question, the share of learners whose counted submission
  passed it, hardest first, as an inline SVG bar chart with a table beside it
  (the table is the accessible equivalent; the chart is one ``role="img"``);
* the most common wrong answers to each question, grouped after trivial
  normalising (strings stripped and case-folded, everything else compared by a
  canonical form that keeps list order);
* the totals of each lesson in score bands, as a table and small histograms;
* the learners to look at (blank, failed, partial, flagged, not counted,
  invalid), with the grader's reason;
* how many written answers still await a person's marks.

Everything a learner controls (names, file names, answers, the reasons that
quote them) is escaped, truncated and bidi-isolated in ``<bdi>``; control and
bidi-override characters are shown as their code points (``[U+202E]``), so
they can neither reorder the page nor hide in it.  The output depends only on
the rows: no clock, no random ids, unless ``generated`` is given.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import math
import numbers
import os
import re
import reprlib
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..checks import NOT_YET, READ, Question, questions
from ..compare import OKABE_ITO
from ..errors import UsageError
from ._rows import BLANK, DUPLICATE, FAILED, GRADED, INVALID, MISSING, NOT_COUNTED, PARTIAL, STATUSES

DEFAULT_TITLE = "Reset Lab: the class at a glance"

#: Colours: text and lines meet WCAG AA on white (text 4.5:1, bars and borders 3:1).
TEXT = "#1b1b1b"
MUTED = "#4a4a4a"
LINE = "#767676"
LINK = "#0050a0"
BAR = OKABE_ITO["blue"]  # 5.2:1 on white
HISTOGRAM = OKABE_ITO["bluish green"]  # 3.4:1 on white
BACKGROUND = "#ffffff"

#: How many groups of wrong answers each question shows, and how much of one answer.
TOP_WRONG = 5
ANSWER_CHARS = 100
NAME_CHARS = 80
FILE_CHARS = 120
REASON_CHARS = 400
MESSAGE_CHARS = 240
PROMPT_CHARS = 220

#: Score bands of the totals, as (lowest, highest) whole percentages of the lesson's maximum.
BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))

_DESCRIPTIONS = {
    GRADED: "every cell ran and every checked answer was scored",
    PARTIAL: "answers were scored, but some cells failed, timed out or printed too much",
    FAILED: "the notebook could not run to the end; its checked answers could not be read",
    BLANK: "the learner's copy of an exercise with nothing answered; nothing was run",
    NOT_COUNTED: "a course notebook that is not a learner's exercise (an instructors' copy, a lesson)",
    INVALID: "not a notebook of this course; nothing was run",
    DUPLICATE: "graded, but a newer file of the same learner for the same lesson counts instead",
    MISSING: "a learner on the roster with no file at all",
}

#: Statuses whose rows are learners' work; the others count nowhere but in the status table.
COUNTED = (GRADED, PARTIAL, FAILED, BLANK)
#: Statuses an instructor should look at, most urgent first (flagged rows of any status follow).
LOOK_AT = (FAILED, BLANK, MISSING, PARTIAL, INVALID, NOT_COUNTED)


# --------------------------------------------------------------------------- learner text made safe

#: Characters that reorder text (embeddings, overrides, isolates, marks): shown as code points.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = {"\t": " ", "\n": " ", "\r": " ", "\u2028": " ", "\u2029": " "}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _plain(value: Any, limit: int, *, count: bool = False) -> str:
    """*value* as one line of inert text: controls and bidi characters as code points, cut at *limit*.

    >>> _plain("a\\u202eb\\nc", 20)
    'a[U+202E]b c'
    >>> _plain("x" * 30, 10)
    'xxxxxxxxxx…'
    """
    try:
        text = str.__str__(value) if isinstance(value, str) else str(value)
    except Exception:  # a __str__ that raises
        text = f"a {type(value).__name__}"
    size = len(text)
    out = []
    for ch in text[:limit]:
        if ch in _SPACES:
            out.append(_SPACES[ch])
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    shown = "".join(out)
    return shown + ((f"… ({size:,} characters)" if count else "…") if size > limit else "")


def _esc(value: Any, limit: int = REASON_CHARS) -> str:
    """Inert text, HTML-escaped (quotes too, so it is safe in an attribute)."""
    return html.escape(_plain(value, limit), quote=True)


def _bdi(value: Any, limit: int = NAME_CHARS) -> str:
    """Learner-controlled text: escaped, truncated and isolated from the text around it."""
    return f"<bdi>{_esc(value, limit)}</bdi>"


class _Repr(reprlib.Repr):
    """A short repr that never shows a memory address and never raises."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 3, 8, 8, 8
        self.maxset, self.maxfrozenset, self.maxstring, self.maxother, self.maxlong = 8, 8, 60, 60, 40

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            text = repr(x)
        except Exception:
            return f"<{type(x).__name__}>"
        text = _ADDRESS.sub("", text)
        return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."


_REPR = _Repr()


def _is_pandas(value: Any, name: str) -> bool:
    kind = type(value)
    return kind.__name__ == name and kind.__module__.split(".")[0] == "pandas"


def _shown(value: Any) -> str:
    """A learner's value as the report shows it: a short repr (quotes say it was text).

    >>> _shown("  State  ")
    "'  State  '"
    >>> _shown(["a", 1])
    "['a', 1]"
    """
    try:
        if isinstance(value, str):
            text = str.__str__(value)
            head = repr(text[:ANSWER_CHARS])
            return head + (f"… ({len(text):,} characters)" if len(text) > ANSWER_CHARS else "")
        if _is_pandas(value, "DataFrame"):
            rows, cols = value.shape
            names = _REPR.repr([str(c) for c in list(value.columns)[:8]])
            return f"a table of {rows:,} row{'s' * (rows != 1)} × {cols} column{'s' * (cols != 1)}, columns {names}"
        if _is_pandas(value, "Series"):
            pairs = list(zip(list(value.index[:6]), list(value.iloc[:6])))
            inner = ", ".join(f"{_REPR.repr(k)}: {_REPR.repr(v)}" for k, v in pairs)
            more = ", …" if len(value) > 6 else ""
            return f"a Series of {len(value):,} value{'s' * (len(value) != 1)}: {{{inner}{more}}}"
        return _REPR.repr(value)
    except Exception:  # a value too odd to show still gets a line
        return f"a {type(value).__name__} that cannot be shown"


def _key(value: Any, depth: int = 0) -> str:
    """The canonical form wrong answers are grouped by: strings stripped and case-folded, order kept.

    >>> _key("  Moscow ") == _key("moscow")
    True
    >>> _key(["a", "b"]) == _key(["b", "a"])
    False
    """
    if depth > 4:
        return "…"
    limit = 500
    if value is None or isinstance(value, bool) or value is Ellipsis:
        return repr(value)
    if isinstance(value, str):
        return "s" + repr(str.__str__(value).strip().casefold())
    if isinstance(value, numbers.Integral):
        return "n" + str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return "n" + (str(int(number)) if number.is_integer() else repr(number))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_key(v, depth + 1) for v in value[:limit]) + f"|{len(value)}]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_key(v, depth + 1) for v in list(value)[:limit])) + f"|{len(value)}}}"
    if isinstance(value, dict):
        items = list(value.items())[:limit]
        return "{" + ",".join(sorted(f"{_key(k, depth + 1)}:{_key(v, depth + 1)}" for k, v in items)) + f"|{len(value)}}}"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "d" + value.isoformat()
    if _is_pandas(value, "DataFrame"):
        cells = [list(row) for row in value.head(limit).itertuples(index=False)]
        return f"df{value.shape}" + _key([str(c) for c in value.columns], depth + 1) + _key(cells, depth + 1)
    if _is_pandas(value, "Series"):
        pairs = list(zip(list(value.index[:limit]), list(value.iloc[:limit])))
        return f"sr{len(value)}" + _key(pairs, depth + 1)
    return "o" + type(value).__name__ + _shown(value)


def _group_key(value: Any) -> str:
    try:
        key = _key(value)
    except Exception:  # __len__, __iter__ or a conversion raised
        key = "x" + type(value).__name__
    if len(key) > 300:  # a 10,000-character answer: a short key that still tells answers apart
        key = key[:200] + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key


# --------------------------------------------------------------------------- the numbers


@dataclass
class _Wrong:
    """One group of equal wrong answers."""

    key: str
    learners: int = 0
    forms: dict[str, int] = field(default_factory=dict)  # shown text -> how many gave it
    message: str = ""

    @property
    def shown(self) -> str:
        return min(self.forms, key=lambda s: (-self.forms[s], s))


@dataclass
class _Checked:
    """One checked question across the class."""

    question: Question
    order: int
    learners: int = 0
    passed: int = 0
    not_answered: int = 0
    wrong: dict[str, _Wrong] = field(default_factory=dict)
    wrong_unkept: int = 0  # wrong, but the grader kept no answer to show

    @property
    def share(self) -> float:
        return self.passed / self.learners if self.learners else 0.0

    @property
    def wrong_learners(self) -> int:
        return sum(w.learners for w in self.wrong.values()) + self.wrong_unkept


@dataclass
class _Written:
    question: Question
    answered: int = 0
    marked: int = 0
    awaiting: int = 0
    stale: int = 0


def _percent(share: float) -> str:
    return f"{math.floor(share * 100 + 0.5)}%"


def _results(row: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for result in getattr(row, "results", None) or ():
        qid = getattr(result, "question_id", None)
        if isinstance(qid, str) and qid not in found:
            found[qid] = result
    return found


def _counted(rows: list[Any]) -> dict[str, list[Any]]:
    """Counted rows by lesson, in the course's lesson order."""
    by_lesson: dict[str, list[Any]] = {}
    for lesson in dict.fromkeys(q.lesson for q in questions()):
        found = [r for r in rows if r.status in COUNTED and r.notebook == lesson]
        if found:
            by_lesson[lesson] = found
    return by_lesson


def _checked(by_lesson: dict[str, list[Any]]) -> list[_Checked]:
    """Every checked question of a lesson with counted rows, hardest first (lowest share passed)."""
    stats = []
    for order, q in enumerate(questions()):
        if q.writing or q.lesson not in by_lesson:
            continue
        stat = _Checked(q, order)
        for row in by_lesson[q.lesson]:
            stat.learners += 1
            result = _results(row).get(q.id)
            status = getattr(result, "status", None)
            if result is not None and getattr(result, "passed", False) is True:
                stat.passed += 1
            elif status == NOT_YET:
                answers = getattr(row, "answers", None) or {}
                if q.id not in answers:
                    stat.wrong_unkept += 1
                    continue
                value = answers[q.id]
                key = _group_key(value)
                group = stat.wrong.setdefault(key, _Wrong(key))
                group.learners += 1
                shown = _shown(value)
                group.forms[shown] = group.forms.get(shown, 0) + 1
                if not group.message or shown == group.shown:
                    group.message = str(getattr(result, "message", "") or "")
            else:
                stat.not_answered += 1
        stats.append(stat)
    stats.sort(key=lambda s: (s.share, s.order))
    return stats


def _written(by_lesson: dict[str, list[Any]]) -> list[_Written]:
    stats = []
    for q in questions():
        if not q.writing or q.lesson not in by_lesson:
            continue
        stat = _Written(q)
        for row in by_lesson[q.lesson]:
            text = (getattr(row, "written", None) or {}).get(q.id)
            status = getattr(_results(row).get(q.id), "status", None)
            answered = bool(isinstance(text, str) and text.strip()) or status in (READ, NOT_YET)
            mark = (getattr(row, "marks", None) or {}).get(q.id)
            if answered:
                stat.answered += 1
            if mark is not None:
                stat.marked += 1
                stat.stale += bool(isinstance(mark, dict) and mark.get("stale"))
            elif answered:
                stat.awaiting += 1
        stats.append(stat)
    return stats


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return value if math.isfinite(number) else None


def _totals(by_lesson: dict[str, list[Any]]) -> dict[str, list[float]]:
    """Each lesson's totals as percentages of its maximum (rows without a numeric total are left out)."""
    found = {}
    for lesson, rows in by_lesson.items():
        shares = []
        for row in rows:
            total, most = _number(getattr(row, "total", "")), _number(getattr(row, "max", ""))
            if total is not None and most is not None and most > 0:
                shares.append(max(0.0, min(100.0, 100.0 * total / most)))
        if shares:
            found[lesson] = shares
    return found


def _band(percent: float) -> int:
    whole = math.floor(percent + 0.5)
    return next(i for i, (low, high) in enumerate(BANDS) if whole <= high or i == len(BANDS) - 1)


# --------------------------------------------------------------------------- HTML pieces

_CSS = f"""
:root {{ color-scheme: light; }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: {TEXT}; background: {BACKGROUND}; line-height: 1.45; margin: 0 auto; max-width: 84rem;
  padding: 1rem 1.5rem 3rem; }}
h1 {{ font-size: 1.7rem; margin: .6rem 0; }}
h2 {{ font-size: 1.35rem; border-top: 1px solid {LINE}; padding-top: .8rem; margin-top: 2.2rem; }}
h3 {{ font-size: 1.08rem; margin: 1.4rem 0 .3rem; }}
a {{ color: {LINK}; }}
table {{ border-collapse: collapse; margin: .4rem 0 1rem; }}
caption {{ text-align: left; font-weight: 600; padding: .3rem 0; }}
th, td {{ border: 1px solid {LINE}; padding: .25rem .55rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }}
thead th {{ background: #f0f0f0; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.muted {{ color: {MUTED}; }}
.side {{ display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }}
.side > * {{ flex: 0 1 auto; }}
figure {{ margin: .4rem 0 1rem; }}
figcaption {{ font-weight: 600; margin-bottom: .2rem; }}
svg {{ max-width: 100%; height: auto; }}
svg text {{ fill: {TEXT}; font-size: 14px; }}
code {{ font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92em;
  overflow-wrap: anywhere; }}
.prompt {{ max-width: 60rem; }}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _table(caption: str, head: list[str], rows: list[list[str]], numeric: Iterable[int] = ()) -> str:
    """A table: *head* and the first cell of each row become <th scope>; cells are HTML already."""
    numeric = set(numeric)

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    out = [f"<table>\n<caption>{caption}</caption>\n<thead><tr>"]
    out += [f'<th scope="col"{cls(i)}>{h}</th>' for i, h in enumerate(head)]
    out.append("</tr></thead>\n<tbody>\n")
    for row in rows:
        cells = [f'<th scope="row"{cls(0)}>{row[0]}</th>']
        cells += [f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row[1:], start=1)]
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    out.append("</tbody>\n</table>")
    return "".join(out)


def _status_section(rows: list[Any]) -> str:
    counted = COUNTED
    known = list(STATUSES)
    extra = sorted({str(r.status) for r in rows} - set(known))  # a status this report does not know
    lines = []
    for status in known + extra:
        n = sum(str(r.status) == status for r in rows)
        lines.append([_esc(status), str(n), "yes" if status in counted else "no",
                      _esc(_DESCRIPTIONS.get(status, "a status this report does not know"))])
    table = _table("Files by status", ["Status", "Files", "Counts as learners' work", "What it means"], lines, [1])
    return '<h2 id="status">Submissions by status</h2>\n' + table


def _bar_chart(stats: list[_Checked]) -> str:
    label_w, bar_w, value_w, row_h, top = 56, 300, 124, 26, 10
    width = label_w + bar_w + value_w
    height = top + row_h * len(stats) + 30
    summary = "Share of learners who passed each checked question, hardest first: " + "; ".join(
        f"{s.question.id} {_percent(s.share)} ({s.passed} of {s.learners})" for s in stats) + "."
    out = [f'<svg role="img" aria-label="{_esc(summary, 10_000)}" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" class="chart">',
           f"<title>{_esc(summary, 10_000)}</title>"]
    for i, s in enumerate(stats):
        y = top + i * row_h
        middle = y + row_h / 2
        filled = round(bar_w * s.share, 1)
        out.append(f'<g class="bar"><text x="{label_w - 8}" y="{middle}" text-anchor="end" dominant-baseline="central">'
                   f"{_esc(s.question.id)}</text>"
                   f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="none" stroke="{LINE}"/>'
                   f'<rect x="{label_w}" y="{y + 4}" width="{filled}" height="{row_h - 8}" fill="{BAR}"/>'
                   f'<text x="{label_w + bar_w + 8}" y="{middle}" dominant-baseline="central">'
                   f"{_percent(s.share)} ({s.passed} of {s.learners})</text></g>")
    axis = top + row_h * len(stats) + 4
    for share in (0, 0.5, 1):
        x = label_w + bar_w * share
        anchor = "start" if share == 0 else "end" if share == 1 else "middle"
        out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{axis}" stroke="{LINE}" stroke-dasharray="3 3"/>'
                   f'<text x="{x}" y="{axis + 16}" text-anchor="{anchor}">{_percent(share)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _questions_section(stats: list[_Checked]) -> str:
    head = '<h2 id="questions">Checked questions, hardest first</h2>\n'
    if not stats:
        return head + '<p>No counted submission has a checked question yet.</p>'
    intro = ('<p>The share of learners whose counted submission for the lesson passed each checked question; '
             "blank and failed submissions count as not passed. The table beside the chart gives the same numbers.</p>\n")
    rows = [[_esc(s.question.id), _esc(s.question.lesson), f"{s.passed} of {s.learners}", _percent(s.share),
             str(s.wrong_learners), str(s.not_answered)] for s in stats]
    table = _table("Checked questions, hardest first",
                   ["Question", "Lesson", "Passed", "Share passed", "Wrong", "Not answered"], rows, [2, 3, 4, 5])
    chart = (f'<figure>\n<figcaption>Share passed, hardest first</figcaption>\n{_bar_chart(stats)}\n</figure>')
    return head + intro + f'<div class="side">\n{chart}\n{table}\n</div>'


def _wrong_section(stats: list[_Checked]) -> str:
    head = '<h2 id="wrong">Most common wrong answers</h2>\n'
    parts = []
    for s in stats:
        if not s.wrong_learners:
            continue
        q = s.question
        groups = sorted(s.wrong.values(), key=lambda w: (-w.learners, w.key))
        shown, rest = groups[:TOP_WRONG], groups[TOP_WRONG:]
        lines = [[f"<code>{_bdi(w.shown, ANSWER_CHARS * 2)}</code>", str(w.learners), _bdi(w.message, MESSAGE_CHARS)]
                 for w in shown]
        block = [f"<h3>{_esc(q.id)} <span class=\"muted\">({_esc(q.lesson)})</span></h3>",
                 f'<p class="prompt muted">{_esc(q.prompt, PROMPT_CHARS)}</p>']
        if lines:
            noun = "learner" if s.wrong_learners == 1 else "learners"
            block.append(_table(f"Wrong answers to {_esc(q.id)}, most common first ({s.wrong_learners} {noun} answered wrongly)",
                                ["Answer", "Learners", "What the check said"], lines, [1]))
        if rest:
            others = sum(w.learners for w in rest)
            block.append(f"<p>… and {len(rest)} other wrong answer{'s' * (len(rest) != 1)} "
                         f"from {others} learner{'s' * (others != 1)}.</p>")
        if s.wrong_unkept:
            block.append(f"<p class=\"muted\">{s.wrong_unkept} wrong answer{'s were' if s.wrong_unkept != 1 else ' was'} "
                         "not kept by the grader and cannot be shown.</p>")
        parts.append("\n".join(block))
    if not parts:
        return head + "<p>No counted submission has a wrong checked answer.</p>"
    return head + ("<p>Answers are grouped after trimming spaces and ignoring case; each question shows its "
                   f"{TOP_WRONG} most common wrong answers, in the form most learners typed.</p>\n") + "\n".join(parts)


def _histogram(lesson: str, counts: list[int]) -> str:
    bar_w, gap, chart_h, left, top = 44, 10, 90, 8, 22
    width = left * 2 + len(counts) * (bar_w + gap) - gap
    height = top + chart_h + 44
    most = max(counts) or 1
    labels = [f"{low}–{high}%" for low, high in BANDS]
    summary = f"Totals in {lesson}: " + ", ".join(f"{n} scored {label}" for n, label in zip(counts, labels)) + "."
    out = [f'<svg role="img" aria-label="{_esc(summary)}" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" class="histogram">', f"<title>{_esc(summary)}</title>"]
    base = top + chart_h
    for i, (n, label) in enumerate(zip(counts, labels)):
        x = left + i * (bar_w + gap)
        h = round(chart_h * n / most, 1)
        out.append(f'<rect x="{x}" y="{base - h}" width="{bar_w}" height="{h}" fill="{HISTOGRAM}"/>'
                   f'<text x="{x + bar_w / 2}" y="{base - h - 6}" text-anchor="middle">{n}</text>'
                   f'<text x="{x + bar_w / 2}" y="{base + 18}" text-anchor="middle" style="font-size:12px">{label}</text>')
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" stroke="{LINE}"/>')
    out.append("</svg>")
    return "\n".join(out)


def _totals_section(totals: dict[str, list[float]], awaiting: int) -> str:
    head = '<h2 id="totals">Totals</h2>\n'
    if not totals:
        return head + "<p>No counted submission has a total yet.</p>"
    note = (" Written answers count 0 until they are marked, so these totals are low while "
            f"{awaiting} written answer{'s' * (awaiting != 1)} await marking.") if awaiting else ""
    rows, figures = [], []
    for lesson, shares in totals.items():
        counts = [0] * len(BANDS)
        for share in shares:
            counts[_band(share)] += 1
        median = statistics.median(shares)
        rows.append([_esc(lesson), str(len(shares)), *map(str, counts), f"{math.floor(median + 0.5)}%"])
        figures.append(f"<figure>\n<figcaption>{_esc(lesson)}</figcaption>\n{_histogram(lesson, counts)}\n</figure>")
    table = _table("Learners per score band (total as a share of the lesson's maximum)",
                   ["Lesson", "Learners", *(f"{low}–{high}%" for low, high in BANDS), "Median"], rows,
                   range(1, len(BANDS) + 3))
    return (head + f"<p>Each counted submission's total as a share of its lesson's maximum.{note}</p>\n"
            + table + '\n<div class="side">\n' + "\n".join(figures) + "\n</div>")


def _flags(row: Any) -> list[str]:
    """The row's flags, with "late" when the LMS marked the hand-in late."""
    flags = [str(f) for f in (getattr(row, "flags", None) or [])]
    return flags + ["late"] if getattr(row, "late", False) is True and "late" not in flags else flags


def _look_at_section(rows: list[Any]) -> str:
    head = '<h2 id="look">Learners to look at</h2>\n'
    order = {s: i for i, s in enumerate(LOOK_AT)}
    chosen = [r for r in rows if r.status in order or _flags(r)]
    if not chosen:
        return head + "<p>No submission is blank, failed, partial, flagged, not counted or invalid, and no hand-in is missing.</p>"
    chosen.sort(key=lambda r: (order.get(r.status, len(order)), str(r.learner).casefold(), str(r.notebook), str(r.file)))
    lines = []
    for r in chosen:
        flags = ", ".join(_bdi(f, 40) for f in _flags(r)) or "—"
        lines.append([_bdi(r.learner or "(no name)"), f"<code>{_bdi(r.file, FILE_CHARS)}</code>" if r.file else "—", _esc(r.notebook or "—"),
                      _esc(r.status), flags, _bdi(r.reason, REASON_CHARS) if r.reason else "—"])
    return head + _table(f"Submissions to look at ({len(lines)})",
                         ["Learner", "File", "Lesson", "Status", "Flags", "Reason"], lines)


def _written_section(stats: list[_Written]) -> str:
    head = '<h2 id="written">Written answers to mark</h2>\n'
    if not stats:
        return head + "<p>No counted submission has a written question.</p>"
    awaiting = sum(s.awaiting for s in stats)
    intro = (f"<p>{awaiting} written answer{'s' * (awaiting != 1)} await{'s' * (awaiting == 1)} marking "
             "(mark them in marks.csv, then grade again with --marks).</p>\n")
    rows = [[_esc(s.question.id), _esc(s.question.lesson), str(s.answered), str(s.marked), str(s.awaiting), str(s.stale)]
            for s in stats]
    return head + intro + _table("Written questions", ["Question", "Lesson", "Answers written", "Marked",
                                                       "Awaiting marking", "Marked against an earlier answer"],
                                 rows, [2, 3, 4, 5])


def render_report(rows: Iterable[Any], *, title: str = DEFAULT_TITLE, generated: Any = None) -> str:
    """The report's HTML as text (what ``write_report`` writes)."""
    rows = list(rows)
    by_lesson = _counted(rows)
    checked = _checked(by_lesson)
    written = _written(by_lesson)
    counted = [r for r in rows if r.status in COUNTED]
    learners = len({str(r.learner).casefold() for r in counted})
    files = sum(1 for r in rows if getattr(r, "file", ""))  # a roster learner with no hand-in is a row, not a file
    summary = (f"{files} file{'s' * (files != 1)} graded; {len(counted)} count{'s' * (len(counted) == 1)} "
               f"as learners' work, from {learners} learner{'s' * (learners != 1)}.")
    modes = sorted({str(getattr(r, "isolation", "")) for r in rows} - {""})
    if modes:
        said = {"contained": "contained (each notebook in a sandbox of its own: no network, none of your files)",
                "limited": "limited (resource limits only: learner code could reach your files and the network)"}
        summary += " Learner code ran " + " and ".join(said.get(m, _esc(m, 40)) for m in modes) + "."
    if generated is not None:
        stamp = generated.isoformat(sep=" ") if isinstance(generated, _dt.datetime) else (
            generated.isoformat() if isinstance(generated, _dt.date) else generated)
        summary += f" Written {_esc(stamp, 80)}."
    nav = ('<nav aria-label="Sections"><ul>'
           '<li><a href="#status">Submissions by status</a></li>'
           '<li><a href="#questions">Checked questions, hardest first</a></li>'
           '<li><a href="#wrong">Most common wrong answers</a></li>'
           '<li><a href="#totals">Totals</a></li>'
           '<li><a href="#look">Learners to look at</a></li>'
           '<li><a href="#written">Written answers to mark</a></li>'
           "</ul></nav>")
    body = [
        f"<h1>{_esc(title, 200)}</h1>",
        f"<p>{summary}</p>",
        nav,
        _status_section(rows),
        _questions_section(checked),
        _wrong_section(checked),
        _totals_section(_totals(by_lesson), sum(s.awaiting for s in written)),
        _look_at_section(rows),
        _written_section(written),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_esc(title, 200)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def write_report(rows: Iterable[Any], path: str | os.PathLike[str], *, title: str = DEFAULT_TITLE,
                 generated: Any = None) -> Path:
    """Write the class report to *path* (a file such as ``report.html``) and return its path.

    *rows* are the grader's ``Row`` objects (``grade_folder``'s return value).
    *generated*, when given (a datetime, a date or text), is printed at the top;
    without it the file depends on the rows alone.  The file is written next to
    its final name and then moved into place, so a reader never sees half of it.

    Raises:
        UsageError: when *path* is a folder or cannot be written.
    """
    target = Path(path)
    text = render_report(rows, title=title, generated=generated)
    if target.is_dir():
        raise UsageError(f"The report path {str(target)!r} is a folder; give a file name such as report.html.")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise UsageError(f"Cannot write the class report {str(target)!r} ({exc.strerror or exc}); "
                         "choose a file in a folder you can write to.") from None
    return target
