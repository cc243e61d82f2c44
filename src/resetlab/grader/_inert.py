"""Learner-controlled text made inert: safe in a spreadsheet cell and in a Markdown viewer."""

from __future__ import annotations

import html
import re


def _cell(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula.

    File names come from learners: ``=HYPERLINK(...)_01-start-here.ipynb`` must
    stay text when an instructor opens grades.csv (OWASP's CSV-injection advice).

    >>> _cell("=1+1_01-start-here.ipynb")
    "'=1+1_01-start-here.ipynb"
    >>> _cell("alice")
    'alice'
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _md(text: str) -> str:
    r"""Learner-controlled text made inert for Markdown viewers that render HTML and links.

    >>> print(_md("<img src=x onerror=alert(1)> [x](javascript:1)"))
    &lt;img src=x onerror=alert(1)&gt; \[x\](javascript:1)
    """
    text = html.escape(str(text), quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)
