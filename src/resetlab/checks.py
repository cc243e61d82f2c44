"""Instant, kind feedback on exercise answers: ``check("q2.3", answer)``.

A learner passes the answer in explicitly; nothing is read from the caller's
frame.  The result is a small frozen object that shows itself (HTML in a
notebook, plain text elsewhere) and can be read by code (``.passed``,
``.to_dict()``).  Whatever arrives (nothing, ``None``, ``...``, the wrong type,
a misspelled question id) the answer is a sentence for a person, never a
traceback.

Question specifications live in ``questions.json`` beside this module and
are loaded and validated once.  Answers are not stored in plain text: a
question holds either sha256 digests of normalised answers (salted with the
question id) or a rule over the course data ("a statement id whose event is
…", "the statements table filtered by …"), evaluated when the check runs.
Messages say "these checks passed" rather than promising a grade: a check
only tests what it tests.

Case, spacing and spelling: one policy for every question
---------------------------------------------------------
What a learner *types as an answer* is compared after folding, the same way
for every kind of question (``normalise_text`` does it; ``_words`` for quotations):

* **case**: ``'Iran'``, ``'IRAN'`` and ``'iran'`` are one answer; so are
  ``'NATO-enlargement-2009'`` and the id ``'nato-enlargement-2009'``;
* **spacing and joiners**: spaces at either end, runs of spaces, and the
  hyphen, underscore or space between words (``'arms control'`` is
  ``'arms-control'``); full stops (``'U.S.'`` is ``'US'``);
* **typography**: curly quotes, en and em dashes, non-breaking spaces and
  full-width characters (Unicode NFKC) are their plain forms;
* **spelling variants**: the US and UK spellings in ``VARIANTS`` (``defense``/
  ``defence``, ``organization``/``organisation``, ``program``/``programme`` and
  the others the course's data use, the same list the concordance uses) are one
  word, so the sources' "missile defense" is the topic id ``missile-defence``.

This holds for text, choices, lists (each item), ids, the labels of counts,
and copied quotations (whose punctuation and apostrophes are dropped too).
Dates are read as year-month-day after the same typographic folding.

What is never folded is a filter the learner runs on the data: pandas
compares text exactly, so ``table[table["speaker"] == "medvedev"]`` is an empty
table.  A check cannot undo that; it says the table is empty, that text in
the data is matched exactly (case, spaces and spelling), and gives the
spelling the data uses.  Numbers are never guessed at either: ``2,200`` is two
values (a tuple), and the message shows the number without its comma.

Every piece of advice a message gives, followed literally, leads to a pass or
to a different, more specific message (``tests/test_checks.py`` replays it).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import numbers
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import QuestionError, ResetLabError, UsageError

SPEC_FILE = "questions.json"

PASSED = "passed"
NOT_YET = "not yet"
NOT_ANSWERED = "not answered"
UNKNOWN = "unknown question"
#: A written answer: its evidence was read; a person marks the argument.
READ = "evidence read"
#: Every status a CheckResult can have.
STATUSES = (PASSED, NOT_YET, NOT_ANSWERED, UNKNOWN, READ)

_HEADLINES = {
    PASSED: "these checks passed",
    NOT_YET: "not yet",
    NOT_ANSWERED: "not answered yet",
    UNKNOWN: "unknown question",
    READ: "what these checks could verify",
}
# Okabe-Ito colours for the left border; the headline text always says the same thing.
_COLOURS = {PASSED: "#009E73", NOT_YET: "#E69F00", NOT_ANSWERED: "#999999", UNKNOWN: "#D55E00", READ: "#0072B2"}

_ID = re.compile(r"q(\d+)\.(\d+)")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: \d also matches digits that date() refuses


class _Missing:
    """The default for ``check``'s answer: tells "no answer given" from ``None``."""

    def __repr__(self) -> str:
        return "<no answer>"


_MISSING: Any = _Missing()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: a status, a short message for the learner, points.

    ``status`` is one of ``STATUSES``; ``score`` is ``points`` when the checks
    passed and 0 otherwise.  ``message`` is one or two sentences; ``str()``
    puts the question id and a headline in front of it.  For a written answer
    (status ``READ``) ``details`` holds the evidence report's sentences, one
    per line, ``report`` the report itself, and ``score`` stays 0: a person
    marks the argument with the question's rubric.
    """

    question_id: str
    status: str
    message: str
    points: int = 0
    score: int = 0
    details: tuple[str, ...] = ()
    report: Any = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def headline(self) -> str:
        return _HEADLINES[self.status]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (for a grader, a log or JSON)."""
        return {
            "question_id": self.question_id,
            "status": self.status,
            "passed": self.passed,
            "points": self.points,
            "score": self.score,
            "message": self.message,
            "details": list(self.details),
        }

    def __str__(self) -> str:
        head = f"{self.question_id or 'check'}: {self.headline}. {self.message}"
        return "\n".join([head, *(f"- {line}" for line in self.details)])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        slug = self.status.replace(" ", "-")
        items = ""
        if self.details:
            items = '<ul style="margin: 0.3em 0;">' + "".join(f"<li>{html.escape(line)}</li>" for line in self.details) + "</ul>"
        return (
            f'<div class="resetlab-check resetlab-check-{slug}" role="status" '
            f'style="border-left: 4px solid {_COLOURS[self.status]}; padding: 0.3em 0.8em; margin: 0.2em 0;">'
            f"<strong>{html.escape(self.question_id or 'check')}: {html.escape(self.headline)}.</strong> "
            f"{html.escape(self.message)}{items}</div>"
        )


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Question:
    """One question's public specification (the expected answer stays private)."""

    id: str
    lesson: str
    variable: str
    points: int
    prompt: str
    kind: str
    shape: str
    hints: tuple[str, ...]
    answer: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: For a written answer: the criteria a person marks it by (see ``Criterion``).
    rubric: tuple["Criterion", ...] = ()

    @property
    def writing(self) -> bool:
        return self.kind == "writing"

    @property
    def words(self) -> tuple[int, int] | None:
        """The word range a written answer asks for."""
        return tuple(self.answer["words"]) if self.writing else None

    @property
    def evidence(self) -> Mapping[str, Any]:
        """What evidence a written answer asks for (sources, speakers, statements, min_citations, asks)."""
        return self.answer.get("evidence", {}) if self.writing else {}

    @property
    def lesson_number(self) -> int:
        return int(_ID.fullmatch(self.id).group(1))

    def to_dict(self) -> dict[str, Any]:
        """Return the public fields as plain data (no answer rule or digest)."""
        data = {
            "id": self.id, "lesson": self.lesson, "variable": self.variable, "points": self.points,
            "prompt": self.prompt, "kind": self.kind, "shape": self.shape, "hints": list(self.hints),
        }
        if self.writing:
            data["words"] = list(self.words)
            data["evidence"] = dict(self.evidence)
            data["rubric"] = [c.to_dict() for c in self.rubric]
        return data


