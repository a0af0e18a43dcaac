"""Written Chinese to spoken Chinese, the way a Mandarin newsreader says it.

>>> normalize("2023年12月15日，1192名选手参赛")
'二零二三年十二月十五日，一千一百九十二名选手参赛'

``normalize`` never raises, keeps every CJK character and all punctuation, and leaves a digit
or symbol it does not understand in place; ``explain`` says what it rewrote and what it left.
"""

from __future__ import annotations

from audiopaper.normalize.engine import run
from audiopaper.normalize.model import Explanation, Rewrite, Unhandled

__all__ = ["Explanation", "Rewrite", "Unhandled", "explain", "normalize"]


def explain(text: str) -> Explanation:
    """Normalize ``text`` and return the spoken form with every rewrite and what was left."""
    from audiopaper.normalize.rules import ORDER

    return run(text, ORDER)


def normalize(text: str) -> str:
    """Written → spoken; keeps punctuation and line structure."""
    return explain(text).spoken
