"""Comparison widgets: thin ipywidgets composites over ``resetlab.compare``.

Each widget computes with the pure functions in ``compare`` and only shows the
result, so a test can set a control's ``.value`` and read back plain data
without a browser.  Each one also has ``fallback()``: the same content as
plain text, for a rendered notebook with no kernel (print it in the next cell).

Conventions kept by every widget here:

* every control has a ``description`` (a label a screen reader announces) and
  a CSS class (``rl-…``) that browser tests select on;
* everything from the data reaches HTML through ``html.escape``;
* an error in a callback is shown in the widget's ``Output``, not swallowed;
* ``repr()`` is short and deterministic, because nbval compares it.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from . import _display, compare
from ._text import esc
from .errors import UsageError

_WIDE = {"description_width": "initial"}


def _statements(statements: pd.DataFrame | None, columns: tuple[str, ...] = compare.STATEMENT_COLUMNS) -> pd.DataFrame:
    """The course's statements, or the learner's own table checked for the columns a widget reads.

    A learner's table may hold blank cells (NaN); they become empty text, so
    menus can sort and quotes can be shown.
    """
    if statements is None:
        from .statements import load_statements

        return load_statements()
    compare.require_columns(statements, columns, "statements table", "load_statements()")
    text = [c for c in columns if c not in ("start", "end", "interpreted")]
    if not statements[text].isna().any().any():
        return statements
    frame = statements.copy()
    frame[text] = frame[text].where(frame[text].notna(), "")
    return frame


def _menu_values(column: pd.Series) -> list:
    """A column's distinct values for a menu: blanks left out, sorted as text (mixed types never raise)."""
    return sorted((v for v in column.unique() if v != ""), key=str)


def _check_choices(side: str, choice, allowed: dict[str, list]) -> dict:
    """The initial choice of one pane, checked: a dict of speaker/event/topic values that exist."""
    if choice is None:
        return {}
    if not isinstance(choice, dict):
        msg = f"{side} should be a dict such as {{'speaker': 'Medvedev'}} (got {type(choice).__name__})."
        raise UsageError(msg)
    for key, value in choice.items():
        if key not in allowed:
            msg = f"{side} has the key {key!r}; the keys are 'speaker', 'event' and 'topic'."
            raise UsageError(msg)
        if value is not None and value not in allowed[key]:
            shown = ", ".join(repr(a) for a in allowed[key][:8]) + (", ..." if len(allowed[key]) > 8 else "")
            msg = f"There is no {key} {value!r} in these statements ({side}); choose one of {shown}, or None for any {key}."
            raise UsageError(msg)
    return choice


#: The menu value meaning "any". Not None: an ipywidgets Dropdown whose value is
#: None shows no selection at all, so the "any speaker" label would be blank.
ANY = ""


def _options(values, any_label: str, labels: dict | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(any_label, ANY)] + [(labels.get(v, v), v) for v in values]


def _run_showing_errors(callback, output: w.Output) -> None:
    """Run a callback; if it raises, show the error in *output* instead of losing it.

    Entering an ``Output`` on every call (``with output:``) would flush the
    kernel's streams each time, which costs milliseconds per change; entering
    it only when something went wrong shows the error just the same (a
    ``ResetLabError`` as its one-line sentence).
    """
    try:
        callback()
    except Exception:
        with output:
            raise


# ---------------------------------------------------------------- accessibility, shared by every widget
#: CSS every course widget carries (in a hidden HTML child, so a widget shown alone still has it).
#: * focus: a 2 px ring in JupyterLab's brand colour (4.6:1 on the light theme's white, and the dark
#:   theme's own brand colour on its background), drawn in the control's margin so no box clips it;
#: * .rl-sr-only: text for screen readers only (the live region), clipped rather than hidden;
#: * narrow screens (200 % zoom): menus shrink with their pane and the Comparer's panes wrap; in a widget
#:   narrower than 36em a wide table (class rl-stack) shows each row as a block, every cell named by its
#:   column (data-label), so no widget scrolls sideways.
COURSE_CSS = """<style>
.rl-course select:focus, .rl-course input:focus, .rl-course textarea:focus, .rl-course button:focus {
  outline: 2px solid var(--jp-brand-color1, #1976d2) !important; outline-offset: 0 !important; }
.rl-course .rl-sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
.rl-course .widget-dropdown, .rl-course .widget-text { max-width: 100%; min-width: 0; }
.rl-course .widget-dropdown > select, .rl-course .widget-text > input { min-width: 0; }
.rl-course .widget-hbox { flex-wrap: wrap; max-width: 100%; }
.rl-comparer > .widget-hbox > .widget-vbox { flex: 1 1 18em; min-width: 0; width: auto !important; }
.rl-course .widget-html-content img { max-width: 100%; height: auto; }
.rl-course { container-type: inline-size; }
.rl-course table { max-width: 100%; }
.rl-course td, .rl-course th { overflow-wrap: break-word; }
@container (max-width: 36em) {
  .rl-course table.rl-stack, .rl-course .rl-stack tbody, .rl-course .rl-stack tr, .rl-course .rl-stack td,
  .rl-course .rl-stack tbody th { display: block; }
  .rl-course .rl-stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .rl-course .rl-stack tr { margin-bottom: 0.8em; }
  .rl-course .rl-stack caption { display: block; text-align: left; }
  .rl-course .rl-stack td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
}
</style>"""


