"""Tables kept in buckets by first character, so a run unpacks only the buckets of the
characters its text holds (a dictionary of hundreds of thousands of words takes most of
a second to load whole, more than a one-sentence rebuild should take in all).

The layout: a magic, the length of the index, the index (a header value and each bucket's
span, marshalled), then every bucket marshalled one after the other. The files are made by
this program from its own sources and checked by digest before use (``kept_derived``);
marshal only ever reads our own bytes.
"""

from __future__ import annotations

import marshal
import struct
from typing import Any

_INDEX_LENGTH = struct.Struct("<I")


class Buckets:
    """Key → value, unpacked a first character at a time as keys come up."""

    def __init__(self, data: memoryview, spans: dict[str, tuple[int, int]]) -> None:
        self._data = data
        self._spans = spans
        self._buckets: dict[str, dict[str, Any]] = {}

    def bucket(self, char: str) -> dict[str, Any]:
        found = self._buckets.get(char)
        if found is None:
            span = self._spans.get(char)
            found = marshal.loads(self._data[span[0] : span[1]]) if span else {}
            self._buckets[char] = found
        return found


def pack(magic: bytes, header: Any, table: dict[str, Any]) -> bytes:
    """``table`` in buckets by first character, behind ``magic`` and ``header``."""
    buckets: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        buckets.setdefault(key[0], {})[key] = value
    body = bytearray()
    spans: dict[str, tuple[int, int]] = {}
    for char, bucket in buckets.items():
        packed = marshal.dumps(bucket)
        spans[char] = (len(body), len(body) + len(packed))
        body += packed
    index = marshal.dumps((header, spans))
    return magic + _INDEX_LENGTH.pack(len(index)) + index + bytes(body)


def unpack(magic: bytes, data: bytes) -> tuple[Any, Buckets]:
    """(header, buckets); ValueError (or marshal's EOFError, TypeError) if ``data`` is
    not such a table."""
    if not data.startswith(magic) or len(data) < len(magic) + _INDEX_LENGTH.size:
        raise ValueError("not a bucket table")
    start = len(magic) + _INDEX_LENGTH.size
    (length,) = _INDEX_LENGTH.unpack_from(data, len(magic))
    header, spans = marshal.loads(data[start : start + length])
    if not isinstance(spans, dict):
        raise ValueError("not a bucket table")
    return header, Buckets(memoryview(data)[start + length :], spans)
