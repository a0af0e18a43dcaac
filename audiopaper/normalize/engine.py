"""The rule engine: ordered rules claim spans of the input; later rules never see them.

Each rule matches on the folded view of the input (see ``width``) with claimed spans
masked out, so a number read by an earlier rule cannot be read twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.model import Explanation, Rewrite, Unhandled
from audiopaper.normalize.width import fold

MASK = "\x00"


@dataclass(frozen=True)
class Context:
    """The whole folded input, for rules that look around their match."""

    view: str
    text: str = ""

    def before(self, pos: int, size: int = 8) -> str:
        return self.view[max(0, pos - size) : pos]

    def after(self, pos: int, size: int = 8) -> str:
        return self.view[pos : pos + size]


Speaker = Callable[[re.Match[str], Context], str | None]


@dataclass(frozen=True)
class Rule:
    """``speak`` returns the spoken form of a match, or None to let later rules try."""

    name: str
    pattern: re.Pattern[str]
    speak: Speaker


def _run_rule(rule: Rule, work: str, ctx: Context) -> tuple[str, list[Rewrite]]:
    """Apply one rule; return the work string with its claims masked, and the claims."""
    found: list[Rewrite] = []
    for match in rule.pattern.finditer(work):
        start, end = match.span()
        if start == end:
            continue
        spoken = rule.speak(match, ctx)
        if spoken is not None:
            found.append(Rewrite(start, end, "", spoken, rule.name))
    for rw in found:
        work = work[: rw.start] + MASK * (rw.end - rw.start) + work[rw.end :]
    return work, found


_TRIGGER = compile_kept(
    r"[0-9A-Za-z%‰‱/·$¥£€₩±≤≥+=<>×÷℃℉㎡㎞㎏㎎㎝㎜㎖㎥°@&~№\-"
    r"\u00b2\u00b3\u00b9\u2070-\u209f\u2160-\u2188\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]"
)
_REPORTED = set("#$%&*+<=>@^_|\\~`") | {"±", "≤", "≥", "×", "÷", "≠", "≈"}


def _unhandled(text: str, work: str) -> list[Unhandled]:
    out: list[Unhandled] = []
    for pos, char in enumerate(work):
        if char == MASK:
            continue
        category = unicodedata.category(char)
        if char.isdigit() or category == "No":
            out.append(Unhandled(pos, text[pos], "a digit no rule read"))
        elif char in _REPORTED or category in ("Sm", "Sc"):
            out.append(Unhandled(pos, text[pos], "a symbol no rule read"))
    return out


def _assemble(text: str, rewrites: list[Rewrite]) -> tuple[str, list[Rewrite]]:
    out: list[str] = []
    done: list[Rewrite] = []
    pos = 0
    for rw in sorted(rewrites, key=lambda r: r.start):
        out.append(text[pos : rw.start])
        out.append(rw.spoken)
        done.append(Rewrite(rw.start, rw.end, text[rw.start : rw.end], rw.spoken, rw.rule))
        pos = rw.end
    out.append(text[pos:])
    return "".join(out), done


def run(text: str, rules: tuple[Rule, ...]) -> Explanation:
    """Apply ``rules`` in order to ``text``."""
    view = fold(text)
    if not _TRIGGER.search(view):
        return Explanation(text, text, [], _unhandled(text, view))
    ctx = Context(view, text)
    work = view
    rewrites: list[Rewrite] = []
    for rule in rules:
        work, found = _run_rule(rule, work, ctx)
        rewrites.extend(found)
    spoken, done = _assemble(text, rewrites)
    return Explanation(text, spoken, done, _unhandled(text, work))
