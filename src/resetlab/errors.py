"""Exception classes of the package.

Every error the package raises on purpose says what it expected, what it got
and how to fix it, in one plain sentence.  In a notebook the learner sees that
sentence alone, not a traceback (``_render_traceback_`` is IPython's hook for
that), yet the error still fails a test run hard.
"""

from __future__ import annotations


class ResetLabError(Exception):
    """Base class: an error with a message meant for a person, not a stack."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class DataError(ResetLabError, ValueError):
    """A data file (a source, a table) is missing, malformed or inconsistent."""


class QuestionError(ResetLabError, LookupError):
    """A question specification is missing or malformed."""


class UsageError(ResetLabError, ValueError):
    """A command or function was called with arguments it cannot use."""
