"""Tests for resetlab.statements: extraction rules, offsets and the built table."""

import pandas as pd
import pytest

from resetlab import load_source, load_statements
from resetlab.statements import build_statements, find_quotes, write_statements

# Every leader quote in both sources, read off the texts by hand:
# (speaker, event, date, the first words of the quote).
LEADER_QUOTES = [
    ("Bush", "g8-toyako-2008", "2008-07-07", "I'm sprinting to the finish"),
    ("Bush", "g8-toyako-2008", "2008-07-07", "We can get a lot done together."),
    ("Bush", "bush-putin-brdo-2001", "2001-06-16", "looked the man in the eye"),
    ("Bush", "bush-putin-brdo-2001", "2001-06-16", "was able to get a sense of his soul"),
    ("Bush", "g8-toyako-2008", "2008-07-07", "I will tell you that he's very comfortable"),
    ("Medvedev", "g8-toyako-2008", "2008-07-07", "There are certain questions on our agenda"),
    ("Medvedev", "g8-toyako-2008", "2008-07-07", "But then certainly there are others"),
    ("Medvedev", "g8-toyako-2008", "2008-07-07", "We would like to agree on these matters"),
    ("Bush", "g8-toyako-2008", "2008-07-07", "While there are some areas of disagreement"),
    ("Obama", "london-2009", "2009-04-01", "What I believe we've begun today"),
    ("Obama", "london-2009", "2009-04-01", "beginning of new progress in U.S.-Russian relations"),
    ("Medvedev", "london-2009", "2009-04-01", "discussed practically all issues"),
    ("Medvedev", "london-2009", "2009-04-01", "This is only the beginning of discussions"),
    ("Obama", "london-2009", "2009-04-01", "Both the United States and Russia and other nuclear powers"),
]


@pytest.fixture(scope="module")
def statements() -> pd.DataFrame:
    return load_statements()


def test_offset_identity_holds_for_every_row(statements):
    """raw[start:end] == quote for every statement, in the raw file decoded as UTF-8."""
    for row in statements.itertuples():
        raw = load_source(row.source_id).raw
        assert raw[row.start : row.end] == row.quote, row.statement_id


@pytest.mark.parametrize(("speaker", "event", "date", "opening"), LEADER_QUOTES)
def test_every_leader_quote_is_present(statements, speaker, event, date, opening):
    """Each Bush, Medvedev and Obama quote is a row with the right speaker, meeting and date."""
    rows = statements[statements["quote"].str.startswith(opening)]
    assert len(rows) == 1, opening
    row = rows.iloc[0]
    assert (row["speaker"], row["event"], row["date"]) == (speaker, event, date)


def test_leaders_have_no_other_quotes(statements):
    """No quote is given to a leader beyond the hand-read list (no misattribution)."""
    leaders = statements[statements["speaker"].isin(["Bush", "Medvedev", "Obama"])]
    assert len(leaders) == len(LEADER_QUOTES)


def test_other_speakers_are_attributed(statements):
    """Joint statement, Gibbs, Volk and the unnamed officials get their own words."""
    by_speaker = statements.groupby("speaker")["quote"].apply(list)
    assert any(q.startswith("Al-Qaeda") for q in by_speaker["Joint statement"])
    assert any(q.startswith("nobody believes") for q in by_speaker["Robert Gibbs"])
    assert any(q.startswith("If you take any international problem") for q in by_speaker["Yevgeny Volk"])
    assert "a good rapport" in by_speaker["Unnamed senior U.S. official"]
    assert statements.set_index("quote").loc["press the reset button", "speaker"] == "Obama administration"


def test_sides_and_interpreter(statements):
    """Sides follow the speaker; the interpreter flag marks what the source says was interpreted."""
    sides = dict(zip(statements["speaker"], statements["side"]))
    assert sides["Medvedev"] == "Russia" and sides["Joint statement"] == "joint"
    assert sides["Yevgeny Volk"] == "outside analyst" and sides["Robert Gibbs"] == "United States"
    interpreted = statements[statements["interpreted"]]["quote"].tolist()
    assert len(interpreted) == 2 and interpreted[0].startswith("There are certain questions")


def test_titles_furniture_and_documents_names_are_not_statements(statements):
    """Article titles, the pull quote, the later notice and the declaration's name are left out."""
    quotes = " ".join(statements["quote"])
    for absent in ("Cooperation Often Overlooked", "Bush, Putin Chart Course", "undesirable organization",
                   "Strategic Framework Declaration"):
        assert absent not in quotes
    assert (statements["quote"] == "sphere of influence").sum() == 1  # not the pull quote's copy


def test_quotes_lose_their_trailing_comma(statements):
    """A comma before the closing quote mark belongs to the sentence, not the quote."""
    assert not statements["quote"].str.endswith(",").any()


def test_rows_needing_the_override_table_are_the_reviewed_ones(statements):
    """Only these rows needed data/attributions.csv; the rules decided the rest."""
    overridden = set(statements.loc[statements["attribution"] == "override", "statement_id"])
    assert overridden == {"000-03", "000-04", "000-08", "003-10", "003-17", "003-18", "003-19", "003-20"}
    assert statements.loc[statements["attribution"] == "override", "note"].str.len().gt(0).all()


def test_build_is_deterministic_and_matches_committed_file(tmp_path):
    """Rebuilding from the sources gives the committed statements.csv byte for byte."""
    from support import DATA

    out = write_statements(build_statements(), tmp_path / "statements.csv")
    assert out.read_bytes() == (DATA / "statements.csv").read_bytes()


def test_find_quotes_skips_furniture():
    """The pull quote (single quotes) and the notice's quoted phrase are not found as quotes."""
    source = load_source("003")
    found = [source.raw[q.start : q.end] for q in find_quotes(source)]
    assert "undesirable organization" not in found
    assert len(found) == 22


def test_write_statements_refuses_a_folder_or_a_missing_folder_with_a_sentence(tmp_path, statements):
    """build-data --out pointing at a folder, or into a folder that does not exist, is one sentence; nothing is half-written."""
    from resetlab import UsageError

    with pytest.raises(UsageError, match="it is a folder"):
        write_statements(statements, tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        write_statements(statements, tmp_path / "missing" / "statements.csv")
    assert list(tmp_path.iterdir()) == []


def test_every_statement_says_how_its_date_is_known():
    """Stated (000's dateline), inferred (003's year; words before the meeting; Volk's undated words) or outside."""
    statements = load_statements().set_index("statement_id")
    assert set(statements["date_basis"]) == {"stated", "inferred", "outside"}
    assert (statements["date_evidence"].str.len() > 30).all()
    at_toyako = statements[(statements["source_id"] == "000") & (statements["event"] == "g8-toyako-2008")]
    assert set(at_toyako["date_basis"]) == {"stated"}
    assert statements.loc["003-06", "date_basis"] == "inferred" and "before his meeting" in statements.loc["003-06", "date_evidence"]
    volk = statements[statements["speaker"] == "Yevgeny Volk"]
    assert len(volk) == 4 and set(volk["date_basis"]) == {"inferred"}
    assert volk["date_evidence"].str.contains("no occasion or date").all()
    # a row of attributions.csv that only explains the date leaves the attribution to the rules
    assert set(volk["attribution"]) == {"rule"}
    assert statements.loc["003-19", "date_basis"] == "outside" and "inference" in statements.loc["003-19", "date_evidence"]
    assert statements.loc["000-03", "date_basis"] == "outside"
