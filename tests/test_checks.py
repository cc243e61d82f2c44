"""Tests for resetlab.checks: kind feedback whatever the learner passes, specs validated once."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from importlib import resources

import pandas as pd
import pytest

import resetlab
from resetlab import QuestionError, UsageError, load_source, load_statements
from resetlab.checks import (
    STATUSES,
    CheckResult,
    canonical,
    check,
    digest,
    load_questions,
    parse_questions,
    questions,
    score_answer,
)

LESSONS = ["01-start-here", "02-reading-a-source", "03-who-said-what", "04-comparing-the-leaders",
           "05-context-and-timeline", "06-corroboration"]


@pytest.fixture(scope="module")
def statements():
    return load_statements()


@pytest.fixture(scope="module")
def spec():
    return json.loads(resources.files("resetlab").joinpath("questions.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------- the shipped question bank


def test_every_lesson_has_checked_and_written_questions_in_order():
    """Each lesson has 3-5 checked questions (lesson 6: up to 7) and at least one written one, numbered q<lesson>.1, ... without gaps."""
    for number, name in enumerate(LESSONS, start=1):
        ids = [q.id for q in questions(name)]
        checked = [q for q in questions(name) if not q.writing]
        assert 3 <= len(checked) <= (7 if number == 6 else 5), name  # lesson 6 also reads the apparatus (6.7, 6.8)
        assert any(q.writing for q in questions(name)), name
        assert ids == [f"q{number}.{n}" for n in range(1, len(ids) + 1)]
        assert [q.id for q in questions(number)] == ids


def test_q1_1_is_the_number_of_sources():
    """The lesson-1 demonstration check("q1.1", 2) passes, and the prompt is the agreed one."""
    q = questions(1)[0]
    assert q.prompt == "How many primary sources does this course read? (a whole number)"
    assert check("q1.1", 2).passed
    assert not check("q1.1", 3).passed


def test_variables_follow_the_ids():
    """The grader finds each answer in a variable named like the id (q2.3 -> q2_3)."""
    for q in questions():
        assert q.variable == q.id.replace(".", "_")


def test_no_answer_is_stored_in_plain_text(spec):
    """Digest-checked answers appear nowhere in the spec file; rules hold only data filters."""
    text = json.dumps(spec)
    for plain in ("Department of State", "recognis", "2024-02-02", "2024-02-20", "2008-04-05", "2008-04-06", "later-notice", "268 days", " 26 "):
        assert plain not in text, plain
    for q in spec["questions"]:
        assert set(q["answer"]) <= {"kind", "sha256", "table", "where", "by", "explode", "choices", "source_id",
                                    "min_words", "event", "field", "column", "words", "evidence"}


def test_public_view_hides_the_rule():
    """questions() shows prompt, shape and hints; neither repr nor to_dict carries the rule."""
    for q in questions():
        assert "sha256" not in repr(q)
        assert "answer" not in q.to_dict()
        assert q.hints and q.shape


# ----------------------------------------------------------------- statuses and messages


def test_nothing_none_and_ellipsis_are_not_answered():
    """A missing answer, None and the placeholder ... all say 'not answered yet', politely."""
    for result in (check("q2.2"), check("q2.2", None), check("q2.2", ...)):
        assert result.status == "not answered"
        assert not result.passed and result.score == 0 and result.points == 1
        assert "q2_2 = ..." in result.message
        assert str(result).startswith("q2.2: not answered yet.")


def test_misspelled_id_lists_the_lessons_questions():
    """An unknown id in a real lesson names that lesson's questions."""
    result = check("q2.9", 2009)
    assert result.status == "unknown question"
    assert "There is no question 'q2.9'" in result.message
    assert "q2.1, q2.2, q2.3, q2.4, q2.5 and q2.6" in result.message
    assert result.points == 0 and result.score == 0


def test_unknown_lesson_and_missing_id():
    """An id in no lesson, no id at all, or an answer where the id goes each get a sentence."""
    assert "lesson number (1 to 6)" in check("q9.1", 1).message
    assert "question id first" in check().message
    swapped = check(2)
    assert swapped.status == "unknown question" and "the number 2" in swapped.message


