"""Other witnesses of the same words, and the critical apparatus that records how they differ.

``data/witnesses.csv`` lists every outside record the course uses: a White
House transcript, a Kremlin readout, a wire report, a newspaper, a treaty
text.  Each has a title, publisher, kind, date, address, the day the course
consulted it and its language.  ``events.csv``'s ``confirmed_by`` names the
witnesses that confirm each event, by id.

``data/variants.csv`` is the apparatus: one row per difference between a
statement in our two sources and a witness of the same words.  The *lemma* is
our source's words, given by raw offsets (``raw[start:end]``, empty for an
omission point), and the *reading* is the witness's words: only the few that
differ, never more of the witness's text.  The kind of difference is one of
``VARIANT_KINDS`` and the note is the course's own description.

The viewer's pure functions (``statement_variants``, ``apparatus_html``,
``apparatus_text``) live here too; ``widgets.VariantViewer`` only shows them.
"""

from __future__ import annotations

import os
import re

import pandas as pd

from ._paths import data_dir
from ._tables import Column, read_table, where
from ._text import esc
from .errors import DataError, UsageError

#: What kind of record a witness is.
WITNESS_KINDS = ("official transcript", "official readout", "official release", "treaty text",
                 "news agency", "newspaper", "report", "reference work")

#: How a witness's words differ from our source's, said of our source against the witness.
VARIANT_KINDS = {
    "omission": "our source leaves out words the witness has (the lemma is the point where they would stand)",
    "addition": "our source has words the witness does not",
    "other wording": "the same passage in other words",
    "order": "our source puts the words in another place than the witness",
    "translation": "another English version of words spoken in Russian",
    "grammar": "a change of grammar inside the quotation marks",
    "truncation": "our source ends the quotation where the witness's sentence goes on, with no ellipsis",
}

#: The longest reading the apparatus records: a few words, never the witness's text.
READING_MAX_WORDS = 12

_ADDRESS = re.compile(r"https?://[^\s/]+\.[^\s/]+(/\S*)?")

WITNESS_COLUMNS = (
    Column("witness_id"),
    Column("title"),
    Column("publisher"),
    Column("kind", "choice", choices=WITNESS_KINDS),
    Column("date", "date", required=False),
    Column("address"),
    Column("consulted", "date"),
    Column("language", "choice", choices=("en", "ru")),
    Column("note"),
)

VARIANT_COLUMNS = (
    Column("variant_id"),
    Column("statement_id"),
    Column("start", "int"),
    Column("end", "int"),
    Column("lemma", required=False),
    Column("witness_id"),
    Column("reading", required=False),
    Column("kind", "choice", choices=tuple(VARIANT_KINDS)),
    Column("note"),
)

# which side of a difference must be empty or filled, by kind: (lemma, reading)
_NEEDS = {"omission": (False, True), "truncation": (False, True), "addition": (True, False), "order": (True, None)}


