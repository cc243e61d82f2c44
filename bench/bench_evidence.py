"""Speed of the evidence check of a written answer (``check_evidence``), against a floor in the same run.

Builds 60 different answers of about 400 words from the course's own sources (real quotations with ids,
misquotations whose nearest wording must be searched for, wrong ids, dates), clears the check's caches
before every call so no answer profits from an earlier one, and times ``score_answer("q6.6", text)``.
Floor: tokenising the two sources and the answer once (what any checker of quotations must at least do).

Run: ``.venv/bin/python bench/bench_evidence.py``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import median, p95, report  # noqa: E402


def answers(n: int = 60, words: int = 400) -> list[str]:
    """n answers of about *words* words, mixing exact quotes, misquotes, ids, dates and plain prose."""
    from resetlab import load_statements

    rng = random.Random(2009)
    statements = load_statements()
    prose = ("The two reports were written for readers abroad by outlets funded from Washington and they chose "
             "which words to quote so the change they show is partly a change in what editors wanted to print").split()
    out = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < words:
            row = statements.iloc[rng.randrange(len(statements))]
            quote = row["quote"].split()
            start = rng.randrange(max(1, len(quote) - 4))
            piece = quote[start : start + rng.randint(3, 9)]
            if rng.random() < 0.3:  # a misquotation: one word changed or added
                piece.insert(rng.randrange(len(piece) + 1), rng.choice(["really", "very", "all", "work"]))
            sid = row["statement_id"] if rng.random() < 0.8 else f"{row['source_id']}-{rng.randint(1, 40):02d}"
            parts.append(f'{" ".join(rng.sample(prose, 12))} "{" ".join(piece)}" ({sid}), on {rng.choice(["7 July 2008", "April 1, 2009", "August 2008"])}.')
        out.append(" ".join(parts))
    return out


def main() -> None:
    from resetlab import evidence, load_sources
    from resetlab.checks import score_answer

    texts = answers()
    sources = "\n".join(s.clean for s in load_sources().values())
    score_answer("q6.6", texts[0])  # load the tables once, as a notebook's first check does
    checks, floors = [], []
    for text in texts:
        evidence._locate.cache_clear()
        evidence._nearest.cache_clear()
        start = time.perf_counter()
        result = score_answer("q6.6", text)
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        evidence._tokens(sources + "\n" + text)
        floors.append(time.perf_counter() - start)
        assert result.status == "evidence read", result
    words = sum(evidence.word_count(t) for t in texts) / len(texts)
    print(f"# {len(texts)} answers of {words:.0f} words on average, caches cleared before each", flush=True)
    report("evidence_check_median", median(checks) * 1000, "ms", "info")
    report("evidence_check_p95", p95(checks) * 1000, "ms", "< 100")
    report("evidence_check_vs_tokenise_floor", median(checks) / median(floors), "x", "info")


if __name__ == "__main__":
    main()