#: The criteria a rubric may use, in the order marks.csv gives them columns.
CRITERIA = ("claim", "evidence", "sourcing", "context", "limits")


@dataclass(frozen=True)
class Level:
    """One level of a rubric criterion: its points and what an answer at that level does."""

    points: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Criterion:
    """One criterion of a written answer's rubric (claim, evidence, sourcing, context or limits)."""

    name: str
    title: str
    levels: tuple[Level, ...]

    @property
    def max(self) -> int:
        return max(level.points for level in self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.name, "title": self.title,
                "levels": [{"points": lv.points, "label": lv.label, "descriptor": lv.descriptor} for lv in self.levels]}


@dataclass(frozen=True)
class QuestionBank:
    """All lessons and questions from one spec file, validated."""

    lessons: tuple[str, ...]
    by_id: Mapping[str, Question]


_KINDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    # kind: required keys of "answer" (beyond "kind") and their types
    "number": {"sha256": list},
    "count": {"table": str, "where": dict},
    "text": {"sha256": list},
    "date": {},  # "sha256" or "event"
    "set": {"sha256": list},
    "row": {"table": str, "where": dict},
    "quote": {"source_id": str, "where": dict},
    "frame": {"table": str, "where": dict},
    "counts": {"table": str, "by": str, "where": dict},
}
_OPTIONAL = {
    "number": (), "count": (), "text": ("choices",), "date": ("sha256", "event", "field"),
    "set": ("column",), "row": (), "quote": ("min_words",), "frame": (), "counts": ("explode",),
}
_DEFAULT_SHAPES = {
    "number": "a whole number",
    "count": "a whole number",
    "text": "a piece of text, in quotes",
    "date": "a date as text, like '2009-04-01'",
    "set": "a list of text items, like ['a', 'b']",
    "row": "an id, as text",
    "quote": "words copied from the source, as text",
    "frame": "a DataFrame (a table)",
    "counts": "a pandas Series of counts, as value_counts() gives",
}
_KINDS["writing"] = {"words": list, "evidence": dict}
_OPTIONAL["writing"] = ()
_DEFAULT_SHAPES["writing"] = "your own words, as text between three quote marks"
_EVIDENCE_KEYS = {"sources": list, "speakers": list, "statements": list, "min_citations": int, "asks": str}
_TABLES = ("statements", "events")
_KEYS = {"statements": "statement_id", "events": "event_id"}
_QUESTION_KEYS = {"id", "lesson", "variable", "points", "prompt", "answer", "hints", "shape", "feedback", "explain", "rubric"}


def _bad(file: str, where: str, detail: str) -> QuestionError:
    return QuestionError(f"{file}, {where}: {detail}")


