"""Pure comparison functions: panes of statements, shared words, concordance.

Everything here computes and returns data (DataFrames, tuples, strings, a
matplotlib ``Figure``); nothing displays anything.  The widgets in
``resetlab.widgets`` are thin views over these functions, and the lessons call
them directly, so what a learner sees in a widget can always be reproduced
with one line of code.

Choices that matter for reading the results:

* Words are compared as exact word forms after lower-casing (``relations`` and
  ``relationship`` are different words); stop words such as ``the`` are left
  out of comparisons (``resetlab._text.STOPWORDS``).
* The concordance searches the *cleaned* text of each source (no page
  furniture, straight quotes), and reports every match with its offsets in
  both the cleaned and the raw text, so a match can be found in the original.
  It finds the word forms that *contain* the query (``trust`` finds
  ``distrust``, ``trusting`` and ``mistrust``) and says which form matched;
  ``exact=True`` keeps to whole words.  US and UK spellings of the words the
  course's data use (``SPELLING_VARIANTS``) are found either way.
* The timeline's rows, figure and summary live in ``resetlab.timeline`` (next
  to the data they draw) and are re-exported here under their old names.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from ._tables import require_columns  # noqa: F401  (re-exported: widgets and learners call compare.require_columns)
from ._text import content_words, esc, mark_words
from .errors import UsageError
from .timeline import (  # noqa: F401  (re-exported: the timeline's figure moved to resetlab.timeline)
    OKABE_ITO,
    RESET_WINDOW,
    TIMELINE_FILTERS,
    TIMELINE_KINDS,
    TIMELINE_STYLE,
    timeline_figure,
    timeline_rows,
    timeline_summary,
)

ANY = None  # a pane filter left open

#: The columns each kind of table needs, for the sentence a learner gets when one is missing.
STATEMENT_COLUMNS = ("statement_id", "source_id", "speaker", "event", "date", "quote", "interpreted", "kind", "topics")
CONCORDANCE_NEEDS = ("statement_id", "source_id", "speaker", "start", "end")
EVENT_COLUMNS = ("event_id", "start", "end", "event", "origin", "mentioned_in")


# --------------------------------------------------------------------------- statements


def topic_lists(statements: pd.DataFrame) -> pd.Series:
    """Return each statement's topics as a tuple (the CSV stores them ';'-separated)."""
    return statements["topics"].map(lambda t: tuple(x for x in str(t).split(";") if x))


