"""Tests for resetlab.compare: panes, shared words, concordance, counts and timeline data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from support import DATA, REPO

from resetlab import UsageError, load_events, load_sources, load_statements
from resetlab import compare
from resetlab._text import content_words, mark_words, words


@pytest.fixture(scope="module")
def statements():
    return load_statements()


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.fixture(scope="module")
def events():
    return load_events()


def hostile(statements: pd.DataFrame) -> pd.DataFrame:
    """A copy of the statements whose first quote and speaker carry markup."""
    frame = statements.copy()
    frame.loc[0, "quote"] = 'trust <script>alert("x")</script> <img src=x onerror=alert(1)> trust'
    frame.loc[0, "speaker"] = "<b>Bush</b>"
    return frame


def test_pane_filters_by_speaker_event_and_topic(statements):
    """Each filter narrows the pane; None leaves it open."""
    medvedev = compare.pane_statements(statements, speaker="Medvedev")
    assert set(medvedev["speaker"]) == {"Medvedev"}
    assert set(medvedev["event"]) == {"g8-toyako-2008", "london-2009"}
    in_2008 = compare.pane_statements(statements, "Medvedev", "g8-toyako-2008")
    assert list(in_2008["statement_id"]) == ["000-06", "000-07", "000-08"]
    georgia = compare.pane_statements(statements, topic="georgia")
    assert all("georgia" in t.split(";") for t in georgia["topics"])
    assert len(compare.pane_statements(statements)) == len(statements)


def test_pane_topic_matches_whole_topic_ids_only(statements):
    """A topic filter matches one id in the ';' list, not a substring of another id."""
    frame = statements.copy()
    frame.loc[0, "topics"] = "arms-control"
    assert "000-01" not in set(compare.pane_statements(frame, topic="nato")["statement_id"])


def test_pane_rejects_an_unknown_speaker_in_a_sentence(statements):
    """A misspelt speaker is a UsageError naming the choices, not an empty pane."""
    with pytest.raises(UsageError, match="no speaker 'Bsh'.*'Bush'"):
        compare.pane_statements(statements, speaker="Bsh")


def test_words_fold_case_and_curly_apostrophes():
    """He’s and he's are the same word; hyphens split words."""
    assert words("He\u2019s HE'S U.S.-Russian") == ["he's", "he's", "u", "s", "russian"]
    assert content_words("the U.S. and 10 interceptors") == ["10", "interceptors"]


def test_shared_words_are_the_content_words_in_both_groups(statements):
    """Bush 2008 and Obama 2009 share exactly the content words in both sets of quotes."""
    bush = compare.pane_statements(statements, "Bush")["quote"]
    obama = compare.pane_statements(statements, "Obama")["quote"]
    shared = compare.shared_words(bush, obama)
    assert shared == tuple(sorted(shared))
    assert "believe" in shared and "the" not in shared
    for word in shared:
        assert word in " ".join(bush).lower() and word in " ".join(obama).lower()


def test_mark_words_escapes_everything_and_marks_whole_words():
    """Markup in a quote comes out as text; only whole shared words are marked."""
    out = mark_words('<script>alert("trust")</script> distrust trust', {"trust"})
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark><b>trust</b></mark>") == 2  # inside the script text, and the last word
    assert "dis<mark>" not in out


def test_pane_html_escapes_hostile_quotes_and_speakers(statements):
    """A <script> or <img onerror> in the data never reaches the HTML as a tag."""
    frame = hostile(statements)
    html = compare.pane_html(frame.iloc[:1], ("trust",), "Left <i>pane</i>")
    assert "<script" not in html and "<img" not in html and "<i>pane" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Bush&lt;/b&gt;" in html
    assert "<mark><b>trust</b></mark>" in html


def test_pane_html_lists_shared_words_in_text_and_handles_empty(statements):
    """The shared words are spelled out (not colour alone); an empty pane says so."""
    html = compare.pane_html(statements.iloc[:0], ("common", "work"), "Right")
    assert "common, work" in html and "0 statements" in html and "No statement matches" in html


def test_pane_text_marks_shared_words_with_asterisks(statements):
    """The plain-text fallback marks shared words *like this* and keeps ids and dates."""
    pane = compare.pane_statements(statements, "Bush", "g8-toyako-2008")
    text = compare.pane_text(pane, ("work",), "Left")
    assert "000-09 (Bush, source 000, 2008-07-07)" in text and "*work*" in text


