"""Read a CSV data file and validate every cell against a small schema.

pandas does the parsing; this module adds the checks an instructor needs when
they edit a file by hand: the encoding, a BOM, Windows line endings, missing
columns and cell values, each reported as one sentence naming the file, the
row, the column, what was expected and how to fix it.  ``require_columns``
checks a table a learner passes to a course function in the same spirit.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import DataError, UsageError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Column:
    """One column's rule: its kind, whether it may be empty, and its allowed values."""

    name: str
    kind: str = "text"  # text | date | int | bool | sha256 | choice | list
    required: bool = True
    choices: tuple[str, ...] = ()


def _fail(path: Path, where: str, detail: str) -> DataError:
    return DataError(f"{path.name}{where}: {detail}")


def read_text(path: Path) -> str:
    """Return a data file's text, refusing a missing, empty, non-UTF-8, BOM or CRLF file."""
    if path.is_dir():
        raise _fail(path, "", f"expected a file but found a folder of that name; remove the folder and restore the file with 'git checkout -- data/{path.name}'.")
    if not path.is_file():
        raise _fail(path, "", f"the file is missing (expected it at data/{path.name}); restore it from the repository with 'git checkout -- data/{path.name}'.")
    blob = path.read_bytes()
    if not blob.strip():
        raise _fail(path, "", "the file is empty (expected a header line and rows); restore it with 'git checkout -- data/" + path.name + "'.")
    if blob.startswith(b"\xef\xbb\xbf"):
        raise _fail(path, "", "the file starts with a byte-order mark (BOM); save it as 'UTF-8' without BOM (in Excel: 'CSV UTF-8' is not enough, use a text editor).")
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        raise _fail(path, f", line {line}", f"expected UTF-8 text (got byte 0x{blob[exc.start]:02x}, which is not UTF-8); re-save the file with UTF-8 encoding.") from None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise _fail(path, f", line {line}", "expected Unix line endings (got Windows CRLF); re-save the file with LF line endings (for example 'dos2unix').")
    return text


def read_table(path: Path, columns: tuple[Column, ...]) -> pd.DataFrame:
    """Read *path* as CSV and check every cell against *columns*.

    All columns come back as strings except ``int`` (int) and ``bool`` (bool)
    columns, so ids such as ``"003"`` keep their leading zeros.
    """
    text = read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f", line {match.group(1)}" if match else ""
        raise _fail(path, where, "a row has more cells than the header (an unquoted comma?); put text that contains commas inside double quotes.") from None
    names = [c.name for c in columns]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise _fail(path, "", f"expected column(s) {', '.join(repr(m) for m in missing)} in the header line (got {', '.join(repr(c) for c in frame.columns)}); add the missing column(s).")
    if frame.empty:
        raise _fail(path, "", "the file has a header but no rows; add at least one row.")
    for col in columns:
        values = frame[col.name]
        for index, value in values.items():
            _check_cell(path, int(index) + 1, col, value)
    out = frame[names].copy()
    for col in columns:
        if col.kind == "int":
            out[col.name] = out[col.name].astype(int)
        elif col.kind == "bool":
            out[col.name] = out[col.name] == "true"
    return out


def where(row: int, column: str) -> str:
    """Format a position as the messages give it: data row and line of the file."""
    return f", row {row} (line {row + 1}), column '{column}'"


def _check_cell(path: Path, row: int, col: Column, value: str) -> None:
    here = where(row, col.name)
    if value.strip() != value:
        raise _fail(path, here, f"expected no spaces at either end (got {value!r}); remove them.")
    if value == "":
        if col.required:
            raise _fail(path, here, "expected a value (got an empty cell); fill it in.")
        return
    if col.kind == "date":
        ok = bool(_DATE.fullmatch(value))
        if ok:
            try:
                date.fromisoformat(value)
            except ValueError:
                ok = False
        if not ok:
            raise _fail(path, here, f"expected a date like 2009-04-01 (got {value!r}); write it as year-month-day.")
    elif col.kind == "int":
        if not value.isdigit():
            raise _fail(path, here, f"expected a whole number of 0 or more (got {value!r}).")
    elif col.kind == "bool":
        if value not in ("true", "false"):
            raise _fail(path, here, f"expected 'true' or 'false' (got {value!r}).")
    elif col.kind == "sha256":
        if not _SHA256.fullmatch(value):
            raise _fail(path, here, f"expected 64 lower-case hex digits (got {value!r}); copy it from 'sha256sum'.")
    elif col.kind == "choice":
        if value not in col.choices:
            raise _fail(path, here, f"expected one of {', '.join(col.choices)} (got {value!r}).")
    elif col.kind == "list":
        bad = [v for v in value.split(";") if v not in col.choices]
        if bad:
            raise _fail(path, here, f"expected items from {', '.join(col.choices)} separated by ';' (got {bad[0]!r}).")


def require_columns(frame, columns, what: str, loader: str) -> None:
    """Raise a UsageError, in one sentence, unless *frame* is a DataFrame with every one of *columns*.

    >>> require_columns(pd.DataFrame({"a": [1]}), ("a", "b"), "statements table", "load_statements()")
    Traceback (most recent call last):
    ...
    resetlab.errors.UsageError: The statements table needs the column(s) 'b' (got 'a'); pass the whole table from load_statements(), or filter its rows without dropping columns.
    """
    if not isinstance(frame, pd.DataFrame):
        msg = f"Expected the {what} as a pandas DataFrame (got {type(frame).__name__}); pass {loader} or a filtered copy of it."
        raise UsageError(msg)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        got = ", ".join(repr(str(c)) for c in frame.columns[:12]) or "no columns"
        msg = (f"The {what} needs the column(s) {', '.join(repr(m) for m in missing)} (got {got}); "
               f"pass the whole table from {loader}, or filter its rows without dropping columns.")
        raise UsageError(msg)