def test_forgiving_id_spelling():
    """'Q2.2', ' q2_2 ' and '2.2' all mean q2.2, and the result carries the canonical id."""
    for spelling in ("Q2.2", " q2_2 ", "2.2"):
        result = check(spelling, 2009)
        assert result.passed and result.question_id == "q2.2"


@pytest.mark.parametrize(
    ("qid", "answer", "expected"),
    [
        ("q1.1", "2", "Remove the quotes"),
        ("q1.1", True, "yes/no"),
        ("q1.1", 2.5, "whole number"),
        ("q1.3", 3, "Put it in quotes"),
        ("q2.3", "6 April 2008", "year-month-day"),
        ("q2.3", "2024-02-31", "not a real date"),
        ("q2.4", "caption", "inside a list"),
        ("q3.2", "000-1", "no statement with the id '000-1'"),
        ("q5.2", load_statements, "forget the brackets"),
    ],
)
def test_wrong_types_say_what_was_wanted_and_what_arrived(qid, answer, expected):
    """A wrong type is 'not yet' with a sentence, never an exception."""
    result = score_answer(qid, answer)
    assert result.status == "not yet"
    assert expected in result.message


def test_dataframe_where_text_or_number_expected(statements):
    """A whole table passed to a text, number or date question is described, not crashed on."""
    for qid in ("q1.3", "q1.1", "q2.3", "q2.1", "q3.3", "q4.2"):
        result = score_answer(qid, statements)
        assert result.status == "not yet", qid
        assert "DataFrame" in result.message, qid


def test_odd_objects_never_raise(statements):
    """Anything at all gets a CheckResult for every question."""
    unreadable = pd.DataFrame({"statement_id": [["000-01"], ["003-01"]], "speaker": [{}, {}]})
    odd = [object(), {"a": 1}, [1, 2], pd.NA, float("nan"), statements.iloc[0], b"2", 10**30, -1, "", unreadable,
           {("a", "b"): [1]}, pd.Series(["x", "y"]), float("inf")]
    for q in questions():
        for value in odd:
            result = score_answer(q.id, value)
            assert isinstance(result, CheckResult)
            assert result.status in STATUSES
            assert result.status != "passed"


class _Hostile(list):
    """A value whose every way of describing itself raises."""

    def __len__(self):
        raise RuntimeError("len")

    def __repr__(self):
        raise RuntimeError("repr")

    def __int__(self):
        raise RuntimeError("int")


class _HostileText(str):
    def strip(self, *args):
        raise RuntimeError("strip")

    def __repr__(self):
        raise RuntimeError("repr")


def test_values_that_raise_when_described_still_get_a_sentence():
    """An object whose __len__/__repr__ raise, a str subclass that raises, an int too long to print: a result, not a traceback."""
    for q in questions():
        for value in (_Hostile([1]), _HostileText("003"), 10**5000, {"Medvedev": 10**5000}):
            result = score_answer(q.id, value)
            assert result.status in (("not yet", "evidence read") if q.writing else ("not yet", "passed")), (q.id, result)
            str(result), result._repr_html_()
    assert "far too large" in check("q1.1", 10**5000).message
    assert check(_HostileText("q1.1"), 2).passed
    assert check("q" + "9" * 5000 + ".1", 2).status == "unknown question"


def test_huge_answers_are_not_echoed_back_in_full():
    """A 10 MB string (or a 10 MB misspelled id) is quoted in a few dozen characters, not repeated whole."""
    huge = "x" * 10_000_000
    for q in questions():
        result = score_answer(q.id, huge)
        assert len(str(result)) < 1000, q.id
    for value in ({huge: 1}, pd.Series({huge: 1})):
        assert len(str(check("q3.4", value))) < 1000
    assert len(str(check(huge, 1))) < 1000


def _bank_with(monkeypatch, spec, extra):
    """Use the shipped bank plus one extra question (to test a rule no shipped question uses today)."""
    from resetlab import checks

    data = json.loads(json.dumps(spec))
    data["questions"].append(extra)
    bank = checks.parse_questions(data)
    monkeypatch.setattr(checks, "_bank", lambda: bank)


