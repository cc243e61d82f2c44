"""Tests for resetlab.timeline: the events table keeps sources and outside context apart."""

import pytest

from resetlab import DataError, load_events, load_statements


def test_events_sorted_and_marked_by_origin():
    """Events come sorted by date with an origin of 'in source' or 'outside'."""
    events = load_events()
    assert events["start"].tolist() == sorted(events["start"])
    assert set(events["origin"]) == {"in source", "outside"}
    outside = set(events.loc[events["origin"] == "outside", "event_id"])
    assert {"reset-button-geneva-2009", "new-start-signed-2010", "nato-enlargement-2009"} <= outside


def test_every_event_names_a_kind_of_record():
    """Each event says which kind of public record confirms it."""
    assert load_events()["confirmed_by"].str.len().gt(0).all()


def test_bucharest_note_flags_the_28_members_slip():
    """The timeline records that NATO had 26 members at Bucharest, against source 000's 28."""
    row = load_events().set_index("event_id").loc["nato-bucharest-2008"]
    assert "26" in row["event"] and "28" in row["source_note"] and row["mentioned_in"] == "000"


def test_every_statement_event_is_on_the_timeline():
    """Statements point at events that exist, and on the event's start date or in its span."""
    events = load_events().set_index("event_id")
    for row in load_statements().itertuples():
        assert row.event in events.index, row.statement_id
        assert events.at[row.event, "start"] <= row.date <= events.at[row.event, "end"]


def test_end_before_start_is_refused(data_copy):
    """An event that ends before it starts is reported with its row."""
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8").replace("obama-moscow-2009,2009-07-06,2009-07-08", "obama-moscow-2009,2009-07-06,2009-07-01")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"events\.csv, row \d+ \(line \d+\), column 'end': expected an end date on or after the start 2009-07-06 \(got 2009-07-01\)"):
        load_events(data_copy)


def test_repeated_event_id_is_refused(data_copy):
    """Two events with one id are reported."""
    path = data_copy / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("sochi-2008,", "g8-toyako-2008,"), encoding="utf-8")
    with pytest.raises(DataError, match="expected each id once"):
        load_events(data_copy)


