"""pypinyin's phrases loaded a first character at a time read every text exactly as the
whole table does, and a rebuild reading one sentence never loads the whole table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# Our own sentences for what the phrase table decides: polyphones inside and across
# phrases (受到处分: 到处|分), our news phrases over pypinyin's, names, numbers read out,
# a character with no phrase at all, Latin and digits between Han runs.
SENTENCES = [
    "受到处分的干部在银行行长的陪同下走进长江大桥南京市长江大桥管理处。",
    "重庆的重要重量级人物说，还有还款的人还没有还清。",
    "一月一日起，不是所有的人都不知道一行行字的意思，行业协会会长说。",
    "乒乓球拍卖完了；研究生命起源；结婚的和尚未结婚的。",
    "他长得高，长大了当上了校长，长期在长沙工作。",
    "记者从市发展和改革委员会获悉，二零二四年第一季度GDP增长百分之五点二。",
    "单某、曾先生和区女士参加了朝阳区的朝会，大家都觉得好。",
    "这种种子要种在地里，各种各样的种类都有。",
    "叕,嫑,乄。",
    "iPhone和C919都来了，ABC公司的CEO说行。",
]


def _read_all(mode: str, texts: list[str], cache: Path) -> list[list[list[str | None]]]:
    """Every text's syllables, read in a fresh interpreter: ``whole`` imports pypinyin
    first, as another program in the same process would, ``lazy`` lets us load it."""
    script = (
        "import json, sys\n"
        + ("import pypinyin\n" if mode == "whole" else "")
        + "from audiopaper.frontend.g2p import words\n"
        "texts = json.load(sys.stdin)\n"
        "out = [[[s.pinyin for s in w] for w in words(t)] for t in texts]\n"
        "from pypinyin.constants import PHRASES_DICT\n"
        "json.dump({'out': out, 'phrases': len(PHRASES_DICT),\n"
        "           'whole_loaded': 'pypinyin.phrases_dict' in sys.modules,\n"
        "           'env': 'PYPINYIN_NO_PHRASES' in __import__('os').environ}, sys.stdout)\n"
    )
    env = {**os.environ, "AUDIOPAPER_MODEL_CACHE": str(cache)}
    env.pop("PYPINYIN_NO_PHRASES", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


def test_bucket_loading_reads_as_the_whole_table(tmp_path: Path) -> None:
    lazy = _read_all("lazy", SENTENCES, tmp_path)
    whole = _read_all("whole", SENTENCES, tmp_path)
    assert lazy["out"] == whole["out"]
    assert whole["whole_loaded"] and not lazy["whole_loaded"]
    assert lazy["phrases"] < whole["phrases"] / 4  # only what these sentences start with
    assert not lazy["env"]  # pypinyin's switch is not left set for child processes
    assert list(tmp_path.glob("pinyin-phrases-*.bin"))  # kept for the next run


@pytest.mark.skipif(not (SHARED / "real-pages").is_dir(), reason="no ../shared/real-pages here")
def test_bucket_loading_reads_real_pages_as_the_whole_table(tmp_path: Path) -> None:
    texts = []
    for page in sorted((SHARED / "real-pages").glob("*.txt"))[:6]:
        texts += [line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
    cpp = SHARED / "g2p" / "cpp" / "test.sent"
    if cpp.is_file():  # the polyphone benchmark's sentences: hard cases by design
        texts += cpp.read_text(encoding="utf-8").splitlines()[:1500]
    assert _read_all("lazy", texts, tmp_path)["out"] == _read_all("whole", texts, tmp_path)["out"]


def test_one_sentence_loads_only_its_characters_phrases(tmp_path: Path) -> None:
    found = _read_all("lazy", ["长江大桥"], tmp_path)
    assert found["out"] == [[["chang2", "jiang1", "da4", "qiao2"]]]
    assert 0 < found["phrases"] < 2_000  # the phrases of 长, 江, 大, 桥: not 47,000


def test_a_damaged_or_foreign_table_is_made_again(tmp_path: Path) -> None:
    reference = _read_all("lazy", SENTENCES, tmp_path)["out"]
    (kept,) = tmp_path.glob("pinyin-phrases-*.bin")
    kept.write_bytes(b"damaged")  # its name no longer matches its digest
    assert _read_all("lazy", SENTENCES, tmp_path)["out"] == reference
    # A file whose digest checks out but that this version did not write.
    import hashlib

    foreign = b"APPHRASES1" + b"\x00" * 8
    stem = kept.name.rsplit("-", 1)[0]
    for path in tmp_path.glob("pinyin-phrases-*.bin"):
        path.unlink()
    (tmp_path / f"{stem}-{hashlib.sha256(foreign).hexdigest()[:16]}.bin").write_bytes(foreign)
    assert _read_all("lazy", SENTENCES, tmp_path)["out"] == reference
