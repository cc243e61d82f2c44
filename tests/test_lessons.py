"""The lessons as a learner meets them: code each exercise needs is taught first, times add up, glossary links work."""

from __future__ import annotations

import ast
import builtins
import json
import re

import nbformat
import pytest
from support import REPO

from resetlab._notebooks import header_id, time_to_learn

BUILTINS = set(dir(builtins))
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
GLOSSARY = REPO / "notebooks" / "glossary.md"
#: Lessons whose owners still have to teach what their exercise needs (issue 11, item 4); drop a mark once it passes.
NOT_YET: dict[str, str] = {}


def _cells(path, kind):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == kind]


def _mark(stem):
    return [pytest.mark.xfail(reason=NOT_YET[stem], strict=True)] if stem in NOT_YET else []


# --------------------------------------------------------------------------- code the lessons teach

def operations(source: str) -> set[str]:
    """The pandas and Python operations a piece of code uses, by name (resetlab's own names left out).

    Methods and attributes are named with a leading dot (``.explode``, ``.str.split``, ``.dt.days``
    as ``.days``); builtins and pandas functions by name (``sorted``, ``pd.Timestamp``); and a few
    constructs a learner has to be shown: ``filter`` (a table indexed by a condition on itself),
    ``set difference``, ``date subtraction``, ``lambda``, ``def``, ``comprehension``, ``import pandas``.

    >>> sorted(operations('rows = t[t["a"] == 1]\\nset(rows["b"].str.split(";").explode()) - {"x"}'))
    ['.explode', '.str.split', 'filter', 'set', 'set difference']
    """
    tree = ast.parse(source)
    kinds: dict[str, str] = {}  # what a name was last bound to: "set" or "date"

    def kind(node):
        if isinstance(node, (ast.Set, ast.SetComp)):
            return "set"
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name == "set" or name in kinds and kinds[name] == "set":
                return "set"
            if name in ("pd.Timestamp", "pd.to_datetime"):
                return "date"
        if isinstance(node, ast.Name):
            return kinds.get(node.id)
        return None

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if kind(node.value):
                kinds[node.targets[0].id] = kind(node.value)
        elif isinstance(node, ast.FunctionDef):
            found.add("def")
            returns = [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
            if any(kind(r) == "set" for r in returns):
                kinds[node.name] = "set"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "pd":
                found.add(f"pd.{node.attr}")
            elif isinstance(node.value, ast.Attribute) and node.value.attr in ("str", "dt"):
                found.add(f".{node.value.attr}.{node.attr}")
            elif node.attr not in ("str", "dt"):
                found.add(f".{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BUILTINS:
            found.add(node.func.id)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, (ast.Compare, ast.BinOp, ast.Subscript, ast.Call)) \
                and re.search(rf"\b{re.escape(ast.unparse(node.value))}\[", ast.unparse(node.slice)):
            found.add("filter")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "loc" \
                and isinstance(node.slice, ast.Tuple) and isinstance(node.slice.elts[0], ast.Compare):
            found.add("filter")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            sides = {kind(node.left), kind(node.right)}
            if "set" in sides:
                found.add("set difference")
            elif "date" in sides:
                found.add("date subtraction")
        elif isinstance(node, ast.Lambda):
            found.add("lambda")
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            found.add("comprehension")
        elif isinstance(node, ast.Import) and any(a.name == "pandas" for a in node.names):
            found.add("import pandas")
    return found


def _resetlab_names(source: str) -> set[str]:
    """Names a code cell imports from resetlab: helpers whose own attributes need no lesson."""
    return {a.asname or a.name for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and node.module == "resetlab" for a in node.names}


def _code(path) -> str:
    return "\n".join(c.source for c in _cells(path, "code"))


def _taught(upto: int) -> set[str]:
    """Operations shown in running code in lessons 1..upto."""
    return set().union(*(operations(_code(p)) for p in LESSONS[:upto]))


@pytest.mark.parametrize("n, stem", [pytest.param(n, p.stem, marks=_mark(p.stem), id=p.stem)
                                     for n, p in enumerate(LESSONS, start=1)])
def test_every_operation_an_exercise_needs_is_shown_in_its_lesson_or_an_earlier_one(n, stem):
    """Each operation in a solution's code appears in a code cell of lesson N or earlier (resetlab helpers aside)."""
    code = _code(REPO / "solutions" / f"{stem}.ipynb")
    # a resetlab name used as an attribute (resetlab.check) is the package's, not a pandas operation
    needed = operations(code) - {f".{name}" for name in _resetlab_names(code)}
    missing = sorted(needed - _taught(n))
    assert not missing, f"exercise {n} uses {missing}, which no lesson up to {stem} shows in a code cell"


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_every_exercise_imports_what_it_uses(folder):
    """Every resetlab name and `pd` an exercise's code uses is imported in that notebook."""
    import resetlab

    for path in sorted((REPO / folder).glob("[0-9][0-9]-*.ipynb")):
        code = _code(path)
        tree = ast.parse(code)
        bound = {a.asname or a.name.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        wanted = (used & set(resetlab.__all__)) | ({"pd"} & used)
        assert wanted <= bound, f"{folder}/{path.name} uses {sorted(wanted - bound)} without importing it"


def test_exercise_1_gives_a_comparer_for_q1_4():
    """q1.4 asks learners to use the comparer, so exercise 1 builds one."""
    code = _code(REPO / "solutions" / "01-start-here.ipynb")  # the master; the sync test holds exercises/ to it
    assert "Comparer()" in code and "Comparer" in _resetlab_names(code)


def test_the_operations_reader_sees_what_lessons_4_and_5_ask_for():
    """The reader names set difference, date subtraction, explode and split in the solutions of 4 and 5."""
    assert {".explode", ".str.split", "set difference", "lambda"} <= operations(_code(REPO / "solutions" / "04-comparing-the-leaders.ipynb"))
    assert {"pd.Timestamp", "date subtraction", ".days", "import pandas"} <= operations(_code(REPO / "solutions" / "05-context-and-timeline.ipynb"))


def test_lesson_1_promise_matches_what_the_exercises_need():
    """Lesson 1 promises no programming in lessons 1 and 2, and those exercises need no construct beyond calls, filters and picks."""
    text = "\n".join(c.source for c in _cells(LESSONS[0], "markdown"))
    assert "you change values, not programs" not in text or "lessons 1 and 2" in text
    for path in LESSONS[:2]:
        needed = operations(_code(REPO / "solutions" / path.name))
        assert not needed & {"def", "lambda", "set difference", "date subtraction", ".explode"}, path.name


# --------------------------------------------------------------------------- time to learn

#: The figures reported to the lead for lessons whose owners have not yet written them in (total, lesson, exercise).
PENDING: dict[str, tuple[int, int, int]] = {}


def _minutes(path) -> tuple[int, int, int]:
    """A lesson's 'Time to learn' total and its lesson and exercise parts, from its Prerequisites cell."""
    found = time_to_learn("\n".join(c.source for c in _cells(path, "markdown")))
    if not found and path.stem in PENDING:
        return PENDING[path.stem]
    assert found, f"{path.name}: no '**Time to learn: N minutes**: about A for this lesson and B for its exercises' line"
    return found


@pytest.mark.parametrize("path", [pytest.param(p, marks=_mark(p.stem), id=p.stem) for p in LESSONS])
def test_time_to_learn_includes_the_exercise(path):
    """Each lesson's total is its reading plus its exercise, the exercise allows for its writing, and the exercise says so."""
    total, lesson, exercise = _minutes(path)
    assert total == lesson + exercise
    questions = [q for q in json.loads((REPO / "src" / "resetlab" / "questions.json").read_text(encoding="utf-8"))["questions"]
                 if q["lesson"] == path.stem]
    # about 3 minutes a short question; a written one at about 9 words a minute (150-250 words: 25-30 minutes)
    floor = sum(max(q["answer"]["words"]) // 9 if q["answer"].get("kind") == "writing" else 3 for q in questions)
    assert exercise >= floor, f"{path.stem}: exercise figure {exercise} min, its questions need about {floor}"
    title = _cells(REPO / "solutions" / path.name, "markdown")[0].source
    assert f"allow about {exercise} minutes" in title, f"solutions/{path.name} should say 'allow about {exercise} minutes'"


def test_readme_lessons_table_gives_each_lessons_time_and_their_total():
    """README's lesson table has each lesson's own minutes (reading and exercise), and its total is their sum."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \d \| `notebooks/(\d\d-[a-z-]+)\.ipynb` \| [^|]+ \| (\d+) \|", readme, re.M))
    assert rows == {p.stem: str(_minutes(p)[0]) for p in LESSONS}
    total = re.search(r"In all: about (\d+) minutes", readme)
    assert total and int(total.group(1)) == sum(_minutes(p)[0] for p in LESSONS)


# --------------------------------------------------------------------------- glossary

def _anchors() -> list[str]:
    return [header_id(line) for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


#: Glossary entry -> how the word is spotted in a lesson's prose (flags inline).
SPOT = {"G8": r"\bG8\b", "G20": r"\bG20\b", "P5+1": r"P5\+1", "START": r"\bSTART\b", "SORT": r"\bSORT\b",
        "Missile-defence": r"(?i)missile[- ]defen[cs]e", "Interceptor": r"(?i)\binterceptors?\b", "NATO": r"\bNATO\b",
        "NATO-Membership-Action-Plan": r"Membership Action Plan", "Public-diplomacy": r"(?i)public diplomacy",
        "America.gov": r"America\.gov", "Radio-Free-Europe": r"RFE/RL|Radio Free Europe",
        "Readout": r"(?i)\breadouts?\b", "Transcript": r"(?i)\btranscripts?\b", "Wire-report": r"(?i)\bwire reports?\b",
        "Witness": r"(?i)\bwitness(es)?\b", "Critical-apparatus": r"(?i)critical apparatus",
        "DataFrame": r"\bDataFrames?\b", "Series": r"\bSeries\b", "Column": r"(?i)\bcolumns?\b", "Row": r"(?i)\brows?\b",
        "Index": r"(?i)\bindex\b", "Filter": r"(?i)\bfilter(s|ed|ing)?\b", "iloc": r"\biloc\b", "loc": r"\.loc\b",
        "value_counts": r"\bvalue_counts\b", "str.split": r"\bstr\.split\b", "explode": r"\bexplode\b",
        "Set": r"(?i)set difference|\bset\(", "Timestamp": r"\bTimestamp\b"}


def _prose(cell) -> str:
    """A Markdown cell without its heading lines, code blocks and link targets."""
    text = re.sub(r"(?ms)^```.*?^```", "", cell.source)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def test_glossary_has_the_terms_the_course_needs():
    """Every term the lessons spot has an entry, with one anchor each, and every entry is one or two sentences."""
    anchors = _anchors()
    assert set(SPOT) <= set(anchors) and len(anchors) == len(set(anchors))
    entries = re.split(r"(?m)^### .*\n", GLOSSARY.read_text(encoding="utf-8"))[1:]
    for entry in entries:
        sentences = re.findall(r"[.!?…](?:\s|$)", entry.strip())
        assert 1 <= len(sentences) <= 3, entry  # one or two sentences (an example may end a third)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_glossary_link_in_a_lesson_resolves(path):
    """Each link to glossary.md is relative, to the file beside the lesson, and names an anchor it has."""
    anchors = set(_anchors())
    for cell in _cells(path, "markdown"):
        for target in re.findall(r"\]\(([^)\s]*glossary\.md[^)\s]*)\)", cell.source):
            assert target.startswith("glossary.md#"), f"{path.name}: {target} (use glossary.md#Anchor)"
            assert target.split("#", 1)[1] in anchors, f"{path.name}: {target} has no such entry"


def _first_uses() -> dict[str, tuple[str, str]]:
    """Each glossary entry -> (lesson stem, cell id) of the first Markdown cell whose prose uses the word."""
    first = {}
    for path in LESSONS:
        for cell in _cells(path, "markdown"):
            for anchor, pattern in SPOT.items():
                if anchor not in first and re.search(pattern, _prose(cell)):
                    first[anchor] = (path.stem, cell.id)
    return first


@pytest.mark.parametrize("path", [pytest.param(p, marks=_mark(p.stem), id=p.stem) for p in LESSONS])
def test_each_term_is_linked_where_it_first_appears(path):
    """The first Markdown cell (in course order) that uses a glossary word links it to its entry."""
    missing = []
    for anchor, (stem, cell_id) in _first_uses().items():
        if stem != path.stem:
            continue
        (cell,) = [c for c in _cells(path, "markdown") if c.id == cell_id]
        if f"](glossary.md#{anchor})" not in cell.source:
            missing.append(f"{anchor} in cell {cell_id}")
    assert not missing, f"{path.name} first uses, without a glossary link: {', '.join(missing)}"