def test_case_and_full_width_variants_of_ids_and_dates_pass(monkeypatch, spec):
    """Event ids are lower case, so 'NATO-enlargement-2009' names one; full-width digits are digits."""
    _bank_with(monkeypatch, spec, {"id": "q5.9", "lesson": "05-context-and-timeline", "variable": "q5_9", "points": 1,
                                   "prompt": "An event id.", "hints": ["Read the event_id column."],
                                   "answer": {"kind": "row", "table": "events", "where": {"event_id": "nato-enlargement-2009"}}})
    assert check("q5.9", "NATO-enlargement-2009").passed
    assert not check("q5.9", "london-2009").passed
    assert check("q2.3", "\uff12\uff10\uff12\uff14-\uff10\uff12-\uff12\uff10").passed
    assert check("q2.3", "2024\u201302\u201320").passed  # en dashes typed for hyphens


def test_known_wrong_answers_get_their_own_feedback():
    """Common slips (the source's 28, the capture year 2024) say what to look at next."""
    assert "source's number" in check("q6.1", 28).message
    assert "captured" in check("q2.2", 2024).message
    assert "SORT's ceiling" in check("q6.3", 2200).message


def test_text_answers_fold_case_quotes_and_full_stops():
    """'US Department of State', 'the State Department' and curly quotes all pass q2.1."""
    for answer in ("U.S. Department of State", "us department of state", "\u201cState Department\u201d", "the  State Department."):
        assert check("q2.1", answer).passed, answer
    assert not check("q2.1", "Department of Defense").passed


def test_choices_reject_what_is_not_offered():
    """A choice question lists its choices when the answer is not one of them."""
    result = check("q1.3", "3")
    assert not result.passed and "not one of the choices: '000', '003'" in result.message
    assert check("q1.3", " '003' ").passed


def test_number_answers_accept_numpy_and_integral_floats(statements):
    """A count from pandas (numpy int) or 2.0 is a whole number."""
    assert check("q1.2", statements.shape[0]).passed
    assert check("q3.5", statements["interpreted"].sum()).passed
    assert check("q1.1", 2.0).passed


def test_date_answers_accept_text_and_timestamps():
    """Dates pass as 'YYYY-MM-DD' text, pandas Timestamps or datetime.date."""
    import datetime

    assert check("q6.2", "2008-04-06").passed and check("q6.2", "2008-04-05").passed  # Sochi: the dinner, then the meeting
    assert check("q6.2", pd.Timestamp("2008-04-06")).passed
    assert check("q6.4", datetime.date(2008, 5, 8)).passed  # a rule over the timeline's date
    assert not check("q6.4", "2008-05-07").passed


def test_set_answers_ignore_order_and_repeats():
    """A set question takes a list, a set or a Series, in any order, repeats ignored."""
    kinds = [span.kind for span in load_source("000").furniture]
    assert check("q2.4", kinds).passed
    assert check("q2.4", pd.Series(kinds)).passed
    assert not check("q2.4", kinds[:2]).passed


def test_row_rule_reads_the_data(statements):
    """q4.4 passes for either joint statement on Iran and for a one-row DataFrame holding one."""
    iran = statements[(statements["speaker"] == "Joint statement") & statements["topics"].str.contains("iran")]
    assert len(iran) == 2
    for sid in iran["statement_id"]:
        assert check("q4.4", sid).passed
    assert check("q4.4", iran.head(1)).passed
    assert not check("q4.4", "003-09").passed


def test_quote_rule_attributes_words(statements):
    """q3.3 passes for Volk's words, and says who the source gives other words to."""
    assert check("q3.3", "there is more tension between Russia and the United States").passed
    assert check("q3.3", "\u201cElites in the two countries\u201d").passed  # curly quotes and case folded
    obama = check("q3.3", "a very constructive dialogue that will allow us")
    assert not obama.passed and "to Obama" in obama.message
    assert "source 000" in check("q3.3", "we can get a lot done").message
    assert "not inside quotation marks" in check("q3.3", "a senior U.S. official said").message
    assert "too few" in check("q3.3", "Much depends").message


def test_frame_rule_compares_rows(statements):
    """q3.1 wants exactly Medvedev's rows; extra or missing rows say which way it is off."""
    medvedev = statements[statements["speaker"] == "Medvedev"]
    assert check("q3.1", medvedev).passed
    assert check("q3.1", medvedev.sort_values("date", ascending=False)).passed
    assert "do not belong" in check("q3.1", statements).message
    assert "missing" in check("q3.1", medvedev.head(2)).message
    assert "more than once" in check("q3.1", pd.concat([medvedev, medvedev])).message
    assert "no 'statement_id' column" in check("q3.1", medvedev[["speaker", "quote"]]).message


