"""Our score on each peer project's cases (conflicts listed in bench/tn_conflicts.tsv
excluded) meets the targets: wetext ≥ 98%, and above WeTextProcessing on the others."""

from __future__ import annotations

import csv

import pytest

from audiopaper.normalize import normalize

from .benchmod import REPO, load_bench, tn_cases

# WeTextProcessing's measured accuracy on each whole file; we must do better.
TARGETS = {"wetext": 0.98, "nemo": 0.790, "paddlespeech": 0.764, "cn2an": 0.857, "speechio": 0.375}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_meets_target(name: str) -> None:
    bench = load_bench()
    scored, _ = bench.split_conflicts(bench.load_cases(name, tn_cases()), bench.load_conflicts())
    result = bench.score(scored, normalize)
    failures = [(c.written, c.spoken, got) for c, got in result.failures]
    if name == "wetext":
        assert result.accuracy >= TARGETS[name], failures
    else:
        assert result.accuracy > TARGETS[name], failures


def test_every_conflict_has_a_reason_and_exists() -> None:
    bench = load_bench()
    with (REPO / "bench" / "tn_conflicts.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows
    for row in rows:
        assert row["reason"].startswith(("convention:", "README")), row
        cases = bench.load_cases(row["file"], tn_cases())
        assert any(c.written == row["input"] and c.spoken == row["expected"] for c in cases), row