# --------------------------------------------------------------------------- labels, meetings and their checks

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.dates import date2num, num2date  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import resetlab  # noqa: E402
from resetlab import UsageError, compare, timeline  # noqa: E402
from resetlab.data import load_all  # noqa: E402
from resetlab.timeline import (  # noqa: E402
    OKABE_ITO,
    RESET_WINDOW,
    TIMELINE_FILTERS,
    TIMELINE_KINDS,
    date_ticks,
    timeline_figure,
    timeline_panels,
    timeline_rows,
    timeline_summary,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PERIODS = {"reset": RESET_WINDOW, "every-year": (None, None)}
CASES = [(show, name) for show in TIMELINE_FILTERS for name in PERIODS]


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_labels_are_human_words_from_the_label_column():
    """Figure rows are labelled with events.csv's words and dates, not ids with the hyphens taken out."""
    events = load_events()
    rows = timeline_rows(events, "all", None, None)
    by_id = events.set_index("event_id")["label"]
    for row in rows.itertuples(index=False):
        assert row.name == by_id[row.event_id]
        assert row.label.startswith(f"{row.name}, ") and row.name[0].isupper()
    bucharest = rows.set_index("event_id").loc["nato-bucharest-2008", "label"]
    assert bucharest == "NATO summit, Bucharest, 2–4 Apr 2008 [000]"


@pytest.mark.parametrize(("old", "new", "words"), [
    ("2008-04-04,NATO summit, Bucharest", "2008-04-04,", "column 'label': expected a value"),
    ('"NATO summit, Bucharest"', '"Bush, Putin and Medvedev at Sochi"', "expected each label once"),
    ('"NATO summit, Bucharest"', '"NATO summit of 2008 in Bucharest, Romania"', "at most 34 characters"),
])
def test_a_missing_repeated_or_long_label_is_one_sentence(data_copy, old, new, words):
    """events.csv's labels must be there, tell events apart and fit the figure."""
    path = data_copy / "events.csv"
    if old.startswith("2008-04-04"):
        old, new = '2008-04-04,"NATO summit, Bucharest",', "2008-04-04,,"
    _replace(path, old, new)
    with pytest.raises(DataError, match=re.escape(words)):
        load_events(data_copy)


def test_meetings_are_checked_against_the_sources(data_copy):
    """Each source's meeting is marked once in 'meeting_of', by a row the source mentions, on the source's date."""
    assert set(load_events().query("meeting_of != ''")["event_id"]) == {"g8-toyako-2008", "london-2009"}
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    london = next(i for i, l in enumerate(lines) if l.startswith("london-2009,"))
    lines[london] = lines[london].rstrip("\n").removesuffix(",003") + ",\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"expected one event marked 003, the meeting source 003 reports \(got none\)"):
        load_all(data_copy)
    lines[london] = lines[london].rstrip("\n") + "000\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"column 'meeting_of': the meeting source 000 reports must be mentioned in it"):
        load_events(data_copy)


# --------------------------------------------------------------------------- the figure


def _drawn(fig) -> tuple[str, ...]:
    """The kinds of mark really on the axes (from each artist's gid), in legend order."""
    gids = {a.get_gid() for ax in fig.axes for a in [*ax.lines, *ax.patches] if a.get_gid()}
    found = {g.split(":", 1)[1] for g in gids if ":" in g} | ({"meeting line"} & gids)
    return tuple(k for k in TIMELINE_KINDS if k in found)


def _tick_labels(ax):
    """The date labels under one panel (texts the course draws in place of matplotlib's ticks)."""
    return [t for t in ax.texts if t.get_gid() == "tick label"]


def _drawn_figure(show, period):
    fig = timeline_figure(load_events(), show, *period)
    FigureCanvasAgg(fig).draw()
    return fig


def test_the_old_names_still_work_from_compare_and_the_package():
    """The figure code moved to timeline.py; compare and resetlab still give the same functions."""
    for name in ("timeline_rows", "timeline_figure", "timeline_summary", "TIMELINE_STYLE", "OKABE_ITO", "RESET_WINDOW"):
        assert getattr(compare, name) is getattr(timeline, name)
    for name in ("timeline_rows", "timeline_figure", "timeline_summary"):
        assert getattr(resetlab, name) is getattr(timeline, name)


def test_rows_filter_by_source_and_mark_outside():
    """Filters keep the right events; every outside label says OUTSIDE; the meetings are diamonds."""
    events = load_events()
    outside = timeline_rows(events, "outside", None, None)
    assert set(outside["origin"]) == {"outside"} and all("OUTSIDE" in l for l in outside["label"])
    only_000 = timeline_rows(events, "000", None, None)
    assert set(only_000["mentioned_in"]) == {"000"}
    assert dict(zip(only_000["event_id"], only_000["marker"]))["g8-toyako-2008"] == "D"
    assert set(only_000.loc[only_000["meeting_of"] == "", "marker"]) == {"o"}
    window = timeline_rows(events, "all", "2008-08-01", "2008-08-31")
    assert list(window["event_id"]) == ["georgia-war-2008"]
    with pytest.raises(UsageError, match="choose one of 'all'"):
        timeline_rows(events, "004")
    with pytest.raises(UsageError, match="should be a date like '2009-04-01'"):
        timeline_rows(events, "all", "the spring")


@pytest.mark.parametrize(("show", "period"), CASES)
def test_axis_spans_exactly_the_chosen_period(show, period):
    """The x axis runs from the period's first day to the end of its last, whatever the filter keeps."""
    fig = timeline_figure(load_events(), show, *PERIODS[period])
    lows = [num2date(ax.get_xlim()[0]).date().isoformat() for ax in fig.axes]
    highs = [num2date(ax.get_xlim()[1]).date().isoformat() for ax in fig.axes]
    if period == "reset":
        assert (lows, highs) == (["2008-04-01"], ["2009-08-01"])  # 31 July drawn whole
    else:
        assert lows == ["2001-01-01", "2008-01-01", "2024-01-01"]
        assert highs == ["2003-01-01", "2012-01-01", "2027-01-01"]


def test_a_custom_period_sets_the_axis_and_an_empty_one_says_so():
    """Any start and end set the axis; a filter with nothing in the period says so in the figure and the summary."""
    events = load_events()
    fig = timeline_figure(events, "000", "2010-01-01", "2010-12-31")
    assert fig.axes[0].get_xlim() == (date2num(pd.Timestamp("2010-01-01")), date2num(pd.Timestamp("2011-01-01")))
    assert len(fig.rows) == 0 and any("No events" in t.get_text() for t in fig.axes[0].texts)
    assert "No events of this kind fall in this period." in fig.summary
    with pytest.raises(UsageError, match="comes before its start"):
        timeline_figure(events, "all", "2009-01-01", "2008-01-01")


@pytest.mark.parametrize(("show", "period"), CASES)
def test_ticks_are_unique_inside_the_period_and_do_not_overlap(show, period):
    """Every tick label is different, sits inside its panel and clears its neighbours."""
    fig = _drawn_figure(show, PERIODS[period])
    labels = []
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        texts = _tick_labels(ax)
        assert all(lo <= t.get_position()[0] <= hi for t in texts) and all(t.get_text() for t in texts)
        labels += [t.get_text() for t in texts]
        boxes = [t.get_window_extent() for t in texts]
        for left, right in zip(boxes, boxes[1:]):
            assert left.x1 + 4 < right.x0, (left, right)
        assert len(texts) >= 2
    assert len(labels) == len(set(labels)), labels


def test_date_ticks_choose_a_readable_step():
    """A month gets days, the reset window quarters, decades years; never a repeated label."""
    assert [l for _, l in date_ticks("2008-04-01", "2009-07-31")][:3] == ["Apr 2008", "Jul 2008", "Oct 2008"]
    assert [l for _, l in date_ticks("2001-01-01", "2026-12-31", most=6)] == ["2005", "2010", "2015", "2020", "2025"]
    days = [l for _, l in date_ticks("2008-08-01", "2008-08-31", inches=4)]
    assert days[0] == "1 Aug 2008" and len(days) == len(set(days)) <= 4


@pytest.mark.parametrize(("show", "period"), CASES)
def test_title_names_the_filter_and_the_period(show, period):
    """The title says which events and which period, in words."""
    fig = timeline_figure(load_events(), show, *PERIODS[period])
    title = fig._suptitle.get_text()
    assert ("1 April 2008 to 31 July 2009" in title) if period == "reset" else ("2001 to 2026" in title)
    assert {"all": "all events", "000": "source 000", "003": "source 003", "outside": "OUTSIDE context"}[show] in title


@pytest.mark.parametrize(("show", "period"), CASES)
def test_legend_lists_what_is_drawn_and_covers_no_data(show, period):
    """Legend entries are exactly the kinds of mark drawn, and the legend lies outside every panel."""
    fig = _drawn_figure(show, PERIODS[period])
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [TIMELINE_KINDS[k] for k in _drawn(fig)]
    assert fig.kinds == _drawn(fig)
    box = legend.get_window_extent()
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent())
        assert all(not box.overlaps(t.get_window_extent()) for t in _tick_labels(ax))


