"""What a plan cannot say: every character an engine would leave out, with where it is."""

from __future__ import annotations

from collections.abc import Callable

from audiopaper.engines import Engine
from audiopaper.models import Segment


def unspoken(segments: list[Segment], engine_for: Callable[[Segment], Engine]) -> list[str]:
    """One line per segment that holds characters its engine cannot voice (engines that
    can tell offer ``unvoiced(text)``; the others are taken at their word)."""
    lines = []
    for number, segment in enumerate(segments, start=1):
        check = getattr(engine_for(segment), "unvoiced", None)
        found = check(segment.spoken_text) if check else ()
        if found:
            where = ", ".join(f"{u.char} at {u.position}" for u in found)
            lines.append(f"segment {number} “{segment.spoken_text[:24]}”: not spoken: {where}")
    return lines