def _accessible(widget: w.Box, title: str | None = None, level: int = 3) -> None:
    """Give *widget* the course CSS, an optional visible heading, and a polite live region.

    The live region (``widget.status``, class ``rl-status``) is read out by a
    screen reader whenever its sentence changes; set it with ``_announce``.
    ipywidgets 8 cannot put ARIA attributes on a widget's own element, so the
    region is markup inside an ``HTML`` widget (``role="status"`` with
    ``aria-live="polite"``, which screen readers treat as polite either way).
    """
    style = w.HTML(COURSE_CSS, layout=w.Layout(display="none"))
    widget.status = w.HTML()
    widget.status.add_class("rl-status")
    widget.status.add_class("rl-sr-only")
    head = []
    if title:
        widget.heading = w.HTML(f"<h{level}>{esc(title)}</h{level}>")
        widget.heading.add_class("rl-widget-title")
        head = [widget.heading]
    widget.children = (style, *head, *widget.children, widget.status)
    widget.add_class("rl-course")


def _announce(widget, sentence: str) -> None:
    """Put one sentence in *widget*'s live region (a screen reader says it when it changes)."""
    widget.status.value = f'<p role="status" aria-live="polite" aria-atomic="true">{esc(sentence)}</p>'


def _comparer_title(left: dict, right: dict) -> str:
    """A Comparer's default name, from its initial choices: "Comparing Bush (g8-toyako-2008) with Obama"."""
    def one(choice: dict) -> str:
        extra = ", ".join(str(choice[k]) for k in ("event", "topic") if choice.get(k))
        return f"{choice.get('speaker') or 'any speaker'}{f' ({extra})' if extra else ''}"
    return f"Comparing {one(left)} with {one(right)}"


