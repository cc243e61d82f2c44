"""The texts learners must never receive, read from the instructors' own material.

Every line of every solution region in solutions/*.ipynb (between # BEGIN SOLUTION and # END SOLUTION),
every instructor-note cell, and the solutions, model answers and "common mistakes" of
docs/instructors/answers.md.  tests/test_release.py scans the learner edition with them and
tests/test_site.py the website.
"""

from __future__ import annotations

import json
import re

from support import REPO

from resetlab._exercises import BEGIN, END, NOTE_TAG

SHORT_CODE, SHORT_PROSE = 10, 25  # shorter lines are too common to prove anything ("return x", "Ask why.")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+", squash(paragraph)) if len(s) >= SHORT_PROSE]


#: Set-up a learner is given anyway (imports, loading a table): in solution regions, but not answers.
SET_UP = re.compile(r"(from resetlab import [\w, ]+|import \w+|\w+ = load_\w+\(\))")


def solution_lines(source: str) -> list[str]:
    lines = []
    for region in source.split(BEGIN)[1:]:
        for line in region.split(END, 1)[0].splitlines():
            line = line.strip()
            if line in ('"""', "") or re.fullmatch(r'q\d+_\d+ = """', line) or SET_UP.fullmatch(line):
                continue  # the written answers' place to write keeps its quote marks
            if len(line) >= SHORT_CODE or re.match(r"q\d+_\d+ =", line):
                lines.append(line)
    return lines


def from_solutions() -> dict[str, str]:
    """Solution lines and instructor-note sentences of solutions/*.ipynb, each mapped to where it is."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "solutions").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"], start=1):
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                for line in solution_lines(source):
                    found.setdefault(line, f"solutions/{path.name}, cell {index} (solution)")
            elif NOTE_TAG in cell["metadata"].get("tags", []):
                note = re.sub(r"^\*\*Instructor note[^*]*\*\*", "", source.strip())
                for sentence in sentences(note):
                    found.setdefault(sentence, f"solutions/{path.name}, cell {index} (instructor note)")
    return found


def from_answers_md() -> dict[str, str]:
    """The solutions, model answers and common mistakes of docs/instructors/answers.md."""
    found: dict[str, str] = {}
    answers = (REPO / "docs" / "instructors" / "answers.md").read_text(encoding="utf-8")
    for block in re.findall(r"```python\n(.*?)```", answers, re.S):
        for line in solution_lines(f"{BEGIN}\n{block}\n{END}"):
            found.setdefault(line, "answers.md (solution)")
    for line in re.findall(r"(?m)^> (.+)$", answers):
        if len(line.strip()) >= SHORT_PROSE:
            found.setdefault(squash(line), "answers.md (model answer)")
    for paragraph in re.findall(r"(?m)^\*\*Common [^*]+:\*\* (.+)$", answers):
        for sentence in sentences(paragraph):
            found.setdefault(sentence, "answers.md (common mistakes)")
    return found


def forbidden_texts() -> dict[str, str]:
    """Each text that must not reach learners, mapped to where it comes from."""
    return {**from_answers_md(), **from_solutions()}
