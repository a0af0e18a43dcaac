"""Benchmark the offline voice's pinyin frontend against pypinyin alone.

    uv run python bench/g2p_bench.py [--quick]

Three measures, each side by side with plain pypinyin (what the frontend sent before):
- CPP, the public polyphone benchmark (../shared/g2p/cpp/; skipped when absent): the marked
  character's dictionary reading, before sandhi (CPP labels citation tones);
- the project's news polyphone and sandhi sentence sets (tests/frontend/cases/);
- the share of syllables tone sandhi changes on the sample pages (examples/).
``--quick`` reads the first 500 CPP sentences only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from tables import table  # noqa: E402

CPP = ROOT / ".." / "shared" / "g2p" / "cpp"
CASES = ROOT / "tests" / "frontend" / "cases"
EXAMPLES = ROOT / "examples"
# Sentences written after the rules and never tuned on: reported, not tested.
HELD_OUT = HERE / "g2p"
MARK = "\u2581"

Reader = Callable[[str], list[str]]


def plain_pypinyin(text: str) -> list[str]:
    """pypinyin alone, one syllable per character ('' where it has none)."""
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=_blank)
    return out if len(out) == len(text) else [""] * len(text)


def _blank(chars: str) -> list[str]:
    return ["-"] * len(chars)


def frontend_reader(*, sandhi: bool) -> Reader:
    from audiopaper.frontend import Frontend
    from audiopaper.lexicon import Lexicon

    frontend = Frontend(Lexicon.load().pinyin_overrides())

    def read(text: str) -> list[str]:
        return [s.pinyin or "" for s in frontend.syllables(text, sandhi_stage=sandhi)]

    return read


def cpp_accuracy(read: Reader, limit: int | None) -> tuple[int, int]:
    sentences = (CPP / "test.sent").read_text("utf-8").splitlines()[:limit]
    labels = (CPP / "test.lb").read_text("utf-8").splitlines()[:limit]
    right = 0
    for sentence, label in zip(sentences, labels, strict=True):
        index = sentence.index(MARK)
        text = sentence.replace(MARK, "")
        right += read(text)[index] == label.replace("u:", "v")
    return right, len(sentences)


def case_lines(name: str, folder: Path = CASES) -> list[tuple[str, str]]:
    rows = []
    for line in (folder / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            written, _, expected = line.partition(" => ")
            rows.append((written, expected))
    return rows


def polyphone_score(
    read: Reader, name: str = "polyphones.txt", folder: Path = CASES
) -> tuple[int, int]:
    """Each case marks one character in brackets: 他[还]了款 => huan2."""
    right = total = 0
    for written, expected in case_lines(name, folder):
        index = written.index("[")
        text = written.replace("[", "").replace("]", "")
        right += read(text)[index] == expected
        total += 1
    return right, total


def sandhi_score(
    read: Reader, name: str = "sandhi.txt", folder: Path = CASES
) -> tuple[int, int, int, int]:
    """Whole lines of spoken tones: (lines right, lines, syllables right, syllables)."""
    lines_right = lines = syllables_right = syllables = 0
    for written, expected in case_lines(name, folder):
        got = [p for c, p in zip(written, read(written), strict=True) if _han(c)]
        want = expected.split()
        same = sum(g == w for g, w in zip(got, want, strict=False))
        lines_right += got == want
        lines += 1
        syllables_right += same
        syllables += len(want)
    return lines_right, lines, syllables_right, syllables


def _han(char: str) -> bool:
    from audiopaper.frontend.g2p import HAN

    return bool(HAN.match(char))


def sample_sandhi_share() -> tuple[int, int]:
    """Syllables of the sample pages' spoken text whose tone sandhi changes."""
    import datetime as dt

    from audiopaper.normalize import normalize
    from audiopaper.parse import parse_page
    from audiopaper.read import read_text
    from audiopaper.script import edition_script
    from audiopaper.segment import segment_script

    before, after = frontend_reader(sandhi=False), frontend_reader(sandhi=True)
    changed = total = 0
    for page in sorted(EXAMPLES.glob("*.*")):
        edition = parse_page(read_text(page), today=dt.date(2024, 3, 18), source=page)
        for segment in segment_script(edition_script(edition), normalize, 40):
            text = segment.spoken_text
            pairs = [
                (a, b) for c, a, b in zip(text, before(text), after(text), strict=True) if _han(c)
            ]
            changed += sum(a != b for a, b in pairs)
            total += len(pairs)
    return changed, total


def percent(right: int, total: int) -> str:
    return f"{100 * right / total:.1f}% ({right}/{total})" if total else "n/a"


def main(argv: list[str]) -> int:
    limit = 500 if "--quick" in argv else None
    rows = [["measure", "pypinyin alone", "frontend"]]
    have_cpp = (CPP / "test.sent").exists()
    if have_cpp:  # plain pypinyin first: the frontend adds its phrase data to pypinyin
        baseline = cpp_accuracy(plain_pypinyin, limit)
    base_poly, base_sandhi = polyphone_score(plain_pypinyin), sandhi_score(plain_pypinyin)
    dictionary, spoken = frontend_reader(sandhi=False), frontend_reader(sandhi=True)
    if have_cpp:
        rows.append(
            ["CPP polyphones", percent(*baseline), percent(*cpp_accuracy(dictionary, limit))]
        )
    else:
        print("CPP: skipped (../shared/g2p/cpp is not here)")
    rows.append(["news polyphones", percent(*base_poly), percent(*polyphone_score(dictionary))])
    ours = sandhi_score(spoken)
    rows.append(["sandhi lines", percent(*base_sandhi[:2]), percent(*ours[:2])])
    rows.append(["sandhi syllables", percent(*base_sandhi[2:]), percent(*ours[2:])])
    held_poly = ("heldout_polyphones.txt", HELD_OUT)
    held_sandhi = ("heldout_sandhi.txt", HELD_OUT)
    rows.append(
        [
            "held-out polyphones",
            percent(*polyphone_score(plain_pypinyin, *held_poly)),
            percent(*polyphone_score(dictionary, *held_poly)),
        ]
    )
    base_held, ours_held = (
        sandhi_score(plain_pypinyin, *held_sandhi),
        sandhi_score(spoken, *held_sandhi),
    )
    rows.append(["held-out sandhi lines", percent(*base_held[:2]), percent(*ours_held[:2])])
    rows.append(["held-out sandhi syllables", percent(*base_held[2:]), percent(*ours_held[2:])])
    changed, total = sample_sandhi_share()
    rows.append(["sample pages: syllables sandhi changes", "-", percent(changed, total)])
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
