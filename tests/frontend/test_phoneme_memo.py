"""A build remembers each text's phonemes beside its clips: the next build runs the G2P
only on texts it has not seen, a forced reading or a damaged file is never answered from
memory, and planning alone writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.frontend.memo import PhonemeMemo
from audiopaper.frontend.phonemes import Frontend, Phonemes
from audiopaper.pipeline import PHONEMES_FOLDER, BuildOptions, cache_for, plan

PAGE = """# 河畔日报 2024年6月3日

## 新馆开放

市展览馆今天正式开放，银行行长出席。

## 天气

明天多云转晴，不会下雨。
"""


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    original = Frontend._make_phonemes

    def counting(self: Frontend, text: str) -> Phonemes:
        made.append(text)
        return original(self, text)

    monkeypatch.setattr(Frontend, "_make_phonemes", counting)
    return made


def _options(tmp_path: Path, page: str = PAGE, lexicon: Path | None = None) -> BuildOptions:
    source = tmp_path / "hepan.md"
    source.write_text(page, encoding="utf-8")
    return BuildOptions(input_path=source, out_dir=tmp_path / "out", lexicon=lexicon)


def _symbols(options: BuildOptions, remember: bool) -> list[tuple[str, ...]]:
    the_plan = plan(options, remember_phonemes=remember)
    engine = the_plan.engines["offline"]
    return [engine.frontend.phonemes(s.spoken_text).symbols for s in the_plan.segments]


def test_second_plan_runs_no_g2p_and_gets_the_same(tmp_path: Path, counted: list[str]) -> None:
    options = _options(tmp_path)
    first = _symbols(options, remember=True)
    assert counted  # the first build made them
    counted.clear()
    assert _symbols(options, remember=True) == first
    assert counted == []


def test_an_edit_runs_the_g2p_on_the_new_text_only(tmp_path: Path, counted: list[str]) -> None:
    _symbols(_options(tmp_path), remember=True)
    counted.clear()
    edited = PAGE.replace("不会下雨。", "不会下雨，气温回升。")
    _symbols(_options(tmp_path, edited), remember=True)
    assert counted == ["明天多云转晴，不会下雨，气温回升。"]


def test_forced_reading_is_not_answered_from_memory(tmp_path: Path) -> None:
    plain = _symbols(_options(tmp_path), remember=True)
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words."展览"]\npinyin = "zhan3 lan3"\n', encoding="utf-8")
    forced = _symbols(_options(tmp_path, lexicon=lexicon), remember=True)
    assert forced != plain  # 3-3 sandhi is gone: the forced tones stay
    assert _symbols(_options(tmp_path), remember=True) == plain


def test_planning_alone_writes_nothing(tmp_path: Path) -> None:
    options = _options(tmp_path)
    _symbols(options, remember=False)
    assert not (cache_for(options).folder / PHONEMES_FOLDER).exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: text.replace('"sil', '"nonsense-symbol'),  # a symbol the voice lacks
        lambda text: "[]",
    ],
)
def test_damaged_entry_counts_as_missing(tmp_path: Path, damage: object) -> None:
    memo = PhonemeMemo(tmp_path, {})
    text = "市展览馆今天正式开放。"
    right = Frontend().phonemes(text)
    memo.put(text, right)
    assert memo.get(text) == right
    path = memo.path_for(text)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    assert memo.get(text) is None
    remembering = Frontend(memo_folder=tmp_path)
    assert remembering.phonemes(text) == right
    assert memo.get(text) == right  # and written back whole


def test_unvoiced_positions_survive(tmp_path: Path) -> None:
    memo = PhonemeMemo(tmp_path, {})
    text = "价格为＄５，见☎。"
    made = Frontend().phonemes(text)
    memo.put(text, made)
    assert memo.get(text) == made


def test_entries_are_written_whole_without_waiting_on_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry is cheap to work out again and checked when read: it is renamed into
    place whole, but not forced to disk (the durable outputs still are)."""
    import os

    from audiopaper.fsutil import atomic_write_bytes

    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    memo = PhonemeMemo(tmp_path, {})
    phonemes = Frontend({}).phonemes("银行行长")
    memo.put("银行行长", phonemes)
    assert synced == []
    assert memo.get("银行行长") == phonemes
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp")]
    atomic_write_bytes(tmp_path / "durable.bin", b"x")
    assert len(synced) == 2  # the file, then its folder
