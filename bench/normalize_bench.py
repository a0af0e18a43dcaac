"""Benchmark audiopaper's normalizer against WeTextProcessing on the shared peer cases.

    uv run --with wetextprocessing python bench/normalize_bench.py

Without wetextprocessing installed it prints audiopaper's figures only. Cases listed in
bench/tn_conflicts.tsv contradict audiopaper's conventions (documented there with a reason)
and are scored separately, never silently skipped. Scoring is punctuation- and
space-insensitive after NFKC (the peers disagree on punctuation), and case-sensitive.
WeTextProcessing's construction (which may build or load its FSTs) is excluded from timing.
"""

from __future__ import annotations

import csv
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE.parent / ".." / "shared" / "tn-cases"
CONFLICTS = HERE / "tn_conflicts.tsv"
FILES = ("wetext", "nemo", "paddlespeech", "cn2an", "speechio")

Normalizer = Callable[[str], str]


@dataclass(frozen=True)
class Case:
    file: str
    written: str
    spoken: str


@dataclass(frozen=True)
class Score:
    cases: int
    passed: int
    seconds: float
    failures: tuple[tuple[Case, str], ...]

    @property
    def accuracy(self) -> float:
        return self.passed / self.cases if self.cases else 1.0

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else float("inf")


def comparable(text: str) -> str:
    """NFKC, then drop punctuation and spaces (the peers' outputs differ only there)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZ" and not c.isspace())


def load_cases(name: str, cases_dir: Path = CASES_DIR) -> list[Case]:
    lines = (cases_dir / f"{name}.tsv").read_text("utf-8").splitlines()
    rows = (line.split("\t") for line in lines if line.strip())
    return [Case(name, row[0], row[1]) for row in rows]


def load_conflicts(path: Path = CONFLICTS) -> set[tuple[str, str]]:
    """(file, input) pairs listed as convention conflicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {(row["file"], row["input"]) for row in reader}


def split_conflicts(
    cases: list[Case], conflicts: set[tuple[str, str]]
) -> tuple[list[Case], list[Case]]:
    scored = [c for c in cases if (c.file, c.written) not in conflicts]
    listed = [c for c in cases if (c.file, c.written) in conflicts]
    return scored, listed


def _timed(cases: list[Case], normalize: Normalizer) -> tuple[list[str], float]:
    start = time.perf_counter()
    outputs = [normalize(case.written) for case in cases]
    return outputs, time.perf_counter() - start


def score(cases: list[Case], normalize: Normalizer, repeats: int = 1) -> Score:
    """Run ``normalize`` on every case; compare punctuation-insensitively.

    With ``repeats`` > 1 the fastest run is kept (the machine may be busy)."""
    failures: list[tuple[Case, str]] = []
    outputs, seconds = _timed(cases, normalize)
    for _ in range(repeats - 1):
        seconds = min(seconds, _timed(cases, normalize)[1])
    for case, got in zip(cases, outputs, strict=True):
        if comparable(got) != comparable(case.spoken):
            failures.append((case, got))
    return Score(len(cases), len(cases) - len(failures), seconds, tuple(failures))


def wetext_normalizer() -> Normalizer | None:
    try:
        from tn.chinese.normalizer import Normalizer as WeText
    except ImportError:
        return None
    # The installed version takes full_to_half (and tag_oov, remove_erhua…) as keywords.
    return WeText(full_to_half=False).normalize


def ours() -> Normalizer:
    from audiopaper.normalize import normalize

    return normalize


def _row(name: str, n: int, a: Score, w: Score | None) -> str:
    if w is None:
        return f"{name:<13}{n:>6}{a.accuracy:>9.1%}{'-':>9}{a.rate:>12.0f}{'-':>12}{'-':>8}"
    ratio = a.rate / w.rate if w.rate else float("inf")
    return (
        f"{name:<13}{n:>6}{a.accuracy:>9.1%}{w.accuracy:>9.1%}"
        f"{a.rate:>12.0f}{w.rate:>12.0f}{ratio:>7.1f}x"
    )


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    conflicts = load_conflicts()
    ap = ours()
    ap("预热 2024年1月1日")  # import the rule modules outside the timing
    wt = wetext_normalizer()
    print("audiopaper vs WeTextProcessing (construction excluded from timing)")
    print(
        f"{'file':<13}{'cases':>6}{'ours':>9}{'wetext':>9}{'ours c/s':>12}{'wetext c/s':>12}"
        f"{'ratio':>8}"
    )
    listed_all: list[tuple[Case, str]] = []
    totals: list[tuple[str, int, Score, Score | None]] = []
    for name in FILES:
        scored, listed = split_conflicts(load_cases(name), conflicts)
        a = score(scored, ap, repeats=5)
        w = score(scored, wt, repeats=2) if wt else None
        print(_row(name, len(scored), a, w))
        whole = scored + listed
        totals.append((name, len(whole), score(whole, ap), score(whole, wt) if wt else None))
        listed_all.extend((c, ap(c.written)) for c in listed)
        if verbose:
            for case, got in a.failures:
                print(f"   FAIL {case.written!r}: want {case.spoken!r} got {got!r}")
    if wt is None:
        print("(wetextprocessing not installed: only audiopaper's figures)")
    print("\nthe same on every case of each file, conflicts included (accuracy only):")
    for name, n, a, w in totals:
        peer = f"{w.accuracy:>9.1%}" if w else f"{'-':>9}"
        print(f"{name:<13}{n:>6}{a.accuracy:>9.1%}{peer}")
    print(f"\nconflicts listed in {CONFLICTS.name}: {len(listed_all)} (scored separately)")
    agree = sum(comparable(got) == comparable(c.spoken) for c, got in listed_all)
    print(f"  of which audiopaper matches the peer anyway: {agree}")
    if verbose:
        for case, got in listed_all:
            print(f"   {case.file}: {case.written!r} peer {case.spoken!r} ours {got!r}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    raise SystemExit(main(sys.argv[1:]))
