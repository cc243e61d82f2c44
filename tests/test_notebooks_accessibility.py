"""Accessibility of every committed notebook in notebooks/, solutions/, exercises/ and docs/instructors/.

Two rules, checked on the stored notebook files (no kernel needed):

1. **Headings in order.** Markdown headings (``#`` lines outside code
   fences) start with exactly one H1, which is the first heading, and never
   skip a level on the way down (an H2 may follow an H4; an H4 may not follow
   an H2).

2. **Every figure has a text summary next to it.** A code cell with an image
   output (``image/png``, ``image/jpeg`` or ``image/svg+xml``) must either
   print, in the same cell, text that contains the line start
   ``Figure summary:`` (``compare.timeline_summary`` writes one), or be
   followed directly by a markdown cell that starts with
   ``**Figure summary:**``.  The summary says in words what the figure
   shows, for a screen reader and for anyone who cannot tell its colours
   apart.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("notebooks", "solutions", "exercises", "docs/instructors")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def headings(cells: list[dict]) -> list[tuple[int, str]]:
    """Return (level, text) for every markdown heading, in order, skipping fenced code."""
    found = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        fenced = False
        for line in _text(cell.get("source")).splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            match = _HEADING.match(line)
            if match and not fenced:
                found.append((len(match.group(1)), line.strip()))
    return found


def heading_problems(cells: list[dict]) -> list[str]:
    """Describe each break of the heading rule (empty list when the headings are fine)."""
    found = headings(cells)
    problems = []
    h1 = [text for level, text in found if level == 1]
    if len(h1) != 1:
        problems.append(f"expected exactly one H1 title (found {len(h1)}: {h1})")
    if found and found[0][0] != 1:
        problems.append(f"the first heading should be the H1 title (found {found[0][1]!r})")
    for (before, _), (level, text) in zip(found, found[1:]):
        if level > before + 1:
            problems.append(f"{text!r} skips from H{before} to H{level}")
    return problems


def _has_image(cell: dict) -> bool:
    return any(any(t in out.get("data", {}) for t in IMAGE_TYPES) for out in cell.get("outputs", []))


def _printed(cell: dict) -> str:
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append(_text(out.get("text")))
        else:
            texts.append(_text(out.get("data", {}).get("text/plain")))
            texts.append(_text(out.get("data", {}).get("text/markdown")))
    return "\n".join(texts)


def figure_problems(cells: list[dict]) -> list[str]:
    """Describe each figure output that has no text summary beside it."""
    problems = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code" or not _has_image(cell):
            continue
        printed = any(line.lstrip().startswith("Figure summary:") for line in _printed(cell).splitlines())
        following = cells[index + 1] if index + 1 < len(cells) else {}
        beside = following.get("cell_type") == "markdown" and _text(following.get("source")).lstrip().startswith("**Figure summary:**")
        if not (printed or beside):
            source = _text(cell.get("source")).strip().splitlines()[:1]
            problems.append(f"code cell {index + 1} ({source}) shows a figure with no 'Figure summary:' text in the cell or a '**Figure summary:**' markdown cell after it")
    return problems


def committed_notebooks() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb"))


def _md(source: str) -> dict:
    return {"cell_type": "markdown", "source": source}


def _figure_cell(text: str = "") -> dict:
    outputs = [{"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}]
    if text:
        outputs.insert(0, {"output_type": "stream", "name": "stdout", "text": text})
    return {"cell_type": "code", "source": "fig", "outputs": outputs}


def test_heading_rule_catches_a_skipped_level_and_a_second_title():
    """H2 → H4 and two H1s are both reported; a clean outline is not."""
    assert heading_problems([_md("# T\n## A\n### B\n## C")]) == []
    assert any("skips from H2 to H4" in p for p in heading_problems([_md("# T\n## A\n#### B")]))
    assert any("exactly one H1" in p for p in heading_problems([_md("# T"), _md("# Again")]))
    assert any("first heading" in p for p in heading_problems([_md("## A\n# T")]))


def test_heading_rule_ignores_hash_lines_in_code_fences():
    """A '# comment' inside a fenced block is not a heading."""
    assert heading_problems([_md("# T\n```python\n# not a heading\n```\n## A")]) == []


def test_figure_rule_accepts_either_convention_and_rejects_a_bare_figure():
    """A printed summary or a following markdown summary passes; a bare figure fails."""
    assert figure_problems([_figure_cell("Figure summary: three events.\n")]) == []
    assert figure_problems([_figure_cell(), _md("**Figure summary:** three events.")]) == []
    assert len(figure_problems([_figure_cell(), _md("Some other text.")])) == 1
    assert len(figure_problems([_figure_cell("no summary here\n")])) == 1


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_is_accessible(path):
    """Headings in order with one H1, and every figure output has its text summary."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    problems = heading_problems(cells) + figure_problems(cells)
    assert not problems, f"{path.relative_to(ROOT)}: " + "; ".join(problems)


def test_the_six_lessons_exist():
    """The lesson series other work depends on is all there, under these names."""
    names = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    expected = {"01-start-here.ipynb", "02-reading-a-source.ipynb", "03-who-said-what.ipynb",
                "04-comparing-the-leaders.ipynb", "05-context-and-timeline.ipynb", "06-corroboration.ipynb"}
    assert expected <= names
