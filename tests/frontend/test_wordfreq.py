"""The word table cuts exactly as jieba does, is made once per machine, and a damaged
or unwritable copy never changes a cut."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from audiopaper.frontend import wordfreq

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# Our own lines for what jieba treats apart: Latin runs and single letters glued back,
# digits, + # & . _ % - inside runs, whitespace kept (\r\n as one), punctuation alone.
MIXED = (
    "市人大常委会副主任李明说，2024年GDP增长5.2%，iPhone15Pro和C919都来了。\r\n"
    "  第1季度 a b  c\tx+y#z&1.5%_ok-2 ——“长江大桥”（南京）\n\n"
    "乒乓球拍卖完了；南京市长江大桥；研究生命起源；结婚的和尚未结婚的。"
    "行长说银行的行情很好，重庆的重要重量级人物。ＡＢＣ全角１２３。"
)


def _jieba_cut(text: str) -> list[str]:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return list(tokenizer.cut(text, HMM=False))


def _fresh_table(folder: Path, monkeypatch: pytest.MonkeyPatch) -> wordfreq.WordTable:
    monkeypatch.setenv("AUDIOPAPER_MODEL_CACHE", str(folder))
    wordfreq._word_table.cache_clear()
    try:
        return wordfreq.word_table()
    finally:
        wordfreq._word_table.cache_clear()


def test_cut_is_jiebas_on_mixed_text() -> None:
    assert list(wordfreq.word_table().cut(MIXED)) == _jieba_cut(MIXED)


def test_frequencies_are_jiebas() -> None:
    table = wordfreq.word_table()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in ("展览", "展览馆", "银行", "长江大", "南京市长", "不存在的词语组合", "x", ""):
        assert table.freq(word) == (tokenizer.FREQ.get(word) if word else None), word
    assert table.freq("长江大") == 0  # a prefix of a word, not a word


@pytest.mark.skipif(not (SHARED / "real-pages").is_dir(), reason="no ../shared/real-pages here")
def test_cut_is_jiebas_on_real_pages() -> None:
    pages = sorted((SHARED / "real-pages").rglob("*.txt"))[:8]
    assert pages
    table = wordfreq.word_table()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert list(table.cut(text)) == _jieba_cut(text), page.name


def test_table_is_made_once_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _fresh_table(tmp_path, monkeypatch)
    files = list(tmp_path.glob("jieba-words-*.bin"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = _fresh_table(tmp_path, monkeypatch)
    assert files[0].stat().st_mtime_ns == stamp  # read, not made again
    assert list(second.cut(MIXED)) == list(first.cut(MIXED))


def _intact(path: Path) -> bool:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return path.name.endswith(f"-{digest}.bin")


def test_damaged_table_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_table(tmp_path, monkeypatch)
    (path,) = tmp_path.glob("jieba-words-*.bin")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert not _intact(path)
    table = _fresh_table(tmp_path, monkeypatch)
    assert list(table.cut(MIXED)) == _jieba_cut(MIXED)
    assert _intact(path)  # the damaged copy was not used: made again under its name


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_folder_still_cuts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path.chmod(0o500)
    try:
        table = _fresh_table(tmp_path / "models", monkeypatch)
        assert list(table.cut(MIXED)) == _jieba_cut(MIXED)
    finally:
        tmp_path.chmod(0o700)


def test_unwritable_cache_path_still_cuts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    table = _fresh_table(blocker / "models", monkeypatch)  # cannot be made, even as root
    assert list(table.cut(MIXED)) == _jieba_cut(MIXED)


def test_a_kept_table_needs_no_jieba_import() -> None:
    wordfreq.word_table()  # made in this session's model cache
    code = (
        "import sys\n"
        "from audiopaper.frontend.wordfreq import word_table\n"
        "print('|'.join(word_table().cut('南京市长江大桥')))\n"
        "print('jieba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["南京市|长江大桥", "False"]
