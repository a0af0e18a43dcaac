"""The records that ``explain`` returns: what was rewritten, and what was left alone."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rewrite:
    """One span of the input (``start``/``end`` offsets) and how it is spoken."""

    start: int
    end: int
    source: str
    spoken: str
    rule: str


@dataclass(frozen=True)
class Unhandled:
    """A character no rule understood. It is left in the output, never dropped."""

    position: int
    text: str
    reason: str


@dataclass(frozen=True)
class Explanation:
    """The spoken text together with the rewrites that made it."""

    source: str
    spoken: str
    rewrites: list[Rewrite] = field(default_factory=list)
    unhandled: list[Unhandled] = field(default_factory=list)
