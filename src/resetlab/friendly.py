"""One plain sentence under the Python errors learners of this course hit most.

After Data 8's beginner error hints: the real error is always shown first,
exactly as IPython shows it, and one sentence is added below it, in the
course's words: ``q1_3 = 003`` (leading zeros), curly quotes pasted from a
word processor, a text with no closing quote, ``pd`` or ``check`` not defined
(an imports cell not run, or a restarted kernel), an answer variable not made
yet, a column name typed in the wrong case.  An error with no sentence here
is shown as it always is, and nothing is ever hidden or swallowed: the cell
still fails, so nbval, nbclient and the grader see the same error as before.

How it is hooked: IPython's documented ``InteractiveShell.set_custom_exc``.
Since IPython 5 (ipython/ipython#9515) the handler it registers is called for
errors raised while a cell runs *and* for a SyntaxError raised when the cell
is compiled, so one handler covers both; IPython does not display what the
handler returns (ipython/ipython#12378), so the handler shows the traceback
itself with ``showtraceback`` (safe inside a handler since ipython/ipython#1742)
and then prints the sentence.  ``install()`` does nothing outside IPython (a
script, the grader's process, a test run), is idempotent, and leaves alone a
shell on which some other tool has already set a custom handler.
"""

from __future__ import annotations

import re
import sys
from typing import Any

#: The errors a sentence is offered for; anything else never reaches the handler.
EXCEPTIONS: tuple[type[BaseException], ...] = (SyntaxError, NameError, KeyError)

_SHORT_NAMES = {"pd": ("pandas", "import pandas as pd"), "np": ("numpy", "import numpy as np"),
                "plt": ("matplotlib's pyplot", "import matplotlib.pyplot as plt")}
_CURLY = "\u201c\u201d\u2018\u2019\u201e\u201f\u2032\u2033"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_ANSWER = re.compile(r"q[0-9]+_[0-9]+")


def hint(error: BaseException, names: Any = ()) -> str | None:
    """Return the one sentence to add under *error*, or None when there is none.

    *names* are the names the notebook has defined (to tell ``Check`` from
    ``check``).  Never raises.

    >>> hint(SyntaxError("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"))
    "Python cannot read a number written with leading zeros: an id like 003 is text, so put it in quotes, '003'."
    >>> hint(NameError("name 'pd' is not defined", name="pd"))
    'pd is the usual short name for pandas, which this notebook has not imported yet: run the imports cell at the top, or add import pandas as pd to it.'
    >>> hint(ValueError("x")) is None
    True
    """
    try:
        if isinstance(error, SyntaxError):
            return _syntax(error)
        if isinstance(error, NameError):
            return _name(error, names)
        if isinstance(error, KeyError):
            return _key(error)
    except Exception:  # a hint must never turn one error into two
        return None
    return None


def _syntax(error: SyntaxError) -> str | None:
    msg = str(error.msg or "")
    line = str(error.text or "")
    if msg.startswith("leading zeros in decimal integer literals"):
        number = re.search(r"\b0[0-9]+\b", line)
        shown = number.group(0) if number else "003"
        return f"Python cannot read a number written with leading zeros: an id like {shown} is text, so put it in quotes, '{shown}'."
    if msg.startswith("invalid character") and any(ch in msg for ch in _CURLY):
        return ("That is a curly quote mark, pasted from a word processor or a web page: Python needs the straight "
                "quotes ' or \" that the keyboard types.")
    if msg.startswith("invalid character") and any(ch in msg for ch in _DASHES):
        return "That is a long dash, pasted from a word processor or a web page: type a plain minus sign - instead."
    if msg.startswith("invalid non-printable character"):
        return "An invisible character (often a non-breaking space) was pasted in here: delete it and type an ordinary space."
    if msg.startswith("unterminated triple-quoted string"):
        return 'The three quote marks (""") that open this text are never closed: end the text with three more.'
    if msg.startswith("unterminated string literal"):
        if any(ch in line for ch in _CURLY):
            return ("This text has no closing quote mark that Python knows: a curly quote from a word processor does "
                    "not count, so end it with the same straight quote it starts with.")
        return "This text has no closing quote mark: end it with the same quote mark it starts with, on the same line."
    return None


