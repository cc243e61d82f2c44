"""Tests for resetlab.widgets: controls, callbacks, escaping and fallbacks, without a browser."""

from __future__ import annotations

import base64
import re

import ipywidgets as w
import pytest

from resetlab import Comparer, Concordance, TimelineExplorer, compare, load_statements

HOSTILE = 'We <script>alert("x")</script> <img src=x onerror=alert(1)> work together'


@pytest.fixture(scope="module")
def statements():
    return load_statements()


def hostile(statements):
    frame = statements.copy()
    frame.loc[frame["statement_id"] == "000-09", "quote"] = HOSTILE
    return frame


def all_controls(widget):
    """Every descendant widget of a composite."""
    found, todo = [], [widget]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(getattr(current, "children", ()))
    return found


def classes(widget):
    return {c for child in all_controls(widget) for c in child._dom_classes}


def test_comparer_has_the_css_classes_browser_tests_select_on():
    """Root, six dropdowns and two panes carry their rl-… classes."""
    comparer = Comparer()
    expected = {"rl-comparer", "rl-left-quotes", "rl-right-quotes"} | {
        f"rl-{side}-{key}" for side in ("left", "right") for key in ("speaker", "event", "topic")}
    assert expected <= classes(comparer)
    assert isinstance(comparer.left_quotes, w.HTML)


def test_every_control_has_a_label():
    """Every Dropdown and Text in the three widgets has a non-empty description."""
    for widget in (Comparer(), Concordance(), TimelineExplorer()):
        controls = [c for c in all_controls(widget) if isinstance(c, (w.Dropdown, w.Text))]
        assert controls and all(c.description.strip() for c in controls)


def test_comparer_update_follows_the_dropdowns(statements):
    """Changing a dropdown re-filters that pane and recomputes the shared words."""
    comparer = Comparer(statements, left={"speaker": "Medvedev", "event": "g8-toyako-2008"},
                        right={"speaker": "Medvedev", "event": "london-2009"})
    assert list(comparer.panes["left"]["statement_id"]) == ["000-06", "000-07", "000-08"]
    assert "000-06" in comparer.left_quotes.value and "003-04" in comparer.right_quotes.value
    comparer.left_topic.value = "iran"
    assert list(comparer.panes["left"]["statement_id"]) == ["000-06"]
    assert "000-07" not in comparer.left_quotes.value
    comparer.right_speaker.value = "Obama"
    comparer.right_event.value = None
    assert set(comparer.panes["right"]["speaker"]) == {"Obama"}
    assert comparer.right_event.label == "any meeting"  # None shows as "any", never a blank menu
    assert repr(comparer) == f"Comparer(1 statements left, 3 right, {len(comparer.shared)} shared words)"


def test_comparer_marks_shared_words_with_mark_and_text(statements):
    """A word both panes use is in <mark> in each pane and listed in words above the quotes."""
    comparer = Comparer(statements, left={"speaker": "Bush", "event": "g8-toyako-2008"},
                        right={"speaker": "Obama"})
    assert "work" in comparer.shared
    for pane in (comparer.left_quotes.value, comparer.right_quotes.value):
        assert "<mark><b>work</b></mark>" in pane
        assert "shown in bold): " in pane and "work" in pane.split("shown in bold): ")[1].split("</p>")[0]


def test_comparer_escapes_script_and_img_in_quotes(statements):
    """Injected <script> and <img onerror> come out as text in the pane HTML and the fallback."""
    comparer = Comparer(hostile(statements), left={"speaker": "Bush", "event": "g8-toyako-2008"})
    pane = comparer.left_quotes.value
    assert "<script" not in pane and "<img" not in pane
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pane
    assert "&lt;img src=x onerror=alert(1)&gt;" in pane
    assert '<script>alert("x")</script>' in comparer.fallback()  # plain text is shown as text


def test_comparer_fallback_is_plain_text_with_ids(statements):
    """The fallback holds both panes' statement ids and marks shared words *like this*."""
    comparer = Comparer(statements)
    text = comparer.fallback()
    assert "<" not in text.replace("<b>", "")  # no markup added by the widget
    assert "000-05" in text and "003-01" in text and "*believe*" in text


