"""The class report (``resetlab.grader.report``): its numbers, its escaping, its file, and a real browser.

Rows are built by hand, with results from the course's own checks (``score_answer``) and real
question ids, so no notebook runs here.  The HTML is read back with the standard library's
parser, never with regular expressions over the markup, so escaped learner text that *looks*
like a tag cannot pass for one (or hide one).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from resetlab.checks import questions, score_answer
from resetlab.errors import UsageError
from resetlab.grader import report

from resetlab.grader import _rows as st  # the grader's Row and its statuses

Row = st.Row
LESSON = "02-reading-a-source"
GOOD = {  # answers the course's checks pass (from solutions/02-reading-a-source.ipynb)
    "q2.1": "U.S. Department of State",
    "q2.2": 2009,
    "q2.4": ["banner", "caption", "share-links"],
}
WRITTEN = "Source 003 was written in 2009: it reports the London meeting of April 2009."

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '<img src=https://evil.example/x.png onerror="alert(2)">'
HOSTILE_RTL = "gpj.\u202eexe"  # shows as "exe.jpg" when the override is obeyed
HOSTILE_LONG = "A" * 10_000


# --------------------------------------------------------------------------- helpers


def make_row(learner: str, answers: dict | None = None, *, lesson: str = LESSON, status: str | None = None,
             written: dict | None = None, **extra) -> Row:
    """A row as the grader makes it: every question scored by the course's checks."""
    answers = dict(GOOD if answers is None else answers)
    written = written or {}
    results = [score_answer(q.id, written.get(q.id) if q.writing else answers.get(q.id)) for q in questions(lesson)]
    writing = {q.id for q in questions(lesson) if q.writing}
    row = Row(file=f"{learner}_{lesson}.ipynb", learner=learner, notebook=lesson, results=results,
              answers={k: v for k, v in answers.items() if v is not None},
              scores={r.question_id: ("" if r.question_id in writing else r.score) for r in results},
              total=sum(r.score for r in results if r.question_id not in writing),
              max=sum(r.points for r in results), written={q: written.get(q, "") for q in writing}, **extra)
    if status is not None:
        row.status = status
    return row