def test_ranged_events_are_bars_from_first_to_last_day():
    """Bucharest (2-4 April 2008) and the Georgia war (7-12 August 2008) are bars 3 and 6 days wide, not points."""
    fig = timeline_figure(load_events())
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and (p.get_gid() or "").startswith("span:")]
    spans = sorted((num2date(b.get_x()).date().isoformat(), round(b.get_width())) for b in bars)
    assert ("2008-04-02", 3) in spans and ("2008-08-07", 6) in spans and ("2009-07-06", 3) in spans
    rows = fig.rows.set_index("event_id")
    assert rows.loc["georgia-war-2008", "kind"] == "in source, days"
    assert "Russia-Georgia war, 7–12 Aug 2008" in rows.loc["georgia-war-2008", "label"]


@pytest.mark.parametrize("show", TIMELINE_FILTERS)
def test_the_two_meetings_are_marked_and_labelled(show):
    """A dashed line at 7 July 2008 and at 1 April 2009, labelled at the top, on every filter; diamonds where their rows are drawn."""
    fig = timeline_figure(load_events(), show)
    ax = fig.axes[0]
    lines = sorted(num2date(l.get_xdata()[0]).date().isoformat() for l in ax.lines if l.get_gid() == "meeting line")
    assert lines == ["2008-07-07", "2009-04-01"]
    tops = {t.get_text().strip() for t in ax.texts if t.get_gid() != "row label"}
    assert {"G8 Toyako (000)", "London (003)"} <= tops
    diamonds = [l for l in ax.lines if l.get_gid() == "mark:meeting"]
    at = sorted(num2date(x).date().isoformat() for l in diamonds for x in l.get_xdata())
    assert at == {"all": ["2008-07-07", "2009-04-01"], "000": ["2008-07-07"], "003": ["2009-04-01"], "outside": []}[show]
    assert all(l.get_marker() == "D" and l.get_color() == OKABE_ITO["black"] for l in diamonds)
    assert "Dashed lines mark the meetings the sources report" in fig.summary


