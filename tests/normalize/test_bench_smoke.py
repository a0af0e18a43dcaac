"""The benchmark's scoring runs on our normalizer alone (no timing assertions)."""

from __future__ import annotations

from audiopaper.normalize import normalize

from .benchmod import load_bench, tn_cases


def test_scoring_is_punctuation_insensitive() -> None:
    bench = load_bench()
    cases = [
        bench.Case("wetext", "共465篇，约315万字", "共四百六十五篇,约三百一十五万字"),
        bench.Case("speechio", "价格12块5，34.5元", "价格十二块五 三十四点五元"),
        bench.Case("nemo", "第2", "第三"),
    ]
    result = bench.score(cases, normalize)
    assert (result.cases, result.passed) == (3, 2)
    assert result.failures[0][0].written == "第2"


def test_conflicts_split_off_and_reasoned() -> None:
    bench = load_bench()
    conflicts = bench.load_conflicts()
    cases = bench.load_cases("wetext", tn_cases())
    scored, listed = bench.split_conflicts(cases[:5], conflicts)
    assert [c.written for c in listed] == ["010-64035547"]
    assert len(scored) == 4
    assert bench.score(scored, normalize).passed == 4
