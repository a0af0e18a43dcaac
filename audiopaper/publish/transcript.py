"""Transcripts: WebVTT and SRT from the edition's cues (one cue per printed sentence).

No caption line is longer than :data:`MAX_LINE` characters: a long cue is wrapped over
two lines, and a longer one is split into several cues at clause punctuation, its time
shared out in proportion to the characters of each piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from audiopaper.fsutil import atomic_write_text
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Cue

# Chinese subtitle practice: about 16 to 20 characters a line, at most two lines a cue.
MAX_LINE = 20
MAX_LINES = 2

# A clause ends after one of these (the mark stays with the clause before it).
# A Latin comma or colon between digits (3,456 or 10:30) ends no clause.
_CLAUSE_END = compile_kept(r"(?<=[，、；：。！？…;!?])|(?<=[,:])(?!\d)")
_UNSAFE = compile_kept(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = compile_kept(r"\s+")


def join_pieces(left: str, right: str) -> str:
    """Join two pieces of one sentence (segments are stripped where they were cut):
    Latin words on either side of the cut get their space back (``budget on``, not
    ``budgeton``); Chinese joins without one."""
    if left and right and _latin_end(left[-1]) and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _latin_end(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in ",;:!?.)%'\"")


def clean_text(text: str) -> str:
    """One line of plain text: control characters dropped, whitespace runs collapsed."""
    return _SPACES.sub(" ", _UNSAFE.sub("", text)).strip()


def layout_cues(
    cues: Iterable[Cue], max_line: int = MAX_LINE, max_lines: int = MAX_LINES
) -> list[Cue]:
    """Cues ready to print: each has at most ``max_lines`` lines of ``max_line`` characters
    (lines joined by ``\\n``). Empty cues are dropped."""
    if max_line < 2 or max_lines < 1:
        raise ValueError("a caption needs at least one line of two characters")
    laid_out: list[Cue] = []
    for cue in cues:
        text = clean_text(cue.text)
        if text:
            laid_out.extend(_lay_out_one(cue, text, max_line, max_lines))
    return laid_out


def _lay_out_one(cue: Cue, text: str, max_line: int, max_lines: int) -> list[Cue]:
    lines = _pack(_pieces(text, max_line), max_line)
    groups = [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]
    if len(groups) == 1:
        return [Cue(cue.start_ms, cue.end_ms, "\n".join(groups[0]))]
    return _share_time(cue, groups)


def _share_time(cue: Cue, groups: list[list[str]]) -> list[Cue]:
    """Split ``cue`` into one cue per group, timed in proportion to characters."""
    sizes = [sum(len(line) for line in group) for group in groups]
    total = sum(sizes)
    span = cue.end_ms - cue.start_ms
    pieces: list[Cue] = []
    done = 0
    start = cue.start_ms
    for group, size in zip(groups, sizes, strict=True):
        done += size
        end = cue.start_ms + round(span * done / total)
        pieces.append(Cue(start, end, "\n".join(group)))
        start = end
    return pieces


def _pieces(text: str, max_line: int) -> list[str]:
    """Clauses of ``text``, each cut to at most ``max_line`` characters."""
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(text):
        pieces.extend(_cut(clause, max_line))
    return [p for p in pieces if p.strip()]


def _cut(clause: str, max_line: int) -> list[str]:
    """Cut a clause longer than a line into even parts, at the last space in reach
    when there is one (Latin words stay whole)."""
    parts = max(1, -(-len(clause) // max_line))
    even = -(-len(clause) // parts)
    cut: list[str] = []
    while len(clause) > max_line:
        space = clause.rfind(" ", 1, max_line + 1)
        at = space if space > 0 else even
        cut.append(clause[:at])
        clause = clause[at:]
    cut.append(clause)
    return cut


def _pack(pieces: Sequence[str], max_line: int) -> list[str]:
    """Fill lines greedily with whole pieces."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > max_line:
            lines.append(current.strip())
            current = piece.lstrip()
        else:
            current += piece
    if current.strip():
        lines.append(current.strip())
    return lines


def vtt_timestamp(ms: int) -> str:
    return _timestamp(ms, ".")


def srt_timestamp(ms: int) -> str:
    return _timestamp(ms, ",")


def _timestamp(ms: int, separator: str) -> str:
    if ms < 0:
        raise ValueError(f"negative time {ms} ms")
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def escape_vtt(text: str) -> str:
    """Escape cue text: ``&`` and ``<`` start markup, and ``-->`` would end a timing line."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(cues: Iterable[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(layout_cues(cues), start=1):
        timing = f"{vtt_timestamp(cue.start_ms)} --> {vtt_timestamp(cue.end_ms)}"
        blocks.append(f"{number}\n{timing}\n{escape_vtt(cue.text)}\n")
    return "\n".join(blocks)


def neutralise_srt(text: str) -> str:
    """SRT has no escaping, and readers take any line with ``-->`` for a timing line
    (a new cue): a text arrow becomes →, which reads the same."""
    return text.replace("-->", "→")


def render_srt(cues: Iterable[Cue]) -> str:
    blocks = []
    for number, cue in enumerate(layout_cues(cues), start=1):
        timing = f"{srt_timestamp(cue.start_ms)} --> {srt_timestamp(cue.end_ms)}"
        blocks.append(f"{number}\n{timing}\n{neutralise_srt(cue.text)}\n")
    return "\n".join(blocks)


def write_transcripts(folder: Path, cues: Sequence[Cue]) -> list[Path]:
    """Write ``transcript.vtt`` and ``transcript.srt`` into the edition's folder."""
    vtt, srt = folder / "transcript.vtt", folder / "transcript.srt"
    atomic_write_text(vtt, render_vtt(cues))
    atomic_write_text(srt, render_srt(cues))
    return [vtt, srt]