def explode_topics(statements: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (statement, topic): a statement with two topics appears twice.

    Use it to count by topic; remember that the counts then add up to more than
    the number of statements.
    """
    out = statements.assign(topic=topic_lists(statements)).explode("topic", ignore_index=True)
    return out


def _check_choice(kind: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value not in allowed:
        msg = f"There is no {kind} {value!r} in these statements; choose one of {', '.join(repr(a) for a in allowed)}, or None for any {kind}."
        raise UsageError(msg)


def pane_statements(statements: pd.DataFrame, speaker: str | None = ANY, event: str | None = ANY,
                    topic: str | None = ANY) -> pd.DataFrame:
    """Return the statements one comparer pane shows, in statement-id order.

    Args:
        statements: the statements table (``load_statements()``).
        speaker, event, topic: a value from that column, or ``None`` for any.

    Raises:
        UsageError: for a speaker, event or topic that no statement has.

    >>> import resetlab
    >>> list(pane_statements(resetlab.load_statements(), "Medvedev", "g8-toyako-2008", "iran")["statement_id"])
    ['000-06']
    """
    require_columns(statements, STATEMENT_COLUMNS, "statements table", "load_statements()")
    _check_choice("speaker", speaker, sorted(statements["speaker"].unique(), key=str))  # key=str: mixed types never raise
    _check_choice("event", event, sorted(statements["event"].unique(), key=str))
    topics = topic_lists(statements)
    _check_choice("topic", topic, sorted({t for ts in topics for t in ts}))
    keep = pd.Series(True, index=statements.index)
    if speaker is not None:
        keep &= statements["speaker"] == speaker
    if event is not None:
        keep &= statements["event"] == event
    if topic is not None:
        keep &= topics.map(lambda ts: topic in ts)
    return statements[keep].sort_values("statement_id", kind="stable")


def vocabulary(quotes) -> Counter:
    """Count the content words in some quotes (stop words and single letters left out).

    >>> vocabulary(["We can get a lot done together.", "work together"]).most_common(1)
    [('together', 2)]
    """
    counts: Counter = Counter()
    for quote in quotes:
        counts.update(content_words(str(quote)))
    return counts


def shared_words(left_quotes, right_quotes) -> tuple[str, ...]:
    """Return the content words that occur in both groups of quotes, sorted.

    >>> shared_words(["We can work together"], ["work toward and support"])
    ('work',)
    """
    return tuple(sorted(set(vocabulary(left_quotes)) & set(vocabulary(right_quotes))))


def same_statements_note(left: pd.DataFrame, right: pd.DataFrame) -> str:
    """One sentence when both panes show exactly the same statements, else "".

    Then every word is "shared", which says nothing about the speakers: the
    learner has most likely left a menu unchanged.

    >>> import resetlab
    >>> st = resetlab.load_statements()
    >>> same_statements_note(pane_statements(st, "Obama"), pane_statements(st, "Obama", "london-2009"))[:40]
    'Both panes show the same 3 statements, s'
    """
    ids = set(left["statement_id"])
    if not ids or ids != set(right["statement_id"]):
        return ""
    n = len(ids)
    return (f"Both panes show the same {n} statement{'s' if n != 1 else ''}, so every word is shared: "
            "change a menu in one pane to compare two different sets of quotes.")


def pane_html(pane: pd.DataFrame, shared: tuple[str, ...] | frozenset[str], heading: str) -> str:
    """Return escaped HTML for one pane: a heading, the shared words in text, then each quote.

    Shared words are wrapped in ``<mark><b>`` (colour and bold) and listed in
    words above the quotes, so the cue never depends on colour alone.  Every
    value from the data is escaped: quote text is data, not markup.
    """
    marked = frozenset(shared)
    n = len(pane)
    parts = [f"<h4>{esc(heading)}</h4>",
             f"<p>{n} statement{'s' if n != 1 else ''}. Shared with the other pane "
             f"({len(marked)} word{'s' if len(marked) != 1 else ''}, shown in bold): "
             f"{esc(', '.join(sorted(marked)) or 'none')}.</p>"]
    if n == 0:
        parts.append("<p><i>No statement matches these choices; set one of the menus to 'any'.</i></p>")
    for row in pane.itertuples(index=False):
        via = " (through an interpreter)" if row.interpreted else ""
        parts.append(
            f"<p><b>{esc(row.statement_id)}</b> · source {esc(row.source_id)} · {esc(row.date)} · "
            f"{esc(row.speaker)}{esc(via)} · {esc(row.kind)}</p>"
            f"<blockquote>“{mark_words(row.quote, marked)}”</blockquote>"
        )
    return "\n".join(parts)


def pane_text(pane: pd.DataFrame, shared, heading: str) -> str:
    """Plain-text version of :func:`pane_html`, for a view with no kernel; shared words as ``*word*``."""
    from ._text import mark_words_text

    marked = frozenset(shared)
    lines = [heading, f"{len(pane)} statement(s); shared words marked *like this*: {', '.join(sorted(marked)) or 'none'}"]
    if pane.empty:
        lines.append("  (no statement matches these choices)")
    for row in pane.itertuples(index=False):
        via = ", through an interpreter" if row.interpreted else ""
        lines.append(f"  {row.statement_id} ({row.speaker}{via}, source {row.source_id}, {row.date}): \"{mark_words_text(row.quote, marked)}\"")
    return "\n".join(lines)


def word_counts(statements: pd.DataFrame, by: str = "speaker", top: int | None = None) -> pd.DataFrame:
    """Count content words in the quotes, per value of column *by*.

    Returns a DataFrame with columns ``by``, ``word``, ``count`` sorted by
    group, then by count (highest first), then alphabetically, so ties are
    always listed the same way.  ``top`` keeps the first *top* words per group.
    """
    if by not in statements.columns:
        msg = f"There is no column {by!r} to group by; use one of {', '.join(statements.columns)}."
        raise UsageError(msg)
    rows = []
    for group, quotes in statements.groupby(by, sort=True)["quote"]:
        ranked = sorted(vocabulary(quotes).items(), key=lambda kv: (-kv[1], kv[0]))
        rows.extend((group, w, c) for w, c in ranked[:top])
    return pd.DataFrame(rows, columns=[by, "word", "count"])


def topic_counts(statements: pd.DataFrame, rows: tuple[str, ...] = ("speaker", "event")) -> pd.DataFrame:
    """Count statements per topic for each combination of *rows* (a statement may count under two topics)."""
    exploded = explode_topics(statements)
    table = pd.crosstab([exploded[r] for r in rows], exploded["topic"])
    table.columns.name = "topic"
    return table


# --------------------------------------------------------------------------- concordance

_OUTSIDE_QUOTES = "(reporter's text)"
CONCORDANCE_COLUMNS = ("source_id", "left", "match", "form", "right", "clean_start", "clean_end",
                       "raw_start", "raw_end", "statement_id", "speaker")

from ._text import SPELLING_VARIANTS  # noqa: E402  (the one list; checks folds answers with it too)

_SPELLINGS = {spelling: pair for pair in SPELLING_VARIANTS for spelling in pair}
#: The longest spelling first, so "programme" is read as one spelling, not "program" and "me".
_SPELLING_FINDER = re.compile("|".join(sorted(map(re.escape, _SPELLINGS), key=len, reverse=True)), re.IGNORECASE)

#: A word form is a word as ``resetlab._text.WORD`` counts words: letters and digits, with an
#: apostrophe inside (``Russia's``); hyphens, full stops and spaces end it.
_FORM_BEFORE = r"(?<![^\W_])(?:[^\W_]+'(?=[^\W_]))*[^\W_]*"
_FORM_AFTER = r"[^\W_]*(?:'[^\W_]+)*"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


#: The cleaned sources use straight quotes, apostrophes and hyphens, so a query's typographic ones are folded.
_QUERY_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def _word_pattern(word: str) -> str:
    """One query word as a regular expression, each listed spelling widened to its pair.

    >>> _word_pattern("Defences")
    '(?:defense|defence)s'
    """
    out, last = [], 0
    for m in _SPELLING_FINDER.finditer(word):
        out.append(re.escape(word[last : m.start()]))
        out.append("(?:" + "|".join(map(re.escape, _SPELLINGS[m.group(0).lower()])) + ")")
        last = m.end()
    out.append(re.escape(word[last:]))
    return "".join(out)


def _pattern(query: str, exact: bool = False) -> re.Pattern:
    if not isinstance(query, str):
        msg = f"Type a word or phrase, as text, to search for (got {type(query).__name__})."
        raise UsageError(msg)
    if not isinstance(exact, bool):
        msg = f"exact should be True or False (got {type(exact).__name__}): True finds whole words only."
        raise UsageError(msg)
    words = query.translate(_QUERY_FOLD).split()
    if not words:
        msg = "Type a word or phrase to search for (got an empty query)."
        raise UsageError(msg)
    body = r"\s+".join(_word_pattern(w) for w in words)
    word_start, word_end = re.match(r"\w", words[0]), re.search(r"\w$", words[-1])
    if exact:
        start, end = (r"\b" if word_start else ""), (r"\b" if word_end else "")
    else:
        start, end = (_FORM_BEFORE if word_start else ""), (_FORM_AFTER if word_end else "")
    return re.compile(start + body + end, re.IGNORECASE)


def concordance(query: str, sources: dict | None = None, statements: pd.DataFrame | None = None,
                width: int = 40, exact: bool = False) -> pd.DataFrame:
    """Find a word or phrase in the cleaned text of every source: keyword in context.

    Matching ignores case and treats any run of spaces or line breaks as one
    space.  A query finds the word forms that contain it: ``trust`` finds
    ``distrust``, ``trusting`` and ``mistrust``, and a phrase is widened to
    whole words at both ends.  With ``exact=True`` a query that starts or
    ends with a letter matches whole words only (``arms`` does not match
    ``harms``; ``trust`` finds nothing in these sources).  Either way, the US
    and UK spellings in ``SPELLING_VARIANTS`` find each other (``defence``
    finds the sources' ``defense``).

    Returns one row per match, in source order, with ``source_id``, the
    ``left`` context, the ``match`` as the source writes it, its ``form``
    (lower case, the word form that matched), the ``right`` context (line
    breaks shown as spaces), the match's offsets in the cleaned text
    (``clean_start``, ``clean_end``) and in the raw file (``raw_start``,
    ``raw_end``), and, if the match lies inside a quoted statement, its
    ``statement_id`` and ``speaker`` (else the speaker is "(reporter's text)").

    >>> import resetlab
    >>> hits = concordance("sphere of influence", resetlab.load_sources(), resetlab.load_statements())
    >>> list(hits["statement_id"])
    ['', '003-17']
    >>> list(concordance("trust", resetlab.load_sources(), resetlab.load_statements())["form"])
    ['distrust', 'trusting', 'mistrust']
    """
    pattern = _pattern(query, exact)
    if sources is None:
        from .sources import load_sources

        sources = load_sources()
    if statements is None:
        from .statements import load_statements

        statements = load_statements()
    require_columns(statements, CONCORDANCE_NEEDS, "statements table", "load_statements()")
    rows = []
    for sid in sorted(sources):
        source = sources[sid]
        text = source.clean
        quotes = statements[statements["source_id"] == sid]
        for m in pattern.finditer(text):
            raw_start, raw_end = source.raw_span(m.start(), m.end())
            inside = quotes[(quotes["start"] <= raw_start) & (quotes["end"] >= raw_end)]
            statement_id = str(inside.iloc[0]["statement_id"]) if len(inside) else ""
            speaker = str(inside.iloc[0]["speaker"]) if len(inside) else _OUTSIDE_QUOTES
            match = _flat(m.group(0))
            rows.append({
                "source_id": sid,
                "left": _flat(text[max(0, m.start() - width) : m.start()]),
                "match": match,
                "form": match.lower(),
                "right": _flat(text[m.end() : m.end() + width]),
                "clean_start": m.start(), "clean_end": m.end(),
                "raw_start": raw_start, "raw_end": raw_end,
                "statement_id": statement_id, "speaker": speaker,
            })
    return pd.DataFrame(rows, columns=list(CONCORDANCE_COLUMNS))


def _forms_of(hits: pd.DataFrame) -> pd.Series:
    """Each match's form; a table made before forms were reported falls back to its lower-cased match."""
    return hits["form"] if "form" in hits else hits["match"].str.lower()


def concordance_forms(hits: pd.DataFrame) -> dict[str, int]:
    """Count the matches per word form, forms in alphabetical order.

    >>> concordance_forms(pd.DataFrame({"form": ["trusting", "distrust", "trusting"]}))
    {'distrust': 1, 'trusting': 2}
    """
    if hits.empty:
        return {}
    return {str(form): int(n) for form, n in sorted(Counter(_forms_of(hits)).items())}


def concordance_counts(hits: pd.DataFrame) -> pd.DataFrame:
    """Count concordance matches per source and speaker (sorted), naming the word forms each one used.

    ``forms`` lists the distinct forms that matched, alphabetically, separated by ", ".
    """
    if hits.empty:
        return pd.DataFrame({"source_id": pd.Series(dtype="str"), "speaker": pd.Series(dtype="str"),
                             "forms": pd.Series(dtype="str"), "matches": pd.Series(dtype="int64")})
    frame = hits.assign(form=_forms_of(hits))
    grouped = frame.groupby(["source_id", "speaker"], sort=True)
    counts = grouped.size().rename("matches").reset_index()
    forms = grouped["form"].agg(lambda f: ", ".join(sorted(set(f)))).rename("forms").reset_index()
    return counts.merge(forms, on=["source_id", "speaker"])[["source_id", "speaker", "forms", "matches"]]


def concordance_html(hits: pd.DataFrame) -> str:
    """Return the matches as an escaped HTML table, the match itself in ``<mark><b>``."""
    if hits.empty:
        return "<p><i>No matches in either source.</i></p>"
    head = ("<tr><th scope='col'>source</th><th scope='col'>speaker (statement)</th><th scope='col'>word form</th>"
            "<th scope='col'>in context</th></tr>")
    body = []
    for row, form in zip(hits.itertuples(index=False), _forms_of(hits)):
        who = f"{row.speaker} ({row.statement_id})" if row.statement_id else row.speaker
        body.append(
            f"<tr><td data-label='source'>{esc(row.source_id)}</td><td data-label='speaker (statement)'>{esc(who)}</td>"
            f"<td data-label='word form'>{esc(form)}</td>"
            f"<td data-label='in context'>…{esc(row.left)}<mark><b>{esc(row.match)}</b></mark>{esc(row.right)}…</td></tr>"
        )
    return f"<table class='rl-stack'><caption>{len(hits)} match{'es' if len(hits) != 1 else ''}</caption>{head}{''.join(body)}</table>"


def concordance_text(hits: pd.DataFrame) -> str:
    """Plain-text keyword-in-context lines: ``source speaker | left [match] right``, the whole matched form in brackets."""
    if hits.empty:
        return "No matches in either source."
    lines = []
    for row in hits.itertuples(index=False):
        who = f"{row.speaker} {row.statement_id}".strip()
        lines.append(f"{row.source_id} {who:<36} | {row.left:>40} [{row.match}] {row.right}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- timeline
# The timeline's figure code lives in ``resetlab.timeline``, next to its data; these names stay
# importable from here (``from resetlab.compare import timeline_figure``) for code written before.