def test_counts_rule_takes_series_or_dict(statements):
    """q3.4 takes value_counts() or a plain dict; a wrong count names the label."""
    counts = statements[statements["source_id"] == "003"]["kind"].value_counts()
    assert check("q3.4", counts).passed
    as_dict = {k: int(v) for k, v in counts.items()}
    assert check("q3.4", as_dict).passed
    as_dict["full"] += 1
    assert "'full' does not match" in check("q3.4", as_dict).message
    assert "'Bush' should not be" in check("q3.4", statements["speaker"].value_counts()).message


def test_count_rule_follows_the_data(statements):
    """A count answer is computed from the data at check time (the statements given through an interpreter)."""
    interpreted = int(statements["interpreted"].sum())
    assert check("q3.5", interpreted).passed
    assert not check("q3.5", interpreted + 1).passed


# ----------------------------------------------------------------- the result object


def test_result_is_frozen_and_plain_data():
    """A result cannot be changed; to_dict() holds JSON-ready values only."""
    result = check("q1.1", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "not yet"
    data = result.to_dict()
    assert data == {"question_id": "q1.1", "status": "passed", "passed": True, "points": 1, "score": 1,
                    "message": result.message, "details": []}
    json.dumps(data)


def test_display_is_escaped_and_deterministic():
    """HTML escapes the learner's text; two identical checks give identical displays."""
    evil = "<script>alert(1)</script>"
    shown = check("q1.3", evil)._repr_html_()  # a choice question repeats what it got
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    unknown = check("<b>q</b>", 1)._repr_html_()
    assert "<b>q</b>" not in unknown
    first, second = check("q2.2", 2024), check("q2.2", 2024)
    assert first._repr_html_() == second._repr_html_() and str(first) == str(second)
    assert not re.search(r"0x[0-9a-f]+|\d{2}:\d{2}", first._repr_html_())
    assert "these checks passed" in check("q1.1", 2)._repr_html_()


def test_messages_promise_no_grade():
    """Passing says 'these checks passed', never a grade or 'correct'."""
    for q in questions():
        text = str(check(q.id, None)) + str(check(q.id, object()))
        assert "grade" not in text.lower()
    assert str(check("q1.1", 2)).startswith("q1.1: these checks passed.")


def test_package_exports_the_checks():
    """Notebooks import check and friends from the top of the package."""
    assert resetlab.check is check
    assert resetlab.score_answer is score_answer
    assert resetlab.questions is questions
    assert resetlab.CheckResult is CheckResult


def test_unknown_lesson_in_questions_is_a_usage_error():
    """questions('07-x') is a UsageError naming the lessons."""
    with pytest.raises(UsageError, match="01-start-here"):
        questions("07-nothing")


def test_digest_is_salted_with_the_question_id():
    """The same answer to two questions has two digests, so one leak does not answer another."""
    assert digest("q1.1", canonical("number", 2)) != digest("q4.4", canonical("number", 2))


# ----------------------------------------------------------------- spec validation


def _mutate(spec, fn):
    data = copy.deepcopy(spec)
    fn(data)
    return data


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["questions"][0].update(id="2.1"), "question 1, key 'id'"),
        (lambda d: d["questions"][1].update(id="q1.1"), "question 'q1.1', key 'id'"),
        (lambda d: d["questions"][0].update(lesson="01-start"), "question 'q1.1', key 'lesson'"),
        (lambda d: d["questions"][0].update(variable="x"), "question 'q1.1', key 'variable'"),
        (lambda d: d["questions"][0].update(points=0), "question 'q1.1', key 'points'"),
        (lambda d: d["questions"][0].update(hints=[]), "question 'q1.1', key 'hints'"),
        (lambda d: d["questions"][0].update(answers={}), "question 'q1.1', key 'answers'"),
        (lambda d: d["questions"][0]["answer"].update(kind="guess"), "question 'q1.1', key 'answer.kind'"),
        (lambda d: d["questions"][0]["answer"].update(sha256=["abc"]), "question 'q1.1', key 'answer.sha256'"),
        (lambda d: d["questions"][0]["answer"].update(table="people"), "question 'q1.1', key 'answer.table'"),
        (lambda d: d["questions"][1]["answer"].update(table="people"), "question 'q1.2', key 'answer.table'"),
        (lambda d: d["questions"][0].update(id="q9.1"), "question 'q9.1', key 'id'"),
        (lambda d: d.pop("lessons"), "top level"),
    ],
)
def test_spec_errors_name_file_question_and_key(spec, change, where):
    """A malformed spec is a QuestionError naming the file, the question and the key."""
    with pytest.raises(QuestionError) as info:
        parse_questions(_mutate(spec, change), "questions.json")
    assert str(info.value).startswith(f"questions.json, {where}")


