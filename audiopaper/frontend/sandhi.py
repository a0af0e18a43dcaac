"""Tone sandhi: the tones a Mandarin speaker says, from the tones the dictionary gives.

The Baker corpus the offline voice learned from is labelled with spoken tones, so the
model expects them: 不 reads bu2 before a fourth tone; 一 reads yi2 before a fourth tone and
yi4 before the others, but yi1 as a numeral (第一, 一九九八, 十一, 一月, 一是) and at the end;
a third tone before a third tone rises (总理 zong2 li3). In the spirit of PaddleSpeech's
ToneSandhi, without its neutral-tone rules. Forced (lexicon) syllables never change, but a
neighbour still hears them: 不 before a forced fourth tone reads bu2.
"""

from __future__ import annotations

import functools

from audiopaper.frontend.g2p import Syllable, Word, regroup

# Characters of a number written out: 一 next to one of these is a numeral (yi1).
_DIGITS = set("零〇一二三四五六七八九")
_NUMBER = _DIGITS | set("十百千万亿两点")
# After 一 as an ordinal: 一月 (January), 一号 (the first), 一是 (firstly), 一季度 (the
# first quarter), 一年级, 一线城市, 一等奖, 一审, 一期工程, 一把手 keep yi1.
_YI1_BEFORE = (
    "月",
    "号",
    "是",
    "季",
    "年级",
    "线",
    "等",
    "审",
    "期",
    "流",
    "把手",
    "产",
    "类",
    "档",
    "级",
)


def apply(words: list[Word]) -> list[Word]:
    """Spoken tones for dictionary-toned words (punctuation words pass through)."""
    words = _yi_bu(words)
    return _third_tones(words)


def _flat(words: list[Word]) -> list[Syllable]:
    return [s for w in words for s in w]


def _yi_bu(words: list[Word]) -> list[Word]:
    flat = _flat(words)
    ends = _word_ends(words)
    for i, syllable in enumerate(flat):
        if syllable.forced or syllable.pinyin not in ("yi1", "bu4"):
            continue
        before = flat[i - 1] if i > 0 else None
        after = flat[i + 1] if i + 1 < len(flat) else None
        if syllable.char == "不":
            if after is not None and after.tone == "4":
                flat[i] = syllable.with_tone("2")
        elif syllable.char == "一" and not (i in ends and before and before.pinyin):
            later = [s.char for s in flat[i + 1 : i + 3]]
            flat[i] = syllable.with_tone(_yi_tone(before, after, later))
    return regroup(words, flat)


def _word_ends(words: list[Word]) -> set[int]:
    """Indexes of the last syllable of each word of two or more (统一, 唯一, 之一 keep yi1)."""
    ends, position = set(), 0
    for word in words:
        position += len(word)
        if len(word) > 1:
            ends.add(position - 1)
    return ends


def _yi_tone(before: Syllable | None, after: Syllable | None, later: list[str]) -> str:
    if after is None or not after.pinyin:
        return "1"  # 统一。 唯一的 … at the end of a phrase
    if before is not None and (before.char == "第" or before.char in _NUMBER):
        return "1"  # 第一, 十一, 一百零一
    if after.char in _DIGITS or "".join(later).startswith(_YI1_BEFORE):
        return "1"  # 一九九八, 一月, 一是, 一季度
    if later[:1] == ["点"] and len(later) > 1 and (later[1] in _NUMBER or later[1] in "钟半"):
        return "1"  # 一点五 (1.5), 一点三十分, 一点钟 (one o'clock); 一点儿 stays yi4
    if after.char == "日" and before is not None and before.char == "月":
        return "1"  # 五月一日
    return "2" if after.tone == "4" else "4"


def _third_tones(words: list[Word]) -> list[Word]:
    """Inside each word first (with dictionary tones), then across word boundaries from
    right to left, so a word joins the group on its right: 效果 很 好 → guo3 hen2 hao3,
    好 领导 → hao3 ling2 dao3, 不管 怎样 → guan2 zen3. A run of one-syllable words rises
    all along (我 也 有 → wo2 ye2 you3). Punctuation ends a group."""
    out = [_sandhi_word(word) for word in words]
    for k in range(len(out) - 2, -1, -1):
        left, right = out[k], out[k + 1]
        if not left or not right or left[-1].tone != "3":
            continue
        chain = len(left) == 1 and len(right) == 1
        if (words[k + 1][0] if chain else right[0]).tone == "3":
            out[k] = (*left[:-1], left[-1].with_tone("2"))
    return out


def _all_third(syllables: Word | list[Syllable]) -> bool:
    return bool(syllables) and all(s.tone == "3" for s in syllables)


def _sandhi_word(word: Word) -> Word:
    if len(word) < 2 or not any(s.tone == "3" for s in word):
        return word
    syllables = list(word)
    if len(word) == 3 and _all_third(syllables):
        text = "".join(s.char for s in word)
        return tuple(_three(syllables, first_is_word=_left_branching(text)))
    if len(word) == 4:  # two feet, 2 + 2, joined like two words: 不管 怎样
        head, tail = _rise_before_third(syllables[:2]), _rise_before_third(syllables[2:])
        if head[1].tone == "3" and tail[0].tone == "3":
            head[1] = head[1].with_tone("2")
        return tuple(head + tail)
    return tuple(_rise_before_third(syllables))


def _three(syllables: list[Syllable], *, first_is_word: bool) -> list[Syllable]:
    """Three third tones: 展览/馆 (2+1) → 2 2 3; 纸/老虎 (1+2) → 3 2 3."""
    if first_is_word:
        return [syllables[0].with_tone("2"), syllables[1].with_tone("2"), syllables[2]]
    return [syllables[0], syllables[1].with_tone("2"), syllables[2]]


def _rise_before_third(syllables: list[Syllable]) -> list[Syllable]:
    """Each third tone directly before a (dictionary) third tone rises."""
    out = list(syllables)
    for i in range(len(syllables) - 1):
        if syllables[i].tone == "3" and syllables[i + 1].tone == "3":
            out[i] = syllables[i].with_tone("2")
    return out


@functools.cache
def _left_branching(text: str) -> bool:
    """Is the three-character word split 2+1 (展览馆) rather than 1+2 (纸老虎)?"""
    from audiopaper.frontend.wordfreq import word_table

    head, tail = text[:2], text[1:]
    head_known = bool(word_table().freq(head))
    tail_known = bool(word_table().freq(tail))
    return head_known or not tail_known
