"""Characters → dictionary pinyin, one TONE3 syllable per Han character, grouped in words.

Lexicon words keep their forced reading. Everything else is read by pypinyin (with the
project's phrase table of news words laid over its own: ``phrases``), grouped into jieba
words, and brought back to citation tones: pypinyin's phrase data carries some spoken
tones (一月 yi2, 不是 bu2), and the sandhi stage must start from the dictionary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from audiopaper.frontend.phrases import is_phrase, prepare
from audiopaper.frontend.wordfreq import word_table
from audiopaper.kept_regex import compile_kept

HAN = compile_kept(r"[〇\u4e00-\u9fff]")  # 〇 is the Han numeral zero
_HAN_RUN = compile_kept(r"[〇\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Syllable:
    """One character and how it is read; ``pinyin`` is None for anything but Han."""

    char: str
    pinyin: str | None = None
    forced: bool = False  # from the lexicon: no rule or sandhi may change it

    @property
    def tone(self) -> str:
        return self.pinyin[-1] if self.pinyin else ""

    def with_tone(self, tone: str) -> Syllable:
        if self.forced or not self.pinyin:
            return self
        return replace(self, pinyin=self.pinyin[:-1] + tone)

    def read_as(self, pinyin: str) -> Syllable:
        return self if self.forced else replace(self, pinyin=pinyin)


Word = tuple[Syllable, ...]


def words(text: str, overrides: Mapping[str, tuple[str, ...]] | None = None) -> list[Word]:
    """``text`` as words of syllables: lexicon words forced, the rest from the dictionary.
    Every character of ``text`` appears exactly once, in order."""
    out: list[Word] = []
    pattern = _override_pattern(tuple(sorted(overrides))) if overrides else None
    position = 0
    for match in pattern.finditer(text) if pattern else ():
        out.extend(_dictionary_words(text[position : match.start()]))
        forced = overrides[match.group()] if overrides else ()
        out.append(tuple(Syllable(c, p, True) for c, p in zip(match.group(), forced, strict=True)))
        position = match.end()
    out.extend(_dictionary_words(text[position:]))
    return out


@functools.cache
def _override_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    return compile_kept("|".join(map(re.escape, sorted(keys, key=len, reverse=True))))


def _dictionary_words(text: str) -> list[Word]:
    out: list[Word] = []
    position = 0
    for match in _HAN_RUN.finditer(text):
        out.extend((Syllable(c),) for c in text[position : match.start()])
        out.extend(_han_words(match.group()))
        position = match.end()
    out.extend((Syllable(c),) for c in text[position:])
    return out


def _han_words(run: str) -> list[Word]:
    prepare(run)
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True)
    if len(readings) != len(run):  # never misalign: fall back char by char
        readings = [_single(c) for c in run]
    out: list[Word] = []
    start = 0
    for token in word_table().cut(run):
        mine = readings[start : start + len(token)]
        if len(token) > 1 and is_phrase(token):
            # A jieba word the phrase data knows is read as that word, even where
            # pypinyin's own matching took a phrase across it (受到处分: 到处|分).
            mine = lazy_pinyin(token, style=Style.TONE3, neutral_tone_with_five=True)
        out.append(
            tuple(Syllable(c, _citation(c, r) or None) for c, r in zip(token, mine, strict=True))
        )
        start += len(token)
    return out


def _single(char: str) -> str:
    prepare(char)
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)
    return found[0] if found and found[0] != char else ""


_CITATION = {"一": "yi1", "不": "bu4"}


def _citation(char: str, reading: str) -> str:
    """The dictionary tone of ``reading``: undo sandhi that phrase data wrote in."""
    if not reading or reading == char or not reading[-1].isdigit():
        return ""
    if char in _CITATION and not reading.endswith("5"):  # 对不起 keeps its neutral bu5
        return _CITATION[char]
    if reading.endswith("2") and reading not in _heteronyms(char):
        third = reading[:-1] + "3"
        if third in _heteronyms(char):
            return third
    return reading


@functools.cache
def _heteronyms(char: str) -> frozenset[str]:
    prepare(char)
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)
    return frozenset(found[0]) if found else frozenset()


def regroup(words: list[Word], flat: list[Syllable]) -> list[Word]:
    """Syllables changed in a flat list, cut back into the words they came from."""
    out: list[Word] = []
    start = 0
    for word in words:
        out.append(tuple(flat[start : start + len(word)]))
        start += len(word)
    return out
