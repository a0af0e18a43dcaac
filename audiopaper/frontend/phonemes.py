"""Spoken Chinese → the Baker voice's phoneme symbols: G2P, polyphone rules, tone sandhi,
then each syllable split into an initial and a toned final, with pauses at punctuation.

Whatever the voice cannot say is reported with its position, never dropped silently.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from audiopaper.frontend import baker, g2p, polyphones, sandhi
from audiopaper.frontend.g2p import Syllable
from audiopaper.kept_regex import compile_kept

if TYPE_CHECKING:
    from audiopaper.frontend.memo import PhonemeMemo

# Pause symbols the Baker model was trained with: #3 ends an intonational phrase.
PAUSE_FOR = {"，": "#3", ",": "#3", "；": "#3", ";": "#3", "：": "#3", ":": "#3", "、": "#2"}
# A slash or bar the normalizer left stands between alternatives (男/女): a short pause.
PAUSE_FOR.update({"/": "#2", "／": "#2", "|": "#2", "｜": "#2"})
# Punctuation that shapes prosody or is simply not read (brackets, dashes, bullets);
# anything else is reported.
SILENT = frozenset(
    set(PAUSE_FOR)
    | set("。！？!?…⋯—“”‘’\"'()（）《》〈〉【】[]·.-")
    | set("「」『』〔〕［］｛｝{}〖〗〘〙﹁﹂﹃﹄–―－‐‑‒•●○◆◇■□▲△▶►★☆※·・︰")
)
_BAKER_HAN = compile_kept(r"[\u4e00-\u9fa5]")  # the block the Baker frontend knows
_NEUTRAL_TONE = "5"
_BREAKS = ("sil", "#0", "#2", "#3")


@dataclass(frozen=True)
class Unvoiced:
    """A character the voice cannot say, at ``position`` in the text it was given."""

    position: int
    char: str


@dataclass(frozen=True)
class Phonemes:
    """What the model will say for a text, and what it had to leave out."""

    symbols: tuple[str, ...]
    unvoiced: tuple[Unvoiced, ...] = ()

    @property
    def dropped(self) -> tuple[str, ...]:
        return tuple(u.char for u in self.unvoiced)

    def ids(self) -> list[int]:
        table = baker.symbol_ids()
        return [table[s] for s in self.symbols] + [table[baker.END]]

    def notes(self) -> tuple[str, ...]:
        if not self.unvoiced:
            return ()
        where = ", ".join(f"{u.char} at {u.position}" for u in self.unvoiced[:8])
        more = " …" if len(self.unvoiced) > 8 else ""
        return (f"not spoken: {where}{more}",)


@functools.cache
def latin_readings() -> dict[str, str]:
    text = files("audiopaper.frontend").joinpath("data/latin_letters.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {letter: reading for letter, reading in rows}


class Frontend:
    """Spoken Chinese → Baker phoneme symbols, honouring forced pinyin readings."""

    def __init__(
        self, overrides: Mapping[str, list[str]] | None = None, memo_folder: Path | None = None
    ) -> None:
        self.overrides = {w: tuple(p) for w, p in (overrides or {}).items() if w and p}
        # Planning, the cache key and synthesis all ask for the same segments.
        self._phonemes: dict[str, Phonemes] = {}
        self._memo: PhonemeMemo | None = None
        if memo_folder is not None:  # and the next build asks again
            from audiopaper.frontend.memo import PhonemeMemo

            self._memo = PhonemeMemo(memo_folder, self.overrides)

    def syllables(self, text: str, *, sandhi_stage: bool = True) -> list[Syllable]:
        """One Syllable per character of ``text``: dictionary readings, the news polyphone
        rules, and (unless ``sandhi_stage`` is False) tone sandhi."""
        words = polyphones.apply(g2p.words(text, self.overrides))
        if sandhi_stage:
            words = sandhi.apply(words)
        return [s for word in words for s in word]

    def phonemes(self, text: str) -> Phonemes:
        found = self._phonemes.get(text)
        if found is None and self._memo is not None:
            found = self._memo.get(text)
            if found is None:
                found = self._make_phonemes(text)
                self._memo.put(text, found)
        if found is None:
            found = self._make_phonemes(text)
        self._phonemes[text] = found
        return found

    def _make_phonemes(self, text: str) -> Phonemes:
        spelled, origin = _spell(text)
        symbols = ["sil"]
        unvoiced: list[Unvoiced] = []
        for index, syllable in enumerate(self.syllables(spelled)):
            phones = _phones(syllable.pinyin) if syllable.pinyin else None
            if phones is None:
                if _unspoken(syllable.char, syllable.pinyin):
                    unvoiced.append(Unvoiced(origin[index], text[origin[index]]))
                symbols = _pause(symbols, PAUSE_FOR.get(syllable.char))
                continue
            if symbols[-1] not in _BREAKS:
                symbols.append("#0")
            symbols.extend(phones)
        while symbols[-1] in ("#0", "#2", "#3"):
            symbols.pop()
        symbols.append("sil")
        return Phonemes(tuple(symbols), _distinct(unvoiced))


def _distinct(unvoiced: list[Unvoiced]) -> tuple[Unvoiced, ...]:
    # A spelled letter maps several syllables to one position: report it once.
    return tuple(dict.fromkeys(unvoiced))


def _spell(text: str) -> tuple[str, list[int]]:
    """The text with Latin letters spelled out the way a reader does (the Baker voice has
    no English phones), Greek letters by name, and 〇 as 零; ``origin[i]`` is where
    character i came from."""
    readings = latin_readings()
    out: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        letter = unicodedata.normalize("NFKC", char).upper()  # Ｇ → G, α → Α
        spoken = "零" if char == "〇" else readings.get(letter, char) if len(letter) == 1 else char
        out.append(spoken)
        origin.extend([position] * len(spoken))
    return "".join(out), origin


def _pause(symbols: list[str], pause: str | None) -> list[str]:
    if pause and symbols[-1] not in ("sil", "#2", "#3"):
        if symbols[-1] == "#0":
            symbols.pop()
        symbols.append(pause)
    return symbols


def _unspoken(char: str, pinyin: str | None) -> bool:
    """A Han character with no reading, or a symbol that is neither read nor silent."""
    if _BAKER_HAN.match(char):
        return True  # a Han character reaches here only when it has no usable reading
    return not (char in SILENT or char.isspace())


def _phones(syllable: str) -> tuple[str, str] | None:
    """A TONE3 syllable as the Baker (initial, final+tone), or None if it has none."""
    syllable = syllable.lower().replace("ü", "v")
    if not syllable[-1].isdigit():
        syllable += _NEUTRAL_TONE
    base, tone = syllable[:-1], syllable[-1]
    table = baker.pinyin_table()
    if base in ("n", "ng", "m"):  # 嗯, 呣
        base = "en"
    if base not in table and base.endswith("r") and base[:-1] in table:
        base = base[:-1]  # erhua syllable: 儿 is read separately
    if base not in table:
        return None
    initial, final = table[base]
    return initial, final + tone


def phones_of(syllable: str) -> tuple[str, str] | None:
    """Public for tests and tools: the Baker phones of one TONE3 syllable."""
    return _phones(syllable)
