"""Load and check all course data in one call."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from ._paths import data_dir
from .errors import DataError
from .sources import Source, load_sources
from .statements import build_statements, load_speakers, load_statements, load_topics
from .timeline import load_events


@dataclass(frozen=True)
class CourseData:
    """Everything the lessons read: sources, statements and the timeline."""

    sources: dict[str, Source]
    statements: pd.DataFrame
    events: pd.DataFrame
    speakers: pd.DataFrame
    topics: pd.DataFrame


def load_all(folder: str | os.PathLike[str] | None = None) -> CourseData:
    """Load and validate every data file (sources with checksums, statements, events)."""
    return CourseData(load_sources(folder), load_statements(folder), load_events(folder),
                      load_speakers(folder), load_topics(folder))


def check_data(folder: str | os.PathLike[str] | None = None) -> list[str]:
    """Validate every data file and check statements.csv is up to date.

    Returns:
        One line of summary per file, for the command line to print.

    Raises:
        DataError: the first problem found, as one plain sentence.
    """
    base = data_dir(folder)
    data = load_all(base)
    rebuilt = build_statements(base)
    stored = data.statements.reset_index(drop=True)
    if not rebuilt.astype(str).equals(stored.astype(str)):
        msg = (
            "statements.csv is out of date with the sources, speakers, topics or attributions "
            "(expected the table that 'python -m resetlab build-data' makes); run that command and commit the result."
        )
        raise DataError(msg)
    return [
        f"sources.csv: {len(data.sources)} sources, checksums match",
        f"statements.csv: {len(data.statements)} statements, every quote matches its offsets",
        f"events.csv: {len(data.events)} events ({(data.events['origin'] == 'outside').sum()} outside the sources)",
    ]