def load_witnesses(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return ``data/witnesses.csv``, validated.

    Raises:
        DataError: a repeated id, an address that is not a web address, or a
            consultation date before the record's own date.
    """
    path = data_dir(folder) / "witnesses.csv"
    frame = read_table(path, WITNESS_COLUMNS)
    seen: set[str] = set()
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.witness_id in seen:
            raise DataError(f"witnesses.csv{where(i, 'witness_id')}: expected each id once (got {row.witness_id!r} again); give the second record an id of its own.")
        seen.add(row.witness_id)
        if not _ADDRESS.fullmatch(row.address):
            raise DataError(f"witnesses.csv{where(i, 'address')}: expected a web address starting https:// or http:// (got {row.address!r}); copy it from the browser's address bar.")
        if not row.date and "no date" not in row.note:
            raise DataError(f"witnesses.csv{where(i, 'date')}: expected the record's date (got an empty cell); fill it in, or say in the note that the page shows no date.")
        if row.date and row.consulted < row.date:
            raise DataError(f"witnesses.csv{where(i, 'consulted')}: the day the course consulted the record ({row.consulted}) comes before the record's own date ({row.date}); correct one of them.")
    return frame


def witness_ids(cell: str) -> list[str]:
    """The witness ids in a ``confirmed_by`` cell ("wh-london-remarks-2009; wapo-london-2009")."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def check_confirmed_by(events: pd.DataFrame, witnesses: pd.DataFrame) -> None:
    """Check that every event's ``confirmed_by`` names witnesses that exist.

    Raises:
        DataError: naming the event row and the unknown id.
    """
    known = set(witnesses["witness_id"])
    for i, row in enumerate(events.sort_index().itertuples(index=False), start=1):
        ids = witness_ids(row.confirmed_by)
        if not ids:
            raise DataError(f"events.csv{where(i, 'confirmed_by')}: expected the id of at least one witness from witnesses.csv (got {row.confirmed_by!r}).")
        unknown = [w for w in ids if w not in known]
        if unknown:
            raise DataError(f"events.csv{where(i, 'confirmed_by')}: {unknown[0]!r} is not a witness id in witnesses.csv ({row.event_id}); add the record there or correct the id (separate several with ';').")


def load_variants(folder: str | os.PathLike[str] | None = None, statements: pd.DataFrame | None = None,
                  witnesses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``data/variants.csv``, validated against the raw sources, the statements and the witnesses.

    Every lemma is checked letter for letter: ``raw[start:end]`` of the
    statement's source must be the ``lemma`` cell, inside the statement's own
    offsets.

    Raises:
        DataError: naming the file, row and column of the first problem.
    """
    base = data_dir(folder)
    from .sources import load_sources
    from .statements import load_statements

    statements = load_statements(base) if statements is None else statements
    witnesses = load_witnesses(base) if witnesses is None else witnesses
    sources = load_sources(base)
    frame = read_table(base / "variants.csv", VARIANT_COLUMNS)
    by_id = statements.set_index("statement_id")
    known = set(witnesses["witness_id"])
    seen: set[str] = set()
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.variant_id in seen:
            raise DataError(f"variants.csv{where(i, 'variant_id')}: expected each id once (got {row.variant_id!r} again).")
        seen.add(row.variant_id)
        if row.statement_id not in by_id.index:
            raise DataError(f"variants.csv{where(i, 'statement_id')}: {row.statement_id!r} is not a statement in statements.csv; use an id such as 000-05.")
        quote = by_id.loc[row.statement_id]
        if not int(quote["start"]) <= row.start <= row.end <= int(quote["end"]):
            raise DataError(f"variants.csv{where(i, 'start')}: offsets {row.start}..{row.end} fall outside statement {row.statement_id} ({quote['start']}..{quote['end']}); give offsets inside the quotation.")
        got = sources[quote["source_id"]].raw[row.start : row.end]
        if got != row.lemma:
            raise DataError(f"variants.csv{where(i, 'lemma')}: source {quote['source_id']} has {got!r} at {row.start}..{row.end}, not {row.lemma!r}; correct the offsets or copy the words from the raw text.")
        if row.witness_id not in known:
            raise DataError(f"variants.csv{where(i, 'witness_id')}: {row.witness_id!r} is not a witness id in witnesses.csv; add the record there or correct the id.")
        if len(row.reading.split()) > READING_MAX_WORDS:
            raise DataError(f"variants.csv{where(i, 'reading')}: a reading records only the words that differ, at most {READING_MAX_WORDS} (got {len(row.reading.split())}); shorten it and describe the rest in the note.")
        lemma_needed, reading_needed = _NEEDS.get(row.kind, (True, True))
        for column, needed, value in (("lemma", lemma_needed, row.lemma), ("reading", reading_needed, row.reading)):
            if needed is True and not value:
                raise DataError(f"variants.csv{where(i, column)}: a difference of kind {row.kind!r} needs the {column} (got an empty cell); fill it in.")
            if needed is False and value:
                what = "an omission point (start = end)" if column == "lemma" else "no reading"
                raise DataError(f"variants.csv{where(i, column)}: a difference of kind {row.kind!r} has {what} (got {value!r}); clear the cell, or choose another kind.")
        if row.lemma and row.reading and row.lemma == row.reading:
            raise DataError(f"variants.csv{where(i, 'reading')}: the reading is the same as the lemma ({row.reading!r}); record only words that differ.")
    return frame


# --------------------------------------------------------------------------- the viewer's pure functions

# what the table says where a witness has no words of its own: nothing, or the same words placed elsewhere
_NO_READING = {False: "(nothing)", True: "(the same words, in another place: see the note)"}

#: The columns ``statement_variants`` returns, in order.
VARIANT_VIEW_COLUMNS = ("n", "variant_id", "lemma", "reading", "kind", "witness", "note", "start", "end")


def witness_label(witness: pd.Series | dict) -> str:
    """A witness as a reader cites it: "White House, "Remarks …", 1 April 2009"."""
    if not witness["date"]:
        return f"{witness['publisher']}, \u201c{witness['title']}\u201d, undated"
    day = pd.Timestamp(witness["date"])
    return f"{witness['publisher']}, \u201c{witness['title']}\u201d, {day.day} {day:%B %Y}"


def statements_with_variants(statements: pd.DataFrame, variants: pd.DataFrame) -> list[str]:
    """The statement ids the apparatus has something on, in the order of the statements table."""
    have = set(variants["statement_id"])
    return [s for s in statements["statement_id"] if s in have]


def statement_variants(statement_id: str, statements: pd.DataFrame, variants: pd.DataFrame,
                       witnesses: pd.DataFrame) -> pd.DataFrame:
    """The differences recorded for one statement, numbered in the order they occur in the quote.

    Returns:
        Columns ``VARIANT_VIEW_COLUMNS``; ``n`` is the number the marked quote
        shows, ``witness`` the witness as cited (``witness_label``).
    """
    if statement_id not in set(statements["statement_id"]):
        msg = f"There is no statement {statement_id!r}; choose one of {', '.join(statements_with_variants(statements, variants)[:6])}…"
        raise UsageError(msg)
    rows = variants[variants["statement_id"] == statement_id].sort_values(["start", "end", "variant_id"], kind="stable")
    cited = {w["witness_id"]: witness_label(w) for _, w in witnesses.iterrows()}
    out = pd.DataFrame({
        "n": range(1, len(rows) + 1),
        "variant_id": list(rows["variant_id"]),
        "lemma": list(rows["lemma"]),
        "reading": list(rows["reading"]),
        "kind": list(rows["kind"]),
        "witness": [cited.get(w, w) for w in rows["witness_id"]],
        "note": list(rows["note"]),
        "start": [int(s) for s in rows["start"]],
        "end": [int(e) for e in rows["end"]],
    }, columns=list(VARIANT_VIEW_COLUMNS))
    return out


def _marked(quote: str, offset: int, found: pd.DataFrame, mark, number) -> str:
    """The quote with each lemma marked and numbered; *mark* and *number* render one piece each."""
    out = []
    points = {n: s - offset for n, s, e in zip(found["n"], found["start"], found["end"]) if s == e}
    edges = sorted({0, len(quote), *(s - offset for s in found["start"]), *(e - offset for e in found["end"])})
    spans = [(n, s - offset, e - offset) for n, s, e in zip(found["n"], found["start"], found["end"]) if s < e]
    for a, b in zip(edges, edges[1:]):
        covering = [n for n, s, e in spans if s <= a and b <= e]
        out.append(mark(quote[a:b], covering))
        ends = [n for n, s, e in spans if e == b] + [n for n, p in points.items() if p == b]
        if ends:
            out.append(number(ends))
    if 0 in points.values():
        out.insert(0, number([n for n, p in points.items() if p == 0]))
    return "".join(out)


def apparatus_html(statement_id: str, statements: pd.DataFrame, variants: pd.DataFrame,
                   witnesses: pd.DataFrame, level: int = 3) -> str:
    """The statement with each difference marked and numbered, then a table of the witnesses' readings.

    Marks are ``<mark>`` with the number as text beside them ("[1]"), so a
    difference never rests on colour; an omission point shows as "‸" with its
    number.  Everything from the data is escaped and isolated (``<bdi>``).
    """
    statement = statements.set_index("statement_id").loc[statement_id]
    found = statement_variants(statement_id, statements, variants, witnesses)
    offset = int(statement["start"])

    omitted = set(found.loc[found["start"] == found["end"], "n"])

    def mark(text: str, covering: list[int]) -> str:
        return f"<mark>{esc(text)}</mark>" if covering else esc(text)

    def number(ns: list[int]) -> str:
        caret = "‸" if omitted & set(ns) else ""
        return f"{caret}<sup>[{','.join(str(n) for n in ns)}]</sup>"

    quote = _marked(str(statement["quote"]), offset, found, mark, number)
    head = (f"<h{level}>Statement {esc(statement_id)}: {esc(statement['speaker'])}, in source {esc(statement['source_id'])}</h{level}>"
            f"<blockquote><bdi>{quote}</bdi></blockquote>")
    rows = "".join(
        f"<tr><th scope='row'>[{r.n}]</th><td data-label='Our source'><bdi>{esc(r.lemma) or '(nothing: ‸)'}</bdi></td>"
        f"<td data-label='Witness reads'><bdi>{esc(r.reading) or _NO_READING[r.kind == 'order']}</bdi></td>"
        f"<td data-label='Kind'>{esc(r.kind)}</td><td data-label='Witness'>{esc(r.witness)}</td>"
        f"<td data-label='Note'>{esc(r.note)}</td></tr>"
        for r in found.itertuples(index=False))
    table = ("<table class='rl-apparatus rl-stack'><caption>How the witnesses differ from our source</caption>"
             "<thead><tr><th scope='col'>No.</th><th scope='col'>Our source</th><th scope='col'>Witness reads</th>"
             "<th scope='col'>Kind</th><th scope='col'>Witness</th><th scope='col'>Note</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    return head + table


def apparatus_text(statement_id: str, statements: pd.DataFrame, variants: pd.DataFrame,
                   witnesses: pd.DataFrame) -> str:
    """The same as ``apparatus_html`` in plain text: the quote with [n] after each difference, then the list."""
    statement = statements.set_index("statement_id").loc[statement_id]
    found = statement_variants(statement_id, statements, variants, witnesses)
    offset = int(statement["start"])
    omitted = set(found.loc[found["start"] == found["end"], "n"])

    def number(ns: list[int]) -> str:
        return ("‸" if omitted & set(ns) else "") + f"[{','.join(str(n) for n in ns)}]"

    quote = _marked(str(statement["quote"]), offset, found, lambda text, covering: text, number)
    lines = [f"Statement {statement_id}: {statement['speaker']}, in source {statement['source_id']}",
             f'  "{quote}"', ""]
    for r in found.itertuples(index=False):
        ours = f'"{r.lemma}"' if r.lemma else "(nothing: ‸)"
        theirs = f'"{r.reading}"' if r.reading else _NO_READING[r.kind == "order"]
        lines.append(f"[{r.n}] {r.kind}: our source {ours}; {r.witness} reads {theirs}.")
        lines.append(f"    {r.note}")
    return "\n".join(lines)
