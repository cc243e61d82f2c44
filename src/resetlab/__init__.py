"""Reset Lab: the 2008-2009 U.S.-Russia reset, taught from two primary sources.

Import from here in notebooks (``from resetlab import load_statements``).
Names are loaded on first use, so ``import resetlab`` stays cheap: the widget
toolkit is only imported when a widget is asked for.
"""

from __future__ import annotations

from importlib import import_module

from .errors import DataError, QuestionError, ResetLabError, UsageError

# In a notebook, tables and figures show with no empty table header and with alt text (see _display).
from ._display import install as _install_display

_install_display()

# name -> module that defines it (loaded lazily by __getattr__ below)
_LAZY = {
    "CheckResult": "checks",
    "Comparer": "widgets",
    "Concordance": "widgets",
    "CourseData": "data",
    "TimelineExplorer": "widgets",
    "VariantViewer": "widgets",
    "check": "checks",
    "check_data": "data",
    "concordance": "compare",
    "concordance_counts": "compare",
    "explode_topics": "compare",
    "grade_folder": "grader",
    "load_all": "data",
    "load_events": "timeline",
    "load_manifest": "sources",
    "load_source": "sources",
    "load_sources": "sources",
    "load_speakers": "statements",
    "load_statements": "statements",
    "load_topics": "statements",
    "load_variants": "witnesses",
    "load_witnesses": "witnesses",
    "pane_statements": "compare",
    "questions": "checks",
    "score_answer": "checks",
    "shared_words": "compare",
    "timeline_figure": "compare",
    "timeline_rows": "compare",
    "timeline_summary": "compare",
    "topic_counts": "compare",
    "word_counts": "compare",
}

__all__ = sorted([*_LAZY, "DataError", "QuestionError", "ResetLabError", "UsageError"])


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'resetlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


# In a notebook, one plain sentence under the Python errors learners hit most (the real error still
# shows first).  Hooked when the package is first imported, so any `from resetlab import ...` line
# (the imports cell's `from resetlab import check`) turns it on; outside IPython nothing is imported.
if "IPython" in __import__("sys").modules:
    from .friendly import install as _install_friendly

    _install_friendly()