class Comparer(w.VBox):
    """Two panes of quotes side by side; words both panes use are marked.

    Each pane has three menus (speaker, meeting, topic); ``None`` means "any".
    The panes show each quote with its statement id, source and date.  Shared
    content words (see ``compare.shared_words``) are in ``<mark><b>`` and are
    also listed in words above the quotes, so the cue is not colour alone.

    Args:
        statements: the statements table; ``None`` loads ``data/statements.csv``.
            Pass your own DataFrame (same columns) to compare other quotes.
        left, right: initial choices, e.g. ``{"speaker": "Medvedev", "event": "london-2009"}``.
        title: the widget's heading and the name its controls are announced with,
            so two Comparers in one lesson are told apart; by default it names
            the initial choices ("Comparing Bush (g8-toyako-2008) with Obama").
    """

    def __init__(self, statements: pd.DataFrame | None = None, left: dict | None = None,
                 right: dict | None = None, title: str | None = None):
        self.statements = _statements(statements)
        st = self.statements
        speakers = _menu_values(st["speaker"])
        first_date = {e: str(st.loc[st["event"] == e, "date"].astype(str).min()) for e in _menu_values(st["event"])}
        events = sorted(first_date, key=lambda e: (first_date[e], str(e)))
        dates = {e: f"{e} ({first_date[e]})" for e in events}
        topics = sorted({t for ts in compare.topic_lists(st) for t in ts})
        allowed = {"speaker": speakers, "event": events, "topic": topics}
        if left is None:
            left = {"speaker": "Bush"} if "Bush" in speakers else {}
        if right is None:
            right = {"speaker": "Obama"} if "Obama" in speakers else {}
        left, right = _check_choices("left", left, allowed), _check_choices("right", right, allowed)
        self.title = str(title) if title else _comparer_title(left, right)
        named = f'<span class="rl-sr-only">{esc(self.title)}: </span>'  # heard, not shown: tells two Comparers apart
        self.shared: tuple[str, ...] = ()
        self.panes: dict[str, pd.DataFrame] = {}
        self._controls: dict[str, dict[str, w.Dropdown]] = {}
        columns = []
        for side, choice in (("left", left), ("right", right)):
            title = side.capitalize()
            menus = {
                "speaker": w.Dropdown(options=_options(speakers, "any speaker"), description=f"{named}{title} speaker", style=_WIDE),
                "event": w.Dropdown(options=_options(events, "any meeting", dates), description=f"{named}{title} meeting", style=_WIDE),
                "topic": w.Dropdown(options=_options(topics, "any topic"), description=f"{named}{title} topic", style=_WIDE),
            }
            for menu in menus.values():
                menu.description_allow_html = True
            for key, menu in menus.items():
                menu.value = ANY if choice.get(key) is None else choice.get(key)
                menu.add_class(f"rl-{side}-{key}")
            self._controls[side] = menus
            quotes = w.HTML(layout=w.Layout(width="auto"))
            quotes.add_class(f"rl-{side}-quotes")
            setattr(self, f"{side}_quotes", quotes)
            columns.append(w.VBox([*menus.values(), quotes], layout=w.Layout(width="50%", padding="0 8px")))
        self.note = w.HTML()  # says so when both panes show the same statements
        self.note.add_class("rl-comparer-note")
        self.errors = w.Output()
        super().__init__([w.HBox(columns), self.note, self.errors])
        self.add_class("rl-comparer")
        _accessible(self, self.title)
        self.update()
        for menus in self._controls.values():
            for menu in menus.values():
                menu.observe(self._changed, names="value")

    # the dropdowns, by the names tests and lessons use
    @property
    def left_speaker(self) -> w.Dropdown: return self._controls["left"]["speaker"]
    @property
    def left_event(self) -> w.Dropdown: return self._controls["left"]["event"]
    @property
    def left_topic(self) -> w.Dropdown: return self._controls["left"]["topic"]
    @property
    def right_speaker(self) -> w.Dropdown: return self._controls["right"]["speaker"]
    @property
    def right_event(self) -> w.Dropdown: return self._controls["right"]["event"]
    @property
    def right_topic(self) -> w.Dropdown: return self._controls["right"]["topic"]

    def choices(self, side: str) -> dict[str, str | None]:
        """The current menu values of one pane ("left" or "right"); ``None`` means any."""
        return {key: None if menu.value in (ANY, None) else menu.value for key, menu in self._controls[side].items()}

    def _heading(self, side: str) -> str:
        c = self.choices(side)
        return f"{side.capitalize()}: {c['speaker'] or 'any speaker'} · {c['event'] or 'any meeting'} · {c['topic'] or 'any topic'}"

    def _changed(self, change) -> None:
        if change["new"] is None:  # code set None for "any": show the "any ..." label, not a blank menu
            change["owner"].value = ANY
            return
        _run_showing_errors(self.update, self.errors)

    def update(self) -> None:
        """Recompute both panes and the shared words from the menus."""
        for side in ("left", "right"):
            self.panes[side] = compare.pane_statements(self.statements, **self.choices(side))
        self.shared = compare.shared_words(self.panes["left"]["quote"], self.panes["right"]["quote"])
        self.left_quotes.value = compare.pane_html(self.panes["left"], self.shared, self._heading("left"))
        self.right_quotes.value = compare.pane_html(self.panes["right"], self.shared, self._heading("right"))
        self.note.value = esc(compare.same_statements_note(self.panes["left"], self.panes["right"]))
        _announce(self, self.announcement())

    def announcement(self) -> str:
        """The one sentence a screen reader hears when the panes change."""
        said = []
        for side in ("left", "right"):
            c, n = self.choices(side), len(self.panes[side])
            what = f"{n} statement{'s' if n != 1 else ''} by {c['speaker'] or 'any speaker'}"
            what += f" at {c['event']}" if c["event"] else ""
            what += f" on {c['topic']}" if c["topic"] else ""
            said.append(f"{side} pane: {what}")
        n = len(self.shared)
        sentence = f"{'; '.join(said)}; {n} shared word{'s' if n != 1 else ''}."
        return sentence[0].upper() + sentence[1:]

    def fallback(self) -> str:
        """Both panes as plain text (shared words as ``*word*``), for a view with no kernel."""
        text = "\n\n".join(compare.pane_text(self.panes[s], self.shared, self._heading(s)) for s in ("left", "right"))
        note = compare.same_statements_note(self.panes["left"], self.panes["right"])
        return f"{text}\n\n{note}" if note else text

    def __repr__(self) -> str:
        n_left, n_right = len(self.panes.get("left", ())), len(self.panes.get("right", ()))
        return f"Comparer({n_left} statements left, {n_right} right, {len(self.shared)} shared words)"


