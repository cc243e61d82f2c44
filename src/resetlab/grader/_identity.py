"""Who handed in a file: names folded for comparison, LMS file-name conventions, and the roster.

Nothing here reads a notebook's content or runs anything; it works on paths
and on the instructor's roster only.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ._tables import spreadsheet_text


def fold(name: str) -> str:
    """A name as compared: Unicode NFC, case folded, runs of spaces (and ``_``) made one space.

    >>> fold("  Zoe\\u0308  SMITH ") == fold("zoë smith")
    True
    >>> fold("Jane_Smith")
    'jane smith'
    """
    text = unicodedata.normalize("NFC", name).casefold().replace("_", " ")
    return " ".join(text.split())


def compact(name: str) -> str:
    """A name with only its letters and digits, folded: how Canvas writes ``Smith, Jane`` (``smithjane``).

    >>> compact("Smith, Jane-Ann")
    'smithjaneann'
    """
    return "".join(ch for ch in fold(name) if ch.isalnum())


def display(name: str) -> str:
    """A name as shown and written: NFC, outer spaces stripped, inner runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFC", name).split())


@dataclass(frozen=True)
class Origin:
    """What a submission's path says about who handed it in."""

    name: str  #: the name fragment as written ("" when the path names nobody)
    convention: str  #: "canvas", "moodle", "folder" (a hub home or one folder per learner) or "file name"
    lms_id: str = ""  #: Canvas user id or Moodle participant id found in the name
    late: bool = False  #: Canvas wrote LATE into the name
    folder: str = ""  #: the top folder's whole name, for a roster login with underscores


