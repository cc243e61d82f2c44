"""Paths shared by the tests (imported as a plain module: tests/ has no __init__)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FILES = Path(__file__).resolve().parent / "files"