def parse_questions(data: Any, file: str = SPEC_FILE) -> QuestionBank:
    """Validate parsed spec data and return a QuestionBank.

    Raises:
        QuestionError: naming the file, the question and the key at fault.
    """
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), list) or not isinstance(data.get("questions"), list):
        raise _bad(file, "top level", "expected an object with a 'lessons' list and a 'questions' list.")
    lessons = data["lessons"]
    for n, name in enumerate(lessons, start=1):
        if not isinstance(name, str) or not re.fullmatch(rf"0?{n}-[a-z0-9-]+", name):
            raise _bad(file, f"key 'lessons[{n - 1}]'", f"expected a lesson name starting with {n:02d}- (got {name!r}).")
    by_id: dict[str, Question] = {}
    for i, raw in enumerate(data["questions"]):
        here = f"question {i + 1}"
        if not isinstance(raw, dict):
            raise _bad(file, here, f"expected an object (got {type(raw).__name__}).")
        qid = raw.get("id")
        if not isinstance(qid, str) or not _ID.fullmatch(qid):
            raise _bad(file, f"{here}, key 'id'", f"expected an id like 'q2.3' (got {qid!r}).")
        here = f"question {qid!r}"
        if qid in by_id:
            raise _bad(file, f"{here}, key 'id'", "expected each id once (got it again).")
        unknown = sorted(set(raw) - _QUESTION_KEYS)
        if unknown:
            raise _bad(file, f"{here}, key {unknown[0]!r}", f"unknown key; the keys are {', '.join(sorted(_QUESTION_KEYS))}.")
        number = int(_ID.fullmatch(qid).group(1))
        if not 1 <= number <= len(lessons):
            raise _bad(file, f"{here}, key 'id'", f"expected a lesson number from 1 to {len(lessons)} (got {number}).")
        if raw.get("lesson") != lessons[number - 1]:
            raise _bad(file, f"{here}, key 'lesson'", f"expected {lessons[number - 1]!r} (got {raw.get('lesson')!r}).")
        variable = qid.replace(".", "_")
        if raw.get("variable") != variable:
            raise _bad(file, f"{here}, key 'variable'", f"expected {variable!r} (got {raw.get('variable')!r}).")
        points = raw.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or points < 1:
            raise _bad(file, f"{here}, key 'points'", f"expected a whole number of 1 or more (got {points!r}).")
        for key in ("prompt", "shape", "explain"):
            if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
                raise _bad(file, f"{here}, key {key!r}", f"expected non-empty text (got {raw[key]!r}).")
        if "prompt" not in raw:
            raise _bad(file, f"{here}, key 'prompt'", "expected the question's text (got nothing).")
        hints = raw.get("hints")
        if not isinstance(hints, list) or not hints or not all(isinstance(h, str) and h.strip() for h in hints):
            raise _bad(file, f"{here}, key 'hints'", f"expected a list of at least one hint as text (got {hints!r}).")
        answer = raw.get("answer")
        kind = _check_answer(file, here, answer)
        feedback = raw.get("feedback", [])
        if not isinstance(feedback, list):
            raise _bad(file, f"{here}, key 'feedback'", "expected a list of {'sha256': ..., 'message': ...} objects.")
        for j, item in enumerate(feedback):
            if not (isinstance(item, dict) and set(item) == {"sha256", "message"} and isinstance(item["message"], str)
                    and isinstance(item["sha256"], str) and _HEX64.fullmatch(item["sha256"])):
                raise _bad(file, f"{here}, key 'feedback[{j}]'", "expected an object with a 64-hex-digit 'sha256' and a 'message'.")
        rule = dict(answer)
        rule["feedback"] = {item["sha256"]: item["message"] for item in feedback}
        rule["explain"] = raw.get("explain", "")
        rubric = _check_rubric(file, here, kind, raw.get("rubric"), points)
        by_id[qid] = Question(
            id=qid, lesson=lessons[number - 1], variable=variable, points=points, prompt=raw["prompt"],
            kind=kind, shape=raw.get("shape", _DEFAULT_SHAPES[kind]), hints=tuple(hints),
            answer=MappingProxyType(rule), rubric=rubric,
        )
    return QuestionBank(tuple(lessons), MappingProxyType(dict(sorted(by_id.items(), key=lambda kv: _sort_key(kv[0])))))


def _check_answer(file: str, here: str, answer: Any) -> str:
    if not isinstance(answer, dict) or answer.get("kind") not in _KINDS:
        got = answer.get("kind") if isinstance(answer, dict) else answer
        raise _bad(file, f"{here}, key 'answer.kind'", f"expected one of {', '.join(_KINDS)} (got {got!r}).")
    kind = answer["kind"]
    unknown = sorted(set(answer) - {"kind", *_KINDS[kind], *_OPTIONAL[kind]})
    if unknown:
        raise _bad(file, f"{here}, key 'answer.{unknown[0]}'", f"unknown key for an answer of kind {kind!r}; the keys are {', '.join(sorted({'kind', *_KINDS[kind], *_OPTIONAL[kind]}))}.")
    for key, typ in _KINDS[kind].items():
        if not isinstance(answer.get(key), typ):
            raise _bad(file, f"{here}, key 'answer.{key}'", f"expected a {getattr(typ, '__name__', typ)} for an answer of kind {kind!r} (got {answer.get(key)!r}).")
    if kind == "date" and ("sha256" in answer) == ("event" in answer):
        raise _bad(file, f"{here}, key 'answer'", "a date answer needs either 'sha256' (a list of digests) or 'event' (an event id), not both.")
    digests = answer.get("sha256", [])
    if not isinstance(digests, list) or not digests and "sha256" in answer or not all(isinstance(d, str) and _HEX64.fullmatch(d) for d in digests):
        raise _bad(file, f"{here}, key 'answer.sha256'", "expected a non-empty list of 64-hex-digit digests (make them with resetlab.checks.digest).")
    if "table" in answer and answer["table"] not in _TABLES:
        raise _bad(file, f"{here}, key 'answer.table'", f"expected one of {', '.join(_TABLES)} (got {answer['table']!r}).")
    if "choices" in answer and not (isinstance(answer["choices"], list) and all(isinstance(c, str) for c in answer["choices"])):
        raise _bad(file, f"{here}, key 'answer.choices'", "expected a list of text choices.")
    if kind == "writing":
        words = answer["words"]
        if not (len(words) == 2 and all(isinstance(w, int) and not isinstance(w, bool) for w in words) and 0 < words[0] <= words[1]):
            raise _bad(file, f"{here}, key 'answer.words'", f"expected [fewest, most] words, two whole numbers with 0 < fewest <= most (got {words!r}).")
        for key, value in answer["evidence"].items():
            typ = _EVIDENCE_KEYS.get(key)
            if typ is None or not isinstance(value, typ) or isinstance(value, bool):
                raise _bad(file, f"{here}, key 'answer.evidence.{key}'", f"expected one of {', '.join(sorted(_EVIDENCE_KEYS))}, of the right type (got {value!r}).")
    return kind


