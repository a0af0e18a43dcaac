"""Regular expressions compiled once per machine, not at every start.

Python compiles a pattern's character classes code point by code point: a class over the
CJK blocks costs it about 2 ms, and the byline patterns, built from names and roles,
hold over a hundred of them: a third of a second of every build, more than a rebuild of
one sentence spends on anything else but the voice.

``compile_kept`` keeps what ``re`` hands its matching engine (the program ``_sre.compile``
takes) in the program cache, in a file named for this exact interpreter and its engine,
and builds the pattern from it on the next run. A program is kept only when the pattern
it makes is equal to ``re.compile``'s (CPython compares patterns by their code), so
another Python, a moved private API or a damaged file can only cost the time:
``re.compile`` is the answer then.

The program's modules compile their patterns through it (normalizing rules, parsers,
segmenter: 0.1 s of every start). Each kept program carries the save in which it was last
used; one that no run has used in ``_KEEP_SAVES`` saves (a pattern an older version, or a
command seldom run, compiled) is dropped, so the file does not grow with every change.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import marshal
import re
import sys
import threading
from pathlib import Path
from typing import Any

from audiopaper.errors import OutputError
from audiopaper.fsutil import atomic_write_bytes, program_cache_dir

_LOCK = threading.Lock()
_DIGEST = 32  # bytes of sha256 in front of the marshalled table
_KEEP_SAVES = 8  # saves a program is kept through without being used
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
Key = tuple[str, int]


def compile_kept(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the program kept by an earlier run."""
    flags = int(flags)
    with _LOCK:
        kept = _kept()
        entry = kept.programs.get((pattern, flags))
        if entry is not None:
            with contextlib.suppress(Exception):
                compiled = _from_program(pattern, entry[1])
                kept.used.add((pattern, flags))
                return compiled
        compiled = re.compile(pattern, flags)
        program = _program(pattern, flags, compiled)
        if program is not None:
            kept.programs[(pattern, flags)] = (kept.save_number, program)
            kept.used.add((pattern, flags))
            kept.save_at_exit()
        return compiled


class _Kept:
    def __init__(self, path: Path, programs: dict[Key, tuple[int, Program]]) -> None:
        self.path = path
        self.programs = programs  # each with the save that last used it
        self.save_number = max((saved for saved, _ in programs.values()), default=0) + 1
        self.used: set[Key] = set()
        self._registered = False

    def save_at_exit(self) -> None:
        if not self._registered:
            self._registered = True
            atexit.register(self.save)

    def save(self) -> None:
        """Written into the program cache only if it exists (a build makes it): a folder
        removed meanwhile, a test run's say, stays removed."""
        if not self.path.parent.is_dir():
            return
        with _LOCK:
            oldest = self.save_number - _KEEP_SAVES
            table = {
                key: (self.save_number if key in self.used else saved, program)
                for key, (saved, program) in self.programs.items()
                if key in self.used or saved > oldest
            }
            try:
                body = marshal.dumps(table)
            except ValueError:  # cannot happen with the ints and strings kept; never fail
                return
        with contextlib.suppress(OSError, OutputError):
            atomic_write_bytes(self.path, hashlib.sha256(body).digest() + body)


@functools.cache
def _kept() -> _Kept:
    import _sre

    interpreter = f"{sys.version}\0{sys.platform}\0{_sre.MAGIC}\0{_sre.CODESIZE}"
    name = hashlib.sha256(interpreter.encode()).hexdigest()[:16]
    path = program_cache_dir() / f"regex-programs-2-{name}.bin"
    try:
        data = path.read_bytes()
    except OSError:
        return _Kept(path, {})
    body = data[_DIGEST:]
    if len(data) < _DIGEST or hashlib.sha256(body).digest() != data[:_DIGEST]:
        return _Kept(path, {})  # damaged: compiled afresh and written again
    try:
        programs = marshal.loads(body)
        if not all(isinstance(saved, int) for saved, _ in programs.values()):
            raise TypeError("not a table of kept programs")
    except (ValueError, EOFError, TypeError, AttributeError):
        return _Kept(path, {})
    return _Kept(path, programs)


def _from_program(pattern: str, program: Program) -> re.Pattern[str]:
    import _sre

    flags, code, groups, groupindex, indexgroup = program
    compiled: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)
    return compiled


def _program(pattern: str, flags: int, compiled: re.Pattern[str]) -> Program | None:
    """What ``re`` handed its engine for ``pattern``, rebuilt the way ``re._compiler``
    builds it; None unless it makes a pattern equal to ``compiled``."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed: Any = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program: Program = (
            int(flags | parsed.state.flags),
            [int(word) for word in code],  # re's opcodes are int subclasses
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        rebuilt = _from_program(pattern, program)
    except Exception:  # another Python's internals: nothing kept
        return None
    return program if rebuilt == compiled and rebuilt.groupindex == compiled.groupindex else None
