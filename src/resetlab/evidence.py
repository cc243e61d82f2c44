"""What can be verified in a learner's written answer: citations, quotations, coverage, length, dates.

``check_evidence(text, ...)`` reads a paragraph of prose and returns an
``EvidenceReport``: every statement id it cites and whether it exists, every
passage in quotation marks and whether (and where) it occurs in a source,
which sources or speakers the task asks for and the answer leaves out, its
length against the task's range, and the dates it names beside the timeline
entries they match.  It judges evidence, never the argument: whether a claim
holds is for a person to decide, and the report says so.

Quotations are matched under the course's documented normalisations: case,
punctuation, curly or straight quote marks, apostrophes, hyphens and spacing do
not count (``He’s`` matches ``he's``; ``U.S.-Russian`` matches ``U.S. Russian``),
and ``…``, ``...`` or ``[...]`` inside a quotation marks a gap: the parts must
occur in that order in one statement or one passage of a source.  The words
themselves must be the source's.  Everything here is pure, deterministic and
fast (a 400-word answer takes a few milliseconds), and never raises for any
text: hostile input (HTML, control characters, 100 kB) gets a sentence.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

#: The most characters read; the rest of a longer text is ignored, and the report says so.
MAX_CHARS = 20_000
#: The most quotations and citations examined in one answer.
MAX_QUOTATIONS = 40
MAX_CITATIONS = 100
#: How many characters of a learner's own words a sentence repeats.
SHOWN = 60

_CITATION = re.compile(r"(?<![\w-])\[?\s*(\d{3})\s*[-\u2010-\u2013]\s*(\d{2})\s*\]?(?![\w-])")
_SHORT_ID = re.compile(r"(?<![\w-])(\d{3})-(\d)(?![\w-])")  # 000-5 for 000-05
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_GAP = re.compile(r"\s*\[?\s*(?:\.\s?\.\s?\.|\u2026)\s*\]?\s*")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_MONTHS = {m.lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), start=1)}
_MONTHS.update({m[:3].lower(): i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DATE_PATTERNS = (
    ("day", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    ("day", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I), ("d", "M", "y")),
    ("day", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("M", "d", "y")),
    ("month", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(\d{{4}})\b", re.I), ("M", "y")),
    ("day-of-year", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b", re.I), ("d", "M")),
    ("day-of-year", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)", re.I), ("M", "d")),
    ("year", re.compile(r"(?<![\d-])((?:19|20)\d{2})(?![\d-])"), ("y",)),
)


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Quotation:
    """One passage the learner put in quotation marks, and what the sources say of it."""

    text: str
    found: bool
    statements: tuple[str, ...] = ()  # statements that contain it
    sources: tuple[str, ...] = ()  # sources whose text contains it
    cited: str = ""  # the statement id written right beside it, if any
    nearest: str = ""  # the nearest real wording, when not found
    nearest_statement: str = ""
    nearest_source: str = ""

    @property
    def wrong_id(self) -> bool:
        """True when the id written beside the quotation names a statement that does not contain it."""
        return bool(self.found and self.cited and self.cited not in self.statements)


@dataclass(frozen=True)
class DateMention:
    """A date the learner's text names, with the timeline events it matches (for the marking sheet)."""

    text: str
    precision: str  # day, month, day-of-year or year
    value: str  # 2008-07-07, 2008-07, --07-07 or 2008
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceReport:
    """Everything ``check_evidence`` could verify in one answer."""

    words: int
    word_range: tuple[int, int] | None
    cited: tuple[str, ...] = ()  # known statement ids, in order of first mention
    unknown_ids: tuple[str, ...] = ()
    short_ids: tuple[tuple[str, str], ...] = ()  # (as written, the id it looks like), e.g. ('000-5', '000-05')
    quotations: tuple[Quotation, ...] = ()
    unclosed: str = ""  # the words after a quotation mark that is never closed
    asks: str = ""  # the task's own words for the evidence it asks for
    missing_sources: tuple[str, ...] = ()
    missing_speakers: tuple[str, ...] = ()
    missing_statements: tuple[str, ...] = ()
    too_few_citations: int = 0  # how many more distinct statements the task asks for
    dates: tuple[DateMention, ...] = ()
    notes: tuple[str, ...] = ()  # about the text itself: control characters, HTML, cut length
    id_ranges: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    @property
    def empty(self) -> bool:
        return self.words == 0

    @property
    def problems(self) -> int:
        """How many things the learner could fix (0 for an answer whose evidence all checks out)."""
        quotes = sum(1 for q in self.quotations if not q.found or q.wrong_id)
        length = 0
        if self.word_range and not self.word_range[0] <= self.words <= self.word_range[1]:
            length = 1
        return (len(self.unknown_ids) + len(self.short_ids) + quotes + bool(self.unclosed) + len(self.missing_sources)
                + len(self.missing_speakers) + len(self.missing_statements) + bool(self.too_few_citations) + length)

    def sentences(self) -> list[str]:
        """The feedback for the learner: a few kind sentences, ending with who judges the argument."""
        if self.empty:
            return ["There is no answer to read yet."]
        out = list(self.notes)
        out.append(self._length_sentence())
        out.extend(self._citation_sentences())
        out.extend(self._quotation_sentences())
        out.extend(self._coverage_sentences())
        out.append("These checks read only your evidence: whether your argument holds is for a person (your "
                   "instructor or a peer, with the rubric) to judge.")
        return [s for s in out if s]

    def _length_sentence(self) -> str:
        n = self.words
        noun = "word" if n == 1 else "words"
        if not self.word_range:
            return f"Your answer is {n:,} {noun} long."
        low, high = self.word_range
        if n < low:
            return f"Your answer is {n:,} {noun}; this task asks for {low} to {high}, so there is room for {low - n} more."
        if n > high:
            return f"Your answer is {n:,} {noun}; this task asks for {low} to {high}: cut about {n - high:,} to keep only your strongest points."
        return f"Your answer is {n:,} {noun}, inside the {low} to {high} asked."

    def _citation_sentences(self) -> list[str]:
        out = []
        if self.cited:
            shown = _list(self.cited[:6]) + (f" and {len(self.cited) - 6} more" if len(self.cited) > 6 else "")
            out.append(f"You cite {_count(len(self.cited), 'statement')} ({shown}), and {'it exists' if len(self.cited) == 1 else 'all exist'}."
                       if not self.unknown_ids else f"These statement ids exist: {shown}.")
        for sid in self.unknown_ids[:3]:
            prefix = sid.split("-")[0]
            span = self.id_ranges.get(prefix)
            if span:
                out.append(f"There is no statement {sid}; ids run {span[0]} to {span[1]}.")
            else:
                known = ", ".join(sorted(self.id_ranges))
                out.append(f"There is no statement {sid}: there is no source {prefix} (the sources are {known}).")
        for written, meant in self.short_ids[:3]:
            out.append(f"'{written}' looks like statement {meant}: write ids as three digits, a dash and two digits.")
        if len(self.unknown_ids) > 3:
            out.append(f"{len(self.unknown_ids) - 3} more ids do not exist either; check them in the statements table.")
        return out

    def _quotation_sentences(self) -> list[str]:
        out = []
        good = [q for q in self.quotations if q.found and not q.wrong_id]
        if good and len(good) == len(self.quotations):
            every = {1: "The passage", 2: "Both passages"}.get(len(good), f"All {len(good)} passages")
            out.append(f"{every} you quote "
                       f"{'is' if len(good) == 1 else 'are'} in the sources, word for word.")
        elif good:
            out.append(f"{len(good)} of the {len(self.quotations)} passages you quote are in the sources, word for word.")
        reporter = [q for q in good if not q.statements]
        if reporter:
            which = "it is" if len(reporter) == 1 and len(good) == 1 else (f"{_shown(reporter[0].text)} is" if len(reporter) == 1 else f"{len(reporter)} are")
            out.append(f"Of those, {which} the reporter's own words, not a statement the source quotes.")
        for q in self.quotations:
            if q.wrong_id:
                where = _list(q.statements) if q.statements else f"source {_list(q.sources)}'s own text (not a quoted statement)"
                out.append(f"The words {_shown(q.text)} are in {where}, not in {q.cited}, which you cite.")
            elif not q.found:
                if q.nearest:
                    place = q.nearest_statement or f"source {q.nearest_source}, in the reporter's words"
                    out.append(f"{_shown(q.text)} is not in either source; the nearest words are {_shown(q.nearest)} ({place}).")
                elif len(_tokens(q.text)) <= 2:
                    out.append(f"The words {_shown(q.text)} do not occur in either source: fine as a term of your own, "
                               "but quotation marks say they are the source's.")
                else:
                    out.append(f"{_shown(q.text)} is not in either source, and nothing there comes close; copy quoted words "
                               "from the quote column of the statements table.")
        if self.unclosed:
            out.append(f"A quotation mark opens before {_shown(self.unclosed)} and never closes; add the closing mark.")
        return out

    def _coverage_sentences(self) -> list[str]:
        out = []
        ask = f" ({self.asks})" if self.asks else ""
        # the task's own words for what it asks are given once, in the first sentence that needs them
        if self.missing_sources:
            have = sorted({s.split("-")[0] for s in self.cited} | {s for q in self.quotations if q.found for s in q.sources})
            wanted = f"source{'s' if len(self.missing_sources) > 1 else ''} {_list(self.missing_sources)}"
            got = (f"evidence from source {_list(have)} only; this task asks for {wanted} too" if have else
                   f"no evidence from a source yet; this task asks for evidence from {wanted}")
            out.append(f"You give {got}{ask}: "
                       "cite a statement id or quote its words.")
            ask = ""
        if self.missing_speakers:
            out.append(f"No statement you cite or quote is {_list(self.missing_speakers, 'or')}'s; this task asks for "
                       f"words of {_list(self.missing_speakers)}{ask}: cite one by its id.")
            ask = ""
        if self.missing_statements:
            out.append(f"The task is about {_list(self.missing_statements)}; cite {'it' if len(self.missing_statements) == 1 else 'them'} by id.")
        if self.too_few_citations:
            out.append(f"Cite {_count(self.too_few_citations, 'more statement')} by id to reach what the task asks{ask}.")
        return out

    def marking_lines(self, describe_event=None) -> list[str]:
        """Lines for the instructor's marking sheet: the feedback, then every date beside its timeline match."""
        lines = [s for s in self.sentences()[:-1]]
        for mention in self.dates:
            if mention.precision == "year":
                n = len(mention.events)
                lines.append(f"Date {_shown(mention.text)} (a year only): {_count(n, 'timeline event')} in that year.")
            elif mention.events:
                names = [describe_event(e) if describe_event else e for e in mention.events[:4]]
                more = f" and {len(mention.events) - 4} more" if len(mention.events) > 4 else ""
                lines.append(f"Date {_shown(mention.text)} ({mention.value}): on the timeline as {'; '.join(names)}{more}.")
            else:
                lines.append(f"Date {_shown(mention.text)} ({mention.value}): not on the timeline.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for the grader's marking files)."""
        return {
            "words": self.words,
            "word_range": list(self.word_range) if self.word_range else None,
            "cited": list(self.cited),
            "unknown_ids": list(self.unknown_ids),
            "quotations": [{"text": q.text, "found": q.found, "statements": list(q.statements), "sources": list(q.sources),
                            "cited": q.cited, "nearest": q.nearest, "nearest_statement": q.nearest_statement}
                           for q in self.quotations],
            "missing_sources": list(self.missing_sources),
            "missing_speakers": list(self.missing_speakers),
            "missing_statements": list(self.missing_statements),
            "dates": [{"text": d.text, "precision": d.precision, "value": d.value, "events": list(d.events)} for d in self.dates],
            "problems": self.problems,
        }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _list(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _shown(text: str) -> str:
    """The learner's words as a sentence repeats them: one line, no invisible characters, at most SHOWN characters."""
    text = " ".join(_visible(text).split())
    if len(text) > SHOWN:
        text = text[: SHOWN - 3].rstrip() + "..."
    return f"'{text}'"


# --------------------------------------------------------------------------- reading text


def _visible(text: str) -> str:
    """*text* without control and format characters (bidi overrides, zero-width spaces); line breaks and tabs kept."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _fold(text: str) -> str:
    """NFKC, straight quote marks and plain hyphens: the form all matching starts from."""
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_FOLD_TABLE)


_FOLD_TABLE = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " ",
})


def _tokens(text: str) -> list[str]:
    """The comparable words of *text*: case folded, apostrophes dropped (``he's`` and ``He’s`` give ``hes``)."""
    return [m.group(0).replace("'", "").casefold() for m in _TOKEN.finditer(_fold(text))]


def _spans(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).replace("'", "").casefold(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def word_count(text: str) -> int:
    """Count words as a reader would: runs of non-space characters holding a letter or digit.

    >>> word_count("Bush (000-02) said: “We can get a lot done together.”")
    10
    """
    return sum(1 for part in text.split() if any(ch.isalnum() for ch in part))


def find_quotations(text: str) -> tuple[list[tuple[str, int, int]], str]:
    """Return the passages of *text* inside quotation marks as ``(words, start, end)``, and any unclosed opening.

    Double marks (straight or curly) are read first; single marks only outside
    them, and only where they cannot be an apostrophe (``Russia's``, ``leaders'``).

    >>> find_quotations('He said "get a lot done" and ‘a good rapport’, not Russia\\'s.')[0]
    [('get a lot done', 9, 23), ('a good rapport', 30, 44)]
    """
    folded = _fold(text)
    found: list[tuple[str, int, int]] = []
    unclosed = ""
    taken = bytearray(len(folded))
    marks = [i for i, ch in enumerate(folded) if ch == '"']
    for a, b in zip(marks[0::2], marks[1::2]):
        found.append((folded[a + 1 : b], a + 1, b))
        taken[a : b + 1] = b"\x01" * (b + 1 - a)
    if len(marks) % 2:
        unclosed = folded[marks[-1] + 1 :][:SHOWN]
        taken[marks[-1] :] = b"\x01" * (len(folded) - marks[-1])
    for m in re.finditer(r"(?<![\w'])'(?=\w)((?:[^'\n]|'(?=\w))+?)(?<=[\w.,!?;:)\]])'(?![\w])", folded):
        if not any(taken[m.start() : m.end()]):
            found.append((m.group(1), m.start(1), m.end(1)))
    found.sort(key=lambda item: item[1])
    return [(words.strip(), s, e) for words, s, e in found if _tokens(words)], unclosed.strip()


# --------------------------------------------------------------------------- the corpus the answers are read against


@dataclass(frozen=True)
class _Passage:
    source_id: str
    tokens: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # character span of each token in the cleaned text
    text: str
    statements: tuple[tuple[str, int, int], ...]  # (statement id, first token, end token)


@dataclass(frozen=True)
class _Corpus:
    passages: tuple[_Passage, ...]
    quotes: tuple[_Passage, ...]  # each statement's quote on its own, for the nearest wording
    statements: Mapping[str, tuple[str, ...]]  # id -> tokens of its quote
    speakers: Mapping[str, str]
    ranges: Mapping[str, tuple[str, str]]


@lru_cache(maxsize=1)
def _corpus() -> _Corpus:
    from .sources import load_sources
    from .statements import load_statements

    statements = load_statements()
    sources = load_sources()
    passages = []
    for sid, source in sorted(sources.items()):
        spans = _spans(source.clean)
        tokens = tuple(t for t, _, _ in spans)
        char_spans = tuple((s, e) for _, s, e in spans)
        starts = [s for s, _ in char_spans]
        marks = []
        for row in statements[statements["source_id"] == sid].itertuples(index=False):
            # raw offsets -> cleaned offsets -> token positions
            clean_start = bisect.bisect_left(source.clean_to_raw, int(row.start))
            clean_end = bisect.bisect_left(source.clean_to_raw, int(row.end))
            first = bisect.bisect_left(starts, clean_start)
            end = bisect.bisect_left(starts, clean_end)
            marks.append((row.statement_id, first, end))
        passages.append(_Passage(sid, tokens, char_spans, source.clean, tuple(marks)))
    by_id = {row.statement_id: tuple(_tokens(row.quote)) for row in statements.itertuples(index=False)}
    speakers = dict(zip(statements["statement_id"], statements["speaker"]))
    ranges = {}
    for sid in sorted(sources):
        ids = sorted(i for i in by_id if i.startswith(f"{sid}-"))
        if ids:
            ranges[sid] = (ids[0], ids[-1])
    quotes = []
    for row in statements.itertuples(index=False):
        spans = _spans(_fold(row.quote))
        quotes.append(_Passage(row.source_id, tuple(t for t, _, _ in spans), tuple((a, b) for _, a, b in spans),
                               row.quote, ((row.statement_id, 0, len(spans)),)))
    return _Corpus(tuple(passages), tuple(quotes), by_id, speakers, ranges)


def _contains(haystack: Sequence[str], parts: Sequence[Sequence[str]], window: int = 80) -> bool:
    """True if every part occurs in *haystack*, in order, the first to the last within *window* tokens."""
    first = parts[0]
    n = len(first)
    for i in range(len(haystack) - n + 1):
        if tuple(haystack[i : i + n]) != tuple(first):
            continue
        at = i + n
        ok = True
        for part in parts[1:]:
            k = _find(haystack, part, at, min(len(haystack), i + window))
            if k < 0:
                ok = False
                break
            at = k + len(part)
        if ok:
            return True
    return False


def _find(haystack: Sequence[str], part: Sequence[str], start: int, stop: int) -> int:
    n = len(part)
    for k in range(start, stop - n + 1):
        if tuple(haystack[k : k + n]) == tuple(part):
            return k
    return -1


@lru_cache(maxsize=1024)
def _locate(parts: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Statements and sources that contain every part of a quotation, in order."""
    corpus = _corpus()
    statements = tuple(sid for sid, toks in corpus.statements.items() if _contains(toks, parts, len(toks)))
    sources = tuple(p.source_id for p in corpus.passages if _contains(p.tokens, parts))
    return statements, sources


@lru_cache(maxsize=1024)
def _nearest(words: tuple[str, ...]) -> tuple[str, str, str]:
    """The source's wording closest to *words*: (text, statement id or "", source id), or empty strings.

    Each statement's quote is tried on its own, and wins a tie with the same words elsewhere in the
    text (a heading, the reporter's sentence): a quotation is most likely meant to be someone's words.
    """
    best = (0.0, None, 0, 0)
    n = len(words)
    corpus = _corpus()
    for passage in (*corpus.quotes, *corpus.passages):
        bonus = 0.01 if passage in corpus.quotes else 0.0
        matcher = SequenceMatcher(None, words, passage.tokens, autojunk=False)
        blocks = sorted(matcher.get_matching_blocks()[:-1], key=lambda b: -b.size)[:3]
        for block in blocks:
            if block.size < 2 and n > 2:
                continue
            anchor = block.b - block.a
            for start in range(max(0, anchor - 2), max(0, anchor) + 3):
                for end in range(max(start + 1, block.b + block.size), min(len(passage.tokens), start + n + 3) + 1):
                    ratio = SequenceMatcher(None, words, passage.tokens[start:end], autojunk=False).ratio() + bonus
                    if ratio > best[0]:
                        best = (ratio, passage, start, end)
    ratio, passage, start, end = best
    if ratio < 0.6 or passage is None:
        return "", "", ""
    source_id = passage.source_id
    text = passage.text[passage.spans[start][0] : passage.spans[end - 1][1]]
    statement = ""
    for sid, first, stop in passage.statements:
        if first <= start and end <= stop + 1 or (start < stop and first < end and (min(end, stop) - max(start, first)) * 2 > end - start):
            statement = sid
            break
    return text, statement, source_id


def _cited_beside(folded: str, start: int, end: int) -> str:
    """The statement id written right after a quotation (``"…" (000-02)``), else right before it (``000-02: "…"``)."""
    after = re.match(r"""["']?\s*[,.;:]?\s*[(\[]?\s*(?:statement\s+|see\s+)?(\d{3})\s*-\s*(\d{2})\b""", folded[end : end + 40], re.I)
    if after:
        return f"{after.group(1)}-{after.group(2)}"
    before = re.search(r"""(\d{3})\s*-\s*(\d{2})\s*[)\]]?\s*[,:]?\s*(?:says|said|:)?\s*["']?$""", folded[max(0, start - 30) : start], re.I)
    return f"{before.group(1)}-{before.group(2)}" if before else ""


# --------------------------------------------------------------------------- dates


def find_dates(text: str) -> list[tuple[str, str, str]]:
    """Every date *text* names, as ``(as written, precision, value)``; longer forms win over the parts inside them.

    >>> find_dates("On 7 July 2008 and in April 2009, not 2010-13-01.")
    [('7 July 2008', 'day', '2008-07-07'), ('April 2009', 'month', '2009-04')]
    """
    taken = bytearray(len(text))
    found = []
    for precision, pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            parts = dict(zip(order, m.groups()))
            month = _MONTHS.get(parts["M"].lower().rstrip(".")) if "M" in parts else int(parts.get("m", 0) or 0)
            try:
                if precision == "day":
                    value = _dt.date(int(parts["y"]), month, int(parts["d"])).isoformat()
                elif precision == "month":
                    value = f"{int(parts['y']):04d}-{month:02d}"
                elif precision == "day-of-year":
                    _dt.date(2000, month, int(parts["d"]))  # a real day of some year
                    value = f"--{month:02d}-{int(parts['d']):02d}"
                else:
                    value = parts["y"]
            except (ValueError, TypeError):
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            found.append((m.start(), m.group(0), precision, value))
    return [(written, precision, value) for _, written, precision, value in sorted(found)]


@lru_cache(maxsize=1)
def _event_spans() -> tuple[tuple[str, str, str], ...]:
    """(event id, start, end) of every timeline event, read once per process."""
    from .timeline import load_events

    events = load_events()
    return tuple((str(e), str(s), str(n)) for e, s, n in zip(events["event_id"], events["start"], events["end"]))


def _events_matching(precision: str, value: str) -> tuple[str, ...]:
    matches = []
    for event_id, start, end in _event_spans():
        if precision == "day":
            hit = start <= value <= end
        elif precision == "month":
            hit = start[:7] <= value <= end[:7]
        elif precision == "day-of-year":
            hit = start[4:] <= value[1:] <= end[4:] if start[:4] == end[:4] else value[1:] in (start[4:], end[4:])
        else:
            hit = start[:4] <= value <= end[:4]
        if hit:
            matches.append(event_id)
    return tuple(matches)


# --------------------------------------------------------------------------- the entry point


def check_evidence(
    text: str,
    words: Sequence[int] | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> EvidenceReport:
    """Read *text* and report what can be verified: ids, quotations, coverage, length and dates.

    Args:
        text: the learner's answer, as typed.
        words: ``(fewest, most)`` words the task asks for, or None.
        evidence: what the task asks for: ``sources`` (ids each needing a statement
            or quotation), ``speakers`` (each needing one of their statements),
            ``statements`` (ids the task is about), ``min_citations`` (distinct ids),
            ``asks`` (the task's own words for it).

    >>> report = check_evidence('Bush said "We can get a lot done together" (000-02).', (5, 50), {"sources": ["000", "003"]})
    >>> report.cited, report.quotations[0].found, report.missing_sources
    (('000-02',), True, ('003',))
    """
    evidence = evidence or {}
    notes = []
    text = str.__str__(text)
    n_words = word_count(_visible(text))  # the whole answer, even when only the start is read
    if len(text) > MAX_CHARS:
        notes.append(f"Your text is {len(text):,} characters long; these checks read only the first {MAX_CHARS:,}.")
        text = text[:MAX_CHARS]
    visible = _visible(text)
    if visible != text:
        notes.append("Your text holds invisible control characters (they often come from copying); they were read as spaces.")
    tag = _TAG.search(visible)
    if tag:
        name = re.match(r"</?([A-Za-z][A-Za-z0-9]{0,15})", tag.group(0)).group(1).lower()
        notes.append(f"Your text holds HTML tags (such as <{name}>); they are kept as typed, not used as formatting.")
    corpus = _corpus()
    folded = _fold(visible)
    word_range = (int(words[0]), int(words[1])) if words else None

    cited: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for m in list(_CITATION.finditer(folded))[:MAX_CITATIONS]:
        sid = f"{m.group(1)}-{m.group(2)}"
        (cited if sid in corpus.statements else unknown).setdefault(sid, None)

    short = {}
    for m in list(_SHORT_ID.finditer(folded))[:MAX_CITATIONS]:
        meant = f"{m.group(1)}-0{m.group(2)}"
        if meant in corpus.statements:
            short.setdefault(m.group(0), meant)

    quotations = []
    found, unclosed = find_quotations(visible)
    for words_text, start, end in found[:MAX_QUOTATIONS]:
        parts = tuple(tuple(_tokens(p)) for p in _GAP.split(words_text))
        parts = tuple(p for p in parts if p)
        if not parts:
            continue
        statements, sources = _locate(parts)
        cited_here = _cited_beside(folded, start, end)
        if cited_here and cited_here not in corpus.statements:
            cited_here = ""  # already reported as an unknown id
        if statements or sources:
            quotations.append(Quotation(words_text, True, statements, sources, cited_here))
        else:
            near, near_sid, near_source = _nearest(tuple(t for p in parts for t in p))
            quotations.append(Quotation(words_text, False, cited=cited_here, nearest=near,
                                        nearest_statement=near_sid, nearest_source=near_source))
    if len(found) > MAX_QUOTATIONS:
        notes.append(f"Your text has {len(found)} quotations; these checks read the first {MAX_QUOTATIONS}.")

    used = set(cited)
    for q in quotations:
        if q.found and len(q.statements) == 1:
            used.add(q.statements[0])
    sources_used = {s.split("-")[0] for s in used} | {s for q in quotations if q.found for s in q.sources}
    speakers_used = {corpus.speakers[s] for s in used}
    missing_sources = tuple(s for s in evidence.get("sources", ()) if s not in sources_used)
    missing_speakers = tuple(s for s in evidence.get("speakers", ()) if s not in speakers_used)
    missing_statements = tuple(s for s in evidence.get("statements", ()) if s not in used)
    need = int(evidence.get("min_citations", 0) or 0)
    too_few = max(0, need - len(cited)) if not missing_statements else 0

    dates = tuple(DateMention(w, p, v, _events_matching(p, v)) for w, p, v in find_dates(visible))
    return EvidenceReport(
        words=n_words, word_range=word_range, cited=tuple(cited), unknown_ids=tuple(unknown), short_ids=tuple(short.items()),
        quotations=tuple(quotations), unclosed=unclosed if n_words else "", asks=str(evidence.get("asks", "")),
        missing_sources=missing_sources if n_words else (), missing_speakers=missing_speakers if n_words else (),
        missing_statements=missing_statements if n_words else (), too_few_citations=too_few if n_words else 0,
        dates=dates, notes=tuple(notes), id_ranges=dict(corpus.ranges),
    )