class Concordance(w.VBox):
    """Keyword in context: type a word or phrase, see every match in both sources.

    Shows counts per source and speaker (quotes are credited to the statement
    they fall in; everything else is "(reporter's text)") with the word forms
    that matched, then each match with the words around it.  A query finds the
    word forms that contain it (``trust`` finds ``distrust``); the "Whole words
    only" checkbox keeps to the word as typed.  Press Enter or leave the box to
    search.

    Args:
        statements, sources: the data to search; ``None`` loads the course's.
        query: the first search to show.
        exact: start with "Whole words only" ticked.
    """

    #: The query is echoed back in at most this many characters (a pasted page would bury the results).
    ECHO_LIMIT = 60

    def __init__(self, statements: pd.DataFrame | None = None, sources: dict | None = None,
                 query: str = "relations", width: int = 40, exact: bool = False):
        self.statements = _statements(statements, compare.CONCORDANCE_NEEDS)
        query = "" if query is None else query
        if not isinstance(query, str):
            msg = f"The query should be a word or phrase, as text (got {type(query).__name__})."
            raise UsageError(msg)
        if not isinstance(exact, bool):
            msg = f"exact should be True or False (got {type(exact).__name__}): True finds whole words only."
            raise UsageError(msg)
        if sources is None:
            from .sources import load_sources

            sources = load_sources()
        self.sources = sources
        self.width = width
        self.hits = pd.DataFrame()
        self.message = ""
        self.query = w.Text(value=query, description="Word or phrase", continuous_update=False, style=_WIDE)
        self.query.add_class("rl-concordance-query")
        self.exact = w.Checkbox(value=exact, description="Whole words only (trust, not distrust)", indent=False)
        self.exact.add_class("rl-concordance-exact")
        self.counts = w.HTML()
        self.counts.add_class("rl-concordance-counts")
        self.results = w.HTML()
        self.results.add_class("rl-concordance-results")
        self.errors = w.Output()
        super().__init__([w.HBox([self.query, self.exact]), self.counts, self.results, self.errors])
        self.add_class("rl-concordance")
        _accessible(self)
        self.update()
        self.query.observe(self._changed, names="value")
        self.exact.observe(self._changed, names="value")

    def _changed(self, change) -> None:
        _run_showing_errors(self.update, self.errors)

    def _echo(self) -> str:
        """The query as typed, cut to ``ECHO_LIMIT`` characters with an ellipsis."""
        text = self.query.value.strip()
        return text if len(text) <= self.ECHO_LIMIT else text[: self.ECHO_LIMIT - 1] + "…"

    def update(self) -> None:
        """Search for the text in the box and show the counts, the forms and the matches."""
        try:
            self.hits = compare.concordance(self.query.value, self.sources, self.statements, self.width,
                                            exact=self.exact.value)
        except UsageError as exc:
            self.hits = pd.DataFrame(columns=compare.CONCORDANCE_COLUMNS)
            self.message = str(exc)
            self.counts.value = f"<p>{esc(self.message)}</p>"
            self.results.value = ""
            _announce(self, self.message)
            return
        self.message = ""
        counts = compare.concordance_counts(self.hits)
        per_source = ", ".join(f"source {sid}: {int(n)}" for sid, n in counts.groupby("source_id")["matches"].sum().items()) or "none"
        # <bdi> keeps a right-to-left query from reordering the sentence around it.
        self.counts.value = (f"<p>{len(self.hits)} match{'es' if len(self.hits) != 1 else ''} for "
                             f"“<bdi>{esc(self._echo())}</bdi>” ({esc(per_source)}){esc(self._forms_sentence())}.</p>"
                             + counts.to_html(index=False, escape=True))
        self.results.value = compare.concordance_html(self.hits)
        n, typed = len(self.hits), self.query.value.strip()
        _announce(self, f"{n} match{'es' if n != 1 else ''} for “{typed[:60]}{'…' if len(typed) > 60 else ''}”.")

    def _forms_sentence(self) -> str:
        """The end of the counts sentence, as plain text: the forms found, or that only whole words were searched."""
        if self.exact.value:
            return ", whole words only"
        forms = compare.concordance_forms(self.hits)
        if not forms:
            return ""
        listed = ", ".join(f"{form} ({n})" for form, n in forms.items())
        return f", in {len(forms)} word form{'s' if len(forms) != 1 else ''}: {listed}"

    def fallback(self) -> str:
        """The counts and the keyword-in-context lines as plain text."""
        if self.message:
            return self.message
        counts = compare.concordance_counts(self.hits)
        table = counts.to_string(index=False) if len(counts) else "(no matches)"
        return f"Matches for {self._echo()!r}{self._forms_sentence()}:\n{table}\n\n{compare.concordance_text(self.hits)}"

    def __repr__(self) -> str:
        return f"Concordance({self._echo()!r}: {len(self.hits)} matches)"