# Canvas "Download Submissions": lastfirst[_LATE]_userid_submissionid_original-name
_CANVAS = re.compile(r"^(?P<name>[^_]+?)_(?:(?P<late>LATE)_)?(?P<user>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
# Moodle "Download all submissions": Full Name_participantid_assignsubmission_file_[original-name]
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_[a-z]+_(?P<file>.*)$")
# A browser's or an LMS's copy of a name: "file (1)", "file(2)", "file-1" at the very end
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")
_LESSON_WORDS = re.compile(r"(?i)\b(?:lesson|exercise|ex|notebook|hw|homework)\s*\d+\b")


def _without_course_words(stem: str, lessons: list[str]) -> str:
    """A file stem with the exercise names, "lesson 4", lone numbers and copy numbers taken out, then trimmed."""
    text = _COPY_SUFFIX.sub("", stem)
    for lesson in sorted(lessons, key=len, reverse=True):
        text = re.sub(re.escape(lesson), " ", text, flags=re.IGNORECASE)
    text = _LESSON_WORDS.sub(" ", text)
    text = re.sub(r"(?<![^\W_])\d+(?![^\W_])", " ", text)  # a lone "04" or "4"
    text = _COPY_SUFFIX.sub("", text.strip())
    return display(text.strip(" -_.,()"))


def origin_of(relative: Path, lessons: list[str]) -> Origin:
    """Who a file belongs to, as its path says, following the LMS conventions instructors meet.

    >>> lessons = ["04-comparing-the-leaders"]
    >>> origin_of(Path("smithjane_LATE_4242_991_04-comparing-the-leaders.ipynb"), lessons)
    Origin(name='smithjane', convention='canvas', lms_id='4242', late=True, folder='')
    >>> origin_of(Path("Jane Smith_55512_assignsubmission_file_") / "04.ipynb", lessons).lms_id
    '55512'
    >>> origin_of(Path("jsmith") / "resetlab" / "exercises" / "04-comparing-the-leaders.ipynb", lessons).name
    'jsmith'
    >>> origin_of(Path("alice_04-comparing-the-leaders.ipynb"), lessons).name
    'alice'
    >>> origin_of(Path("Jane Smith - lesson 4.ipynb"), lessons).name
    'Jane Smith'
    >>> origin_of(Path("04-comparing-the-leaders (1).ipynb"), lessons).name
    ''
    """
    parts = relative.parts
    if len(parts) > 1:
        top = parts[0]
        found = _MOODLE.match(top)
        if found:
            return Origin(display(found["name"]), "moodle", found["pid"], folder=top)
        found = _CANVAS.match(top)
        if found:
            return Origin(display(found["name"]), "canvas", found["user"], bool(found["late"]), folder=top)
        return Origin(display(top.split("_", 1)[0]) or display(top), "folder", folder=top)
    name = relative.name
    found = _MOODLE.match(name)
    if found:
        return Origin(display(found["name"]), "moodle", found["pid"])
    found = _CANVAS.match(name)
    if found:
        return Origin(display(found["name"]), "canvas", found["user"], bool(found["late"]))
    stem = Path(name).stem
    if "_" in stem:
        return Origin(display(stem.split("_", 1)[0]), "file name")
    return Origin(display(_without_course_words(stem, lessons)), "file name")


# --------------------------------------------------------------------------- the roster

ROSTER_COLUMNS = ("id", "name")
ROSTER_OPTIONAL = ("login", "email", "lms_id")
_ALIASES = {"student id": "id", "student": "name", "full name": "name", "username": "login", "user": "login",
            "email address": "email", "e-mail": "email", "canvas id": "lms_id", "lms id": "lms_id", "moodle id": "lms_id"}


@dataclass(frozen=True)
class Learner:
    """One person on the roster."""

    id: str
    name: str
    login: str = ""
    email: str = ""
    lms_id: str = ""

    def keys(self) -> set[str]:
        """Every folded form a file name might use for this learner."""
        words = self.name.split()
        forms = {fold(self.name), fold(self.id), fold(self.login), fold(self.email), fold(self.email.split("@", 1)[0])}
        forms |= {compact(self.name), compact(" ".join(words[-1:] + words[:-1]))}  # "Jane Smith", "smithjane"
        if "," in self.name:  # "Smith, Jane"
            last, first = self.name.split(",", 1)
            forms |= {fold(f"{first} {last}"), compact(f"{first}{last}")}
        return {f for f in forms if f}


@dataclass
class Roster:
    """The instructor's list of learners, read from ``--roster roster.csv``."""

    learners: list[Learner]
    path: str = "roster.csv"
    _index: dict[str, list[Learner]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for learner in self.learners:
            for key in learner.keys():
                bucket = self._index.setdefault(key, [])
                if learner not in bucket:
                    bucket.append(learner)

    def match(self, origin: Origin) -> tuple[Learner | None, str]:
        """The roster learner *origin* names, or ``(None, why)``: no one, or more than one."""
        if origin.lms_id:
            by_id = [lr for lr in self.learners if lr.lms_id and lr.lms_id == origin.lms_id]
            if len(by_id) == 1:
                return by_id[0], ""
        tried = [t for t in (origin.folder, origin.name) if t]
        for text in tried:
            for key in (fold(text), compact(text)):
                found = self._index.get(key, [])
                if len(found) == 1:
                    return found[0], ""
                if len(found) > 1:
                    names = " and ".join(repr(lr.name) for lr in found[:2])
                    return None, (f"{origin.name!r} fits {names} on the roster; give each a login or LMS id in the roster, "
                                  "or rename the file with the learner's roster id.")
        if not origin.name:
            return None, "the file name does not say whose it is"
        return None, f"no one on the roster is called {origin.name!r} (by name, id, login, email or LMS id)"


def read_roster(path: str | Path) -> Roster:
    """Read and check a roster CSV: columns ``id`` and ``name``, optionally ``login``, ``email``, ``lms_id``.

    Raises:
        UsageError: one sentence naming the line and how to fix it.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"There is no roster at {str(path)!r}; give a CSV file with the columns id,name (and optionally login,email,lms_id).") from None
    except IsADirectoryError:
        raise UsageError(f"--roster {str(path)!r} is a folder; give the roster's CSV file.") from None
    except OSError as exc:
        raise UsageError(f"The roster {str(path)!r} could not be read ({exc.strerror or exc}); check its permissions.") from None
    text = spreadsheet_text(raw)
    if text is None:
        raise UsageError(f"{path.name} is not a text file; save the roster from your spreadsheet as 'CSV UTF-8'.")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UsageError(f"{path.name} is empty; its first line must name the columns: id,name (and optionally login,email,lms_id).")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [_ALIASES.get(h.strip().casefold(), h.strip().casefold()) for h in table[0]]
    for needed in ROSTER_COLUMNS:
        if needed not in header:
            shown = ", ".join(h for h in table[0] if h.strip()) or "none"
            raise UsageError(f"{path.name} has no {needed!r} column (its columns are: {shown}); the first line must name "
                             "the columns id,name and optionally login,email,lms_id.")
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        if not values["id"]:
            raise UsageError(f"{path.name}, line {number}: the id is blank; give every learner an id (a student number or any unique text).")
        if not values["name"]:
            raise UsageError(f"{path.name}, line {number}: the name of {values['id']!r} is blank; give the learner's name as the LMS shows it.")
        key = fold(values["id"])
        if key in seen:
            raise UsageError(f"{path.name}, line {number}: the id {values['id']!r} is also on line {seen[key]}; give each learner one line and one id.")
        seen[key] = number
        learners.append(Learner(values["id"], display(values["name"]), *(values.get(c, "") for c in ROSTER_OPTIONAL)))
    if not learners:
        raise UsageError(f"{path.name} names no learners (only a header); add one line per learner: id,name.")
    return Roster(learners, path.name)