def test_concordance_finds_phrases_with_offsets_back_to_raw(sources, statements):
    """Every match's raw offsets point at the same words in the raw file."""
    hits = compare.concordance("missile defense", sources, statements)
    assert set(hits["source_id"]) == {"000", "003"}
    for row in hits.itertuples(index=False):
        raw = sources[row.source_id].raw[row.raw_start : row.raw_end]
        assert raw.replace("\u00a0", " ").lower().split() == ["missile", "defense"]
        assert sources[row.source_id].clean[row.clean_start : row.clean_end].lower() == "missile defense"


def test_concordance_skips_page_furniture(sources, statements):
    """The pull quote and the later notice are not searched: 'sphere of influence' is found twice, not three times."""
    hits = compare.concordance("sphere of influence", sources, statements)
    assert len(hits) == 2
    assert compare.concordance("undesirable", sources, statements).empty


def test_concordance_credits_quotes_to_their_speaker(sources, statements):
    """A match inside a quote names its statement; others are the reporter's text."""
    hits = compare.concordance("common ground", sources, statements)
    assert list(hits["speaker"]) == ["(reporter's text)", "Yevgeny Volk"]
    assert list(hits["statement_id"]) == ["", "003-22"]


def test_concordance_exact_matches_whole_words_and_ignores_case(sources, statements):
    """With exact=True, 'arms' matches only 'arms' and 'agree' not 'agreed'; 'IRAN' matches 'Iran' and 'Iran's'."""
    assert all(h.lower() == "arms" for h in compare.concordance("arms", sources, statements, exact=True)["match"])
    assert set(compare.concordance("agree", sources, statements, exact=True)["form"]) == {"agree"}
    assert compare.concordance("trust", sources, statements, exact=True).empty
    assert len(compare.concordance("IRAN", sources, statements, exact=True)) >= 5


def test_concordance_finds_the_word_forms_that_contain_the_query(sources, statements):
    """'trust' finds distrust, trusting and mistrust, and each row names the whole form that matched."""
    hits = compare.concordance("trust", sources, statements)
    assert list(hits["form"]) == ["distrust", "trusting", "mistrust"]
    assert list(hits["match"]) == ["distrust", "trusting", "mistrust"]
    for row in hits.itertuples(index=False):
        assert sources[row.source_id].clean[row.clean_start : row.clean_end] == row.match
    agree = set(compare.concordance("Agree", sources, statements)["form"])
    assert {"agree", "agreed", "agreement", "disagreement", "disagreements", "disagree"} <= agree


def test_concordance_forms_stop_at_hyphens_and_keep_apostrophes(sources, statements):
    """A form is a word as the course counts words: 'Russia' finds Russia's, and 'missile-defense' gives 'defense'."""
    forms = set(compare.concordance("russia", sources, statements)["form"])
    assert {"russia", "russia's", "russian"} <= forms
    assert set(compare.concordance("defense", sources, statements)["form"]) == {"defense"}
    phrase = compare.concordance("missile defens", sources, statements)
    assert set(phrase["form"]) == {"missile defense"}


def test_concordance_finds_us_and_uk_spellings_either_way(sources, statements):
    """'defence' finds the sources' 'defense' (and back), with or without exact, and so does every listed pair."""
    us = compare.concordance("missile defense", sources, statements)
    uk = compare.concordance("Missile Defence", sources, statements)
    assert len(us) >= 4 and list(uk["clean_start"]) == list(us["clean_start"])
    assert len(compare.concordance("defence", sources, statements, exact=True)) == len(
        compare.concordance("defense", sources, statements, exact=True)) > 0
    assert set(compare.concordance("programme", sources, statements, exact=True)["form"]) == {"program"}
    assert set(compare.concordance("neighbouring", sources, statements)["form"]) == {"neighboring"}
    assert set(compare.concordance("travelling", sources, statements)["form"]) == {"traveling"}


