"""The ``audiopaper pinyin`` command's work: lines in, TONE3 lines out."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from audiopaper.errors import InputError


def _text(file: Path | None) -> str:
    if file is None:
        return sys.stdin.read()
    try:
        return file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file", hint="check the path") from None
    except OSError as err:
        raise InputError(f"{file}: cannot read ({err.strerror})", hint="check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text", hint="save the file as UTF-8") from None


def pinyin_lines(file: Path | None, lexicon: Path | None, *, sandhi: bool) -> Iterator[str]:
    """One output line per input line (a final newline ends the last line, no more)."""
    from audiopaper.frontend import Frontend
    from audiopaper.frontend.g2p import HAN
    from audiopaper.lexicon import Lexicon

    frontend = Frontend(Lexicon.load(lexicon).pinyin_overrides())
    lines = _text(file).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        syllables = frontend.syllables(line.rstrip("\r"), sandhi_stage=sandhi)
        yield " ".join(s.pinyin for s in syllables if s.pinyin and HAN.match(s.char))