def test_spec_file_is_read_from_any_folder(tmp_path, monkeypatch, spec):
    """Loading never depends on the current folder; a spec file elsewhere can be checked too."""
    monkeypatch.chdir(tmp_path)
    assert check("q1.1", 2).passed
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(QuestionError, match=r"^broken.json, line 1: not valid JSON"):
        load_questions(path)
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert [q.id for q in load_questions(path).by_id.values()] == [q.id for q in questions()]


def test_a_comma_separated_answer_to_a_list_question_is_shown_how_to_split_it():
    """'a, b' as text, or ['a, b'] as a one-item list, gets the list with each item quoted; doing that passes."""
    result = check("q2.4", "banner, caption, share-links")
    assert "Give each item its own quotes, inside one list: ['banner', 'caption', 'share-links']." in result.message
    inside = check("q2.4", ["banner, caption, share-links"])
    assert "give each its own quotes, like ['banner', 'caption', 'share-links']" in inside.message
    assert check("q2.4", ["banner", "caption", "share-links"]).passed



# ----------------------------------------------------------------- issue 11: feedback that is never wrong


def test_an_empty_table_says_it_is_empty_and_gives_the_datas_spelling(statements):
    """A capitalisation slip ('medvedev') gives an empty table: the check says so, and spells the name as the data does."""
    for slip in ("medvedev", "Medvedev ", "MEDVEDEV"):
        result = check("q3.1", statements[statements["speaker"] == slip])
        assert not result.passed
        assert result.message.startswith("Your table is empty: no row matched your filter.")
        assert "capital letters, spaces and spelling" in result.message
        assert "the speaker column spells it 'Medvedev'" in result.message
        assert "missing" not in result.message
    counts = statements[statements["speaker"] == "medvedev"]["topics"].str.split(";").explode().value_counts()
    assert "Your counts are empty" in check("q4.1", counts).message and "'Medvedev'" in check("q4.1", counts).message


def test_set_index_on_the_id_keeps_a_table_whole(statements):
    """set_index('statement_id') keeps every row and column, so q3.1 passes; a one-row table so indexed passes q4.4."""
    medvedev = statements[statements["speaker"] == "Medvedev"]
    assert check("q3.1", medvedev.set_index("statement_id")).passed
    assert "missing" in check("q3.1", medvedev.head(2).set_index("statement_id")).message
    iran = statements[(statements["speaker"] == "Joint statement") & statements["topics"].str.contains("iran")]
    assert check("q4.4", iran.head(1).set_index("statement_id")).passed


def test_case_spacing_and_spelling_variants_follow_one_policy(statements):
    """'Iran' passes q4.1 as it passes q4.3; 'missile-defense', 'Missile Defense' and 'missile-defence' are one answer everywhere."""
    counts = statements[statements["speaker"] == "Medvedev"]["topics"].str.split(";").explode().value_counts()
    for label in ("Iran", " IRAN ", "iran"):
        relabelled = counts.rename(index={"iran": label})
        assert check("q4.1", relabelled).passed, label
    for spelling in ("missile-defense", "Missile Defense", "missile_defence"):
        relabelled = counts.rename(index={"missile-defence": spelling})
        assert check("q4.1", relabelled).passed, spelling
    assert check("q4.3", ["Iran", "Georgia"]).passed and check("q4.3", ["iran", " georgia"]).passed
    british = check("q4.3", ["iran", "georgia", "missile-defence"])
    for spelling in ("missile-defense", "Missile Defense", "missile defence"):
        american = check("q4.3", ["iran", "georgia", spelling])
        assert american.message == british.message and not american.passed, spelling
    assert canonical("set", ["missile-defense"]) == canonical("set", ["missile-defence"])