class TimelineExplorer(w.VBox):
    """The timeline as one figure, with a filter by source and a choice of period.

    The figure and the text summary under it are the lessons' own
    (``timeline_figure`` and ``timeline_summary``): filled circles for events
    a source mentions, open squares labelled OUTSIDE for outside context, bars
    for events of several days, diamonds and dashed lines for the two
    meetings; the axis spans the chosen period, and "every year" is drawn in
    panels that leave out the empty years.

    Args:
        events: the timeline table; ``None`` loads ``data/events.csv``.
    """

    FILTERS = (("all events", "all"), ("mentioned in source 000", "000"),
               ("mentioned in source 003", "003"), ("outside the sources", "outside"))
    PERIODS = (("April 2008 to July 2009", compare.RESET_WINDOW), ("every year (2001-2026)", (None, None)))

    def __init__(self, events: pd.DataFrame | None = None, show: str = "all"):
        if events is None:
            from .timeline import load_events

            events = load_events()
        compare.require_columns(events, compare.EVENT_COLUMNS, "events table", "load_events()")
        if show not in dict(self.FILTERS).values():
            msg = f"Cannot show {show!r} on the timeline; choose one of {', '.join(repr(v) for _, v in self.FILTERS)}."
            raise UsageError(msg)
        self.events = events
        self.rows = pd.DataFrame()
        self.svg = ""
        self._figures: dict = {}  # one per period, drawn on again by each redraw
        self.filter = w.Dropdown(options=self.FILTERS, value=show, description="Show events", style=_WIDE)
        self.filter.add_class("rl-timeline-filter")
        self.period = w.Dropdown(options=self.PERIODS, value=compare.RESET_WINDOW, description="Period", style=_WIDE)
        self.period.add_class("rl-timeline-period")
        self.figure = w.Output()
        self.figure.add_class("rl-timeline-figure")
        self.summary = w.HTML()
        self.summary.add_class("rl-timeline-summary")
        self.errors = w.Output()
        super().__init__([w.HBox([self.filter, self.period]), self.figure, self.summary, self.errors])
        self.add_class("rl-timeline")
        _accessible(self)
        self.update()
        self.filter.observe(self._changed, names="value")
        self.period.observe(self._changed, names="value")

    def _changed(self, change) -> None:
        _run_showing_errors(self.update, self.errors)

    def update(self) -> None:
        """Redraw the figure and its text summary for the chosen filter and period.

        The image goes straight into the ``Output`` widget's ``outputs`` (no
        captured display messages), so the notebook cell's own output stays
        the same on every run and the picture can be checked without a browser.
        """
        start, end = self.period.value
        # the lessons' figure, drawn again on this period's last one (its axes kept)
        fig = compare.timeline_figure(self.events, self.filter.value, start, end, figure=self._figures.get((start, end)))
        self._figures[(start, end)] = fig
        self.rows = fig.rows
        self.svg = fig._repr_svg_()
        summary = fig.summary  # timeline_summary's text, computed once with the figure
        self.summary.value = f"<pre style='white-space: pre-wrap'>{esc(summary)}</pre>"
        self.figure.outputs = ({
            "output_type": "display_data",
            # an <img alt> in HTML (JupyterLab gives an image output no alt text); the SVG stays too
            "data": {**_display.figure_data(fig, self.svg), "text/plain": summary.splitlines()[0]},
            "metadata": {},
        },)
        n = len(self.rows)
        _announce(self, f"Timeline: {n} event{'s' if n != 1 else ''} shown, {self.filter.label}, {self.period.label}.")

    def fallback(self) -> str:
        """The figure's text summary: every event shown, with its dates and origin."""
        start, end = self.period.value
        return compare.timeline_summary(self.events, self.filter.value, start, end)

    def __repr__(self) -> str:
        return f"TimelineExplorer({self.filter.value!r}: {len(self.rows)} events)"


