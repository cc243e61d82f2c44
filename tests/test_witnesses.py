"""Other witnesses and the critical apparatus: complete records, lemmas that match the raw text, and the viewer."""

import re
from pathlib import Path

import pytest

from resetlab import DataError, UsageError, load_sources, load_statements
from resetlab.witnesses import (
    READING_MAX_WORDS,
    VARIANT_KINDS,
    WITNESS_COLUMNS,
    apparatus_html,
    apparatus_text,
    check_confirmed_by,
    load_variants,
    load_witnesses,
    statement_variants,
    witness_ids,
)

# The differences the historian's review asked the apparatus to hold, by statement (issue 12).
REQUIRED = {"000-05", "000-06", "000-07", "000-08", "000-09", "003-01", "003-02", "003-04", "003-17", "003-18"}


@pytest.fixture(scope="module")
def tables():
    return load_statements(), load_witnesses(), load_variants()


def _args(tables):
    """The tables in the order the apparatus functions take them: statements, variants, witnesses."""
    statements, witnesses, variants = tables
    return statements, variants, witnesses


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit failed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


def test_every_witness_row_is_complete_and_addresses_are_distinct(tables):
    """Title, publisher, kind, address, consulted, language and note are filled in every row; a date, or the note says why not."""
    _, witnesses, _ = tables
    for column in WITNESS_COLUMNS:
        if column.name != "date":
            assert (witnesses[column.name].str.len() > 0).all(), column.name
    undated = witnesses[witnesses["date"] == ""]
    assert len(undated) <= 3 and undated["note"].str.contains("shows no date").all()
    assert witnesses["address"].is_unique and witnesses["witness_id"].is_unique
    assert set(witnesses["kind"]) >= {"official transcript", "official readout", "news agency", "newspaper"}


def test_every_lemma_is_the_raw_text_at_its_offsets_inside_its_statement(tables):
    """raw[start:end] is the lemma, read here from the raw file itself, and lies inside the quotation."""
    statements, _, variants = tables
    raw = {sid: s.raw for sid, s in load_sources().items()}
    by_id = statements.set_index("statement_id")
    for row in variants.itertuples(index=False):
        quote = by_id.loc[row.statement_id]
        assert raw[quote["source_id"]][row.start : row.end] == row.lemma, row.variant_id
        assert quote["start"] <= row.start <= row.end <= quote["end"], row.variant_id


def test_every_variant_cites_a_witness_and_records_only_a_few_words(tables):
    statements, witnesses, variants = tables
    assert set(variants["witness_id"]) <= set(witnesses["witness_id"])
    assert all(len(r.split()) <= READING_MAX_WORDS for r in variants["reading"])
    assert set(variants["kind"]) <= set(VARIANT_KINDS)
    assert (variants["note"].str.len() > 20).all()
    assert REQUIRED <= set(variants["statement_id"]), REQUIRED - set(variants["statement_id"])


def test_every_event_confirmed_by_resolves_to_witnesses():
    from resetlab import load_events

    events, witnesses = load_events(), load_witnesses()
    known = set(witnesses["witness_id"])
    for cell in events["confirmed_by"]:
        assert witness_ids(cell) and set(witness_ids(cell)) <= known, cell


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("variants.csv", "000-05-v2,000-05,1310,1398,", "000-05-v2,000-05,1311,1398,", r"source 000 has .* at 1311\.\.1398, not .*correct the offsets"),
    ("variants.csv", ",ap-toyako-2008-cbs,", ",ap-2008,", r"'ap-2008' is not a witness id in witnesses\.csv"),
    ("variants.csv", '"He\'s comfortable and confident, and I believe when"',
     '"He\'s comfortable and confident, and I believe when he tells me something, he means it, said Bush"',
     r"at most 12 \(got 17\); shorten it"),
    ("variants.csv", "003-02-v1,003-02,1129,1129,,", "003-02-v1,003-02,1129,1133,U.S.,", r"kind 'omission' has an omission point"),
    ("variants.csv", "000-05-v1,000-05,1310,1310,", "000-05-v1,000-06,1310,1310,", r"fall outside statement 000-06"),
    ("witnesses.csv", ",http://www.topnews.in/", ",www.topnews.in/", r"expected a web address starting https://"),
    ("witnesses.csv", "2009-04-02,http://www.washingtonpost.com", "2029-04-02,http://www.washingtonpost.com", r"comes before the record's own date"),
])
def test_bad_apparatus_data_gets_one_sentence(data_copy, file, old, new, message):
    _edit(data_copy / file, old, new)
    with pytest.raises(DataError, match=message) as caught:
        load_variants(data_copy)
    text = str(caught.value)
    assert text.startswith(file) and "\n" not in text and "Traceback" not in text


