"""Tests for resetlab.evidence and the writing questions' checks: what a written answer's report says."""

from __future__ import annotations

import random
import re
from pathlib import Path

import nbformat
import pytest

from resetlab import check
from resetlab.checks import NOT_ANSWERED, READ, STATUSES, questions, score_answer
from resetlab.evidence import check_evidence, find_dates, find_quotations, word_count

REPO = Path(__file__).resolve().parents[1]


def _said(text: str, words=None, evidence=None) -> list[str]:
    return check_evidence(text, words, evidence).sentences()


def test_a_misquotation_is_named_with_the_nearest_real_words_and_their_id():
    """Words that are not in a source get the source's nearest wording and its statement id."""
    said = _said('Bush hoped they would "get a lot of work done together" (000-02).')
    assert "'get a lot of work done together' is not in either source; the nearest words are 'get a lot done together' (000-02)." in said


def test_the_nearest_wording_prefers_a_statement_to_the_same_words_elsewhere():
    """'a good rapport' is both a subheading of 003 and statement 003-07: the statement is named."""
    said = _said('Obama said they had "a really good rapport" (003-08).')
    assert "'a really good rapport' is not in either source; the nearest words are 'a good rapport' (003-07)." in said


def test_a_quotation_cited_with_the_wrong_id_names_both_ids():
    """A real quotation beside an id whose statement does not hold it names the right statement."""
    said = _said('Bush said "We can get a lot done together" (000-05).')
    assert "The words 'We can get a lot done together' are in 000-02, not in 000-05, which you cite." in said
    before = _said('003-01: "positions that bring us together"')
    assert any("are in 003-04, not in 003-01, which you cite" in s for s in before)


def test_an_unknown_id_is_named_with_the_range_of_real_ids():
    """Ids that do not exist are named, with the range of that source's ids or the list of sources."""
    said = _said("As [003-40] and 004-01 show, and 000-05 too.")
    assert "There is no statement 003-40; ids run 003-01 to 003-22." in said
    assert "There is no statement 004-01: there is no source 004 (the sources are 000, 003)." in said
    assert check_evidence("As [003-40] and 000-05 show.").cited == ("000-05",)


def test_an_id_missing_its_leading_zero_is_named_with_the_id_it_looks_like():
    """'000-5' is not an id, but 000-05 is: the report says so; a date range such as 3-4 April is left alone."""
    report = check_evidence("Bush (000-5) spoke; the summit of 3-4 April.")
    assert report.short_ids == (("000-5", "000-05"),) and report.problems == 1
    assert "'000-5' looks like statement 000-05: write ids as three digits, a dash and two digits." in report.sentences()


def test_ids_with_or_without_brackets_are_found_once_each():
    """000-05, [003-04] and a repeat count as two distinct citations, in order of first mention."""
    report = check_evidence("See 000-05, then [003-04], and again 000-05.")
    assert report.cited == ("000-05", "003-04") and report.unknown_ids == ()


def test_a_missing_source_and_a_missing_speaker_are_named():
    """Coverage says which source and which speaker the task asks for and the answer leaves out."""
    said = _said('Bush said "he means it" (000-05).', evidence={"sources": ["000", "003"], "speakers": ["Medvedev"]})
    assert any(s.startswith("You give evidence from source 000 only; this task asks for source 003 too") for s in said)
    assert any("No statement you cite or quote is Medvedev's" in s for s in said)
    both = check_evidence('Bush (000-05) and Medvedev: "bring us together" (003-04).', evidence={"sources": ["000", "003"], "speakers": ["Medvedev"]})
    assert both.missing_sources == () and both.missing_speakers == () and both.problems == 0


def test_a_statement_the_task_is_about_must_be_cited():
    """A task about 003-07 says so when the answer does not cite it."""
    report = check_evidence("An official thought they got on.", evidence={"statements": ["003-07"]})
    assert report.missing_statements == ("003-07",)
    assert "The task is about 003-07; cite it by id." in report.sentences()


@pytest.mark.parametrize(("words", "expected"), [
    (5, "Your answer is 5 words; this task asks for 30 to 90, so there is room for 25 more."),
    (95, "Your answer is 95 words; this task asks for 30 to 90: cut about 5 to keep only your strongest points."),
    (30, "Your answer is 30 words, inside the 30 to 90 asked."),
])
def test_length_is_counted_against_the_range(words, expected):
    """Too few, too many and just enough words each get their sentence."""
    assert expected in _said(" ".join(["word"] * words), (30, 90))


def test_curly_and_straight_quotes_single_and_double_are_all_read():
    """The same real words in four kinds of quotation marks are all found, and apostrophes are not quotes."""
    text = "“a good rapport” and \"a common language\" and ‘press the reset button’ and 'long and difficult', Russia's view."
    report = check_evidence(text)
    assert [q.text for q in report.quotations] == ["a good rapport", "a common language", "press the reset button", "long and difficult"]
    assert all(q.found for q in report.quotations)
    assert find_quotations("Russia's and the leaders' words")[0] == []


def test_an_ellipsis_marks_a_gap_in_either_spelling_and_order_matters():
    """'…' and '...' stand for left-out words; the parts must come in the source's order."""
    for gap in ("...", "\u2026", "[...]"):
        report = check_evidence(f'Obama: "What I believe we\'ve begun today {gap} a very constructive dialogue" (003-01).')
        assert report.quotations[0].found and report.quotations[0].statements == ("003-01",), gap
    reversed_parts = check_evidence('"a very constructive dialogue ... What I believe we\'ve begun today"')
    assert not reversed_parts.quotations[0].found


def test_normalisations_case_punctuation_and_curly_apostrophes_do_not_count():
    """he’s/he's, capitals and a missing full stop still match the source's words."""
    report = check_evidence('"HE\'S CONFIDENT, and that I believe" and "U.S. Russian relations"')
    assert all(q.found for q in report.quotations)


