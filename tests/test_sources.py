"""Tests for resetlab.sources: raw text, checksums, furniture and cleaning."""

import hashlib
import os
from pathlib import Path

import pytest

from resetlab import DataError, load_manifest, load_source, load_sources
from resetlab.sources import Span, clean_text

from support import DATA, REPO

SEEDS = Path(os.environ.get("RESETLAB_SEEDS", REPO.parent / "shared" / "seeds"))  # .ci/run sets it for its clean clone
EXPECTED_SHA = {
    "000": "4e7d15e9559d9535e420bc62223826e8c632d25e5914b285fcb61f23e6c998a3",
    "003": "96fc2d0c2d07be6b953127212559e5820c837f5908186361f8ac26718ea9412d",
}


def test_raw_files_are_the_seeds_byte_for_byte():
    """The raw files hash to the checksums the seeds' README publishes."""
    for sid, sha in EXPECTED_SHA.items():
        (path,) = (DATA / "raw").glob(f"{sid}_*.txt")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this clone")
def test_raw_files_equal_shared_seeds():
    """data/raw holds exactly the bytes of ../shared/seeds."""
    for path in (DATA / "raw").iterdir():
        assert path.read_bytes() == (SEEDS / path.name).read_bytes()


def test_manifest_records_provenance():
    """The manifest gives each source's publisher kind, date basis and capture evidence."""
    manifest = load_manifest().set_index("source_id")
    assert manifest.loc["000", "publisher_kind"] == "U.S. government website"
    assert "broadcaster" in manifest.loc["003", "publisher_kind"]
    assert manifest.loc["000", "date_basis"] == "stated"
    assert manifest.loc["003", "date_basis"] == "inferred"
    assert "2024" in manifest.loc["003", "capture_evidence"]
    assert manifest.loc["003", "original_url"].startswith("https://www.rferl.org/")


def test_cleaned_text_drops_furniture_and_keeps_article():
    """Banner, captions, pull quote, share links and the later notice are gone; the article is not."""
    s000, s003 = load_source("000"), load_source("003")
    assert "PEACE & SECURITY" not in s000.clean
    assert "Bookmark with" not in s000.clean
    assert "Dmitry Medvedev on July 7" not in s000.clean
    assert "I'm sprinting to the finish" in s000.clean
    for gone in ("Accessibility links", "Breaking News", "undesirable organization",
                 "'sphere of influence'", "at their initial meeting in London"):
        assert gone not in s003.clean, gone
    assert s003.clean.count("an idea whose time is long past") == 1
    assert s003.clean.startswith("Medvedev, Obama Accent The Positive In First Meeting")
    assert s003.clean.endswith('than there is common ground," Volk said.')


def test_cleaning_normalises_quotes_and_spaces():
    """Curly quotes become straight and no-break spaces ordinary spaces."""
    text = load_source("000").clean
    for ch in "\u201c\u201d\u2019\u00a0":
        assert ch not in text
    assert '"We can get a lot done together."' in text


def test_clean_offsets_map_back_to_raw():
    """Every cleaned character maps to a raw character it came from."""
    for source in load_sources().values():
        assert len(source.clean) == len(source.clean_to_raw)
        fold = {"\u201c": '"', "\u201d": '"', "\u2019": "'", "\u00a0": " "}
        for i, ch in enumerate(source.clean):
            assert fold.get(source.raw[source.clean_to_raw[i]], source.raw[source.clean_to_raw[i]]) == ch
        word = "sprinting" if source.source_id == "000" else "rapport"
        start = source.clean.index(word)
        raw_start, raw_end = source.raw_span(start, start + len(word))
        assert source.raw[raw_start:raw_end] == word


def test_furniture_never_removes_a_statement():
    """No furniture span overlaps text the cleaned article keeps."""
    for source in load_sources().values():
        kept = set(source.clean_to_raw)
        for span in source.furniture:
            assert not kept & set(range(span.start, span.end))


def test_clean_text_small_example():
    """A furniture span and its line break are dropped; blank lines fold to one."""
    raw = "Banner\n\nBody\u00a0 one.\n\n\n\nTwo."
    text, offsets = clean_text(raw, (Span(0, 6, "banner", "test"),))
    assert text == "Body one.\n\nTwo."
    assert raw[offsets[text.index("Two")]] == "T"


def test_unknown_source_id_is_explained():
    """Asking for a source that does not exist lists the ones that do."""
    with pytest.raises(DataError, match=r"no source '3'.*'000', '003'"):
        load_source("3")
