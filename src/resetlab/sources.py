"""The two primary sources: raw text, checksum, page furniture and cleaned text.

The raw files in ``data/raw/`` are never changed.  Cleaning is a reproducible
step that derives a new text: it drops the page furniture recorded in
``data/furniture.csv`` (banner, captions, pull quote, the later notice…),
straightens curly quotes and turns no-break spaces into spaces.  Every
character of the cleaned text remembers where it came from in the raw text
(``Source.clean_to_raw``), so a quote found in either can be traced back.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ._paths import data_dir
from ._tables import Column, read_table, read_text, where
from .errors import DataError

MANIFEST_COLUMNS = (
    Column("source_id"),
    Column("file"),
    Column("sha256", "sha256"),
    Column("title"),
    Column("publisher"),
    Column("publisher_kind"),
    Column("date", "date"),
    Column("date_basis", "choice", choices=("stated", "inferred")),
    Column("date_evidence"),
    Column("meeting"),
    Column("place"),
    Column("original_url", required=False),
    Column("capture_evidence"),
    Column("encoding", "choice", choices=("UTF-8", "ASCII")),
    Column("quote_style"),
)

FURNITURE_KINDS = ("banner", "caption", "later-notice", "navigation", "pull-quote", "share-links")
FURNITURE_COLUMNS = (
    Column("source_id"),
    Column("start", "int"),
    Column("end", "int"),
    Column("kind", "choice", choices=FURNITURE_KINDS),
    Column("text"),
    Column("reason"),
)

# One-for-one character replacements made by cleaning.
_REPLACE = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "}


@dataclass(frozen=True)
class Span:
    """A stretch of raw text ``raw[start:end]`` that is page furniture, and why."""

    start: int
    end: int
    kind: str
    reason: str


@dataclass(frozen=True)
class Source:
    """One primary source with its provenance, raw text and cleaned text."""

    source_id: str
    meta: dict[str, str]
    raw: str
    furniture: tuple[Span, ...]
    clean: str = field(repr=False)
    clean_to_raw: tuple[int, ...] = field(repr=False)

    @property
    def title(self) -> str:
        return self.meta["title"]

    def raw_span(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """Map a span of the cleaned text back to ``(start, end)`` in the raw text."""
        return self.clean_to_raw[clean_start], self.clean_to_raw[clean_end - 1] + 1

    def is_furniture(self, start: int, end: int) -> bool:
        """True if the raw span overlaps any page furniture."""
        return any(s.start < end and start < s.end for s in self.furniture)


def clean_text(raw: str, furniture: tuple[Span, ...]) -> tuple[str, tuple[int, ...]]:
    """Return the cleaned text and, for each of its characters, its raw offset.

    Drops furniture spans (and the line break after each), straightens quotes,
    turns no-break spaces into spaces, folds runs of spaces, trims lines and
    keeps at most one blank line between paragraphs.

    >>> text, where = clean_text("A\\u00a0 \\u201cquote\\u201d\\n\\n\\n\\nB ", ())
    >>> text
    'A "quote"\\n\\nB'
    >>> where[2]
    3
    """
    dropped = bytearray(len(raw))
    for span in furniture:
        end = span.end + 1 if raw[span.end : span.end + 1] == "\n" else span.end
        dropped[span.start : end] = b"\x01" * (end - span.start)
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(raw):
        if dropped[i]:
            continue
        ch = _REPLACE.get(ch, ch)
        if ch == " " and (not chars or chars[-1] in " \n"):
            continue  # fold runs of spaces and drop spaces that open a line
        if ch == "\n":
            while chars and chars[-1] == " ":
                chars.pop()
                offsets.pop()
            if not chars or chars[-2:] == ["\n", "\n"] or (chars[-1] == "\n" and len(chars) < 2):
                continue
        chars.append(ch)
        offsets.append(i)
    while chars and chars[-1] in " \n":
        chars.pop()
        offsets.pop()
    return "".join(chars), tuple(offsets)


def load_manifest(folder: str | os.PathLike[str] | None = None):
    """Return ``data/sources.csv`` as a validated DataFrame (one row per source)."""
    return read_table(data_dir(folder) / "sources.csv", MANIFEST_COLUMNS)


def load_source(source_id: str, folder: str | os.PathLike[str] | None = None) -> Source:
    """Load one source by id (``"000"`` or ``"003"``), verifying its checksum."""
    return _load_all(str(data_dir(folder)))[_known(source_id, folder)]


def load_sources(folder: str | os.PathLike[str] | None = None) -> dict[str, Source]:
    """Load every source in the manifest, keyed by source id, verifying checksums."""
    return dict(_load_all(str(data_dir(folder))))


def _known(source_id: str, folder) -> str:
    ids = sorted(_load_all(str(data_dir(folder))))
    if source_id not in ids:
        msg = f"There is no source {source_id!r}; the sources are {', '.join(repr(i) for i in ids)} (ids are strings, with leading zeros)."
        raise DataError(msg)
    return source_id


@lru_cache(maxsize=8)
def _load_all(folder: str) -> dict[str, Source]:
    base = Path(folder)
    manifest = load_manifest(base)
    furniture = read_table(base / "furniture.csv", FURNITURE_COLUMNS)
    sources: dict[str, Source] = {}
    for row_no, meta in enumerate(manifest.to_dict("records"), start=1):
        sid = meta["source_id"]
        if sid in sources:
            raise DataError(f"sources.csv{where(row_no, 'source_id')}: expected each source id once (got {sid!r} again); give the new source its own id.")
        raw = _read_raw(base / "raw" / meta["file"], meta["sha256"], row_no)
        spans = _spans(furniture, sid, raw)
        text, offsets = clean_text(raw, spans)
        sources[sid] = Source(sid, meta, raw, spans, text, offsets)
    unknown = sorted(set(furniture["source_id"]) - set(sources))
    if unknown:
        row = int(furniture.index[furniture["source_id"] == unknown[0]][0]) + 1
        raise DataError(f"furniture.csv{where(row, 'source_id')}: expected a source id from sources.csv ({', '.join(sorted(sources))}) (got {unknown[0]!r}).")
    return sources


def _read_raw(path: Path, expected: str, row_no: int) -> str:
    if not path.is_file():
        msg = f"sources.csv{where(row_no, 'file')}: the raw file raw/{path.name} is {'a folder, not a file' if path.is_dir() else 'missing'}; copy it byte for byte from the seeds and check it with 'sha256sum'."
        raise DataError(msg)
    got = hashlib.sha256(path.read_bytes()).hexdigest()
    if got != expected:
        msg = (
            f"raw/{path.name}: checksum mismatch (expected sha256 {expected[:12]}…, got {got[:12]}…). "
            "Raw sources are never edited: restore the original with 'git checkout -- data/raw/' "
            "and put corrections in a derived file instead."
        )
        raise DataError(msg)
    return read_text(path)


def _spans(furniture, sid: str, raw: str) -> tuple[Span, ...]:
    spans = []
    for index, row in furniture[furniture["source_id"] == sid].iterrows():
        row_no = int(index) + 1
        start, end = int(row["start"]), int(row["end"])
        if not 0 <= start < end <= len(raw):
            raise DataError(f"furniture.csv{where(row_no, 'end')}: expected 0 <= start < end <= {len(raw)} (the length of source {sid}) (got {start}..{end}).")
        if raw[start:end] != row["text"]:
            raise DataError(f"furniture.csv{where(row_no, 'text')}: the text no longer matches raw[{start}:{end}] of source {sid} (got {raw[start:end][:40]!r}); correct start and end, or the text.")
        spans.append(Span(start, end, row["kind"], row["reason"]))
    return tuple(sorted(spans, key=lambda s: s.start))
