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
