"""Phonemes remembered between builds, beside the clips they key.

Every build asks for the phonemes of every segment (the clip cache is keyed by them), and
the G2P with its dictionaries is a good part of a rebuild that changes one sentence. The
answer for a text is kept in a small file named by the text, the forced readings, and a
stamp of everything the answer depends on (the frontend's code and tables, pypinyin's
and jieba's files, Python and its Unicode tables): a new rule or dictionary misses, and
the phonemes are made again. A file that is damaged or names a symbol the voice lacks
counts as missing. Writes are best-effort: a read-only cache only means the G2P runs
again next time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from audiopaper.errors import OutputError
from audiopaper.frontend import baker
from audiopaper.frontend.phonemes import Phonemes, Unvoiced
from audiopaper.fsutil import atomic_write_bytes


class PhonemeMemo:
    def __init__(self, folder: Path, overrides: Mapping[str, tuple[str, ...]]) -> None:
        self.folder = folder
        forced = json.dumps(sorted(overrides.items()), ensure_ascii=False)
        self._stamp = hashlib.sha256(f"{frontend_stamp()}\0{forced}".encode()).hexdigest()

    def path_for(self, text: str) -> Path:
        key = hashlib.sha256(f"{self._stamp}\0{text}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, text: str) -> Phonemes | None:
        try:
            data = json.loads(self.path_for(text).read_bytes())
            symbols = tuple(data["symbols"].split(" "))
            unvoiced = tuple(Unvoiced(int(p), str(c)) for p, c in data["unvoiced"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        known = baker.symbol_ids()
        if not all(symbol in known for symbol in symbols):
            return None
        if not all(0 <= u.position < len(text) and text[u.position] == u.char for u in unvoiced):
            return None
        return Phonemes(symbols, unvoiced)

    def put(self, text: str, phonemes: Phonemes) -> None:
        data = {
            "symbols": " ".join(phonemes.symbols),
            "unvoiced": [[u.position, u.char] for u in phonemes.unvoiced],
        }
        # Not forced to disk: an entry lost to a power cut is only worked out again
        # (260 waits on the disk, 0.05 s, before a 10-minute page's first sentence).
        with contextlib.suppress(OSError, OutputError):
            atomic_write_bytes(self.path_for(text), json.dumps(data).encode("utf-8"), durable=False)


@functools.cache
def frontend_stamp() -> str:
    """What the phonemes of a text depend on besides the text and the forced readings."""
    stamp = hashlib.sha256(f"{sys.version}\0{unicodedata.unidata_version}\n".encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.rglob("*")):  # our code and tables, by content
        if path.is_file() and path.suffix in (".py", ".tsv"):
            stamp.update(f"{path.relative_to(here)}\0".encode() + path.read_bytes())
    for package in ("pypinyin", "jieba"):  # theirs, by name, size and time
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(Path(location).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    info = path.stat()
                    stamp.update(f"{path.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return stamp.hexdigest()
