"""A one-word lexicon fix that really changes what the offline voice is fed, whatever
the frontend reads today: the word's current reading with its first tone moved on."""

from __future__ import annotations


def reading_fix(word: str) -> str:
    """A lexicon file (TOML text) forcing a reading of ``word`` other than today's."""
    from audiopaper.frontend import Frontend
    from audiopaper.lexicon import Lexicon

    frontend = Frontend(Lexicon.load().pinyin_overrides())
    syllables = [s.pinyin for s in frontend.syllables(word, sandhi_stage=True) if s.pinyin]
    assert len(syllables) == len(word), f"{word} should be all Han characters"
    first = syllables[0]
    moved = first[:-1] + str(int(first[-1]) % 4 + 1)  # tones 1→2→3→4→1, neutral 5→2
    return f'[words."{word}"]\npinyin = "{" ".join([moved, *syllables[1:]])}"\n'