def test_shapes_and_okabe_ito_colours_tell_kinds_apart():
    """In-source and outside events, spans and meetings differ in shape, and every colour is Okabe-Ito."""
    fig = timeline_figure(load_events(), "all", None, None)
    marks = [l for ax in fig.axes for l in ax.lines if (l.get_gid() or "").startswith("mark:")]
    assert {l.get_marker() for l in marks} == {"o", "s", "D"}
    colours = {l.get_color() for ax in fig.axes for l in ax.lines} | {
        p.get_edgecolor() and "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in p.get_edgecolor()[:3]))
        for ax in fig.axes for p in ax.patches}
    assert colours <= set(OKABE_ITO.values())
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "row label"]
    assert labels == list(fig.rows["label"]) and len(labels) == len(load_events()) and sum("OUTSIDE" in l for l in labels) == 9


def test_every_year_is_drawn_in_panels_that_leave_out_the_empty_years():
    """2001-2026 is three panels (2001-2002, 2008-2011, 2024-2026), the reset years the widest, and both texts say so."""
    events = load_events()
    assert [(a.year, b.year) for a, b in timeline_panels(events, None, None)] == [(2001, 2002), (2008, 2011), (2024, 2026)]
    fig = _drawn_figure("all", (None, None))
    widths = [ax.get_window_extent().width for ax in fig.axes]
    assert widths[1] == max(widths) and widths[1] > 0.45 * sum(widths)
    assert "2003-2007 and 2012-2023" in fig._suptitle.get_text()
    assert "The years 2003-2007 and 2012-2023 hold no events" in fig.summary
    assert timeline_panels(events) == [(pd.Timestamp(RESET_WINDOW[0]), pd.Timestamp(RESET_WINDOW[1]))]


