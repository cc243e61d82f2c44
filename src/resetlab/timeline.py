"""The dated timeline: events the sources mention and outside context, kept apart, and its figure.

``data/events.csv`` holds each event in the course's own words, a short
``label`` for figures, which source mentions it (blank for outside context),
the kind of public record that confirms it, and ``meeting_of`` on the two rows
that are the meetings the sources report.  ``origin`` in the loaded table says
"in source" or "outside" so every lesson, table and figure can tell the two
apart.

The figure functions (``timeline_rows``, ``timeline_figure``,
``timeline_summary``) live here, next to the data they draw; ``compare`` and
the package re-export them under the same names.  Choices that matter for
reading the figure:

* one row per event, labelled in words with its dates and its origin;
* an event of one day is a marker, an event of several days a bar from its
  first to its last day; the two meetings the sources report are diamonds with
  a dashed line across the figure, labelled at the top;
* the x axis spans exactly the chosen period (its first day to the end of its
  last), with one tick label per date, never repeated; a period of many
  years is drawn in panels, leaving out the years with no events;
* the legend sits under the axes and lists only what the figure draws.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache

import pandas as pd

from ._paths import data_dir
from ._tables import Column, read_table, require_columns, where
from .errors import DataError, UsageError

#: The longest ``label`` a figure row can show without crowding the axis.
LABEL_MAX = 34

#: How an event's day is known: the source that mentions it states it, the course infers it (with the
#: evidence), or it comes from outside (the witnesses in ``confirmed_by``).
DATE_BASES = ("stated", "inferred", "outside")

EVENT_COLUMNS = (
    Column("event_id"),
    Column("start", "date"),
    Column("end", "date"),
    Column("label"),
    Column("event"),
    Column("place", required=False),
    Column("mentioned_in", "choice", required=False, choices=("000", "003")),
    Column("source_note", required=False),
    Column("confirmed_by"),
    Column("date_basis", "choice", choices=DATE_BASES),
    Column("date_evidence"),
    Column("meeting_of", "choice", required=False, choices=("000", "003")),
)



def load_events(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the timeline sorted by start date, with an ``origin`` column.

    Raises:
        DataError: for a malformed row, an end before its start, a repeated id
            or label, a label too long for the figure, a source note on an
            event no source mentions, or a meeting its source does not mention.
    """
    path = data_dir(folder) / "events.csv"
    frame = read_table(path, EVENT_COLUMNS)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.end < row.start:
            raise DataError(f"events.csv{where(i, 'end')}: expected an end date on or after the start {row.start} (got {row.end}).")
        if row.source_note and not row.mentioned_in:
            raise DataError(f"events.csv{where(i, 'source_note')}: a source note needs a source in 'mentioned_in' (got none); fill in 000 or 003, or clear the note.")
        if len(row.label) > LABEL_MAX:
            raise DataError(f"events.csv{where(i, 'label')}: expected a short label of at most {LABEL_MAX} characters for the figure (got {len(row.label)}: {row.label!r}); shorten it and keep the detail in 'event'.")
        if row.date_basis != "outside" and not row.mentioned_in:
            raise DataError(f"events.csv{where(i, 'date_basis')}: a day {row.date_basis} in a source needs that source in 'mentioned_in' (got none); name the source, or set 'date_basis' to outside.")
        if row.meeting_of and row.meeting_of != row.mentioned_in:
            raise DataError(f"events.csv{where(i, 'meeting_of')}: the meeting source {row.meeting_of} reports must be mentioned in it (got mentioned_in {row.mentioned_in or 'blank'!r}); set 'mentioned_in' to {row.meeting_of}.")
    for column, what in (("event_id", "id"), ("label", "label")):
        repeated = frame[column][frame[column].duplicated()]
        if not repeated.empty:
            i = int(repeated.index[0]) + 1
            raise DataError(f"events.csv{where(i, column)}: expected each {what} once (got {repeated.iloc[0]!r} again); make it tell the events apart.")
    meetings = frame["meeting_of"][frame["meeting_of"] != ""]
    twice = meetings[meetings.duplicated()]
    if not twice.empty:
        i = int(twice.index[0]) + 1
        raise DataError(f"events.csv{where(i, 'meeting_of')}: expected one meeting per source (got a second for source {twice.iloc[0]}); clear one of them.")
    frame["origin"] = frame["mentioned_in"].map(lambda s: "in source" if s else "outside")
    return frame.sort_values(["start", "event_id"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- the figure

#: Okabe-Ito colours (safe for the common colour-vision deficiencies).
OKABE_ITO = {
    "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7", "black": "#000000",
}

#: How each origin is drawn: marker shape, fill, colour and the word used in labels.
TIMELINE_STYLE = {
    "in source": {"marker": "o", "color": OKABE_ITO["blue"], "fill": True, "tag": "in source", "shape": "filled circle"},
    "outside": {"marker": "s", "color": OKABE_ITO["vermillion"], "fill": False, "tag": "OUTSIDE", "shape": "open square"},
}

#: The meetings the two sources report: a black diamond on their row and a dashed line across the figure.
MEETING_STYLE = {"marker": "D", "color": OKABE_ITO["black"], "fill": True}

#: Everything the figure can draw, in legend order, with the legend's words.
TIMELINE_KINDS = {
    "in source": "in a source (one day)",
    "in source, days": "in a source (several days)",
    "outside": "OUTSIDE the sources (one day)",
    "outside, days": "OUTSIDE the sources (several days)",
    "meeting": "a meeting a source reports",
    "meeting line": "date of a meeting a source reports",
}

#: Values accepted by the timeline's source filter.
TIMELINE_FILTERS = ("all", "000", "003", "outside")

#: The course's default window: the months between the two meetings, with the run-up to the first.
RESET_WINDOW = ("2008-04-01", "2009-07-31")

#: The columns the figure functions read from an events table.
FIGURE_COLUMNS = ("event_id", "start", "end", "event", "origin", "mentioned_in")

_FILTER_WORDS = {"all": "all events", "000": "events source 000 mentions",
                 "003": "events source 003 mentions", "outside": "OUTSIDE context only (events neither source mentions)"}
_BASIS_WORDS = {"stated": "the day stated there", "inferred": "the day inferred by the course",
                "outside": "the day from outside records"}
_DAY = pd.Timedelta(days=1)
_LONG_PERIOD = pd.Timedelta(days=6 * 366)  # longer than this, the figure leaves out empty years


def _require(events) -> None:
    require_columns(events, FIGURE_COLUMNS, "events table", "load_events()")


def _check_show(show) -> None:
    if not isinstance(show, str) or show not in TIMELINE_FILTERS:
        msg = f"Cannot show {show!r} on the timeline; choose one of {', '.join(repr(f) for f in TIMELINE_FILTERS)}."
        raise UsageError(msg)


def _day(value, side: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        msg = f"The timeline's {side} should be a date like '2009-04-01' or None (got {value!r})."
        raise UsageError(msg) from None


def date_span_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """An event's dates as a reader writes them.

    >>> date_span_text(pd.Timestamp("2008-04-02"), pd.Timestamp("2008-04-04"))
    '2–4 Apr 2008'
    >>> date_span_text(pd.Timestamp("2009-03-06"), pd.Timestamp("2009-03-06"))
    '6 Mar 2009'
    """
    if end <= start:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b}–{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y}–{end.day} {end:%b %Y}"


def timeline_rows(events: pd.DataFrame, show: str = "all", start: str | None = None,
                  end: str | None = None) -> pd.DataFrame:
    """Return the events a timeline shows, with the label, kind and marker each gets.

    Args:
        events: the timeline (``load_events()``), with its ``origin`` column.
        show: "all", "000" or "003" (events that source mentions), or "outside"
            (events no source mentions: the course's context).
        start, end: ISO dates; keep events that overlap this window.

    Returns:
        Columns ``event_id``, ``start``, ``end`` (Timestamps), ``origin``,
        ``mentioned_in``, ``event``, ``name`` (the human label from
        ``events.csv``), ``label`` (what the figure's row says: name, dates and
        "[000]", "[003]" or "[OUTSIDE]"), ``kind`` (a key of
        ``TIMELINE_KINDS``), ``marker`` and ``meeting_of``; sorted by start date.
    """
    _check_show(show)
    _require(events)
    lo, hi = _day(start, "start"), _day(end, "end")
    frame = events.copy()
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["mentioned_in"] = frame["mentioned_in"].fillna("")
    if show == "outside":
        frame = frame[frame["origin"] == "outside"]
    elif show != "all":
        frame = frame[frame["mentioned_in"] == show]
    if lo is not None:
        frame = frame[frame["end"] >= lo]
    if hi is not None:
        frame = frame[frame["start"] <= hi]
    frame = frame.sort_values(["start", "event_id"], kind="stable").reset_index(drop=True)
    names = frame["label"] if "label" in frame.columns else frame["event_id"]
    frame["name"] = [str(n) if isinstance(n, str) and n else str(e) for n, e in zip(names, frame["event_id"])]
    meeting = frame["meeting_of"].fillna("") if "meeting_of" in frame.columns else pd.Series("", index=frame.index)
    frame["meeting_of"] = meeting.astype(str)
    kinds, markers, labels = [], [], []
    for row in frame.itertuples(index=False):
        days = ", days" if row.end > row.start else ""
        kind = "meeting" if row.meeting_of else f"{row.origin}{days}"
        kinds.append(kind)
        markers.append(MEETING_STYLE["marker"] if kind == "meeting" else TIMELINE_STYLE[row.origin]["marker"])
        tag = row.mentioned_in if row.origin == "in source" else "OUTSIDE"
        labels.append(f"{row.name}, {date_span_text(row.start, row.end)} [{tag}]")
    frame["kind"], frame["marker"], frame["label"] = kinds, markers, labels
    frame["date_basis"] = frame["date_basis"].fillna("") if "date_basis" in frame.columns else ""
    return frame[["event_id", "start", "end", "origin", "mentioned_in", "event", "name", "label", "kind", "marker",
                  "meeting_of", "date_basis"]]


def timeline_period(events: pd.DataFrame, start: str | None = RESET_WINDOW[0],
                    end: str | None = RESET_WINDOW[1]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a timeline figure spans; an open end is the timeline's first or last year.

    The figure's x axis runs from the first day to the end of the last (the
    last day is drawn whole).  The period does not depend on the filter, so
    two filters of one period share one axis.
    """
    lo, hi = _day(start, "start"), _day(end, "end")
    if lo is None or hi is None:
        dates = pd.to_datetime(pd.concat([events["start"], events["end"]]))
        first = dates.min() if len(dates) else pd.Timestamp("2008-01-01")
        last = dates.max() if len(dates) else pd.Timestamp("2009-12-31")
        lo = pd.Timestamp(year=first.year, month=1, day=1) if lo is None else lo
        hi = pd.Timestamp(year=last.year, month=12, day=31) if hi is None else hi
    if hi < lo:
        msg = f"The timeline's end ({hi:%Y-%m-%d}) comes before its start ({lo:%Y-%m-%d}); swap them."
        raise UsageError(msg)
    return lo, hi


def timeline_panels(events: pd.DataFrame, start: str | None = RESET_WINDOW[0],
                    end: str | None = RESET_WINDOW[1]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The stretches of time the figure draws, as (first day, last day) pairs.

    A period of up to six years is one panel.  A longer one is cut into
    panels of whole years holding events (of the whole table, not only the
    filtered ones), leaving out runs of three or more empty years, so
    2008-2011 is not squeezed into a thin band between 2001 and 2026.

    >>> from resetlab.timeline import load_events
    >>> [f"{a:%Y}-{b:%Y}" for a, b in timeline_panels(load_events(), None, None)]
    ['2001-2002', '2008-2011', '2024-2026']
    """
    lo, hi = timeline_period(events, start, end)
    if hi - lo <= _LONG_PERIOD:
        return [(lo, hi)]
    dates = pd.to_datetime(pd.concat([events["start"], events["end"]]))
    years = sorted({d.year for d in dates if lo <= d <= hi})
    if not years:
        return [(lo, hi)]
    groups = [[years[0]]]
    for year in years[1:]:
        if year - groups[-1][-1] > 3:
            groups.append([year])
        else:
            groups[-1].append(year)
    panels = [(pd.Timestamp(year=g[0], month=1, day=1), pd.Timestamp(year=g[-1], month=12, day=31)) for g in groups]
    return [(max(a, lo), min(b, hi)) for a, b in panels]


# (unit, step) candidates for tick spacing, finest first
_TICK_STEPS = (("day", 1), ("day", 2), ("day", 7), ("day", 14), ("month", 1), ("month", 2), ("month", 3),
               ("month", 6), ("year", 1), ("year", 2), ("year", 5), ("year", 10))


# the width of a tick label of each unit at 8.5 points ("22 Mar 2009", "Apr 2008", "2008"), in inches
_TICK_INCHES = {"day": 0.75, "month": 0.6, "year": 0.35}

# the longest length of each unit, in days: a period of D days has at least D / (step * this) - 1 ticks
_UNIT_DAYS = {"day": 1, "month": 31, "year": 366}


def _tick_dates(lo: pd.Timestamp, hi: pd.Timestamp, unit: str, step: int) -> list[pd.Timestamp]:
    if unit == "day":
        return list(pd.date_range(lo, hi, freq=f"{step}D"))
    if unit == "month":
        first = pd.Timestamp(year=lo.year, month=1, day=1)
        return [d for d in pd.date_range(first, hi, freq=f"{step}MS") if d >= lo]
    first = pd.Timestamp(year=lo.year - lo.year % step, month=1, day=1)
    return [d for d in pd.date_range(first, hi, freq=f"{step}YS") if d >= lo]


def date_ticks(start, end, most: int = 7, inches: float | None = None) -> list[tuple[pd.Timestamp, str]]:
    """Tick dates and their labels for an axis from *start* to *end*: at most *most*, every label different.

    The spacing is the finest of days, weeks, months, quarters, half-years or
    years that fits; labels say "7 Aug 2008", "Apr 2008" or "2008", so no two
    ticks ever read the same.  Given the axis's width in *inches*, the number
    of ticks is also kept to what fits with room between the labels.

    >>> [label for _, label in date_ticks("2008-04-01", "2009-07-31")]
    ['Apr 2008', 'Jul 2008', 'Oct 2008', 'Jan 2009', 'Apr 2009', 'Jul 2009']
    >>> [label for _, label in date_ticks("2009-03-01", "2009-03-31", most=5)]
    ['1 Mar 2009', '8 Mar 2009', '15 Mar 2009', '22 Mar 2009', '29 Mar 2009']
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    most = max(int(most), 2)
    days = (hi - lo).days + 1
    for unit, step in _TICK_STEPS:
        fits = most if inches is None else min(most, max(2, int(inches / (_TICK_INCHES[unit] + 0.2))))
        if days / (step * _UNIT_DAYS[unit]) - 1 > fits and (unit, step) != _TICK_STEPS[-1]:
            continue  # far too many ticks at this step: skip it without listing them all
        ticks = _tick_dates(lo, hi, unit, step)
        if 1 <= len(ticks) <= fits:
            break
    fmt = {"day": lambda d: f"{d.day} {d:%b %Y}", "month": lambda d: f"{d:%b %Y}", "year": lambda d: f"{d:%Y}"}[unit]
    return [(d, fmt(d)) for d in ticks]


def period_text(events: pd.DataFrame, start: str | None = RESET_WINDOW[0], end: str | None = RESET_WINDOW[1]) -> str:
    """The period in words, as titles and summaries give it ("1 April 2008 to 31 July 2009")."""
    lo, hi = timeline_period(events, start, end)
    if start is None and end is None:
        return f"every year on the timeline, {lo:%Y} to {hi:%Y}"
    return f"{lo.day} {lo:%B %Y} to {hi.day} {hi:%B %Y}"


def timeline_title(events: pd.DataFrame, show: str = "all", start: str | None = RESET_WINDOW[0],
                   end: str | None = RESET_WINDOW[1]) -> str:
    """The figure's title: the filter and the period, in words."""
    _check_show(show)
    return f"Timeline: {_FILTER_WORDS[show]}, {period_text(events, start, end)}"


def _gaps(panels) -> list[tuple[int, int]]:
    return [(a[1].year + 1, b[0].year - 1) for a, b in zip(panels, panels[1:]) if b[0].year - a[1].year > 1]


def _meetings(events: pd.DataFrame) -> pd.DataFrame:
    if "meeting_of" not in events.columns:
        return events.iloc[0:0]
    found = events[events["meeting_of"].fillna("") != ""].copy()
    found["start"] = pd.to_datetime(found["start"])
    if "label" not in found.columns:
        found["label"] = found["event_id"]
    return found.sort_values("start")


@lru_cache(maxsize=256)
def _text_inches(text: str, size: float) -> float:
    """The width of *text* in inches at *size* points, in the figure's default font."""
    from matplotlib.font_manager import FontProperties

    width, _, _ = _renderer().get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
    return width / 72


@lru_cache(maxsize=1)
def _renderer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)


def _draw_kind(ax, kind: str, x0: list[float], x1: list[float], ys: list[int]) -> None:
    """Draw every row of one kind on *ax* in one call: markers for one-day events, bars from first to last day.

    One artist per kind (not per event) keeps a redraw cheap: building a
    matplotlib line costs about a millisecond, whatever it holds.
    """
    if kind.endswith(", days"):
        style = TIMELINE_STYLE[kind.removesuffix(", days")]
        ax.barh(ys, [b - a for a, b in zip(x0, x1)], left=x0, height=0.56, color=style["color"] if style["fill"] else "white",
                edgecolor=style["color"], linewidth=1.4, hatch=None if style["fill"] else "////", gid=f"span:{kind}")
        return
    style = MEETING_STYLE if kind == "meeting" else TIMELINE_STYLE[kind]
    # not clipped: a mark on a panel's first or last days is drawn whole, not cut in half at the frame
    ax.plot(x0, ys, marker=style["marker"], markersize=8, linestyle="none", color=style["color"], clip_on=False,
            markerfacecolor=style["color"] if style["fill"] else "white", markeredgewidth=1.8, gid=f"mark:{kind}")


def _legend_handle(kind: str):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if kind == "meeting line":
        return Line2D([], [], color=OKABE_ITO["black"], linestyle=(0, (5, 3)), linewidth=1.1, label=TIMELINE_KINDS[kind])
    if kind.endswith(", days"):
        style = TIMELINE_STYLE[kind.removesuffix(", days")]
        return Patch(facecolor=style["color"] if style["fill"] else "white", edgecolor=style["color"],
                     hatch=None if style["fill"] else "////", label=TIMELINE_KINDS[kind])
    style = MEETING_STYLE if kind == "meeting" else TIMELINE_STYLE[kind]
    return Line2D([], [], marker=style["marker"], linestyle="none", color=style["color"], markersize=8,
                  markerfacecolor=style["color"] if style["fill"] else "white", markeredgewidth=1.8,
                  label=TIMELINE_KINDS[kind])


def timeline_figure(events: pd.DataFrame, show: str = "all", start: str | None = RESET_WINDOW[0],
                    end: str | None = RESET_WINDOW[1], width: float = 9.0, figure=None):
    """Draw the timeline on one matplotlib ``Figure`` (not registered with pyplot).

    One row per event, oldest at the top, labelled in words with its dates
    and "[000]", "[003]" or "[OUTSIDE]".  An event of one day is a filled
    circle (in a source) or an open square (OUTSIDE); one of several days is a
    bar from its first to its last day; the two meetings the sources report
    are black diamonds, with a dashed line at their date labelled at the top.
    The x axis spans exactly the period (``timeline_period``) with unique tick
    labels; a period of many years is drawn in panels (``timeline_panels``).
    The title names the filter and the period, and the legend, under the
    axes, lists only what was drawn.  The default window is ``RESET_WINDOW``;
    pass ``start=None, end=None`` for every year.

    The figure carries ``.rows``, ``.kinds`` (what was drawn, in legend
    order), ``.summary`` (``timeline_summary``'s text) and ``.alt_text`` (a
    short text alternative for the image).

    *figure*, a figure this function drew before, is drawn on again when it
    has the same panels, keeping its axes (the TimelineExplorer's redraw:
    making a matplotlib Axes costs about 7 ms, a fifth of the "every year"
    view's drawing); everything drawn before is removed, and the result is
    the same picture a new figure gives.  Otherwise a new figure is made.
    """
    _check_show(show)
    _require(events)
    from matplotlib.dates import date2num
    from matplotlib.transforms import blended_transform_factory

    rows = timeline_rows(events, show, start, end)
    panels = timeline_panels(events, start, end)
    starts, ends = pd.to_datetime(events["start"]), pd.to_datetime(events["end"])
    counts = [int(((ends >= a) & (starts <= b)).sum()) for a, b in panels]  # every filter gets the same panels
    ratios = [max(1.5, n / 4) for n in counts] if len(panels) > 1 else [1.0]
    n = max(len(rows), 1)
    title = timeline_title(events, show, start, end)
    gaps = _gaps(panels)
    if gaps:
        left_out = " and ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in gaps)
        title += f"\n(years with no events, {left_out}, are left out; // marks each break)"
    # A fixed layout in inches (cheaper than matplotlib's constrained layout, and the same every time):
    # title, meeting labels, the axes (0.3 in a row), tick labels, then the legend under everything.
    # the browser draws the SVG's words in its own copy of the font (or Verdana, Arial...): 8 % to spare
    left = min(max((_text_inches(t, 9) for t in rows["label"]), default=0.5) * 1.08 + 0.2, width * 0.55)
    top = 0.32 + 0.2 * title.count("\n") + 0.3
    axes_height = 0.3 * n + 0.2
    meetings = [m for m in _meetings(events).itertuples(index=False) if any(a <= m.start <= b for a, b in panels)]
    kinds = [k for k in TIMELINE_KINDS if k in set(rows["kind"]) or (k == "meeting line" and meetings)]
    legend_rows = (len(kinds) + 1) // 2  # two columns
    bottom = 0.42 + 0.2 * legend_rows + 0.08
    height = top + axes_height + bottom
    gap = 0.2  # inches between panels
    inches = width - left - 0.25 - gap * (len(panels) - 1)
    layout = (len(panels), tuple(ratios), width)
    if figure is not None and getattr(figure, "layout_key", None) == layout:
        fig = _cleared(figure)
        fig.set_size_inches(width, height)
        axes = fig.axes
    else:
        fig = _figure_class()(figsize=(width, height))
        fig.layout_key = layout
    fig.subplots_adjust(left=left / width, right=1 - 0.25 / width, top=1 - top / height,
                        bottom=bottom / height, wspace=gap * len(panels) / inches)
    if fig is not figure:
        axes = fig.subplots(1, len(panels), sharey=True, width_ratios=ratios, squeeze=False)[0]
    ys = list(range(len(rows)))[::-1]
    tick = 0.05 / axes_height  # a tick 0.05 in long (3.5 points, matplotlib's own), as a fraction of the axes' height
    # each row once as plain values (rows.itertuples in every panel costs more than the drawing it feeds)
    spans = list(zip(ys, rows["kind"], rows["start"], rows["end"], date2num(rows["start"]), date2num(rows["end"] + _DAY)))
    drawn: set[str] = set()
    for p, (ax, (lo, hi)) in enumerate(zip(axes, panels)):
        x0, x1 = date2num(lo), date2num(hi + _DAY)
        marks: dict[str, tuple[list, list, list]] = {}
        for y, kind, first_day, last_day, left_x, right_x in spans:
            if last_day < lo or first_day > hi:
                continue
            starts_, ends_, ys_ = marks.setdefault(kind, ([], [], []))
            starts_.append(left_x)
            ends_.append(right_x)
            ys_.append(y)
        for kind, (starts_, ends_, ys_) in marks.items():
            _draw_kind(ax, kind, starts_, ends_, ys_)
            drawn.add(kind)
        at_top = blended_transform_factory(ax.transData, ax.transAxes)
        here = [m for m in meetings if lo <= m.start <= hi]
        for k, meeting in enumerate(here):
            x = date2num(meeting.start)
            ax.axvline(x, color=OKABE_ITO["black"], linestyle=(0, (5, 3)), linewidth=1.1, zorder=1, gid="meeting line")
            # labels of neighbouring meetings point away from each other, so they never overlap
            ha = "center" if len(here) == 1 else ("right" if k % 2 == 0 else "left")
            ax.text(x, 1.01, f" {meeting.label.split(', ')[-1]} ({meeting.meeting_of}) ", transform=at_top,
                    ha=ha, va="bottom", fontsize=8)
            drawn.add("meeting line")
        ax.set_xlim(x0, x1)
        share = ratios[p] / sum(ratios)
        ticks = date_ticks(lo, hi, most=12, inches=inches * share)
        xs = [date2num(d) for d, _ in ticks]
        # the axis's own ticks cost five artists each to build and draw: the course draws its ticks as
        # one collection of short lines under the frame and one text per date
        ax.xaxis.set_visible(False)
        ax.yaxis.set_visible(False)
        below = ax.get_xaxis_transform()
        ax.vlines(xs, -tick, 0, transform=below, colors=OKABE_ITO["black"], linewidths=0.8, clip_on=False, gid="tick")
        for x, label in zip(xs, (label for _, label in ticks)):
            ax.text(x, -2 * tick, label, transform=below, ha="center", va="top", fontsize=8.5, gid="tick label")
        # light vertical lines at the ticks, under the marks: one collection, cheaper than the axis's own grid
        ax.vlines(xs, 0, 1, transform=below, colors="#d9d9d9", linewidths=0.6, zorder=0.5, gid="grid")
        if p > 0:
            ax.spines["left"].set_visible(False)
        if p < len(panels) - 1:
            ax.spines["right"].set_visible(False)
        for side, x in (("left", 0), ("right", 1)):  # break marks where years are left out
            if (side == "left" and p > 0) or (side == "right" and p < len(panels) - 1):
                dx = 0.06 / (inches * ratios[p] / sum(ratios))  # a slash 0.06 in wide, whatever the panel's width
                dy = 0.06 / axes_height  # and 0.12 in tall, so it stays clear of the dates under it
                ax.plot([x - dx, x + dx], [-dy, dy], transform=ax.transAxes, color=OKABE_ITO["black"],
                        linewidth=1, clip_on=False, gid="break")
    first = axes[0]
    # row labels as plain texts beside the axis: a y tick costs five artists to build, a text one
    beside = blended_transform_factory(first.transAxes, first.transData)
    for y, label in zip(ys, rows["label"]):
        first.text(-0.1 / (inches * ratios[0] / sum(ratios)), y, label, transform=beside, ha="right", va="center",
                   fontsize=9, gid="row label")
    first.set_ylim(-0.7, n - 0.3)
    if rows.empty:
        axes[len(axes) // 2].text(0.5, 0.5, "No events of this kind in this period.", transform=axes[len(axes) // 2].transAxes,
                                  ha="center", va="center", fontsize=10)
    fig.suptitle(title, fontsize=11, y=1 - 0.08 / height, va="top")
    kinds = [k for k in TIMELINE_KINDS if k in drawn]  # what was drawn, never more
    if kinds:
        fig.legend(handles=[_legend_handle(k) for k in kinds], loc="lower center", bbox_to_anchor=(0.5, 0.04 / height), ncols=2,
                   fontsize=8, frameon=False)
    fig.rows, fig.kinds = rows, tuple(kinds)
    fig.title_text = title.replace("\n", " ")
    # read by resetlab._display for the <img alt="..."> of a notebook output
    fig.alt_text = (f"{fig.title_text}: {len(rows)} event{'s' if len(rows) != 1 else ''} in rows, oldest at the top. "
                    "The figure summary beside it lists every event with its dates.")
    fig.summary = _summary(events, rows, panels, meetings, show, start, end)
    return fig


def _cleared(fig):
    """*fig* with everything ``timeline_figure`` draws removed (its axes, frames and title stay)."""
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.texts]:
            artist.remove()
        ax.containers.clear()  # barh's BarContainers, which would otherwise keep the removed bars
    for legend in list(fig.legends):
        legend.remove()
    return fig


