"""The course's version: the one place it is written.

``pyproject.toml`` reads it (setuptools' ``attr:``), every generated notebook
records it in ``metadata.resetlab.version`` (``make notebooks``, ``make exercises``),
the grader compares a submission's version with it, ``CITATION.cff`` and
``CHANGELOG.md`` repeat it and a test checks that they agree.
"""

__version__ = "0.2.0"