def test_comparer_empty_pane_says_so(statements):
    """A combination with no statements shows a sentence, not an empty box."""
    comparer = Comparer(statements, left={"speaker": "Bush", "event": "london-2009"})
    assert comparer.panes["left"].empty and "No statement matches" in comparer.left_quotes.value


def test_concordance_search_updates_counts_and_results(statements):
    """Typing a phrase updates results and per-source, per-speaker counts."""
    conc = Concordance(statements, query="common ground")
    assert {"rl-concordance", "rl-concordance-query", "rl-concordance-results", "rl-concordance-counts"} <= classes(conc)
    assert len(conc.hits) == 2 and "Yevgeny Volk" in conc.counts.value
    conc.query.value = "missile defense"
    assert set(conc.hits["source_id"]) == {"000", "003"}
    assert conc.results.value.count("<mark>") == len(conc.hits)
    assert repr(conc) == f"Concordance('missile defense': {len(conc.hits)} matches)"


def test_concordance_empty_query_shows_a_sentence(statements):
    """An empty box shows what to do instead of raising."""
    conc = Concordance(statements, query="")
    assert conc.hits.empty and "Type a word or phrase" in conc.counts.value
    assert conc.fallback().startswith("Type a word or phrase")


def test_concordance_escapes_hostile_quote_text(statements):
    """A hostile query is escaped in the counts line and results."""
    conc = Concordance(statements, query="<img src=x onerror=alert(1)>")
    assert "<img" not in conc.counts.value + conc.results.value


def test_concordance_exact_checkbox_switches_between_forms_and_whole_words(statements):
    """The labelled checkbox turns exact-word matching on and off, and the counts name the forms found."""
    conc = Concordance(statements, query="trust")
    (exact,) = [c for c in all_controls(conc) if isinstance(c, w.Checkbox)]
    assert exact is conc.exact and exact.value is False and "rl-concordance-exact" in exact._dom_classes
    assert exact.description.strip() and not exact.indent
    assert len(conc.hits) == 3 and "in 3 word forms: distrust (1), mistrust (1), trusting (1)" in conc.counts.value
    assert "<mark><b>distrust</b></mark>" in conc.results.value and "[trusting]" in conc.fallback()
    exact.value = True
    assert conc.hits.empty and "0 matches for" in conc.counts.value and "whole words only" in conc.counts.value
    exact.value = False
    assert len(conc.hits) == 3
    assert Concordance(statements, query="trust", exact=True).hits.empty


def test_concordance_echo_is_short_escaped_and_isolated(statements):
    """A 10,000-character query is echoed in 60 characters or fewer, escaped, inside <bdi>."""
    long_query = "\u202e<b>" + "x" * 10_000
    conc = Concordance(statements, query=long_query)
    (echo,) = re.findall(r"<bdi>(.*?)</bdi>", conc.counts.value)
    assert echo.startswith("\u202e&lt;b&gt;x") and echo.endswith("…") and len(echo) < 80
    assert "x" * 100 not in conc.counts.value + conc.fallback() + repr(conc)
    assert len(repr(conc)) < 110
    conc.query.value = "together"
    assert "“<bdi>together</bdi>”" in conc.counts.value


def test_timeline_explorer_filters_and_draws(statements):
    """The filter changes the events, the picture and the text summary together."""
    explorer = TimelineExplorer()
    assert {"rl-timeline", "rl-timeline-filter", "rl-timeline-figure"} <= classes(explorer)
    all_rows = len(explorer.rows)
    explorer.filter.value = "outside"
    assert 0 < len(explorer.rows) < all_rows and set(explorer.rows["origin"]) == {"outside"}
    (output,) = explorer.figure.outputs
    assert "OUTSIDE" in output["data"]["image/svg+xml"] and "<svg" in output["data"]["image/svg+xml"]
    assert explorer.fallback().startswith("Figure summary:") and "OUTSIDE" in explorer.summary.value
    explorer.period.value = (None, None)
    assert "new-start-expires-2026" in explorer.fallback()
    assert repr(explorer) == f"TimelineExplorer('outside': {len(explorer.rows)} events)"