@lru_cache(maxsize=1)
def _figure_class():
    """A matplotlib ``Figure`` that shows itself as an SVG picture in IPython without pyplot.

    A figure made outside pyplot has no inline display of its own unless
    pyplot was imported first; ``_repr_svg_`` gives it one, and keeping it out
    of pyplot means a cell never shows the same figure twice.  SVG, with the
    words left as text for the browser to draw, costs about half what a PNG
    does to make (no glyphs rasterised in Python, no image compressed; see
    ``resetlab._svg``), is a fifth of the bytes, and stays sharp at 200 %
    zoom.  Its text form is the title, so a view with no images still says
    what the figure is.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    class TimelineFigure(Figure):
        def _repr_svg_(self) -> str:
            from ._svg import figure_svg

            return figure_svg(self)

        def to_png(self, dpi: int = 90) -> bytes:
            """The same picture as PNG bytes, for a file to look at or to paste elsewhere."""
            buffer = io.BytesIO()
            # unhinted text draws a quarter faster in Agg and reads the same at this size
            with rc_context({"text.hinting": "no_hinting"}):
                self.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
            return buffer.getvalue()

        def __repr__(self) -> str:
            return f"<{getattr(self, 'title_text', 'Timeline')} (figure; its summary is printed beside it)>"

    return TimelineFigure


def timeline_summary(events: pd.DataFrame, show: str = "all", start: str | None = RESET_WINDOW[0],
                     end: str | None = RESET_WINDOW[1]) -> str:
    """Describe in words what :func:`timeline_figure` draws, event by event.

    The text starts with "Figure summary:" (the course's convention for the
    text that accompanies every figure) and gives the same information as the
    figure: the filter, the period, the meetings, and each event's dates,
    label and origin.
    """
    rows = timeline_rows(events, show, start, end)
    panels = timeline_panels(events, start, end)
    meetings = [m for m in _meetings(events).itertuples(index=False) if any(a <= m.start <= b for a, b in panels)]
    return _summary(events, rows, panels, meetings, show, start, end)


def _summary(events, rows, panels, meetings, show, start, end) -> str:
    n_in = int((rows["origin"] == "in source").sum())
    lines = [
        f"Figure summary: a timeline of {len(rows)} events ({period_text(events, start, end)}, filter {show!r}: "
        f"{_FILTER_WORDS[show]}), one row per event, oldest first: {n_in} mentioned in a source (filled circles, "
        f"or bars for several days) and {len(rows) - n_in} outside context the course adds (open squares, labelled OUTSIDE)."
    ]
    if meetings:
        said = "; ".join(f"{m.label}, {date_span_text(m.start, m.start)} (source {m.meeting_of})" for m in meetings)
        lines.append(f"Dashed lines mark the meetings the sources report: {said}.")
    gaps = _gaps(panels)
    if gaps:
        left_out = " and ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in gaps)
        lines.append(f"The years {left_out} hold no events and are left out of the drawing.")
    if rows.empty:
        lines.append("No events of this kind fall in this period.")
    for row in rows.itertuples(index=False):
        when = f"{row.start:%Y-%m-%d}" + (f" to {row.end:%Y-%m-%d}" if row.end > row.start else "")
        where = f"mentioned in source {row.mentioned_in}" if row.mentioned_in else "OUTSIDE the sources"
        if row.mentioned_in and row.date_basis in _BASIS_WORDS:  # "in source" says the source mentions it, not that it gives the day
            where += f"; {_BASIS_WORDS[row.date_basis]}"
        days = f", {(row.end - row.start).days + 1} days" if row.end > row.start else ""
        meeting = f", the meeting source {row.meeting_of} reports" if row.meeting_of else ""
        lines.append(f"- {when}: {row.event_id} ({where}{meeting}): {row.name}{days}")
    return "\n".join(lines)
