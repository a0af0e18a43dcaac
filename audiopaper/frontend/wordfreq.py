"""jieba's word table and its cut, without loading jieba at every run.

Importing jieba and reading its table (half a million words and prefixes) takes 1-1.7 s
before the first word is cut: most of a rebuild that re-synthesizes one sentence. The
table is made once per machine by jieba itself (``gen_pfdict`` over its dictionary) and
kept beside the rewritten voice model as a file of buckets by first character; a build
unpacks only the buckets of the characters it cuts. ``cut`` is jieba's own cut without
its HMM (``jieba.cut(text, HMM=False)``, jieba 0.42.1, its last release), word for word:
a test holds the two side by side.

The file's name carries the digest of the jieba dictionary it came from and of its own
bytes, checked at every load: a damaged or stale file is made again, never trusted. When
the folder cannot be written, the table is made in memory for this run.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections.abc import Iterator
from pathlib import Path

from audiopaper.frontend.buckets import Buckets, pack, unpack
from audiopaper.fsutil import kept_derived, package_folder
from audiopaper.kept_regex import compile_kept

_FORMAT = "1"
_MAGIC = b"APWORDS" + _FORMAT.encode()
_LOCK = threading.Lock()
# jieba's own patterns: runs it cuts with its table, whitespace it passes through, and
# the single letters and digits it glues back together.
_HAN_RUN = compile_kept("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = compile_kept("(\r\n|\\s)")
_LATIN = compile_kept("[a-zA-Z0-9]")


class WordTable:
    """jieba's dictionary: frequencies (0 for a prefix that is no word) and its cut."""

    def __init__(self, buckets: Buckets, total: int) -> None:
        self._buckets = buckets
        self._log_total = math.log(total)

    def freq(self, word: str) -> int | None:
        """The word's count, 0 for a prefix of longer words only, None if unknown."""
        return self._buckets.bucket(word[0]).get(word) if word else None

    def cut(self, text: str) -> Iterator[str]:
        """``jieba.cut(text, HMM=False)``."""
        for block in _HAN_RUN.split(text):
            if not block:
                continue
            if _HAN_RUN.match(block):
                yield from self._cut_block(block)
                continue
            for part in _SKIP.split(block):
                if _SKIP.match(part):
                    yield part
                else:
                    yield from part

    def _cut_block(self, text: str) -> Iterator[str]:
        route = self._route(text)
        latin = ""
        x = 0
        while x < len(text):
            y = route[x] + 1
            word = text[x:y]
            if len(word) == 1 and _LATIN.match(word):
                latin += word  # single letters and digits read on as one word
            else:
                if latin:
                    yield latin
                    latin = ""
                yield word
            x = y
        if latin:
            yield latin

    def _route(self, text: str) -> list[int]:
        """For each position, the end of the word that starts there on the most likely
        path (jieba's get_DAG and calc: the largest sum of log frequencies)."""
        size = len(text)
        ends: list[list[int]] = []
        for k in range(size):
            bucket = self._buckets.bucket(text[k])
            found = []
            i = k
            fragment = text[k]
            while i < size and fragment in bucket:
                if bucket[fragment]:
                    found.append(i)
                i += 1
                fragment = text[k : i + 1]
            ends.append(found or [k])
        best: list[tuple[float, int]] = [(0.0, 0)] * (size + 1)
        for k in range(size - 1, -1, -1):
            bucket = self._buckets.bucket(text[k])
            best[k] = max(
                (math.log(bucket.get(text[k : x + 1]) or 1) - self._log_total + best[x + 1][0], x)
                for x in ends[k]
            )
        return [end for _, end in best[:size]]


def word_table() -> WordTable:
    with _LOCK:
        return _word_table()


@functools.cache
def _word_table() -> WordTable:
    raw = _jieba_dictionary().read_bytes()
    source = hashlib.sha256(raw).hexdigest()[:16]
    data = kept_derived(f"jieba-words-{_FORMAT}-{source}", ".bin", lambda: _pack(raw))
    try:
        return _parse(data)
    except (ValueError, EOFError, TypeError):  # a copy that checks out but
        return _parse(_pack(raw))  # was not written by this version: never trusted


def _jieba_dictionary() -> Path:
    """jieba's dict.txt, found without importing jieba (its import alone takes 0.3 s)."""
    folder = package_folder("jieba")
    if folder is None:
        raise ImportError("jieba is not installed")
    return folder / "dict.txt"


def _pack(raw: bytes) -> bytes:
    """jieba's table from its dictionary's bytes, in buckets by first character."""
    import io

    import jieba

    words, total = jieba.Tokenizer.gen_pfdict(io.BytesIO(raw))
    return pack(_MAGIC, total, words)


def _parse(data: bytes) -> WordTable:
    total, buckets = unpack(_MAGIC, data)
    if not isinstance(total, int) or total <= 0:
        raise ValueError("not a word table")
    return WordTable(buckets, total)
