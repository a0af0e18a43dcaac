"""The normalization rules, in the order they are applied.

Order matters: web addresses first (they hold digits, dots and dashes), then the number
glyphs (Ⅱ, ①, CO₂), digit strings (phones, codes) and model names (运-20) before dates, dates
before times and scores, scores before ranges (中国1-2), percentages and math before ranges
(a dash reads 到 only when no other rule claims it), ranges before measures (3-5km), measures
before powers (5m² is a unit) and before Latin names (5kg is a unit, 5G a name), and the
cardinal fallback last.
"""

from __future__ import annotations

from audiopaper.normalize.engine import Rule
from audiopaper.normalize.rules import (
    cardinal,
    date,
    digits,
    fraction,
    glyphs,
    latin,
    math,
    measure,
    model,
    money,
    ordinal,
    percent,
    range,
    score,
    symbols,
    time,
    web,
)

ORDER: tuple[Rule, ...] = (
    *web.RULES,
    *glyphs.RULES,
    *digits.RULES,
    *model.RULES,
    *date.RULES,
    *digits.DOTTED,
    *time.RULES,
    *score.RULES,
    *percent.RULES,
    *money.PREFIXED,
    *math.RULES,
    *range.RULES,
    *money.YUAN,
    *measure.RULES,
    *glyphs.POWERS,
    *fraction.RULES,
    *ordinal.RULES,
    *latin.RULES,
    *symbols.RULES,
    *cardinal.RULES,
)