def test_reporters_words_in_quotation_marks_are_found_and_flagged():
    """Words from the reporter's text are in the source but are no one's statement; the report says so."""
    report = check_evidence('They "agreed to work together on Afghanistan".')
    assert report.quotations[0].found and report.quotations[0].statements == ()
    assert any("the reporter's own words" in s for s in report.sentences())


def test_an_unclosed_quotation_mark_is_named():
    """A quotation mark that never closes gets a sentence naming the words after it."""
    said = _said('He said "we can get a lot done together and never closed it')
    assert any(s.startswith("A quotation mark opens before 'we can get a lot done together and never") for s in said)


def test_every_report_ends_by_leaving_the_argument_to_a_person():
    """The last sentence always says a person judges the argument; no sentence calls the answer right or wrong."""
    said = _said('Bush said "We can get a lot done together" (000-02).', (5, 50))
    assert said[-1].startswith("These checks read only your evidence: whether your argument holds is for a person")
    assert not any(re.search(r"\b(correct|wrong|excellent|good answer)\b", s, re.I) for s in said)


def test_dates_are_found_and_matched_to_the_timeline_for_the_marker_only():
    """Named dates reach the marking lines, beside their timeline entry or 'not on the timeline'; the learner's feedback says nothing of them."""
    assert find_dates("on 7 July 2008, April 1, 2009, in August 2008 and 2009-01-20") == [
        ("7 July 2008", "day", "2008-07-07"), ("April 1, 2009", "day", "2009-04-01"),
        ("August 2008", "month", "2008-08"), ("2009-01-20", "day", "2009-01-20")]
    report = check_evidence("The war in August 2008 came after 7 July 2008; on 3 March 2005 nothing happened.")
    lines = report.marking_lines()
    assert any("'August 2008' (2008-08): on the timeline as georgia-war-2008" in s for s in lines)
    assert any("'3 March 2005' (2005-03-03): not on the timeline." in s for s in lines)
    assert not any("2005" in s or "timeline" in s for s in report.sentences())


def test_the_check_accepts_the_text_and_returns_a_report_not_a_score():
    """check(qid, text) reads a string; the result is READ with sentences as details and score 0."""
    result = check("q6.6", 'Obama: "a very constructive dialogue" (003-01).')
    assert result.status == READ and result.score == 0 and result.points == 10 and not result.passed
    assert result.details and result.details[-1].startswith("These checks read only your evidence")
    assert "q6.6: what these checks could verify." in str(result)


@pytest.mark.parametrize("answer", ["", "   \n\n  ", None, ...])
def test_an_empty_answer_is_not_answered_with_the_fix(answer):
    """Nothing written yet says where to write, not a report."""
    result = score_answer("q6.6", answer)
    assert result.status == NOT_ANSWERED and "between the two lines of three quote marks" in result.message


def test_a_non_text_answer_says_what_the_question_wants():
    """A number or a list for a written question is one sentence naming the shape."""
    result = score_answer("q3.6", ["a", "b"])
    assert result.status == "not yet" and "your own words" in result.message and "a list of 2 items" in result.message


def test_hostile_text_gets_sentences_and_stays_inert():
    """HTML is escaped in the notebook view, control characters are noted and stripped, 100 kB is cut with a sentence."""
    html = score_answer("q6.6", '<img src=x onerror=alert(1)> "<b>a good rapport</b>" \u202eright-to-left\u202c')
    shown = html._repr_html_()
    assert "<img" not in shown and "<b>" not in shown and "&#x27;&lt;b&gt;a good rapport&lt;/b&gt;&#x27;" in shown
    assert any("HTML tags" in d for d in html.details) and any("control characters" in d for d in html.details)
    assert not any("\u202e" in d for d in html.details)
    huge = score_answer("q6.6", "the reset " * 10_000)
    assert any("these checks read only the first 20,000" in d for d in huge.details)


def test_the_checks_never_raise_for_random_text():
    """Thousands of random snippets of quotes, ids, dates and symbols all give a result with a known status."""
    pieces = ['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "...", "\u2026", "000-", "003-0", "[", "]", "(", ")",
              "we can", " get a lot ", "April", " 2008 ", "31 June 2009", "\x00", "\u202e", "<script>", "\n", "\\", "{"]
    rng = random.Random(9)
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        result = score_answer("q6.6", text)
        assert result.status in STATUSES


def test_word_count_counts_words_not_punctuation():
    """Ids count as words; a dash or a lone quotation mark does not."""
    assert word_count('Bush (000-02) said " — “We can”') == 5


def _model_answers():
    for path in sorted((REPO / "solutions").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            m = re.search(r'^(q\d+_\d+) = """\n(.*?)\n"""', cell.source, re.S | re.M)
            if cell.cell_type == "code" and m:
                yield m.group(1).replace("_", "."), m.group(2)


def test_every_writing_question_has_a_model_answer_whose_evidence_all_holds():
    """The solutions' model answers cite real ids, quote exactly, cover what is asked and fit the length."""
    found = dict(_model_answers())
    writing = [q.id for q in questions() if q.writing]
    assert sorted(found) == sorted(writing)
    for qid, text in found.items():
        result = score_answer(qid, text)
        assert result.status == READ and result.report.problems == 0, (qid, result.details)


def test_every_writing_question_has_a_rubric_that_adds_up_to_its_points():
    """Each written question has a word range, the evidence it asks for in words, and a rubric worth its points."""
    for q in (q for q in questions() if q.writing):
        assert q.words[0] < q.words[1] and q.evidence.get("asks")
        assert sum(c.max for c in q.rubric) == q.points and len(q.rubric) >= 2