def _name(error: NameError, names: Any) -> str | None:
    name = getattr(error, "name", None)
    if not name:
        found = re.search(r"name '([^']+)' is not defined", str(error))
        name = found.group(1) if found else None
    if not name:
        return None
    if name in _SHORT_NAMES:
        module, line = _SHORT_NAMES[name]
        return (f"{name} is the usual short name for {module}, which this notebook has not imported yet: run the "
                f"imports cell at the top, or add {line} to it.")
    import resetlab

    if name in resetlab.__all__:
        return (f"{name} comes from the course package: run the imports cell at the top of the notebook first (a "
                f"restarted kernel forgets it), or add {name} to its 'from resetlab import' line.")
    if _ANSWER.fullmatch(name):
        return (f"{name} is made by its answer cell: run the cell that says {name} = ... first (a restarted kernel "
                "forgets every answer).")
    known = {str(n).casefold(): str(n) for n in [*resetlab.__all__, *names] if not str(n).startswith("_")}
    spelled = known.get(name.casefold())
    if spelled and spelled != name:
        return f"Python names are case-sensitive: this one is spelled {spelled}."
    return (f"Python does not know the name {name} here: check its spelling (capital letters count), or run the "
            "cell that defines it first (a restarted kernel forgets everything).")


def _key(error: KeyError) -> str | None:
    if len(error.args) != 1 or not isinstance(error.args[0], str):
        return None
    key = error.args[0]
    columns = _course_columns()
    if key in columns:
        return None  # a real column: the table in hand simply lacks it; nothing plain to add
    folded = {re.sub(r"[\s_-]+", "_", c.casefold()): c for c in columns}
    spelled = folded.get(re.sub(r"[\s_-]+", "_", key.strip().casefold()))
    if spelled:
        return f"Column names are matched exactly, capital letters and spaces included: the course's tables spell this one {spelled!r}."
    return None


def _course_columns() -> set[str]:
    """The column names of the course's CSV files (their header rows)."""
    from ._paths import data_dir

    columns: set[str] = set()
    for path in sorted(data_dir().glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            columns.update(part.strip() for part in handle.readline().split(","))
    return columns


# --------------------------------------------------------------------------- the IPython hook


def _handler(shell: Any, etype: type[BaseException], value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """Show the error exactly as IPython would, then the one sentence (if there is one)."""
    if issubclass(etype, IndentationError) and not _while_running(tb):
        shell.showindentationerror()
    else:  # a SyntaxError at compile time goes to showsyntaxerror inside showtraceback, as IPython does
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=_while_running(tb))
    sentence = hint(value, getattr(shell, "user_ns", {}))
    if sentence:
        print(sentence)
    return None  # already shown: IPython ignores a custom handler's return value


def _while_running(tb: Any) -> bool:
    """True when the error came from running the cell's code, False when the cell failed to compile."""
    return tb is not None and tb.tb_frame.f_code.co_name == "run_code"


def install(shell: Any = None) -> bool:
    """Add the sentences under this IPython session's errors; return True when they are on.

    Does nothing (and returns False) outside IPython or when another tool has
    set its own custom handler; calling it again changes nothing.
    """
    if shell is None:
        if "IPython" not in sys.modules:  # never import IPython just to find out
            return False
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if getattr(shell, "_resetlab_friendly", False) and tuple(shell.custom_exceptions) == EXCEPTIONS:
        return True
    if tuple(getattr(shell, "custom_exceptions", ())):
        return False  # someone else's handler: theirs stays
    shell.set_custom_exc(EXCEPTIONS, _handler)
    shell._resetlab_friendly = True
    return True


def uninstall(shell: Any = None) -> None:
    """Take the sentences away again (the shell shows errors as plain IPython does)."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None and getattr(shell, "_resetlab_friendly", False):
        shell.set_custom_exc((), None)
        shell._resetlab_friendly = False
