"""Bad data gets one clear sentence, from the API and from `check-data`, never a traceback.

Each case copies data/ to a temporary folder, breaks one file the way an
instructor editing by hand might, and checks the message names the file, the
place, what was expected and how to fix it.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from resetlab import DataError, load_all
from resetlab.__main__ import main


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit failed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


def _missing_column(d):
    _edit(d / "statements.csv", "statement_id,source_id,speaker,", "statement_id,source_id,who,")


def _bad_date(d):
    _edit(d / "events.csv", "london-2009,2009-04-01,", "london-2009,1 April,")


def _offsets_out_of_range(d):
    _edit(d / "statements.csv", ",973,1000,I'm sprinting", ",973,99999,I'm sprinting")


def _quote_mismatch(d):
    _edit(d / "statements.csv", "I'm sprinting to the finish,false", "I'm running to the finish,false")


def _wrong_encoding(d):
    path = d / "events.csv"
    path.write_bytes(path.read_bytes().replace(b"Toyako, Hokkaido", "Tōyako, Hokkaido".encode("latin-1", "replace")))
    path.write_bytes(path.read_bytes().replace(b"Munich, Germany", "München, Germany".encode("latin-1")))


def _checksum(d):
    path = d / "raw" / "003_e3275571d5f2d7e4.txt"
    path.write_bytes(path.read_bytes().replace(b"long and difficult", b"long and difficult!"))


def _empty(d):
    (d / "events.csv").write_bytes(b"")


def _bom(d):
    path = d / "speakers.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _crlf(d):
    path = d / "topics.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def _missing_raw(d):
    (d / "raw" / "000_42fd157953afac20.txt").unlink()


def _bad_choice(d):
    _edit(d / "statements.csv", ",Medvedev,Russia,", ",Medvedev,Rusia,")


def _table_is_a_folder(d):
    (d / "events.csv").unlink()
    (d / "events.csv").mkdir()


def _sources_is_a_folder(d):
    (d / "sources.csv").unlink()
    (d / "sources.csv").mkdir()


def _raw_is_a_folder(d):
    _missing_raw(d)
    (d / "raw" / "000_42fd157953afac20.txt").mkdir()


CASES = {
    "missing column": (_missing_column, r"statements\.csv: expected column\(s\) 'speaker' in the header line .*add the missing"),
    "bad date": (_bad_date, r"events\.csv, row \d+ \(line \d+\), column 'start': expected a date like 2009-04-01 \(got '1 April'\)"),
    "offsets out of range": (_offsets_out_of_range, r"statements\.csv, row 1 \(line 2\), column 'end': offsets 973\.\.99999 are outside source 000.*build-data"),
    "quote mismatch": (_quote_mismatch, r"statements\.csv, row 1 \(line 2\), column 'quote': the quote no longer matches raw\[973:1000\].*build-data"),
    "wrong encoding": (_wrong_encoding, r"events\.csv, line \d+: expected UTF-8 text \(got byte 0x[0-9a-f]{2}.*re-save the file with UTF-8"),
    "checksum mismatch": (_checksum, r"raw/003_e3275571d5f2d7e4\.txt: checksum mismatch \(expected sha256 96fc2d0c2d07…, got [0-9a-f]{12}…\).*never edited"),
    "empty file": (_empty, r"events\.csv: the file is empty .*git checkout -- data/events\.csv"),
    "bom": (_bom, r"speakers\.csv: the file starts with a byte-order mark \(BOM\); save it as 'UTF-8' without BOM"),
    "crlf": (_crlf, r"topics\.csv, line 1: expected Unix line endings \(got Windows CRLF\)"),
    "missing raw file": (_missing_raw, r"sources\.csv, row 1 \(line 2\), column 'file': the raw file raw/000_42fd157953afac20\.txt is missing"),
    "table is a folder": (_table_is_a_folder, r"events\.csv: expected a file but found a folder of that name; .*git checkout -- data/events\.csv"),
    "sources.csv is a folder": (_sources_is_a_folder, r"sources\.csv is a folder, not a file; .*git checkout -- data/sources\.csv"),
    "raw file is a folder": (_raw_is_a_folder, r"the raw file raw/000_42fd157953afac20\.txt is a folder, not a file"),
    "value not in vocabulary": (_bad_choice, r"statements\.csv, row \d+ \(line \d+\), column 'side': expected one of United States, Russia, joint, outside analyst \(got 'Rusia'\)"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_api_raises_one_clear_sentence(data_copy, case):
    """The Python API raises DataError whose message names file, place, expectation and fix."""
    breaker, pattern = CASES[case]
    breaker(data_copy)
    with pytest.raises(DataError, match=pattern) as info:
        load_all(data_copy)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_data_command_exits_nonzero_with_the_sentence(data_copy, case, capsys):
    """`check-data` prints the same sentence on stderr and exits 1."""
    breaker, pattern = CASES[case]
    breaker(data_copy)
    assert main(["check-data", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert __import__("re").search(pattern, err)


def test_check_data_in_a_fresh_process_shows_no_traceback(data_copy):
    """Run as a learner or instructor would: a separate process, one line, exit code 1."""
    _quote_mismatch(data_copy)
    result = subprocess.run([sys.executable, "-m", "resetlab", "check-data", "--data", str(data_copy)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "statements.csv, row 1" in result.stderr


def test_good_data_passes_check_data(capsys):
    """The committed data is valid and statements.csv is up to date."""
    assert main(["check-data"]) == 0
    assert "all data files are valid" in capsys.readouterr().out


def test_stale_statements_are_reported(data_copy):
    """A hand edit that keeps offsets valid but changes a field is caught as out of date."""
    _edit(data_copy / "statements.csv", "000-01,000,Bush,United States,", "000-01,000,Obama,United States,")
    from resetlab import check_data

    with pytest.raises(DataError, match="statements.csv is out of date.*build-data"):
        check_data(data_copy)


def test_loading_never_writes_into_data(data_copy):
    """Loading and checking leave every data file untouched."""
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    from resetlab import check_data

    check_data(data_copy)
    assert {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()} == before
