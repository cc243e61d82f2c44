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
from .witnesses import check_confirmed_by, load_variants, load_witnesses


@dataclass(frozen=True)
class CourseData:
    """Everything the lessons read: sources, statements and the timeline."""

    sources: dict[str, Source]
    statements: pd.DataFrame
    events: pd.DataFrame
    speakers: pd.DataFrame
    topics: pd.DataFrame
    witnesses: pd.DataFrame
    variants: pd.DataFrame


def load_all(folder: str | os.PathLike[str] | None = None) -> CourseData:
    """Load and validate every data file (sources with checksums, statements, events, witnesses, variants)."""
    statements, witnesses = load_statements(folder), load_witnesses(folder)
    data = CourseData(load_sources(folder), statements, load_events(folder),
                      load_speakers(folder), load_topics(folder), witnesses,
                      load_variants(folder, statements=statements, witnesses=witnesses))
    check_meetings(data.sources, data.events)
    check_confirmed_by(data.events, data.witnesses)
    return data


def check_meetings(sources: dict[str, Source], events: pd.DataFrame) -> None:
    """Check that each source's meeting is marked once in events.csv ('meeting_of'), on the source's date.

    The timeline figure marks these rows as the meetings the sources report,
    so a wrong or missing mark would draw the wrong meeting.

    Raises:
        DataError: naming the source and the row to fix.
    """
    for sid, source in sorted(sources.items()):
        marked = events[events["meeting_of"] == sid]
        if marked.empty:
            raise DataError(f"events.csv, column 'meeting_of': expected one event marked {sid}, the meeting source {sid} reports (got none); put {sid} in that row's 'meeting_of'.")
        row = marked.iloc[0]
        if row["start"] != source.meta["date"]:
            raise DataError(f"events.csv, column 'meeting_of': the meeting marked {sid} ({row['event_id']}) should start on the date source {sid} reports, {source.meta['date']} (got {row['start']}); mark the right row or correct its date.")


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
        f"events.csv: {len(data.events)} events ({(data.events['origin'] == 'outside').sum()} outside the sources), "
        f"each source's meeting marked: {', '.join(data.events.loc[data.events['meeting_of'] != '', 'event_id'])}; "
        "every 'confirmed_by' names witnesses in witnesses.csv",
        f"witnesses.csv: {len(data.witnesses)} outside records, each with its address",
        f"variants.csv: {len(data.variants)} differences from {data.variants['witness_id'].nunique()} witnesses, "
        "every lemma matches its offsets",
    ]
