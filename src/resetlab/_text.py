"""Words and HTML: tokenising quotes and escaping everything that reaches a page.

Private helpers for ``compare`` and ``widgets``.  Quote text is data, never
markup: every function here that returns HTML escapes the text it was given.
"""

from __future__ import annotations

import html
import re

#: US and UK spellings found either way, one pair per word the course's data use (checked by a test).
#: The sources are American; the course's own labels are British ("missile-defence" in ``topics.csv``),
#: so a learner may type either.  Each pair is a stretch of a word, so it also covers its other forms.
#:
#: * defense / defence: "missile defense" in both sources and statements.csv; "missile-defence" topics
#: * organization / organisation (as ``organiz``/``organis``): "undesirable organization", source 003's raw file
#: * neighbor / neighbour: "neighboring Georgia" (source 003)
#: * traveling / travelling: "Rice is traveling to Prague" (source 000)
#: * program / programme: "nuclear enrichment program" (000), "civilian nuclear program" (003)
#: * dialogue / dialog: "the dialogue on missile defense" (000), "constructive dialogue" (003)
SPELLING_VARIANTS = (
    ("defense", "defence"),
    ("organiz", "organis"),
    ("neighbor", "neighbour"),
    ("traveling", "travelling"),
    ("program", "programme"),
    ("dialogue", "dialog"),
)

#: A word: letters or digits, with an apostrophe inside (``we've``, ``Russia's``).
#: Hyphens and full stops split words, so ``U.S.-Russian`` gives ``u``, ``s``, ``russian``.
WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")

#: Function words left out when comparing what two speakers talk about.
#: A short, fixed list (written for this course) so results stay explainable.
STOPWORDS = frozenset(
    """
    a about after all also am an and any are as at be because been being both but by can
    could did do does for from had has have he her here him his how i if in into is it its
    just me more most much my no not of on one only or other our out over own s she so some
    such than that the their them then there these they this those to too up us very was we
    were what when where which while who will with would you your i'm he's we've it's that's
    there's we're they're don't
    """.split()
)


def normalise(word: str) -> str:
    """Lower-case a word and straighten its apostrophe, so ``He’s`` matches ``he's``.

    >>> normalise("He\u2019s")
    "he's"
    """
    return word.lower().replace("\u2019", "'")


def words(text: str) -> list[str]:
    """Return the normalised words of *text*, in order (stop words included).

    >>> words("We can get a lot done together.")
    ['we', 'can', 'get', 'a', 'lot', 'done', 'together']
    """
    return [normalise(m.group(0)) for m in WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    """Return the words of *text* that carry content: no stop words, no single letters.

    >>> content_words("I'm sprinting to the finish")
    ['sprinting', 'finish']
    """
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def esc(value: object) -> str:
    """Escape any value for HTML text or an attribute (quotes included).

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def mark_words(text: str, marked: frozenset[str] | set[str]) -> str:
    """Return *text* as escaped HTML with each word in *marked* wrapped in ``<mark><b>``.

    The bold type is the cue that does not rely on colour; the caller also
    lists the marked words in plain text.

    >>> mark_words("Trust <b>trust</b>", {"trust"})
    '<mark><b>Trust</b></mark> &lt;b&gt;<mark><b>trust</b></mark>&lt;/b&gt;'
    """
    out: list[str] = []
    last = 0
    for m in WORD.finditer(text):
        if normalise(m.group(0)) in marked:
            out.append(esc(text[last : m.start()]))
            out.append(f"<mark><b>{esc(m.group(0))}</b></mark>")
            last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def mark_words_text(text: str, marked: frozenset[str] | set[str]) -> str:
    """Plain-text version of :func:`mark_words`: marked words become ``*word*``.

    >>> mark_words_text("We can work together", {"together"})
    'We can work *together*'
    """
    return WORD.sub(lambda m: f"*{m.group(0)}*" if normalise(m.group(0)) in marked else m.group(0), text)