def _check_rubric(file: str, here: str, kind: str, rubric: Any, points: int) -> tuple[Criterion, ...]:
    if kind != "writing":
        if rubric is not None:
            raise _bad(file, f"{here}, key 'rubric'", "only a question of kind 'writing' has a rubric; remove it or change the kind.")
        return ()
    if not isinstance(rubric, list) or not rubric:
        raise _bad(file, f"{here}, key 'rubric'", "a writing question needs a rubric: a list of criteria, each with levels.")
    criteria = []
    for j, item in enumerate(rubric):
        where = f"{here}, key 'rubric[{j}]'"
        if not isinstance(item, dict) or set(item) != {"criterion", "title", "levels"}:
            raise _bad(file, where, "expected an object with 'criterion', 'title' and 'levels'.")
        if item["criterion"] not in CRITERIA or item["criterion"] in {c.name for c in criteria}:
            raise _bad(file, f"{where}.criterion", f"expected one of {', '.join(CRITERIA)}, each once (got {item['criterion']!r}).")
        levels = item["levels"]
        if not isinstance(levels, list) or len(levels) < 2:
            raise _bad(file, f"{where}.levels", "expected a list of at least two levels.")
        parsed = []
        for k, level in enumerate(levels):
            ok = (isinstance(level, dict) and set(level) == {"points", "label", "descriptor"}
                  and isinstance(level["points"], int) and not isinstance(level["points"], bool) and level["points"] == k
                  and all(isinstance(level[x], str) and level[x].strip() for x in ("label", "descriptor")))
            if not ok:
                raise _bad(file, f"{where}.levels[{k}]", f"expected {{'points': {k}, 'label': ..., 'descriptor': ...}} (levels count up from 0 in steps of 1).")
            parsed.append(Level(level["points"], level["label"], level["descriptor"]))
        criteria.append(Criterion(item["criterion"], str(item["title"]), tuple(parsed)))
    criteria.sort(key=lambda c: CRITERIA.index(c.name))
    total = sum(c.max for c in criteria)
    if total != points:
        raise _bad(file, f"{here}, key 'points'", f"expected the rubric's top marks added up ({total}) (got {points}).")
    return tuple(criteria)


def _sort_key(qid: str) -> tuple[int, int]:
    m = _ID.fullmatch(qid)
    return int(m.group(1)), int(m.group(2))


def load_questions(path: str | Path | None = None) -> QuestionBank:
    """Read and validate a spec file (default: the ``questions.json`` shipped with the package)."""
    if path is None:
        return _bank()
    path = Path(path)
    return parse_questions(_read_json(path.read_text(encoding="utf-8"), path.name), path.name)


def _read_json(text: str, file: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(file, f"line {exc.lineno}", f"not valid JSON ({exc.msg}).") from None


@lru_cache(maxsize=1)
def _bank() -> QuestionBank:
    text = resources.files(__package__).joinpath(SPEC_FILE).read_text(encoding="utf-8")
    return parse_questions(_read_json(text, SPEC_FILE), SPEC_FILE)


def questions(lesson: str | int | None = None) -> list[Question]:
    """Return the question specs, in order; only one lesson's if *lesson* is given.

    *lesson* is a lesson name (``"02-reading-a-source"``) or number (``2``).

    >>> [q.id for q in questions(1)]
    ['q1.1', 'q1.2', 'q1.3', 'q1.4']
    """
    bank = _bank()
    if lesson is None:
        return list(bank.by_id.values())
    name = _lesson_name(bank, lesson)
    if name is None:
        msg = f"There is no lesson {lesson!r}; the lessons are {', '.join(bank.lessons)} (or their numbers 1 to {len(bank.lessons)})."
        raise UsageError(msg)
    return [q for q in bank.by_id.values() if q.lesson == name]


def _lesson_name(bank: QuestionBank, lesson: str | int) -> str | None:
    if isinstance(lesson, str) and lesson in bank.lessons:
        return lesson
    if isinstance(lesson, str) and lesson.strip().isdigit():
        lesson = int(lesson)
    if isinstance(lesson, int) and not isinstance(lesson, bool) and 1 <= lesson <= len(bank.lessons):
        return bank.lessons[lesson - 1]
    return None


# --------------------------------------------------------------------------- normalising and digests


_FOLD = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " ", "\u2013": "-", "\u2014": "-"}


#: US and UK spellings that are one word, as stretches of a word (so "Defences" and "organizations" fold too):
#: the one list the concordance also finds either way (``_text.SPELLING_VARIANTS``).
from ._text import SPELLING_VARIANTS as VARIANTS  # noqa: E402
_VARIANT_OF = {spelling: pair[0] for pair in VARIANTS for spelling in pair}
#: The longest spelling first, so "programme" is read as one spelling, not "program" and "me".
_VARIANT_FINDER = re.compile("|".join(sorted(map(re.escape, _VARIANT_OF), key=len, reverse=True)))


def _variants(text: str) -> str:
    """*text* (already lower case) with each spelling in ``VARIANTS`` written as the first of its pair.

    >>> _variants("missile defence programmes"), _variants("missile defense programs")
    ('missile defense programs', 'missile defense programs')
    """
    return _VARIANT_FINDER.sub(lambda m: _VARIANT_OF[m.group(0)], text)


def normalise_text(text: str) -> str:
    """Fold case, quotes, full stops, hyphens, spaces and spelling variants (the policy above).

    >>> normalise_text("  “U.S.  Department of State.” ")
    'us department of state'
    >>> normalise_text("arms-control")
    'arms control'
    >>> normalise_text("Missile Defense") == normalise_text("missile-defence")
    True
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_FOLD.get(ch, ch) for ch in text).casefold()
    text = text.replace(".", "")
    text = re.sub(r"[-_\s]+", " ", text).strip()
    return _variants(text.strip("\"' ").strip())


def _words(text: str) -> str:
    """The words of *text*, lower case, apostrophes dropped, variants folded, joined by single spaces."""
    text = "".join(_FOLD.get(ch, ch) for ch in unicodedata.normalize("NFKC", text)).casefold()
    return _variants(" ".join(re.findall(r"[a-z0-9]+", text.replace("'", ""))))


def _fold_id(text: str) -> str:
    """An id as typed, folded by the policy: typography, case and the spaces around it.

    >>> _fold_id(" NATO–enlargement-2009 ")
    'nato-enlargement-2009'
    """
    text = "".join(_FOLD.get(ch, ch) for ch in unicodedata.normalize("NFKC", text)).casefold()
    return text.strip().strip("\"'").strip()


def digest(question_id: str, value: str) -> str:
    """Return the sha256 digest stored for an already-normalised answer to *question_id*.

    The question id is part of the digest, so the same answer to two questions
    gives two different digests.  Used to write ``questions.json``:
    ``digest("q1.1", canonical("number", 2))``.
    """
    return hashlib.sha256(f"resetlab|{question_id}|{value}".encode()).hexdigest()


def canonical(kind: str, answer: Any) -> str:
    """Return the normalised form of a well-typed *answer* that digests are made from.

    >>> canonical("set", ["Iran", "nato", "NATO"])
    'iran\\nnato'
    """
    if kind in ("number", "count"):
        return str(_as_int(answer))
    if kind == "date":
        return _as_date(answer)
    if kind == "set":
        return "\n".join(sorted({normalise_text(_as_text_item(v)) for v in _as_items(answer, None)}))
    return normalise_text(_as_text(answer))


# --------------------------------------------------------------------------- reading an answer


class _NotYet(Exception):
    """Internal: the answer cannot be read as this question's kind; carries the sentence to show."""


