"""Quoted statements in the two sources: extraction rules and the statements table.

``build_statements()`` finds every quoted passage in the article bodies and
decides, by explicit rules, who the source says spoke the words:

1. an attribution after the closing quote (``"…," Bush said``, ``"…," says Volk``);
2. else a speaker followed by a speech verb earlier in the same sentence
   (``Bush said, "…"``, ``A senior U.S. official said … "…"``);
3. else the nearest speaker named earlier in the same sentence;
4. else the speaker of the previous quote in the same paragraph (a quote split
   by ``X said``).

Quotes inside page furniture and titles of other articles (``(See "…")``) are
not statements.  Where the rules cannot decide, or decide wrongly, the
reviewed table ``data/attributions.csv`` overrides them; every row it touched
says so in the ``attribution`` column.  ``load_statements()`` reads the built
table back and checks that ``raw[start:end] == quote`` for every row.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._paths import data_dir
from ._tables import Column, read_table, where
from .errors import DataError, UsageError
from .sources import Source, load_sources

SIDES = ("United States", "Russia", "joint", "outside analyst")
KINDS = ("full", "partial", "reported", "document")
PRECISIONS = ("day", "week")
#: How a statement's date is known: the source states it, the course infers it, or it comes from outside.
DATE_BASES = ("stated", "inferred", "outside")
#: Override columns that change who said what, or when; a row that sets only the date's basis leaves
#: the statement's attribution to the rules.
ATTRIBUTION_KEYS = ("speaker", "event", "date", "date_precision", "kind", "topics", "note")
SPEECH_VERBS = ("said", "says", "told", "added", "saying")

SPEAKER_COLUMNS = (
    Column("speaker"),
    Column("side", "choice", choices=SIDES),
    Column("speaker_kind", "choice", choices=("person", "document", "unnamed", "institution")),
    Column("aliases"),
    Column("description"),
)
TOPIC_COLUMNS = (Column("topic"), Column("label"), Column("keywords"))

STATEMENT_FIELDS = (
    "statement_id", "source_id", "speaker", "side", "event", "date", "date_precision", "date_basis", "date_evidence",
    "start", "end", "quote", "interpreted", "kind", "topics", "attribution", "note",
)


def load_speakers(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return ``data/speakers.csv``: each speaker's side, kind, aliases and description."""
    return read_table(data_dir(folder) / "speakers.csv", SPEAKER_COLUMNS)