def test_ids_follow_the_policy(statements):
    """An id typed with capitals, spaces around it or an en dash names the id it spells."""
    iran = statements[(statements["speaker"] == "Joint statement") & statements["topics"].str.contains("iran")]
    sid = iran["statement_id"].iloc[0]
    for typed in (f" {sid} ", sid.replace("-", "\u2013"), f"'{sid}'"):
        assert check("q4.4", typed).passed, typed


def test_a_tuple_is_called_what_the_comma_made_not_a_list():
    """2,200 is two values (a tuple): the message says so, never 'a list', and shows the number without its comma."""
    result = check("q6.3", (2, 200))
    assert "list" not in result.message
    assert "2 values separated by commas (Python calls it a tuple)" in result.message
    assert "Write the number without commas: 2200." in result.message
    trailing = check("q1.3", ("003",))
    assert "one value followed by a comma" in trailing.message and "Remove the comma after the value: '003'." in trailing.message
    assert "list" not in check("q4.3", (2, 200)).message


def test_only_the_earliest_date_is_the_earliest():
    """q2.3 asks for the earliest date the notice could be on the page: the day the designation became public (the
    register entry) passes; the ruling's legal date, not yet public, gets its own message."""
    assert check("q2.3", "2024-02-20").passed
    ruling = check("q2.3", "2024-02-02")
    assert not ruling.passed and "legal date" in ruling.message and "not yet public" in ruling.message
    assert ruling.message != check("q2.3", "2009-04-01").message


def test_at_least_four_words_means_four_words_every_time():
    """A three-word answer never passes 'at least four words', whether or not it is a whole quotation."""
    whole = check("q3.3", "long and difficult")
    assert not whole.passed and "whole of statement 003-21" in whole.message and "at least 4 words" in whole.message
    part = check("q3.3", "the respective elites")
    assert not part.passed and "at least 4 words" in part.message
    assert check("q3.3", "Much depends on the respective elites").passed


def test_semicolon_separated_text_is_split_like_commas():
    """'iran;georgia' (as the topics column joins topics) is shown as a list of two items."""
    assert "inside one list: ['iran', 'georgia']" in check("q4.3", "iran;georgia").message
    assert "like ['iran', 'georgia']" in check("q4.3", ["iran;georgia"]).message


# ----------------------------------------------------------------- advice, followed literally


def _follow(message: str, answer, statements):
    """Apply a message's advice mechanically; return the new answer, or _STOP when the advice is not mechanical."""
    import ast

    if (m := re.search(r"(?:inside one list:|like) (\[.*\])\.", message)):
        return ast.literal_eval(m.group(1))
    if "Put it inside a list" in message or "to make a list of one item" in message:
        return [answer]
    if (m := re.search(r"(?:Remove the quotes to make it a number|Write the number without commas): (\d+)\.", message)):
        return int(m.group(1))
    if (m := re.search(r"Remove the comma after the value: (.+)\.$", message)):
        return ast.literal_eval(m.group(1))
    if "Put it in quotes" in message:
        return str(answer)
    if "Take the single value out of it with .iloc[0]" in message:
        return answer.iloc[0]
    if "use len(...) on it" in message:
        return len(answer)
    if "did you forget the brackets" in message:
        return answer()
    if (m := re.search(r"for example table\['(\w+)'\]\.tolist\(\)", message)):
        return answer[m.group(1)].tolist()
    if "Your counts are empty" in message and (m := re.search(r"the (\w+) column spells it '([^']+)'", message)):
        return statements[statements[m.group(1)] == m.group(2)]["topics"].str.split(";").explode().value_counts()
    if (m := re.search(r"the (\w+) column spells it '([^']+)'", message)):
        return statements[statements[m.group(1)] == m.group(2)]
    if "Your counts are empty" in message and (m := re.search(r"the (\w+) column spells it '([^']+)'", message)):
        return statements[statements[m.group(1)] == m.group(2)]["topics"].str.split(";").explode().value_counts()
    return _STOP


_STOP = object()


