"""The text-to-phoneme side of the offline voice: G2P with forced lexicon readings, news
polyphone rules, tone sandhi, and the Baker voice's symbols. Needs no model to run.

>>> from audiopaper.frontend import pinyin_line
>>> pinyin_line("总理不会")
'zong2 li3 bu2 hui4'
"""

from __future__ import annotations

from collections.abc import Mapping

from audiopaper.frontend.g2p import HAN, Syllable
from audiopaper.frontend.phonemes import Frontend, Phonemes, Unvoiced

__all__ = ["Frontend", "Phonemes", "Syllable", "Unvoiced", "pinyin_line"]


def pinyin_line(
    line: str, overrides: Mapping[str, list[str]] | None = None, *, sandhi: bool = True
) -> str:
    """One TONE3 syllable per Han character of ``line``, space-separated (what the offline
    voice is fed); other characters give nothing. ``sandhi=False``: dictionary tones."""
    syllables = Frontend(overrides).syllables(line, sandhi_stage=sandhi)
    return " ".join(s.pinyin for s in syllables if s.pinyin and HAN.match(s.char))