#: The most characters of a learner's value a message repeats (a 10 MB answer must not come back as a 10 MB message).
_SHOWN = 40


def _shown(value: Any) -> str:
    """A learner's value as a message quotes it: a short repr that never raises.

    >>> _shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
    """
    try:
        if isinstance(value, str):
            text = str.__str__(value)  # a str subclass's own __repr__ or __str__ is not trusted
            return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")
        text = repr(value)
    except Exception:  # a repr that raises, an int too long to print...
        return f"a {type(value).__name__}"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _describe(value: Any) -> str:
    """Say in a few words what the learner passed (never raises, whatever the value does)."""
    try:
        return _describe_unsafe(value)
    except Exception:  # __len__, __int__ or __repr__ raised: the type's name still says something
        return f"a {type(value).__name__}"


def _describe_unsafe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{value} (a yes/no value)"
    if isinstance(value, numbers.Integral):
        number = int(value)
        if number.bit_length() > 100:
            return f"a number with about {int(number.bit_length() * 0.30103) + 1} digits"
        return f"the number {number}"
    if isinstance(value, numbers.Real):
        return f"the number {float(value)!r}"
    if isinstance(value, str):
        return f"the text {_shown(value)}"
    name = type(value).__name__
    if name == "DataFrame":
        return f"a DataFrame (a table) with {len(value)} rows"
    if name == "Series":
        return f"a Series (one column) with {len(value)} value{'' if len(value) == 1 else 's'}"
    if isinstance(value, tuple):  # what a comma makes: 2,200 or '003', (a learner rarely means one)
        if len(value) == 1:
            return f"{_shown(value)}, one value followed by a comma (Python calls it a tuple)"
        return f"{_shown(value)}, {len(value)} values separated by commas (Python calls it a tuple)"
    if isinstance(value, (list, set, frozenset)):
        return f"a {name} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict of {len(value)} items"
    if callable(value):
        fname = getattr(value, "__name__", name)
        return f"the function {fname} itself (did you forget the brackets, {fname}(...)?)"
    return f"a {name}"


def _wrong_type(shape: str, value: Any, tip: str = "") -> _NotYet:
    if not tip and isinstance(value, tuple):
        tip = _tuple_tip(value)
    return _NotYet(f"This question wants {shape}; it got {_describe(value)}." + (f" {tip}" if tip else ""))


def _tuple_tip(value: tuple) -> str:
    """What to do about a tuple a comma made by accident."""
    if len(value) == 1:
        return f"Remove the comma after the value: {_shown(value[0])}."
    return "Remove the commas and give one value."


def _without_commas(value: tuple) -> int | None:
    """The number a learner meant by 2,200 (Python reads it as the tuple (2, 200)), if it can be told.

    >>> _without_commas((2, 200)), _without_commas((1, 7, 0)), _without_commas((2, 1234))
    (2200, 1007000, None)
    """
    parts = list(value)
    if len(parts) < 2 or not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return None
    if not 0 < parts[0] < 1000 or not all(0 <= p < 1000 for p in parts[1:]):
        return None
    return int(str(parts[0]) + "".join(f"{p:03d}" for p in parts[1:]))


def _as_int(value: Any, shape: str = "a whole number") -> int:
    if isinstance(value, bool):
        raise _wrong_type(shape, value)
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        if not float(value).is_integer():
            raise _wrong_type(shape, value, "Give a whole number, without a decimal part.")
        number = int(value)
    elif isinstance(value, tuple) and _without_commas(value) is not None:
        raise _wrong_type(shape, value, f"Write the number without commas: {_without_commas(value)}.")
    else:
        number = None
    if number is not None:
        if number.bit_length() > 64:  # no answer in this course is near this; str() of it may not even work
            raise _wrong_type(shape, value, "That is far too large to be the answer; check how it was computed.")
        return number
    if isinstance(value, str):
        digits = value.strip().replace(",", "")
        if digits.isdigit():
            raise _wrong_type(shape, value, f"Remove the quotes to make it a number: {int(digits)}.")
        raise _wrong_type(shape, value)
    if type(value).__name__ in ("DataFrame", "Series"):
        raise _wrong_type(shape, value, "To count its rows, use len(...) on it.")
    raise _wrong_type(shape, value)


def _as_text(value: Any, shape: str = "a piece of text, in quotes") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Number):
        raise _wrong_type(shape, value, "Put it in quotes, as text (ids keep their leading zeros, like '000').")
    if type(value).__name__ == "Series" and len(value) == 1:
        raise _wrong_type(shape, value, "Take the single value out of it with .iloc[0].")
    raise _wrong_type(shape, value)