def test_a_redraw_draws_on_the_periods_figure_again_and_keeps_its_axes():
    """Each change redraws on the figure last drawn for that period (new axes cost a fifth of a redraw); the picture follows the menu."""
    explorer = TimelineExplorer()
    explorer.period.value = (None, None)
    figure = explorer._figures[(None, None)]
    axes = list(figure.axes)
    pictures = set()
    for value in ("000", "003", "outside", "all"):
        explorer.filter.value = value
        assert explorer._figures[(None, None)] is figure and figure.axes == axes and len(figure.legends) == 1
        pictures.add(explorer.svg)
    assert len(pictures) == 4, "each filter draws its own picture"
    explorer.period.value = compare.RESET_WINDOW
    assert len(explorer._figures[compare.RESET_WINDOW].axes) == 1 and set(explorer._figures) == {compare.RESET_WINDOW, (None, None)}


def test_widgets_show_themselves_with_stable_text():
    """The text/plain part of each widget's display is short and has no memory address."""
    for widget in (Comparer(), Concordance(), TimelineExplorer()):
        bundle = widget._repr_mimebundle_()
        assert " at 0x" not in bundle["text/plain"] and len(bundle["text/plain"]) < 110


def test_a_learners_own_table_with_missing_columns_or_bad_choices_is_one_sentence(statements):
    """Wrong tables and initial choices raise UsageError (a sentence in a notebook), never KeyError or TraitError."""
    from resetlab import UsageError, load_events

    cases = [
        (lambda: Comparer(statements.drop(columns=["topics"])), "needs the column(s) 'topics'"),
        (lambda: Comparer([1, 2]), "as a pandas DataFrame (got list)"),
        (lambda: Comparer(statements, left={"speaker": "Nobody"}), "There is no speaker 'Nobody'"),
        (lambda: Comparer(statements, right={"spaeker": "Bush"}), "the keys are"),
        (lambda: Comparer(statements, left="Bush"), "should be a dict"),
        (lambda: Concordance(statements.drop(columns=["speaker"])), "needs the column(s) 'speaker'"),
        (lambda: Concordance(statements, query=5), "as text (got int)"),
        (lambda: Concordance(statements, exact="no"), "exact should be True or False"),
        (lambda: TimelineExplorer(load_events().drop(columns=["origin"])), "needs the column(s) 'origin'"),
        (lambda: TimelineExplorer(show="bogus"), "Cannot show 'bogus'"),
    ]
    for make, words in cases:
        with pytest.raises(UsageError, match=re.escape(words)):
            make()


def test_blank_cells_in_a_learners_table_do_not_break_the_comparer(statements):
    """A table read with blank cells (NaN speaker or quote) still builds menus and panes."""
    frame = statements.copy()
    frame.loc[frame.index[0], "speaker"] = float("nan")
    frame.loc[frame.index[1], "quote"] = float("nan")
    frame["speaker"] = frame["speaker"].astype(object)
    frame.loc[frame.index[2], "speaker"] = 5  # mixed types: sorting must not raise
    comparer = Comparer(frame, left={}, right={})
    assert len(comparer.panes["left"]) == len(frame)
    any_option, *speakers = comparer.left_speaker.options
    assert any_option == ("any speaker", "") and "" not in [v for _, v in speakers]


def test_concordance_folds_typographic_quotes_in_the_query(statements):
    """The cleaned sources use straight apostrophes and hyphens, so Russia’s and U.S.–Russian find them."""
    assert len(Concordance(statements, query="Russia\u2019s").hits) == len(Concordance(statements, query="Russia's").hits) > 0
    assert len(Concordance(statements, query="U.S.\u2013Russian").hits) > 0


def test_any_choice_shows_its_label(statements):
    """A pane left open on "any" shows "any topic" in its menu, not an empty box."""
    comparer = Comparer(statements, left={"speaker": "Bush"}, right={"speaker": "Obama"})
    assert comparer.left_topic.label == "any topic" and comparer.left_topic.index == 0
    assert comparer.choices("left") == {"speaker": "Bush", "event": None, "topic": None}