def test_every_spelling_pair_is_one_the_course_data_use():
    """Each US/UK pair in SPELLING_VARIANTS has a spelling in data/raw or data/statements.csv."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((DATA / "raw").iterdir()) if p.is_file())
    text = (text + (DATA / "statements.csv").read_text(encoding="utf-8")).lower()
    assert ("defense", "defence") in compare.SPELLING_VARIANTS
    for pair in compare.SPELLING_VARIANTS:
        assert any(spelling in text for spelling in pair), pair


def test_concordance_exact_must_be_true_or_false(sources, statements):
    """exact='yes' is a plain sentence, not a silent truthy value."""
    with pytest.raises(UsageError, match="exact should be True or False"):
        compare.concordance("trust", sources, statements, exact="yes")


def test_concordance_empty_query_is_a_plain_sentence(sources, statements):
    """An empty query raises UsageError with a sentence a learner can act on."""
    with pytest.raises(UsageError, match="Type a word or phrase"):
        compare.concordance("   ", sources, statements)


def test_concordance_counts_add_up(sources, statements):
    """Counts per source and speaker add up to the number of matches."""
    hits = compare.concordance("Russia", sources, statements)
    counts = compare.concordance_counts(hits)
    assert counts["matches"].sum() == len(hits)
    assert list(counts.columns) == ["source_id", "speaker", "forms", "matches"]


def test_concordance_counts_and_lines_show_which_form_matched(sources, statements):
    """The counts table lists the forms per speaker, and the HTML and text lines show each match's form."""
    hits = compare.concordance("trust", sources, statements)
    counts = compare.concordance_counts(hits)
    assert counts.to_dict("records") == [
        {"source_id": "003", "speaker": "(reporter's text)", "forms": "mistrust", "matches": 1},
        {"source_id": "003", "speaker": "Yevgeny Volk", "forms": "distrust, trusting", "matches": 2}]
    html = compare.concordance_html(hits)
    assert "<th scope='col'>word form</th>" in html and "<mark><b>distrust</b></mark>" in html
    assert "[mistrust]" in compare.concordance_text(hits)
    assert compare.concordance_forms(hits) == {"distrust": 1, "mistrust": 1, "trusting": 1}


def _lesson_4_markdown(cell_id: str) -> str:
    cells = json.loads((REPO / "notebooks" / "04-comparing-the-leaders.ipynb").read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c.get("id") == cell_id]
    return "".join(cell["source"])


def test_lesson_4_finds_every_word_it_asks_learners_to_try(sources, statements):
    """Each word lesson 4 says to try in the concordance has matches, and the lesson names the checkbox it describes."""
    from resetlab import Concordance

    intro = _lesson_4_markdown("cell-23")
    tried = re.findall(r"`([^`]+)`", intro.split("try", 1)[1])
    assert "trust" in tried
    for word in tried:
        assert len(compare.concordance(word, sources, statements)) > 0, word
    label = Concordance(statements, sources, query="trust").exact.description
    assert "**Whole words only**" in intro and label.startswith("Whole words only")


def test_lesson_4_reading_of_the_word_counts_names_every_repeated_word(statements):
    """The text under lesson 4's word-count table names every word the table shows more than once, and their number."""
    leaders = statements[statements["speaker"].isin(["Bush", "Medvedev", "Obama"])]
    table = compare.word_counts(leaders, by="speaker", top=5)
    reading = _lesson_4_markdown("cell-22")
    repeated = table[table["count"] > 1]
    for word in repeated["word"]:
        assert f'"{word}"' in reading, word
    numbers = dict(enumerate("zero one two three four five six seven eight nine ten".split()))
    twice = int((repeated["count"] == 2).sum())
    assert f"{numbers.get(twice, twice)} words twice" in reading


def test_concordance_html_escapes_context(sources, statements):
    """Keyword-in-context HTML escapes hostile text around the match."""
    hits = pd.DataFrame([{"source_id": "000", "left": "<script>", "match": "<img>", "right": "&", "statement_id": "",
                          "speaker": "<b>x</b>"}])
    html = compare.concordance_html(hits)
    assert "<script>" not in html and "<img>" not in html and "&lt;b&gt;x" in html


def test_word_counts_are_sorted_and_deterministic(statements):
    """Within a speaker, words come by count then alphabetically; top limits each group."""
    counts = compare.word_counts(statements, top=3)
    obama = counts[counts["speaker"] == "Obama"]
    assert list(obama["word"])[0] == "nuclear" and len(obama) == 3
    assert obama["count"].is_monotonic_decreasing
    with pytest.raises(UsageError, match="no column 'who'"):
        compare.word_counts(statements, by="who")


def test_topic_counts_count_a_statement_under_each_topic(statements):
    """000-06 (Iran and North Korea) counts once under each."""
    table = compare.topic_counts(statements)
    assert table.loc[("Medvedev", "g8-toyako-2008"), "iran"] == 1
    assert table.loc[("Medvedev", "g8-toyako-2008"), "north-korea"] == 1
    assert table.values.sum() == len(compare.explode_topics(statements))