class Page(HTMLParser):
    """The parts of a page the tests read: elements with attributes and ancestors, text, tables, svg text."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "embed", "source", "wbr", "rect",
            "line", "path", "circle"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []
        self.texts: list[tuple[str, tuple[str, ...]]] = []
        self.tables: list[dict] = []
        self.headings: list[tuple[int, str]] = []
        self.svg_texts: list[list[str]] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._caption: list[str] | None = None
        self._svg_text: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(self.stack)))
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "headers": []})
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.tables[-1]["headers"].append(dict(attrs))
        elif tag == "caption":
            self._caption = []
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        elif tag == "svg":
            self.svg_texts.append([])
        elif tag == "text" and "svg" in self.stack:
            self._svg_text = []
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        if tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption":
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append((int(tag[1]), "".join(self._heading).strip()))
            self._heading = None
        elif tag == "text" and self._svg_text is not None:
            self.svg_texts[-1].append("".join(self._svg_text).strip())
            self._svg_text = None

    def handle_data(self, data):
        self.texts.append((data, tuple(self.stack)))
        for part in (self._cell, self._heading, self._caption, self._svg_text):
            if part is not None:
                part.append(data)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.texts)

    def table(self, caption_start: str) -> list[list[str]]:
        """The body rows of the table whose caption starts with *caption_start*."""
        found = [t for t in self.tables if t["caption"].startswith(caption_start)]
        assert len(found) == 1, f"tables captioned {caption_start!r}: {[t['caption'] for t in self.tables]}"
        return found[0]["rows"][1:]


def render(rows, **kwargs) -> tuple[str, Page]:
    text = report.render_report(rows, **kwargs)
    return text, Page(text)


def class_of_twenty() -> list[Row]:
    """Twenty learners: q2.4 (2 points) passed by 13 (65 %), q2.1 (1 point) by 18 (90 %)."""
    rows = []
    for i in range(20):
        answers = dict(GOOD)
        if i >= 13:
            answers["q2.4"] = ["banner", "caption"]
        if i >= 18:
            answers["q2.1"] = "Department of Defense"
        rows.append(make_row(f"learner{i:02d}", answers))
    return rows


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --------------------------------------------------------------------------- the numbers


def test_questions_are_ranked_by_share_passed_not_by_mean_points():
    rows = class_of_twenty()
    mean = {qid: sum(r.scores[qid] for r in rows) / len(rows) for qid in ("q2.1", "q2.4")}
    assert mean["q2.4"] > mean["q2.1"]  # 1.3 against 0.9: ranking by points would put q2.4 last
    _, page = render(rows)
    table = page.table("Checked questions, hardest first")
    order = [r[0] for r in table]
    assert order.index("q2.4") < order.index("q2.1")
    by_id = {r[0]: r for r in table}
    assert by_id["q2.4"][1:4] == [LESSON, "13 of 20", "65%"]
    assert by_id["q2.1"][1:4] == [LESSON, "18 of 20", "90%"]
    assert by_id["q2.3"][2:4] == ["0 of 20", "0%"] and order[0] == "q2.3"  # nobody answered it: hardest
    assert by_id["q2.3"][5] == "20"  # ...and the table says they did not answer, rather than answered wrongly
    assert not any(r[0] in ("q2.5", "q2.6") for r in table)  # written questions are not checked questions
    # the chart draws the bars in the table's order, each labelled with its numbers
    chart = next(texts for texts in page.svg_texts if "q2.4" in texts)
    assert [t for t in chart if re.fullmatch(r"q\d\.\d", t)] == order
    assert "65% (13 of 20)" in chart and "90% (18 of 20)" in chart


def test_ties_keep_the_course_order_and_the_bar_lengths_follow_the_shares():
    rows = [make_row(f"l{i}", {**GOOD, "q2.1": "no", "q2.2": 1}) for i in range(4)]
    text, page = render(rows)
    order = [r[0] for r in page.table("Checked questions, hardest first")]
    assert order == ["q2.1", "q2.2", "q2.3", "q2.4"]  # three at 0 %, in course order, then q2.4 at 100 %
    widths = [float(a["width"]) for tag, a, _ in page.elements if tag == "rect" and a.get("fill") == report.BAR]
    tracks = [float(a["width"]) for tag, a, stack in page.elements if tag == "rect" and a.get("fill") == "none"]
    assert len(tracks) == 4 and widths == [0.0, 0.0, 0.0, tracks[3]]  # the full bar fills its 100 % track


def test_wrong_answers_are_grouped_after_trimming_and_case_folding_with_counts():
    wrong = ["Department of Defense", "Department of Defense", "  department of defense ", "DEPARTMENT OF DEFENSE",
             "State", "state", 2, "2"]
    rows = [make_row(f"w{i}", {**GOOD, "q2.1": value}) for i, value in enumerate(wrong)]
    rows += [make_row("right"), make_row("silent", {**GOOD, "q2.1": None})]
    rows += [make_row("order1", {**GOOD, "q2.4": ["caption", "banner"]}),
             make_row("order2", {**GOOD, "q2.4": ["banner", "caption"]}),
             make_row("order3", {**GOOD, "q2.4": ["Banner ", "caption"]}),
             make_row("order4", {**GOOD, "q2.4": ["banner", "caption"]})]
    _, page = render(rows)
    table = page.table("Wrong answers to q2.1")
    assert [(r[0], r[1]) for r in table] == [
        ("'Department of Defense'", "4"),  # shown as most learners typed it
        ("'State'", "2"),
        ("2", "1"),  # a number and text are different answers (ties: in a fixed order)
        ("'2'", "1"),
    ]
    caption = next(t["caption"] for t in page.tables if t["caption"].startswith("Wrong answers to q2.1"))
    assert "(8 learners answered wrongly)" in caption
    assert not any("U.S. Department of State" in r[0] for r in table)  # the right answer is not a wrong one
    assert table[2][2].startswith("This question wants a piece of text, in quotes; it got the number 2.")
    lists = page.table("Wrong answers to q2.4")
    assert [(r[0], r[1]) for r in lists] == [("['banner', 'caption']", "3"), ("['caption', 'banner']", "1")]


def test_only_the_most_common_wrong_answers_are_listed_and_the_rest_are_counted():
    values = [f"answer {i}" for i in range(7) for _ in range(7 - i)]  # 7 groups of 7, 6, ..., 1 learners
    rows = [make_row(f"x{i}", {**GOOD, "q2.1": v}) for i, v in enumerate(values)]
    _, page = render(rows)
    table = page.table("Wrong answers to q2.1")
    assert [(r[0], r[1]) for r in table] == [(f"'answer {i}'", str(7 - i)) for i in range(report.TOP_WRONG)]
    assert "… and 2 other wrong answers from 3 learners." in page.text


def test_hostile_answers_names_and_reasons_are_inert_text():
    hostile = make_row("<b>mallory</b>\u202eredlof", {**GOOD, "q2.1": HOSTILE_SCRIPT}, flags=["<i>late</i>"],
                       reason=f"Cell 3 raised NameError ({HOSTILE_IMG}).", status=st.PARTIAL)
    hostile.file = '<svg onload="alert(3)">.ipynb'
    rows = [hostile,
            make_row("b", {**GOOD, "q2.1": HOSTILE_IMG}),
            make_row("c", {**GOOD, "q2.1": HOSTILE_RTL}),
            make_row("d", {**GOOD, "q2.1": HOSTILE_LONG}),
            make_row("e", {**GOOD, "q2.4": [HOSTILE_SCRIPT, {"k": HOSTILE_RTL}]})]
    text, page = render(rows)
    tags = {tag for tag, _, _ in page.elements}
    assert not tags & {"script", "img", "iframe", "object", "embed", "b", "i"}
    assert not [(tag, a) for tag, a, _ in page.elements if any(k.startswith("on") for k in a)]
    assert "\u202e" not in text  # no override reaches the page; it is shown as its code point
    shown = page.text
    assert HOSTILE_SCRIPT in shown and HOSTILE_IMG in shown and "<b>mallory</b>[U+202E]redlof" in shown
    assert "'gpj.\\u202eexe'" in shown  # the answer's repr spells the override out
    assert "<i>late</i>" in shown and '<svg onload="alert(3)">.ipynb' in shown
    assert HOSTILE_LONG not in text and "'… (10,000 characters)" in shown  # cut, saying how long it was
    assert max(len(t) for t, stack in page.texts if "style" not in stack) < 400
    # every piece of learner text sits in a <bdi>, so it cannot reorder the text around it
    for needle in (HOSTILE_SCRIPT, "<b>mallory</b>", "<i>late</i>", "<svg onload", "gpj.", HOSTILE_IMG):
        holders = [stack for t, stack in page.texts if needle in t]
        assert holders and all("bdi" in stack for stack in holders), needle


def test_no_resource_outside_the_file_is_referenced():
    rows = class_of_twenty() + [make_row("h", {**GOOD, "q2.1": HOSTILE_IMG},
                                         reason='<link rel="stylesheet" href="https://evil.example/s.css">',
                                         status=st.PARTIAL)]
    text, page = render(rows)
    linked = [(tag, k, v) for tag, a, _ in page.elements for k, v in a.items()
              if k in ("src", "href", "xlink:href", "action", "formaction", "poster", "srcset", "data", "background")]
    assert linked, "the page has in-page links (its contents list); the check below must see them"
    assert all(v and v.startswith("#") for _, _, v in linked), linked
    assert not {tag for tag, _, _ in page.elements} & {"link", "script", "img", "iframe", "object", "embed", "base"}
    style = "".join(t for t, stack in page.texts if stack and stack[-1] == "style")
    assert style and "url(" not in style and "@import" not in style and "@font-face" not in style
    policy = next(a["content"] for tag, a, _ in page.elements if tag == "meta" and a.get("http-equiv"))
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_status_counts_and_rows_that_are_not_learners_work():
    statuses = [st.GRADED] * 3 + [st.PARTIAL, st.FAILED, st.BLANK, st.BLANK, st.NOT_COUNTED, st.INVALID,
                                  st.DUPLICATE, st.DUPLICATE]
    rows = [make_row(f"s{i}", status=s) for i, s in enumerate(statuses)]
    for row in rows:
        if row.status in (st.FAILED, st.BLANK):
            row.results, row.answers = [], {}
    _, page = render(rows)
    table = {r[0]: r[1:3] for r in page.table("Files by status")}
    assert table == {
        st.GRADED: ["3", "yes"], st.PARTIAL: ["1", "yes"], st.FAILED: ["1", "yes"], st.BLANK: ["2", "yes"],
        st.NOT_COUNTED: ["1", "no"], st.INVALID: ["1", "no"], st.DUPLICATE: ["2", "no"],
        **{s: ["0", "no"] for s in st.STATUSES if s not in (st.GRADED, st.PARTIAL, st.FAILED, st.BLANK, st.NOT_COUNTED,
                                                             st.INVALID, st.DUPLICATE)},
    }
    assert "11 files graded; 7 count as learners' work, from 7 learners." in page.text
    # every row passed q2.1, but only the seven counted ones are in its share, and failed/blank count as not passed
    q21 = next(r for r in page.table("Checked questions, hardest first") if r[0] == "q2.1")
    assert q21[2:4] == ["4 of 7", "57%"]


def test_learners_to_look_at_with_their_reasons():
    rows = [make_row("clean"), make_row("zed", status=st.FAILED, reason="The kernel died."),
            make_row("amy", status=st.BLANK, reason="Nothing was answered."),
            make_row("bob", status=st.PARTIAL, reason="Cell 4 raised KeyError."),
            make_row("cat", flags=["misnamed"], late=True),
            make_row("cy", flags=["late"], late=True),
            Row(file="", learner="nobody", status=st.MISSING, reason="No hand-in found for this learner on the roster."),
            make_row("dan", status=st.NOT_COUNTED, reason="This is the lesson, not the exercise."),
            make_row("eve", status=st.INVALID, reason="Not a notebook."),
            make_row("old", status=st.DUPLICATE, reason="A newer file counts.")]
    _, page = render(rows)
    table = page.table("Submissions to look at")
    assert [(r[0], r[3], r[4], r[5]) for r in table] == [
        ("zed", st.FAILED, "—", "The kernel died."),
        ("amy", st.BLANK, "—", "Nothing was answered."),
        ("nobody", st.MISSING, "—", "No hand-in found for this learner on the roster."),
        ("bob", st.PARTIAL, "—", "Cell 4 raised KeyError."),
        ("eve", st.INVALID, "—", "Not a notebook."),
        ("dan", st.NOT_COUNTED, "—", "This is the lesson, not the exercise."),
        ("cat", st.GRADED, "misnamed, late", "—"),  # the LMS's late mark is a flag too
        ("cy", st.GRADED, "late", "—"),  # ...said once
    ]
    assert table[0][1] == f"zed_{LESSON}.ipynb" and table[2][1:3] == ["—", "—"]


def test_written_answers_awaiting_marking():
    rows = [make_row("a", written={"q2.5": WRITTEN}), make_row("b", written={"q2.5": WRITTEN, "q2.6": WRITTEN}),
            make_row("c", written={"q2.5": WRITTEN}), make_row("d"),
            make_row("dup", written={"q2.5": WRITTEN}, status=st.DUPLICATE)]
    rows[0].marks["q2.5"] = {"levels": {"claim": 1}, "comment": "", "stale": False}
    rows[2].marks["q2.5"] = {"levels": {"claim": 1}, "comment": "", "stale": True}
    _, page = render(rows)
    table = {r[0]: r[2:] for r in page.table("Written questions")}
    assert table == {"q2.5": ["3", "2", "1", "1"], "q2.6": ["1", "0", "1", "0"]}
    assert "2 written answers await marking" in page.text


def test_totals_in_score_bands_per_lesson():
    rows = []
    for name, total in (("a", 0), ("b", 1), ("c", 5), ("d", 8), ("e", 10), ("f", 10)):
        row = make_row(name)
        row.total, row.max = total, 10
        rows.append(row)
    blank = make_row("g", status=st.BLANK)
    blank.total = blank.max = ""
    rows.append(blank)
    lesson1 = make_row("h", {"q1.1": 2}, lesson="01-start-here")
    rows.append(lesson1)
    _, page = render(rows)
    table = {r[0]: r[1:] for r in page.table("Learners per score band")}
    assert table[LESSON] == ["6", "2", "0", "1", "0", "3", "65%"]  # 0 %, 10 %, 50 %, 80 %, 100 %, 100 %
    assert table["01-start-here"][0] == "1"
    label = next(a["aria-label"] for tag, a, _ in page.elements if tag == "svg"
                 and a.get("aria-label", "").startswith(f"Totals in {LESSON}"))
    assert label == (f"Totals in {LESSON}: 2 scored 0–19%, 0 scored 20–39%, 1 scored 40–59%, 0 scored 60–79%, "
                     "3 scored 80–100%.")


def test_values_of_every_kind_are_shown_and_grouped_without_breaking(tmp_path, monkeypatch):
    import pandas as pd

    class Hostile:
        def __repr__(self):
            raise RuntimeError("no")

    frame = pd.DataFrame({"speaker": ["Obama"], "quote": ["<script>x</script>"]})
    values = [frame, frame.copy(), pd.Series({"full": 3, "partial": 1}), {"b": 1, "a": [1, 2]}, 10 ** 5000,
              float("nan"), "lone \ud800 surrogate", Hostile(), [[[[[[1]]]]]], dt.date(2009, 4, 1)]
    rows = [make_row(f"v{i}", {**GOOD, "q2.1": v}) for i, v in enumerate(values)]
    monkeypatch.setattr(report, "TOP_WRONG", len(values))  # show every group
    text, page = render(rows)
    table = {r[0]: r[1] for r in page.table("Wrong answers to q2.1")}
    frames = [k for k in table if k.startswith("a table of 1 row × 2 columns")]
    assert len(frames) == 1 and table[frames[0]] == "2"  # two equal DataFrames are one group
    assert "\ud800" not in text
    assert "lone \\ud800 surrogate" in page.text  # ...as \ud800, in the answer's quotes
    assert "<Hostile>" in table and "datetime.date(2009, 4, 1)" in table and "nan" in table
    assert len(table) == len(values) - 1
    path = report.write_report(rows, tmp_path / "report.html")
    path.read_text(encoding="utf-8")  # strict UTF-8: a lone surrogate did not reach the file


# --------------------------------------------------------------------------- the page as a page


def test_page_structure_headings_tables_and_chart_labels():
    rows = class_of_twenty()
    rows[0].flags = ["late"]  # so that the learners table has a row
    text, page = render(rows)
    assert re.match(r"<!DOCTYPE html>\s*<html lang=\"en\">", text)
    title = "".join(t for t, stack in page.texts if stack and stack[-1] == "title" and "svg" not in stack)
    assert title == report.DEFAULT_TITLE
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert all(words for _, words in page.headings)
    assert [w for level, w in page.headings if level == 2] == [
        "Submissions by status", "Checked questions, hardest first", "Most common wrong answers", "Totals",
        "Learners to look at", "Written answers to mark"]
    for table in page.tables:
        assert table["caption"]
        assert all(h.get("scope") in ("col", "row") for h in table["headers"])
        columns, rows = len(table["rows"][0]), len(table["rows"]) - 1
        assert [h["scope"] for h in table["headers"]] == ["col"] * columns + ["row"] * rows, table["caption"]
        assert all(cell for row in table["rows"] for cell in row), table["caption"]
    charts = [a for tag, a, _ in page.elements if tag == "svg"]
    assert charts and all(a.get("role") == "img" and a.get("aria-label") for a in charts)
    assert "q2.4 65% (13 of 20)" in charts[0]["aria-label"]
    assert sum(tag == "title" and "svg" in stack for tag, _, stack in page.elements) == len(charts)


def test_colours_meet_contrast_and_come_from_okabe_ito():
    from resetlab.compare import OKABE_ITO

    for colour in (report.TEXT, report.MUTED, report.LINK):
        assert contrast(colour, report.BACKGROUND) >= 4.5, colour  # text
    for colour in (report.BAR, report.HISTOGRAM, report.LINE):
        assert contrast(colour, report.BACKGROUND) >= 3.0, colour  # graphics and borders
    assert {report.BAR, report.HISTOGRAM} <= set(OKABE_ITO.values())


def test_output_is_deterministic_unless_a_time_is_given():
    rows = class_of_twenty()
    first = report.render_report(rows)
    assert first == report.render_report(class_of_twenty())  # equal rows, built again: the same bytes
    assert not re.search(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", first)
    stamped = report.render_report(rows, generated=dt.datetime(2026, 3, 4, 9, 30))
    assert "Written 2026-03-04 09:30:00." in Page(stamped).text
    titled = Page(report.render_report(rows, title="Section <B> & friends"))
    assert titled.headings[0] == (1, "Section <B> & friends")


def test_empty_class_still_writes_a_page_that_says_so(tmp_path):
    path = report.write_report([], tmp_path / "report.html")
    page = Page(path.read_text(encoding="utf-8"))
    assert "0 files graded" in page.text
    assert "No counted submission has a checked question yet." in page.text
    assert all(words for _, words in page.headings)


# --------------------------------------------------------------------------- the file


def test_write_is_atomic_and_replaces_the_old_report(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("old", encoding="utf-8")
    assert report.write_report(class_of_twenty(), path) == path
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_failed_write_is_one_sentence_and_keeps_the_old_report(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    path.write_text("old", encoding="utf-8")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(report.os, "replace", refuse)
    with pytest.raises(UsageError) as caught:
        report.write_report(class_of_twenty(), path)
    message = str(caught.value)
    assert str(path) in message and "Permission denied" in message and message.count(". ") == 0
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left


def test_a_missing_folder_or_a_folder_as_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does-not-exist"):
        report.write_report([], tmp_path / "does-not-exist" / "report.html")
    with pytest.raises(UsageError, match="is a folder"):
        report.write_report([], tmp_path)


# --------------------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_report_opens_offline_in_chromium_and_shows_chart_and_tables(tmp_path):
    import browser_support as bs

    reason = bs.skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    rows = class_of_twenty() + [
        make_row("mallory", {**GOOD, "q2.1": HOSTILE_SCRIPT}, flags=["late"]),
        make_row("trudy", {**GOOD, "q2.1": HOSTILE_IMG}, status=st.PARTIAL, reason="Cell 3 raised NameError."),
        make_row("rtl", {**GOOD, "q2.1": HOSTILE_RTL}, written={"q2.5": WRITTEN}),
    ]
    path = report.write_report(rows, tmp_path / "report.html")
    url = path.resolve().as_uri()
    requests, blocked, problems = [], [], []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(f"{route.request.method} {route.request.url}")
            route.abort("blockedbyclient")

    with sync_playwright() as playwright:
        browser = bs.launch_browser(playwright)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", route)
            context.route_web_socket(re.compile(".*"), lambda ws: (blocked.append(f"WEBSOCKET {ws.url}"), ws.close()))
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(300)  # anything the page would still fetch after load
            shot = bs.screenshot(page, "report")
            assert not blocked, f"the report asked for something outside its file: {blocked}"
            assert requests == [url], requests

            assert page.title() == report.DEFAULT_TITLE
            chart = page.get_by_role("img", name=re.compile(r"^Share of learners who passed"))
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box["width"] > 300 and box["height"] > 100
            bars = page.locator("svg.chart rect[fill='%s']" % report.BAR)
            table = page.locator("table", has=page.locator("caption", has_text="Checked questions, hardest first"))
            assert table.is_visible()
            assert bars.count() == table.locator("tbody tr").count() == 4
            # the drawn bars have the lengths of their shares: q2.4 (16 of 23) against q2.2 (23 of 23)
            widths = {label: page.locator("svg.chart g.bar", has_text=label).locator(f"rect[fill='{report.BAR}']")
                      .bounding_box()["width"] for label in ("q2.4", "q2.2")}
            assert widths["q2.4"] / widths["q2.2"] == pytest.approx(16 / 23, rel=0.02)
            # the table sits beside the chart at this width
            assert table.bounding_box()["x"] >= box["x"] + box["width"]
            visible = page.locator("body").inner_text()
            for words in ("Submissions by status", "Most common wrong answers", "Learners to look at",
                          "Written answers to mark", "16 of 23", HOSTILE_SCRIPT, HOSTILE_IMG, "'gpj.\\u202eexe'"):
                assert words in visible, words
            assert page.locator("script, img, iframe, object, embed, link").count() == 0
            assert page.evaluate("() => [...document.querySelectorAll('*')].filter("
                                 "el => [...el.attributes].some(a => a.name.startsWith('on'))).length") == 0
            context.close()
        finally:
            browser.close()
    assert not blocked, f"the report asked for something outside its file: {blocked}"
    assert requests == [url], requests
    assert not problems, problems  # no script error, no resource refused by the page's own policy
    assert shot == bs.ARTIFACTS / "report.png" and shot.stat().st_size > 10_000