def test_comparer_says_when_both_panes_show_the_same_statements(statements):
    """Same statements on both sides: a one-line note (widget and fallback); different ones: none."""
    comparer = Comparer(statements, left={"speaker": "Medvedev"}, right={"speaker": "Medvedev"})
    assert "Both panes show the same 5 statements" in comparer.note.value
    assert "Both panes show the same 5 statements" in comparer.fallback()
    comparer.left_event.value = "g8-toyako-2008"
    assert comparer.note.value == "" and "Both panes" not in comparer.fallback()
    assert "rl-comparer-note" in classes(comparer)


# ---------------------------------------------------------------- accessibility (issue 11, item 2)


def test_every_widget_carries_the_course_css_and_a_polite_live_region():
    """Each widget: the focus-ring CSS, and a role=status aria-live=polite region holding one sentence."""
    from resetlab.widgets import COURSE_CSS

    for widget in (Comparer(), Concordance(), TimelineExplorer()):
        assert "rl-course" in widget._dom_classes
        assert any(isinstance(c, w.HTML) and c.value == COURSE_CSS for c in widget.children)
        assert "outline: 2px solid" in COURSE_CSS
        live = widget.status.value
        assert 'role="status"' in live and 'aria-live="polite"' in live
        sentence = re.sub(r"<[^>]+>", "", live)
        assert sentence.endswith(".") and ". " not in sentence, sentence


def test_a_result_change_puts_one_new_sentence_in_the_live_region(statements):
    """Choosing Medvedev on the right: 'Right pane: 5 statements by Medvedev' (the count from the data)."""
    comparer = Comparer(statements)
    comparer.right_speaker.value = "Medvedev"
    n = int((statements["speaker"] == "Medvedev").sum())
    assert f"right pane: {n} statements by Medvedev;" in comparer.status.value
    conc = Concordance(statements, query="together")
    assert f"{len(conc.hits)} matches for “together”." in conc.status.value
    explorer = TimelineExplorer()
    explorer.filter.value = "outside"
    assert f"Timeline: {len(explorer.rows)} events shown, outside the sources," in explorer.status.value


def test_two_comparers_get_distinct_titles_and_control_names(statements):
    """Lesson 4's two Comparers: different headings and no two controls with the same description."""
    one = Comparer(statements, left={"speaker": "Bush", "event": "g8-toyako-2008"}, right={"speaker": "Obama", "event": "london-2009"})
    two = Comparer(statements, left={"speaker": "Obama", "event": "london-2009"}, right={"speaker": "Medvedev", "event": "london-2009"})
    assert one.title != two.title and one.title == "Comparing Bush (g8-toyako-2008) with Obama (london-2009)"
    names = [c.description for widget in (one, two) for c in all_controls(widget) if isinstance(c, w.Dropdown)]
    assert len(names) == 12 and len(set(names)) == 12
    assert all(c.description_allow_html for c in all_controls(one) if isinstance(c, w.Dropdown))
    hostile_title = Comparer(statements, title="<b>mine</b>")
    assert "&lt;b&gt;mine&lt;/b&gt;" in hostile_title.heading.value and "<b>mine" not in hostile_title.left_speaker.description


def test_comparer_headings_sit_one_level_under_its_title(statements):
    """The widget's title is an <h3> (under a lesson's ## section); each pane's heading an <h4> under it."""
    comparer = Comparer(statements)
    assert comparer.heading.value.startswith("<h3>")
    assert comparer.left_quotes.value.startswith("<h4>")


def test_the_timeline_figure_in_the_explorer_has_alt_text():
    """The explorer's picture is an <img alt=...> (JupyterLab gives image outputs none), the SVG kept beside it."""
    explorer = TimelineExplorer()
    data = explorer.figure.outputs[0]["data"]
    found = re.search(r'<img alt="[^"]{20,}" src="data:image/svg\+xml;base64,([^"]+)"', data["text/html"])
    assert found and base64.b64decode(found.group(1)).decode("utf-8") == data["image/svg+xml"] == explorer.svg