def test_summary_says_what_the_figure_draws():
    """The summary starts 'Figure summary:', names the filter and period, and lists each event with its label and origin."""
    events = load_events()
    text = timeline_summary(events)
    rows = timeline_rows(events, "all", *RESET_WINDOW)
    assert text.startswith("Figure summary: a timeline of 13 events (1 April 2008 to 31 July 2009, filter 'all'")
    for row in rows.itertuples(index=False):
        assert f"{row.event_id} (" in text and row.name in text
    assert "reset-button-geneva-2009 (OUTSIDE the sources): Reset button, Geneva" in text
    assert "- 2008-08-07 to 2008-08-12: georgia-war-2008 (mentioned in source 003; the day from outside records): Russia-Georgia war, 6 days" in text
    assert timeline_figure(events).summary == text


def test_the_explorer_shows_the_lessons_figure_and_summary():
    """The explorer's rows, summary and alt text are what timeline_figure and timeline_summary give for its choice."""
    from resetlab import TimelineExplorer

    explorer = TimelineExplorer()
    for show in TIMELINE_FILTERS:
        for period in PERIODS.values():
            explorer.filter.value, explorer.period.value = show, period
            assert explorer.fallback() == timeline_summary(load_events(), show, *period)
            assert list(explorer.rows["event_id"]) == list(timeline_rows(load_events(), show, *period)["event_id"])
            assert explorer.fallback() in explorer.summary.value.replace("&quot;", '"').replace("&#x27;", "'")


def test_lesson_5_task_on_outside_events_works_as_written():
    """Lesson 5 asks for the outside events after April 2009: it names both menu choices, and those choices show them."""
    import json

    lesson = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "05-context-and-timeline.ipynb").read_text(encoding="utf-8"))
    task = next("".join(c["source"]) for c in lesson["cells"] if "Most outside events come after April 2009" in "".join(c["source"]))
    assert '"outside the sources"' in task and '"every year' in task
    rows = timeline_rows(load_events(), "outside", None, None)
    after = rows[rows["start"] > "2009-04-30"]
    assert {"phased-adaptive-2009", "new-start-signed-2010", "new-start-in-force-2011", "new-start-expires-2026"} <= set(after["event_id"])


@pytest.mark.parametrize(("show", "period"), CASES)
def test_every_filter_and_period_renders_a_png(show, period):
    """Each view renders; the PNG is saved as tests/artifacts/timeline-<filter>-<period>.png (git-ignored) to look at."""
    png = timeline_figure(load_events(), show, *PERIODS[period]).to_png()
    assert png.startswith(b"\x89PNG")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"timeline-{show}-{period}.png").write_bytes(png)


def _svg_texts(svg: str) -> set[str]:
    """The words of every <text> in an SVG, read by an XML parser (so the file must parse)."""
    import xml.etree.ElementTree as ET

    return {"".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}


@pytest.mark.parametrize(("show", "period"), CASES)
def test_the_picture_is_an_svg_whose_words_stay_text_and_is_the_same_every_run(show, period):
    """The SVG parses, holds the title and every row label as text (sharp at 200 % zoom, found by the browser's search) and no date."""
    fig = timeline_figure(load_events(), show, *PERIODS[period])
    svg = fig._repr_svg_()
    texts = _svg_texts(svg)
    assert set(fig.rows["label"]) <= texts and fig._suptitle.get_text().splitlines()[0] in texts
    assert "<image" not in svg and "<dc:date>" not in svg and "font-family: 'DejaVu Sans'" in svg
    assert timeline_figure(load_events(), show, *PERIODS[period])._repr_svg_() == svg  # nbval compares it
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"timeline-{show}-{period}.svg").write_text(svg, encoding="utf-8")


def test_markup_in_a_label_is_text_in_the_svg(data_copy):
    """A label holding markup is escaped in the SVG: it parses and reads back as the same characters."""
    _replace(data_copy / "events.csv", ',"Bush, Putin and Medvedev at Sochi",', ",\"<b>Sochi</b> & '<img src=x>'\",")
    events = load_events(data_copy)
    svg = timeline_figure(events)._repr_svg_()
    assert any(t.startswith("<b>Sochi</b> & '<img src=x>'") for t in _svg_texts(svg)) and "<b>" not in svg