def load_topics(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return ``data/topics.csv``: the topic vocabulary with labels and keywords."""
    return read_table(data_dir(folder) / "topics.csv", TOPIC_COLUMNS)


def _topic_ids(folder) -> tuple[str, ...]:
    return tuple(load_topics(folder)["topic"])


def _statement_columns(folder) -> tuple[Column, ...]:
    topics = _topic_ids(folder)
    return (
        Column("statement_id"),
        Column("source_id"),
        Column("speaker"),
        Column("side", "choice", choices=SIDES),
        Column("event"),
        Column("date", "date"),
        Column("date_precision", "choice", choices=PRECISIONS),
        Column("date_basis", "choice", choices=DATE_BASES),
        Column("date_evidence"),
        Column("start", "int"),
        Column("end", "int"),
        Column("quote"),
        Column("interpreted", "bool"),
        Column("kind", "choice", choices=KINDS),
        Column("topics", "list", choices=topics),
        Column("attribution", "choice", choices=("rule", "override")),
        Column("note", required=False),
    )


def _override_columns(folder) -> tuple[Column, ...]:
    return (
        Column("source_id"),
        Column("quote_starts"),
        Column("speaker", required=False),
        Column("event", required=False),
        Column("date", "date", required=False),
        Column("date_precision", "choice", required=False, choices=PRECISIONS),
        Column("date_basis", "choice", required=False, choices=DATE_BASES),
        Column("date_evidence", required=False),
        Column("kind", "choice", required=False, choices=KINDS),
        Column("topics", "list", required=False, choices=_topic_ids(folder)),
        Column("exclude", required=False),
        Column("note", required=False),
    )


@dataclass(frozen=True)
class Quote:
    """A quoted passage found in a source's raw text, before attribution."""

    source_id: str
    start: int  # raw offset of the first character inside the quote marks
    end: int  # raw offset just past the last kept character
    open_at: int  # raw offset of the opening quote mark
    close_at: int  # raw offset of the closing quote mark


_MARKS = {"curly": ("\u201c", "\u201d"), "straight": ('"', '"')}


def find_quotes(source: Source) -> list[Quote]:
    """Return every double-quoted passage outside page furniture, in order.

    A trailing comma inside the quote marks belongs to the sentence around it
    (``"…," Bush said``) and is left out of the quote.
    """
    style = "curly" if "curly" in source.meta["quote_style"] else "straight"
    opening, closing = _MARKS[style]
    raw = source.raw
    pattern = re.compile(re.escape(opening) + "([^" + re.escape(closing) + "\n]+)" + re.escape(closing))
    quotes = []
    for match in pattern.finditer(raw):
        start, end = match.span(1)
        while end > start and raw[end - 1] in ", ":
            end -= 1
        if source.is_furniture(match.start(), match.end()):
            continue
        quotes.append(Quote(source.source_id, start, end, match.start(), match.end() - 1))
    return quotes


class _Speakers:
    """Speaker aliases compiled into regular expressions, longest alias first."""

    def __init__(self, table: pd.DataFrame):
        self.side = dict(zip(table["speaker"], table["side"]))
        self.kind = dict(zip(table["speaker"], table["speaker_kind"]))
        self.by_alias: dict[str, str] = {}
        for speaker, aliases in zip(table["speaker"], table["aliases"]):
            for alias in aliases.split(";"):
                self.by_alias[alias] = speaker
        names = "|".join(re.escape(a) for a in sorted(self.by_alias, key=len, reverse=True))
        verbs = "|".join(SPEECH_VERBS)
        self.alias = re.compile(rf"\b(?:{names})\b")
        self.before_verb = re.compile(rf"\b({names})(?:, [^,]+,)? (?:{verbs})\b")
        self.after_quote = re.compile(rf"^,?\s*(?:({names}) (?:{verbs})|(?:{verbs}) ({names}))\b")

    def right(self, text: str) -> str | None:
        m = self.after_quote.match(text)
        return self.by_alias[m.group(1) or m.group(2)] if m else None

    def left_with_verb(self, text: str) -> str | None:
        found = list(self.before_verb.finditer(text))
        return self.by_alias[found[-1].group(1)] if found else None

    def left_nearest(self, text: str) -> str | None:
        found = list(self.alias.finditer(text))
        return self.by_alias[found[-1].group(0)] if found else None


_SENTENCE_END = re.compile(r"[.!?][\"\u201d]?\s+(?=[A-Z\"\u201c(])")


def _sentence_left(raw: str, para_start: int, floor: int, open_at: int) -> str:
    """Text of the current sentence before the quote (not before *floor*)."""
    left = raw[max(para_start, floor) : open_at]
    ends = list(_SENTENCE_END.finditer(left))
    return left[ends[-1].end() :] if ends else left


def _sentence_right(raw: str, close_at: int, para_end: int) -> str:
    right = raw[close_at + 1 : para_end]
    cut = re.search(r"[.!?](\s|$)|[\"\u201c]", right)
    return right[: cut.end()] if cut else right


def _paragraph(raw: str, at: int) -> tuple[int, int]:
    start = raw.rfind("\n", 0, at) + 1
    end = raw.find("\n", at)
    return start, len(raw) if end == -1 else end


def _topics(text: str, context: str, table: pd.DataFrame) -> list[str]:
    def hits(t: str) -> list[str]:
        found = []
        for topic, keywords in zip(table["topic"], table["keywords"]):
            if any(re.search(rf"\b{re.escape(k)}", t, re.IGNORECASE) for k in keywords.split(";")):
                found.append(topic)
        return found

    return hits(text) or hits(context) or ["relationship"]


def build_statements(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Extract every quoted statement from the sources, as a DataFrame.

    Deterministic: the same data files give the same table, row for row.
    """
    base = data_dir(folder)
    from .timeline import load_events

    events = load_events(base)
    speakers = _Speakers(load_speakers(base))
    topics = load_topics(base)
    overrides = read_table(base / "attributions.csv", _override_columns(base))
    used = set()
    rows = []
    for sid, source in sorted(load_sources(base).items()):
        meeting = events[(events["start"] == source.meta["date"]) & (events["mentioned_in"] == sid)]
        if meeting.empty:
            raise DataError(f"events.csv: expected an event starting {source.meta['date']} with mentioned_in {sid} (the meeting source {sid} reports); add that row.")
        event_id = str(meeting.iloc[0]["event_id"])
        basis = _meeting_basis(source)
        previous: dict | None = None
        number = 0
        for quote in find_quotes(source):
            raw = source.raw
            text = raw[quote.start : quote.end]
            p_start, p_end = _paragraph(raw, quote.open_at)
            floor = previous["_close"] + 1 if previous and previous["_para"] == p_start else p_start
            left = _sentence_left(raw, p_start, floor, quote.open_at)
            right = _sentence_right(raw, quote.close_at, p_end)
            speaker = speakers.right(right) or speakers.left_with_verb(left) or speakers.left_nearest(left)
            interpreted = "through an interpreter" in right or "through an interpreter" in left
            if speaker is None and previous and previous["_para"] == p_start:
                speaker, interpreted = previous["speaker"], previous["interpreted"]
            row = {
                "source_id": sid, "speaker": speaker, "event": event_id, "date": source.meta["date"],
                "date_precision": "day", **basis, "start": quote.start, "end": quote.end, "quote": text,
                "interpreted": interpreted, "kind": None, "topics": None, "attribution": "rule", "note": "",
                "_para": p_start, "_close": quote.close_at,
                "_title": left.rstrip().endswith("(See"),
            }
            sentence = _sentence_left(raw, p_start, p_start, quote.open_at) + raw[quote.open_at : quote.close_at + 1] + right
            row["topics"] = ";".join(_topics(text, sentence, topics))
            if speaker is not None:
                standalone = text[:1].isupper() and (left.strip() == "" or left.rstrip()[-1] in ",:.!?")
                row["kind"] = "document" if speakers.kind[speaker] == "document" else ("full" if standalone else "partial")
            override = _find_override(overrides, sid, text)
            if override is not None:
                used.add(override["_index"])
                if override["exclude"]:
                    previous = row
                    continue
                for key in ATTRIBUTION_KEYS:
                    if override[key]:
                        row[key] = override[key]
                if override["event"] and override["event"] != event_id and not override["date_basis"]:
                    row.update(_event_basis(events, override["event"]))
                for key in ("date_basis", "date_evidence"):
                    if override[key]:
                        row[key] = override[key]
                if any(override[key] for key in ATTRIBUTION_KEYS):
                    row["attribution"] = "override"
            elif row["_title"]:
                continue
            if row["speaker"] is None:
                raise DataError(
                    f"Source {sid}, offset {quote.start}: no rule could tell who said {text[:50]!r}; "
                    "add a row for it to attributions.csv with the speaker."
                )
            if row["speaker"] not in speakers.side:
                raise DataError(f"attributions.csv: speaker {row['speaker']!r} is not in speakers.csv; add the speaker there or correct the name.")
            if row["kind"] is None:
                row["kind"] = "document" if speakers.kind[row["speaker"]] == "document" else "partial"
            row["side"] = speakers.side[row["speaker"]]
            number += 1
            row["statement_id"] = f"{sid}-{number:02d}"
            rows.append(row)
            previous = row
    unused = sorted(set(overrides.index) - used)
    if unused:
        i = unused[0]
        raise DataError(
            f"attributions.csv{where(int(i) + 1, 'quote_starts')}: no quote in source {overrides.at[i, 'source_id']} "
            f"starts with {overrides.at[i, 'quote_starts']!r}; correct the text or remove the row."
        )
    frame = pd.DataFrame(rows, columns=list(STATEMENT_FIELDS))
    frame["interpreted"] = frame["interpreted"].astype(bool)
    return frame


def _meeting_basis(source: Source) -> dict[str, str]:
    """The date basis of words said at the meeting a source reports: the source's own (sources.csv)."""
    how = "states the day" if source.meta["date_basis"] == "stated" else "gives the day but not the year; the course infers it"
    return {"date_basis": source.meta["date_basis"],
            "date_evidence": f"Said at the meeting the report covers; source {source.source_id} {how} (sources.csv)."}


def _event_basis(events: pd.DataFrame, event_id: str) -> dict[str, str]:
    """The date basis of words the course dates to another timeline event: outside, with that event's witnesses."""
    found = events[events["event_id"] == event_id]
    if found.empty:
        raise DataError(f"attributions.csv: the event {event_id!r} is not in events.csv; add it there or correct the id.")
    row = found.iloc[0]
    return {"date_basis": "outside",
            "date_evidence": f"The course dates these words to the timeline's {event_id}; its day comes from {row['confirmed_by']} (witnesses.csv)."}


def _find_override(overrides: pd.DataFrame, sid: str, text: str) -> dict | None:
    for index, row in overrides.iterrows():
        if row["source_id"] == sid and text.startswith(row["quote_starts"]):
            return {**row.to_dict(), "_index": index}
    return None


def write_statements(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the statements table as CSV (LF line endings, ``true``/``false``)."""
    out = frame.copy()
    out["interpreted"] = out["interpreted"].map({True: "true", False: "false"})
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"Cannot write the statements table to {str(path)!r}: it is a folder; give a file name such as statements.csv.")
    if not path.parent.is_dir():
        raise UsageError(f"Cannot write the statements table to {str(path)!r}: the folder {str(path.parent)!r} does not exist; create it or choose another place.")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")  # a failed write leaves the old file whole
    try:
        out.to_csv(tmp, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"Cannot write the statements table to {str(path)!r} ({exc.strerror or exc}); choose a file in a folder you can write to.") from None
    return path


def load_statements(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return ``data/statements.csv``, validated: every quote matches its raw offsets.

    Raises:
        DataError: naming the file, row and column of the first problem.
    """
    base = data_dir(folder)
    path = base / "statements.csv"
    frame = read_table(path, _statement_columns(base))
    sources = load_sources(base)
    seen: set[str] = set()
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.statement_id in seen:
            raise DataError(f"statements.csv{where(i, 'statement_id')}: expected each id once (got {row.statement_id!r} again).")
        seen.add(row.statement_id)
        if row.source_id not in sources:
            raise DataError(f"statements.csv{where(i, 'source_id')}: expected one of {', '.join(sorted(sources))} (got {row.source_id!r}).")
        raw = sources[row.source_id].raw
        if not 0 <= row.start < row.end <= len(raw):
            raise DataError(f"statements.csv{where(i, 'end')}: offsets {row.start}..{row.end} are outside source {row.source_id} (0..{len(raw)}); rebuild with 'python -m resetlab build-data'.")
        if raw[row.start : row.end] != row.quote:
            raise DataError(
                f"statements.csv{where(i, 'quote')}: the quote no longer matches raw[{row.start}:{row.end}] of source {row.source_id} "
                f"(the raw text there is {raw[row.start:row.end][:40]!r}); rebuild with 'python -m resetlab build-data' instead of editing by hand."
            )
    return frame
