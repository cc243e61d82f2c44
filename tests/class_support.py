"""A realistic class of hand-ins, built from the committed exercises (imported as a plain module).

The folder mixes what an instructor meets in one grading session: a Canvas bulk
download (one hand-in marked LATE), a Moodle per-learner folder, hub home folders
with the whole course pulled into them (solutions and lessons included), a browser's
``(1)`` copy, one name in NFC and NFD, ``Alice`` and ``alice``, a blank copy, the
lesson handed in for the exercise, exercise 3 saved under a lesson-4 name, a copy
from an older course version and a file that names nobody.  Each learner's work is
the exercise with the solutions' answer cells typed in (matched by cell id), with
chosen answers wrong.
"""

from __future__ import annotations

import copy
import unicodedata
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
L3, L4 = "03-who-said-what", "04-comparing-the-leaders"

#: Wrong answers a learner might give, by variable.
WRONG = {"q4_1": "q4_1 = 3", "q4_2": 'q4_2 = "Obama"', "q4_3": 'q4_3 = ["iran"]', "q4_4": 'q4_4 = "003-01"',
         "q3_1": "q3_1 = 30", "q3_2": 'q3_2 = "Bush"'}

ROSTER = """id,name,login,email,lms_id
s001,Jane Smith,jsmith,jane.smith@example.edu,12345
s002,Joon Lee,jlee,joon.lee@example.edu,23456
s003,José Álvarez,jalvarez,jose.alvarez@example.edu,
s004,Alice Martin,alice,alice.martin@example.edu,
s005,Zoë Kim,zoë,zoe.kim@example.edu,
s006,Bob Stone,bob,bob.stone@example.edu,
s007,Carol White,carol,carol.white@example.edu,
s008,Dan Brown,dan,dan.brown@example.edu,
s009,Erin Gray,erin,erin.gray@example.edu,
s010,Frank Wu,frank,frank.wu@example.edu,
s011,Grace Hopper,ghopper,grace.hopper@example.edu,
"""


def answered(lesson: str, wrong: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """The exercise of *lesson* with every answer cell as the solutions have it, except *wrong* ones."""
    nb = nbformat.read(REPO / "exercises" / f"{lesson}.ipynb", as_version=4)
    master = {c.get("id"): c for c in nbformat.read(REPO / "solutions" / f"{lesson}.ipynb", as_version=4).cells}
    for cell in nb.cells:
        solved = master.get(cell.get("id"))
        if cell.cell_type != "code" or solved is None or "# BEGIN SOLUTION" not in solved.source:
            continue
        cell.source = solved.source
        for var in wrong:
            if f"{var} =" in cell.source:
                cell.source = WRONG[var]
    return nb


def _save(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _hub_home(home: Path, work) -> None:
    """A hub home folder with the course pulled in (nbgitpuller copies solutions too) and the learner's work."""
    course = home / "resetlab"
    (course / "data").mkdir(parents=True)
    (course / "data" / "sources.csv").write_text("source_id\n000\n", encoding="utf-8")
    (course / "src" / "resetlab").mkdir(parents=True)
    (course / "src" / "resetlab" / "__init__.py").write_text("", encoding="utf-8")
    (course / "README.md").write_text("# Reset Lab\n", encoding="utf-8")
    (course / "docs" / "instructors").mkdir(parents=True)
    (course / "docs" / "instructors" / "answers.md").write_text("# Answers\n", encoding="utf-8")
    for folder in ("solutions", "notebooks"):
        nb = nbformat.read(REPO / folder / f"{L4}.ipynb", as_version=4)
        _save(nb, course / folder / f"{L4}.ipynb")
    _save(work, course / "exercises" / f"{L4}.ipynb")


def make_class(root: Path) -> Path:
    """Write the class's hand-ins into *root* (created) and its roster beside it; return the roster's path."""
    subs = root / "submissions"
    subs.mkdir(parents=True)
    # Canvas bulk download: lastfirst[_LATE]_userid_submissionid_file
    _save(answered(L4), subs / f"smithjane_12345_9001_{L4}.ipynb")
    _save(answered(L4, ("q4_2",)), subs / f"leejoon_LATE_23456_9002_{L4}-1.ipynb")
    # Moodle: one folder per learner
    _save(answered(L4, ("q4_3",)), subs / "José Álvarez_55512_assignsubmission_file_" / f"{L4}.ipynb")
    # hub home folders, the whole course pulled in; and the same learner's exercise 3 with a capital
    _hub_home(subs / "alice", answered(L4, ("q4_1",)))
    _save(answered(L3), subs / f"Alice_{L3}.ipynb")
    # one name in two Unicode forms
    _save(answered(L4, ("q4_4",)), subs / f"{unicodedata.normalize('NFC', 'zoë')}_{L4}.ipynb")
    _save(answered(L3, ("q3_1",)), subs / f"{unicodedata.normalize('NFD', 'zoë')}_{L3}.ipynb")
    # a blank copy; the lesson instead of the exercise; exercise 3 under a lesson-4 name
    _save(nbformat.read(REPO / "exercises" / f"{L4}.ipynb", as_version=4), subs / f"bob_{L4}.ipynb")
    _save(nbformat.read(REPO / "notebooks" / f"{L4}.ipynb", as_version=4), subs / f"carol_{L4}.ipynb")
    _save(answered(L3, ("q3_2",)), subs / f"dan_{L4}.ipynb")
    # the browser's copy of a second download
    first = _save(answered(L4, ("q4_1", "q4_2")), subs / f"erin_{L4}.ipynb")
    second = _save(answered(L4), subs / f"erin_{L4} (1).ipynb")
    import os

    os.utime(first, (1_700_000_000, 1_700_000_000))
    os.utime(second, (1_700_000_100, 1_700_000_100))
    # a copy made from an older version of the course
    old = copy.deepcopy(answered(L4))
    old.metadata["resetlab"] = {"lesson": L4, "kind": "exercise", "version": "0.1.0"}
    _save(old, subs / f"frank_{L4}.ipynb")
    # a file that names nobody
    _save(answered(L4, ("q4_4",)), subs / f"{L4} (1).ipynb")
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return roster