def test_an_unknown_witness_in_events_names_the_row(data_copy, tables):
    from resetlab import load_events

    events = load_events(data_copy)
    first = events["confirmed_by"].iloc[0]
    broken = events.copy()
    broken.loc[broken.index[0], "confirmed_by"] = first + "; nato-archive"
    with pytest.raises(DataError, match=r"'nato-archive' is not a witness id in witnesses\.csv"):
        check_confirmed_by(broken, tables[1])


def test_the_marked_quote_numbers_each_difference_in_order(tables):
    """000-05: the hedge's omission point comes first (‸[1]), then the reworded praise [2]."""
    found = statement_variants("000-05", *_args(tables))
    assert list(found["n"]) == [1, 2] and list(found["kind"]) == ["omission", "other wording"]
    text = apparatus_text("000-05", *_args(tables))
    assert '"‸[1]I will tell you that' in text and "and that I believe that when[2] he tells me" in text
    assert "psychoanalyze the guy" in text and "Fox News" in text
    html = apparatus_html("000-05", *_args(tables))
    assert "‸<sup>[1]</sup>" in html and "<mark>I will tell you" in html and "when</mark><sup>[2]</sup>" in html
    assert html.count("<tr>") == 3 and "<th scope='col'>Witness reads</th>" in html


def test_a_truncation_is_marked_at_the_end_and_an_order_change_says_so(tables):
    text = apparatus_text("000-08", *_args(tables))
    assert "these matters‸[1,2]" in text or "these matters[1]‸[2]" in text or "matters‸[1,2]" in text
    assert "(the same words, in another place: see the note)" in text
    assert "003-01" in apparatus_text("003-01", *_args(tables)) and "countries‸[2]" in apparatus_text("003-01", *_args(tables))


def test_hostile_text_in_a_reading_is_escaped_and_isolated(tables):
    statements, witnesses, variants = tables
    bad = variants.copy()
    bad.loc[bad["variant_id"] == "000-05-v2", "reading"] = "<script>alert(1)</script>\u202eevil"
    html = apparatus_html("000-05", statements, bad, witnesses)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert re.search(r"<bdi>&lt;script&gt;alert\(1\)&lt;/script&gt;\u202eevil</bdi>", html)


def test_an_unknown_statement_gets_a_sentence_naming_real_ones(tables):
    with pytest.raises(UsageError, match=r"There is no statement '000-99'; choose one of 000-05"):
        statement_variants("000-99", *_args(tables))


# --------------------------------------------------------------------------- the widget


def test_viewer_shows_the_chosen_statement_and_follows_the_menu(tables):
    from resetlab import VariantViewer

    viewer = VariantViewer()
    assert viewer.statement.value == "000-05" and len(viewer.found) == 2
    assert viewer.statement.description == "Statement"
    assert [v for _, v in viewer.statement.options] == [s for s in tables[0]["statement_id"] if s in set(tables[2]["statement_id"])]
    viewer.statement.value = "003-04"
    assert list(viewer.found["kind"]) == ["translation", "translation"]
    assert "come closer" in viewer.view.value and "bring us together</mark>" in viewer.view.value
    assert "Statement 003-04: 2 differences from 1 witness." in viewer.status.value
    assert viewer.fallback() == apparatus_text("003-04", *_args(tables))
    assert repr(viewer) == "VariantViewer('003-04': 2 differences)"
    labels = [label for label, _ in viewer.statement.options]
    assert all(len(label) < 110 for label in labels) and labels[0].startswith("000-05 Bush: I will tell you")


def test_viewer_refuses_a_statement_with_no_variants():
    from resetlab import VariantViewer

    with pytest.raises(UsageError, match=r"The apparatus has nothing on '000-01'; choose one of 000-05, 000-06"):
        VariantViewer("000-01")


def test_viewer_heading_fits_under_a_lesson_section(tables):
    """The statement heading is <h3>, under the lesson's <h2> section (axe: heading order stays valid)."""
    html = apparatus_html("003-17", *_args(tables))
    assert html.startswith("<h3>Statement 003-17: Unnamed senior U.S. official, in source 003</h3>")
    assert html.index("</h3>") < html.index("<table") and "<caption>How the witnesses differ" in html