def _as_text_item(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _NotYet(f"Every item should be text in quotes; one of them is {_describe(value)}.")


def _as_items(value: Any, column: str | None, shape: str = "a list of text items") -> list[Any]:
    name = type(value).__name__
    if name == "DataFrame":
        if column and column in value.columns:
            return list(value[column])
        raise _wrong_type(shape, value, f"Take one column from it, for example table[{column or 'column'!r}].tolist()." if column else "")
    if name in ("Series", "Index", "ndarray") or isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if isinstance(value, str):
        if len(_parts(value)) > 1:  # 'a, b' or 'a;b' (as the topics column joins them): each item needs its own quotes
            raise _wrong_type(shape, value, f"Give each item its own quotes, inside one list: [{_split_items(value)}].")
        if len(str.__str__(value)) > _SHOWN:
            raise _wrong_type(shape, value, "Put it inside square brackets, to make a list of one item: [your_text].")
        raise _wrong_type(shape, value, f"Put it inside a list: [{_shown(value)}].")
    raise _wrong_type(shape, value)


#: The most items of a comma-separated answer a message spells out as a list (enough for every question here).
_ITEMS_SHOWN = 12


def _parts(text: str) -> list[str]:
    """The items of a text separated by commas or semicolons."""
    return [p.strip() for p in re.split(r"[,;]", str.__str__(text)) if p.strip()]


def _split_items(text: str) -> str:
    """A text of items separated by commas or semicolons, shown as the items of a list, each quoted.

    >>> _split_items("caption, pull-quote")
    "'caption', 'pull-quote'"
    >>> _split_items("iran;georgia")
    "'iran', 'georgia'"
    """
    parts = _parts(text)
    return ", ".join(_shown(p) for p in parts[:_ITEMS_SHOWN]) + (", ..." if len(parts) > _ITEMS_SHOWN else "")


def _as_date(value: Any, shape: str = "a date as text, like '2009-04-01'") -> str:
    if isinstance(value, _dt.datetime) or type(value).__name__ == "Timestamp":
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", str.__str__(value)).strip()  # full-width digits become 0-9
        text = "".join(_FOLD.get(ch, ch) for ch in text)  # an en dash typed for a hyphen
        if _ISO_DATE.fullmatch(text):
            try:
                return _dt.date.fromisoformat(text).isoformat()
            except ValueError:
                raise _NotYet(f"{_shown(text)} is not a real date; check the month and the day.") from None
        raise _NotYet(f"Write the date as year-month-day, like '2009-04-01' (got {_shown(text)}).")
    raise _wrong_type(shape, value)


# --------------------------------------------------------------------------- rules over the data


@lru_cache(maxsize=2)
def _table(name: str):
    # Loaded once per process: checks answer instantly after the first, and a
    # grader scores every submission against the data as it was at the start.
    if name == "statements":
        from .statements import load_statements

        return load_statements()
    from .timeline import load_events

    return load_events()


def _select(frame, where: Mapping[str, Any]):
    """Rows of *frame* matching every condition: a value, a list of values, or a topic contained."""
    mask = None
    for column, wanted in where.items():
        if column == "topics":
            part = frame["topics"].str.split(";").map(lambda items, w=wanted: w in items)
        elif isinstance(wanted, list):
            part = frame[column].isin(wanted)
        else:
            part = frame[column] == wanted
        mask = part if mask is None else mask & part
    return frame if mask is None else frame[mask]


def _score(q: Question, answer: Any) -> tuple[bool, str]:
    """Return (passed, message) for an answer that is not missing."""
    rule = q.answer
    kind = q.kind
    if kind in ("number", "text", "set", "date") and "sha256" in rule:
        if kind == "text" and "choices" in rule:
            given = normalise_text(_as_text(answer, q.shape))
            options = {normalise_text(c): c for c in rule["choices"]}
            if given not in options:
                return False, f"{_shown(answer)} is not one of the choices: {', '.join(repr(c) for c in rule['choices'])}."
        value = digest(q.id, canonical(kind, _coerce(kind, answer, q.shape, rule)))
        if value in rule["sha256"]:
            return True, ""
        return False, rule["feedback"].get(value, q.hints[0])
    if kind == "date":  # an event's date, read from the timeline
        given = _as_date(answer, q.shape)
        events = _table("events")
        row = events[events["event_id"] == rule["event"]]
        if row.empty:
            raise QuestionError(f"{SPEC_FILE}, question {q.id!r}, key 'answer.event': no event {rule['event']!r} in events.csv; correct the id.")
        return (given == row.iloc[0][rule.get("field", "start")]), rule["feedback"].get(digest(q.id, given), q.hints[0])
    if kind == "count":
        given = _as_int(answer, q.shape)
        expected = len(_select(_table(rule["table"]), rule["where"]))
        return given == expected, rule["feedback"].get(digest(q.id, str(given)), q.hints[0])
    if kind == "row":
        return _score_row(q, answer)
    if kind == "quote":
        return _score_quote(q, answer)
    if kind == "frame":
        return _score_frame(q, answer)
    return _score_counts(q, answer)


def _coerce(kind: str, answer: Any, shape: str, rule: Mapping[str, Any]) -> Any:
    if kind == "number":
        return _as_int(answer, shape)
    if kind == "date":
        return _as_date(answer, shape)
    if kind == "set":
        items = [_as_text_item(v) for v in _as_items(answer, rule.get("column"), shape)]
        joined = [i for i in items if len(_parts(i)) > 1]
        if joined:
            if len(items) == 1:
                raise _NotYet(f"The item {_shown(joined[0])} holds several items in one text; give each its own "
                              f"quotes, like [{_split_items(joined[0])}].")
            raise _NotYet(f"The item {_shown(joined[0])} holds several items in one text; give each its own "
                          "quotes, as separate items of the list.")
        return items
    return _as_text(answer, shape)


def _score_row(q: Question, answer: Any) -> tuple[bool, str]:
    rule = q.answer
    key = _KEYS[rule["table"]]
    name = type(answer).__name__
    if name == "DataFrame" and len(answer) == 1 and (key in answer.columns or answer.index.name == key):
        answer = answer[key].iloc[0] if key in answer.columns else answer.index[0]
    elif name == "Series" and key in answer.index:
        answer = answer[key]
    given = _as_text(answer, q.shape).strip()
    table = _table(rule["table"])
    ids = set(table[key])
    if given not in ids:  # the policy: 'NATO-enlargement-2009' and ' 000–01 ' name the ids they spell
        given = {_fold_id(i): i for i in ids}.get(_fold_id(given), given)
    if given not in ids:
        example = table[key].iloc[-1]
        return False, f"There is no {rule['table'][:-1]} with the id {_shown(given)}; ids look like {example!r} (text, in quotes, from the {key} column)."
    if given in set(_select(table, rule["where"])[key]):
        return True, ""
    return False, rule["feedback"].get(digest(q.id, given), q.hints[0])


def _score_quote(q: Question, answer: Any) -> tuple[bool, str]:
    from .sources import load_sources

    rule = q.answer
    given = _words(_as_text(answer, q.shape))
    if not given:
        return False, "There are no words in that answer; copy some words from the source, in quotes."
    statements = _table("statements")
    source = rule["source_id"]
    in_source = statements[statements["source_id"] == source]
    wanted = set(_select(in_source, rule["where"])["statement_id"])
    minimum = rule.get("min_words", 4)
    for row in in_source.itertuples(index=False):
        quote = _words(row.quote)
        if f" {given} " in f" {quote} ":
            count = len(given.split())
            if count < minimum and count == len(quote.split()):  # a whole short quotation: the same rule, said so
                return False, (f"Those {count} words are the whole of statement {row.statement_id}, but this question asks "
                               f"for at least {minimum} words in a row; copy them from a longer statement.")
            if count < minimum:
                return False, f"Those words are too few to tell which statement they come from; copy at least {minimum} words in a row."
            if row.statement_id in wanted:
                return True, ""
            return False, f"Source {source} gives those words to {row.speaker} (statement {row.statement_id}). {q.hints[0]}"
    for sid, src in sorted(load_sources().items()):
        if f" {given} " in f" {_words(src.clean)} ":
            if sid != source:
                return False, f"Those words are from source {sid}; this question is about source {source}."
            return False, f"Those words are in source {source}, but not inside quotation marks: the source does not present them as anyone's own words."
    return False, f"Those words were not found in source {source}; copy them exactly, from the source or from the quote column of the statements table."


def _score_frame(q: Question, answer: Any) -> tuple[bool, str]:
    rule = q.answer
    key = _KEYS[rule["table"]]
    if type(answer).__name__ != "DataFrame":
        raise _wrong_type(q.shape, answer, "Filter the whole table, keeping every column: table[condition].")
    if key in answer.columns:
        given = list(answer[key])
    elif key in (answer.index.names or ()):  # set_index('statement_id') keeps every row and column
        given = list(answer.index.get_level_values(key))
    else:
        return False, f"Your table has no {key!r} column; filter the rows of the whole table and keep its columns."
    if not given:
        return False, "Your table is empty: no row matched your filter. " + _empty_table(rule)
    if len(set(given)) != len(given):
        return False, f"Your table has some rows more than once; each {key} should appear once."
    expected = set(_select(_table(rule["table"]), rule["where"])[key])
    extra = sorted(set(given) - expected)
    missing = expected - set(given)
    if not extra and not missing:
        return True, ""
    if extra:
        return False, f"Your table has {len(given)} rows, and {len(extra)} of them do not belong (for example {extra[0]}). {q.hints[0]}"
    return False, f"Every row in your table belongs, but {len(missing)} row(s) are missing; is the filter too narrow? {q.hints[0]}"


def _empty_table(rule: Mapping[str, Any]) -> str:
    """The sentence under an empty table: text is matched exactly, and the spelling the data uses."""
    spelled = [f"the {column} column spells it {value!r}" for column, value in rule["where"].items()
               if isinstance(value, str) and column != "topics"]
    spelled += [f"the topics column holds {value!r}" for column, value in rule["where"].items() if column == "topics"]
    exact = "Text in the data must match exactly, capital letters, spaces and spelling included"
    return f"{exact}" + (f"; {' and '.join(spelled)}." if spelled else ".")


def _score_counts(q: Question, answer: Any) -> tuple[bool, str]:
    rule = q.answer
    name = type(answer).__name__
    if name == "Series":
        pairs = dict(zip(answer.index, answer.tolist()))
    elif isinstance(answer, dict):
        pairs = dict(answer)
    else:
        raise _wrong_type(q.shape, answer, "Count with table[column].value_counts().")
    given: dict[str, int] = {}
    for label, value in pairs.items():
        whole = isinstance(value, numbers.Integral) or isinstance(value, numbers.Real) and float(value).is_integer()
        if isinstance(value, bool) or not whole:
            return False, f"The count for {_shown(label)} should be a whole number (got {_describe(value)})."
        if int(value):  # labels folded by the policy: 'Iran' and 'missile-defense' name the data's 'iran' and 'missile-defence'
            folded = normalise_text(str(label))
            given[folded] = given.get(folded, 0) + int(value)
    if not given and not pairs:
        return False, "Your counts are empty: no row matched your filter. " + _empty_table(rule)
    selected = _select(_table(rule["table"]), rule["where"])
    values = selected[rule["by"]]
    if rule.get("explode"):
        values = values.str.split(";").explode()
    expected: dict[str, int] = {}
    shown: dict[str, str] = {}
    for k, v in values.value_counts().items():
        expected[normalise_text(str(k))] = expected.get(normalise_text(str(k)), 0) + int(v)
        shown[normalise_text(str(k))] = str(k)
    labels = {normalise_text(str(k)): str(k) for k in pairs}
    if given == expected:
        return True, ""
    extra = sorted(set(given) - set(expected))
    if extra:
        return False, f"{_shown(labels.get(extra[0], extra[0]))} should not be among the counts. {q.hints[0]}"
    missing = sorted(set(expected) - set(given))
    if missing:
        return False, f"{len(missing)} {rule['by']} value(s) are missing from your counts. {q.hints[0]}"
    wrong = sorted(k for k in given if given[k] != expected[k])
    return False, f"The count for {_shown(labels.get(wrong[0], wrong[0]))} does not match. {q.hints[0]}"


# --------------------------------------------------------------------------- public entry points


def _resolve(bank: QuestionBank, question_id: Any) -> str | None:
    if not isinstance(question_id, str):
        return None
    text = question_id.strip().lower().replace("_", ".").replace(" ", "")
    if text[:1].isdigit():
        text = "q" + text
    return text if text in bank.by_id else None


def _unknown(bank: QuestionBank, question_id: Any) -> CheckResult:
    first = next(iter(bank.by_id))
    if question_id is None or question_id is _MISSING:
        return CheckResult("", UNKNOWN, f"Give check the question id first, then your answer, like check({first!r}, {first.replace('.', '_')}).")
    if not isinstance(question_id, str):
        msg = f"The first thing check needs is a question id as text, like {first!r}; it got {_describe(question_id)}. Write check({first!r}, {first.replace('.', '_')})."
        return CheckResult("", UNKNOWN, msg)
    shown = question_id.strip()
    match = re.fullmatch(r"[qQ]?([0-9]{1,3})[._]([0-9]{1,3})", shown)
    name = _lesson_name(bank, int(match.group(1))) if match else None
    if name is None:
        msg = f"There is no question {_shown(shown)}; question ids look like {first!r}, with the lesson number (1 to {len(bank.lessons)}) first."
    else:
        ids = [q.id for q in bank.by_id.values() if q.lesson == name]
        msg = f"There is no question {_shown(shown)}; the questions in lesson {name} are {', '.join(ids[:-1])} and {ids[-1]}."
    return CheckResult(shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "...", UNKNOWN, msg)


def score_answer(question_id: Any, answer: Any) -> CheckResult:
    """Check *answer* against question *question_id* and return a CheckResult.

    Never raises for anything a learner can pass; usable outside a notebook
    (the grader calls it for every answer it collects).

    >>> score_answer("q1.1", 2).passed
    True
    >>> score_answer("q1.1", None).status
    'not answered'
    """
    bank = _bank()
    if isinstance(question_id, str):
        question_id = str.__str__(question_id)  # a str subclass's own methods are not trusted
    qid = _resolve(bank, question_id)
    if qid is None:
        return _unknown(bank, question_id)
    q = bank.by_id[qid]
    if q.writing:
        return _read_writing(q, answer)
    if answer is None or answer is Ellipsis or answer is _MISSING:
        msg = f"Replace the ... in '{q.variable} = ...' with your answer ({q.shape}), run that cell, then run this one again."
        return CheckResult(qid, NOT_ANSWERED, msg, q.points, 0)
    try:
        passed, message = _score(q, answer)
    except _NotYet as exc:
        return CheckResult(qid, NOT_YET, str(exc), q.points, 0)
    except ResetLabError:
        raise  # broken course data or specs: a maintainer's one-line error, not the learner's
    except Exception as exc:  # an answer too odd to read must still get a sentence, never a traceback
        msg = (f"These checks could not read {_describe(answer)}: something inside it is not a plain value "
               f"({type(exc).__name__}). This question wants {q.shape}.")
        return CheckResult(qid, NOT_YET, msg, q.points, 0)
    if passed:
        return CheckResult(qid, PASSED, q.answer["explain"] or "Well done.", q.points, q.points)
    return CheckResult(qid, NOT_YET, message, q.points, 0)


def _read_writing(q: Question, answer: Any) -> CheckResult:
    """A written answer's evidence report: never a verdict, never a score (a person marks it)."""
    where = "Write your answer between the two lines of three quote marks (\"\"\") in the cell above, run that cell, then run this one again."
    if answer is None or answer is Ellipsis or answer is _MISSING:
        return CheckResult(q.id, NOT_ANSWERED, where, q.points, 0)
    if not isinstance(answer, str):
        msg = f"This question wants {q.shape}; it got {_describe(answer)}. {where}"
        return CheckResult(q.id, NOT_YET, msg, q.points, 0)
    answer = str.__str__(answer)  # a str subclass's own methods are not trusted
    if not answer.strip():
        return CheckResult(q.id, NOT_ANSWERED, where, q.points, 0)
    from .evidence import check_evidence

    try:
        report = check_evidence(answer, q.words, q.evidence)
    except ResetLabError:
        raise  # broken course data: a maintainer's one-line error
    except Exception as exc:  # never a traceback for a learner's prose
        msg = f"These checks could not read this text ({type(exc).__name__}); your answer is kept as you wrote it."
        return CheckResult(q.id, NOT_YET, msg, q.points, 0)
    if report.empty:
        return CheckResult(q.id, NOT_ANSWERED, "There are no words in your answer yet. " + where, q.points, 0)
    sentences = report.sentences()
    head = ("Everything these checks can verify in your evidence holds." if report.problems == 0 else
            f"These checks found {report.problems} thing{'s' if report.problems > 1 else ''} in your evidence to look at.")
    return CheckResult(q.id, READ, head, q.points, 0, tuple(sentences), report)


def check(question_id: Any = None, answer: Any = _MISSING) -> CheckResult:
    """Check your answer to one question: ``check("q2.3", q2_3)``.

    Shows a short message: "these checks passed", or what to look at next.
    Run it again after changing your answer; nothing is recorded.
    """
    return score_answer(question_id, answer)