def _wrong_answers(statements):
    """The wrong answers the tests above use, and issue 11's."""
    medvedev = statements[statements["speaker"] == "Medvedev"]
    yield from [("q1.1", "2"), ("q1.1", True), ("q1.1", 2.5), ("q1.1", (2,)), ("q1.3", 3), ("q1.3", ("003",)),
                ("q1.3", "3"), ("q2.3", "6 April 2008"), ("q2.3", "2024-02-31"), ("q2.3", "2024-02-02"),
                ("q2.4", "caption"), ("q2.4", "banner, caption, share-links"), ("q2.4", ["banner, caption, share-links"]),
                ("q2.4", "caption, pull-quote, later-notice, navigation"), ("q2.4", "x" * 100),
                ("q3.2", "000-1"), ("q5.2", load_statements), ("q6.3", (2, 200)), ("q1.1", (2, 0)),
                ("q3.3", "long and difficult"), ("q3.3", "Much depends"),
                ("q4.3", "iran, georgia"), ("q4.3", "iran;georgia"), ("q4.3", ["iran;georgia"]), ("q4.3", "Iran"),
                ("q4.3", ["Iran", "missile-defense"]), ("q4.3", statements)]
    for qid in ("q1.3", "q1.1", "q2.3", "q2.1", "q3.3", "q4.2"):
        yield qid, statements
        yield qid, statements["speaker"].head(1)
    yield "q3.1", statements[statements["speaker"] == "medvedev"]
    yield "q3.1", medvedev.set_index("statement_id")
    yield "q3.1", medvedev.head(2)
    yield "q3.1", statements
    yield "q4.1", statements[statements["speaker"] == "medvedev"]["topics"].str.split(";").explode().value_counts()
    yield "q4.1", medvedev["topics"].str.split(";").explode().value_counts().rename(index={"iran": "Iran"})
    yield "q4.4", statements[statements["speaker"] == "Joint statement"].head(1).set_index("statement_id")


def test_advice_followed_literally_passes_or_says_something_new(statements):
    """Each mechanical piece of advice, applied to the answer it was given for, passes or gets a different message."""
    followed = 0
    for qid, answer in _wrong_answers(statements):
        seen = []
        for _ in range(6):
            result = check(qid, answer)
            assert result.message not in seen, (qid, answer, seen)  # the same advice twice: following it led nowhere
            seen.append(result.message)
            if result.passed:
                break
            nxt = _follow(result.message, answer, statements)
            if nxt is _STOP:
                break
            followed += 1
            answer = nxt
        else:
            pytest.fail(f"{qid}: advice kept coming ({seen})")
    assert followed >= 25  # the replay really followed advice, not just read first messages


# ----------------------------------------------------------------- the grader's words for a learner


def test_grader_labels_count_code_cells_only():
    """'code cell 2' is the second code cell, whatever Markdown sits above it, named by its first line."""
    from resetlab.grader._kernel import _cell_label

    cells = [{"cell_type": "markdown", "source": "# Title"}, {"cell_type": "code", "source": "q1_1 = 2"},
             {"cell_type": "markdown", "source": "Question"}, {"cell_type": "code", "source": "\nwhile True:\n    pass"}]
    assert _cell_label(cells, 3) == "code cell 2 (`while True:`)"
    assert _cell_label(cells, 1) == "code cell 1 (`q1_1 = 2`)"


def test_grader_feedback_never_says_run_this_one_again():
    """A blank answer in a handed-in notebook is reported as blank, with no cell to 'run again'."""
    from resetlab.grader._scoring import score

    results = score("01-start-here", {"q1_1": None, "q1_2": ..., "q1_3": "003"}, {"q1.4": "   "})
    blank = [r for r in results if r.status == "not answered"]
    assert [r.question_id for r in blank] == ["q1.1", "q1.2", "q1.4"]
    for r in blank:
        assert "again" not in r.message and "this one" not in r.message
    assert "q1_1 was still ..." in blank[0].message and "q1_4" in blank[2].message


def test_checks_and_the_concordance_share_one_list_of_spellings():
    """The spellings a check folds are the ones the concordance finds either way: one policy, one list."""
    from resetlab import checks, compare

    assert checks.VARIANTS == compare.SPELLING_VARIANTS
    for pair in checks.VARIANTS:
        assert len({checks.normalise_text(f"x {spelling}s") for spelling in pair}) == 1, pair