class VariantViewer(w.VBox):
    """Other witnesses of the same words: choose a statement, see how each witness's reading differs.

    Our source's words are shown with every difference marked and numbered
    (``[1]``, and ``‸`` where the witness has words our source leaves out);
    the table beside it gives each witness's reading, the kind of difference,
    the witness as cited and the course's note.  Everything is computed by the
    pure functions in ``resetlab.witnesses``.

    Args:
        statement: the statement to show first (an id such as ``"000-05"``);
            ``None`` shows the first one the apparatus covers.
        statements, variants, witnesses: the tables; ``None`` loads the course's.
    """

    def __init__(self, statement: str | None = None, statements: pd.DataFrame | None = None,
                 variants: pd.DataFrame | None = None, witnesses: pd.DataFrame | None = None):
        from . import witnesses as wit

        self.statements = _statements(statements, ("statement_id", "source_id", "speaker", "start", "end", "quote"))
        self.witnesses = wit.load_witnesses() if witnesses is None else witnesses
        self.variants = wit.load_variants(statements=self.statements, witnesses=self.witnesses) if variants is None else variants
        ids = wit.statements_with_variants(self.statements, self.variants)
        if not ids:
            raise UsageError("The apparatus records no difference for any of these statements; pass the course's tables (leave the arguments out).")
        if statement is None:
            statement = ids[0]
        if statement not in ids:
            msg = f"The apparatus has nothing on {statement!r}; choose one of {', '.join(ids)}."
            raise UsageError(msg)
        by_id = self.statements.set_index("statement_id")
        counts = self.variants["statement_id"].value_counts()

        def label(sid: str) -> str:
            quote = str(by_id.at[sid, "quote"])
            short = quote if len(quote) <= 48 else quote[:47].rstrip() + "…"
            n = int(counts[sid])
            return f"{sid} {by_id.at[sid, 'speaker']}: {short} ({n} difference{'s' if n != 1 else ''})"

        self.found = pd.DataFrame()
        # wide enough for a label's quotation, never wider than the pane (200 % zoom)
        self.statement = w.Dropdown(options=[(label(s), s) for s in ids], value=statement,
                                    description="Statement", style=_WIDE, layout=w.Layout(width="48em", max_width="calc(100% - 4px)"))
        self.statement.add_class("rl-variants-statement")
        self.view = w.HTML()
        self.view.add_class("rl-variants-view")
        self.errors = w.Output()
        super().__init__([self.statement, self.view, self.errors])
        self.add_class("rl-variants")
        _accessible(self)
        self.update()
        self.statement.observe(self._changed, names="value")

    def _changed(self, change) -> None:
        _run_showing_errors(self.update, self.errors)

    def update(self) -> None:
        """Show the chosen statement with its differences marked, and the witnesses' readings."""
        from . import witnesses as wit

        sid = self.statement.value
        self.found = wit.statement_variants(sid, self.statements, self.variants, self.witnesses)
        self.view.value = wit.apparatus_html(sid, self.statements, self.variants, self.witnesses)
        n, k = len(self.found), self.found["witness"].nunique()
        _announce(self, f"Statement {sid}: {n} difference{'s' if n != 1 else ''} from {k} witness{'es' if k != 1 else ''}.")

    def fallback(self) -> str:
        """The marked statement and the list of readings, as plain text."""
        from . import witnesses as wit

        return wit.apparatus_text(self.statement.value, self.statements, self.variants, self.witnesses)

    def __repr__(self) -> str:
        return f"VariantViewer({self.statement.value!r}: {len(self.found)} differences)"
