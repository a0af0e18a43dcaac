"""pypinyin with our tables over its own, its phrase table loaded a first character at a
time.

Imported as it is, pypinyin reads its 47,000 phrases and trains its segmenter on all of
them (~0.3 s), and laying our 16,700 over them trains it over all of them again (~0.2 s):
most of what a rebuild that reads one new sentence spends on it. Imported with
``PYPINYIN_NO_PHRASES`` it starts with none; ``prepare(text)`` then loads, for each
character of ``text`` not seen yet, the phrases that start with it (pypinyin's, then ours
over them) into its table and its segmenter's prefixes. Every lookup pypinyin makes while
reading ``text`` is of a string that starts inside ``text``, so it reads exactly as with
the whole table: a test holds the two side by side. pypinyin's phrases with ours over
them are kept, in buckets, in the program cache, made once per machine from the files.

Should pypinyin already have been imported with its whole table (by another program in
the same process), ours are laid over it once, as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from audiopaper.frontend.buckets import Buckets, pack, unpack
from audiopaper.fsutil import kept_derived, package_folder

_FORMAT = "1"
_MAGIC = b"APPHRASES" + _FORMAT.encode()
_NO_PHRASES = "PYPINYIN_NO_PHRASES"
# Keeps pypinyin's table never empty, so it always runs its segmenter, as with the whole
# table (an empty table reads a run without cutting it). No text asks for it: pypinyin
# only looks up runs of Han characters.
_SENTINEL = "\0"
_LOCK = threading.RLock()
_OUR_PHRASES = ("phrases.tsv", "news_phrases.tsv")  # the news table last
_MARKS = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "v": "ǖǘǚǜ"}


def data_rows(name: str) -> list[list[str]]:
    text = files("audiopaper.frontend").joinpath("data", name).read_text("utf-8")
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@functools.cache  # ~1,300 syllables spell the 40,000 of the phrase table
def marked(syllable: str) -> str:
    """TONE3 → tone marks (zhong4 → zhòng), as pypinyin stores readings. pypinyin's own
    converter takes seconds over the phrase table; this is a table lookup."""
    base, tone = syllable[:-1], syllable[-1]
    if "ê" in base:  # rare (欸 ê4): pypinyin's converter knows its marks
        _import_pypinyin()
        from pypinyin.contrib.tone_convert import to_tone

        return str(to_tone(syllable))
    if tone not in "1234":
        return (base if tone == "5" else syllable).replace("v", "ü")
    if "a" in base or "e" in base:
        index = base.index("a" if "a" in base else "e")
    elif "ou" in base:
        index = base.index("o")
    else:
        index = max(base.rfind(vowel) for vowel in "iouv")
    if index < 0:  # m, n, ng: no vowel to mark
        return base
    return (base[:index] + _MARKS[base[index]][int(tone) - 1] + base[index + 1 :]).replace("v", "ü")


def prepare(text: str) -> None:
    """pypinyin ready to read ``text``: our readings in, and every phrase that starts
    with one of its characters."""
    with _LOCK:
        tables = _tables()
        if tables.phrases is None:
            return
        from pypinyin.constants import PHRASES_DICT
        from pypinyin.seg import mmseg

        for char in set(text) - tables.loaded:
            bucket = tables.phrases.bucket(char)
            PHRASES_DICT.update(bucket)
            mmseg.seg.train(iter(bucket))
            tables.loaded.add(char)


def is_phrase(word: str) -> bool:
    """Whether pypinyin's table (with ours) has ``word`` as a phrase."""
    prepare(word)
    from pypinyin.constants import PHRASES_DICT

    return word in PHRASES_DICT


@dataclass
class _Tables:
    phrases: Buckets | None  # pypinyin's and ours over them; None: pypinyin holds them
    loaded: set[str]  # first characters whose phrases pypinyin has


@functools.cache
def _tables() -> _Tables:
    with _LOCK:
        source = _import_pypinyin()
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        # The common modern reading first, where pypinyin's first one is archaic or rare.
        PINYIN_DICT.update(
            {
                ord(char): ",".join(marked(s) for s in readings.split())
                for name in ("rare_chars.tsv", "chars.tsv")  # the hand-written table last
                for char, readings in data_rows(name)
            }
        )
        if source is None:
            from pypinyin import load_phrases_dict

            load_phrases_dict(_our_phrases())  # retrains the segmenter over every phrase
            return _Tables(None, set())
        PHRASES_DICT[_SENTINEL] = []
        return _Tables(_phrase_table(source), set())


def _our_phrases() -> dict[str, list[list[str]]]:
    return {
        word: [[marked(s)] for s in reading.split()]
        for name in _OUR_PHRASES
        for word, reading in data_rows(name)
    }


@functools.cache
def _import_pypinyin() -> Path | None:
    """Import pypinyin, without its phrases where we can load them a bucket at a time;
    their file when they are left to us, None when pypinyin holds them."""
    with _LOCK:
        source = _phrase_file()
        if "pypinyin.constants" not in sys.modules and source is not None:
            _import_without_phrases()
        from pypinyin.constants import PHRASES_DICT

        return None if PHRASES_DICT else source


def _import_without_phrases() -> None:
    saved = os.environ.get(_NO_PHRASES)
    os.environ[_NO_PHRASES] = "1"
    try:
        import pypinyin  # noqa: F401
    finally:
        if saved is None:
            os.environ.pop(_NO_PHRASES, None)
        else:
            os.environ[_NO_PHRASES] = saved


@functools.cache
def _phrase_file() -> Path | None:
    """pypinyin's phrase table, found without importing pypinyin (None if it keeps it
    some other way: then it is loaded whole)."""
    folder = package_folder("pypinyin")
    if folder is None:
        raise ImportError("pypinyin is not installed")
    path = folder / "phrases_dict.json"
    return path if path.is_file() else None


def _phrase_table(source: Path) -> Buckets:
    """pypinyin's phrases with ours laid over them, in buckets; named for the bytes of
    both and of this module (which spells our readings)."""
    raw = source.read_bytes()
    digest = hashlib.sha256(raw)
    for name in _OUR_PHRASES:
        digest.update(files("audiopaper.frontend").joinpath("data", name).read_bytes())
    digest.update(Path(__file__).read_bytes())
    stem = f"pinyin-phrases-{_FORMAT}-{digest.hexdigest()[:16]}"
    data = kept_derived(stem, ".bin", lambda: _pack(raw))
    try:
        return unpack(_MAGIC, data)[1]
    except (ValueError, EOFError, TypeError):  # checks out but not written by this version
        return unpack(_MAGIC, _pack(raw))[1]


def _pack(raw: bytes) -> bytes:
    """pypinyin's phrases as its own loader reads them, ours over them, in buckets by
    first character."""
    table = json.loads(raw.decode("utf-8"))
    if not isinstance(table, dict):
        raise ValueError("pypinyin's phrase table is not a table")
    table.update(_our_phrases())
    return pack(_MAGIC, len(table), table)