def test_row_labels_fit_even_if_the_browser_font_is_wider():
    """The browser draws the SVG's words in its own font: the widest label still fits with 8 % more width."""
    fig = _drawn_figure("all", (None, None))
    renderer = fig.canvas.get_renderer()
    for label in (t for t in fig.axes[0].texts if t.get_gid() == "row label"):
        box = label.get_window_extent(renderer)
        assert box.x0 - 0.08 * box.width >= 0, label.get_text()


def test_every_event_says_how_its_day_is_known():
    """Stated or inferred days need the source that mentions them; page furniture and a borrowed phrase are not 'in source'."""
    events = load_events().set_index("event_id")
    assert set(events["date_basis"]) == {"stated", "inferred", "outside"}
    assert (events["date_evidence"].str.len() > 20).all()
    assert (events.loc[events["date_basis"] != "outside", "mentioned_in"] != "").all()
    assert events.loc["g8-toyako-2008", "date_basis"] == "stated" and events.loc["london-2009", "date_basis"] == "inferred"
    for eid in ("biden-munich-2009", "rferl-undesirable-2024", "rferl-register-2024"):
        assert events.loc[eid, "origin"] == "outside", eid
    in_source_days_from_outside = events[(events["origin"] == "in source") & (events["date_basis"] == "outside")]
    assert len(in_source_days_from_outside) >= 8
    summary = timeline_summary(load_events(), "all", None, None)
    assert "g8-toyako-2008 (mentioned in source 000; the day stated there" in summary
    assert "georgia-war-2008 (mentioned in source 003; the day from outside records)" in summary


def test_a_stated_day_without_its_source_is_refused(data_copy):
    text = (data_copy / "events.csv").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("reset-button-geneva-2009,"))
    (data_copy / "events.csv").write_text(text.replace(row, row.replace(",outside,", ",stated,", 1)), encoding="utf-8")
    with pytest.raises(DataError, match=r"events\.csv, row \d+ \(line \d+\), column 'date_basis': a day stated in a source needs that source"):
        load_events(data_copy)


def test_the_svg_is_what_savefig_writes_and_measuring_once_changes_nothing():
    """resetlab._svg remembers text widths between redraws; its file is savefig's, byte for byte, before and after."""
    import io

    from matplotlib import rc_context

    from resetlab import _svg

    fig = timeline_figure(load_events(), "all", None, None)
    _svg._measure.cache_clear()
    first = fig._repr_svg_()
    misses = _svg._measure.cache_info().misses
    again = fig._repr_svg_()
    assert _svg._measure.cache_info().misses == misses, "the second drawing measured its words again"
    buffer = io.BytesIO()
    with rc_context(_svg.SVG_RC):
        fig.savefig(buffer, format="svg", metadata=_svg.SVG_METADATA)
    assert first == again == buffer.getvalue().decode("utf-8")
    assert fig.dpi == 100  # the figure is left as it was found


def test_drawing_again_on_a_used_figure_gives_the_picture_a_new_one_gives():
    """The explorer redraws on its last figure: after any other view, each view's SVG is the fresh figure's, byte for byte."""
    events = load_events()
    used = {name: timeline_figure(events, "outside", *period) for name, period in PERIODS.items()}
    for show, name in [*CASES, *reversed(CASES)]:
        again = timeline_figure(events, show, *PERIODS[name], figure=used[name])
        assert again is used[name], "the figure with the same panels is drawn on again"
        assert again._repr_svg_() == timeline_figure(events, show, *PERIODS[name])._repr_svg_(), (show, name)
        assert list(again.rows["event_id"]) == list(timeline_rows(events, show, *PERIODS[name])["event_id"])
    other = timeline_figure(events, "all", None, None, figure=used["reset"])
    assert other is not used["reset"] and len(other.axes) == 3, "a figure with other panels is not reused"
