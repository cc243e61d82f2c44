"""The dated timeline: events the sources mention and outside context, kept apart.

``data/events.csv`` holds each event in the course's own words, which source
mentions it (blank for outside context) and the kind of public record that
confirms it.  ``origin`` in the loaded table says "in source" or "outside" so
every lesson, table and figure can tell the two apart.
"""

from __future__ import annotations

import os

import pandas as pd

from ._paths import data_dir
from ._tables import Column, read_table, where
from .errors import DataError

EVENT_COLUMNS = (
    Column("event_id"),
    Column("start", "date"),
    Column("end", "date"),
    Column("event"),
    Column("place", required=False),
    Column("mentioned_in", "choice", required=False, choices=("000", "003")),
    Column("source_note", required=False),
    Column("confirmed_by"),
)


def load_events(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the timeline sorted by start date, with an ``origin`` column.

    Raises:
        DataError: for a malformed row, an end before its start, a repeated id,
            or a source note on an event no source mentions.
    """
    path = data_dir(folder) / "events.csv"
    frame = read_table(path, EVENT_COLUMNS)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.end < row.start:
            raise DataError(f"events.csv{where(i, 'end')}: expected an end date on or after the start {row.start} (got {row.end}).")
        if row.source_note and not row.mentioned_in:
            raise DataError(f"events.csv{where(i, 'source_note')}: a source note needs a source in 'mentioned_in' (got none); fill in 000 or 003, or clear the note.")
    repeated = frame["event_id"][frame["event_id"].duplicated()]
    if not repeated.empty:
        i = int(repeated.index[0]) + 1
        raise DataError(f"events.csv{where(i, 'event_id')}: expected each id once (got {repeated.iloc[0]!r} again).")
    frame["origin"] = frame["mentioned_in"].map(lambda s: "in source" if s else "outside")
    return frame.sort_values(["start", "event_id"], kind="stable").reset_index(drop=True)
