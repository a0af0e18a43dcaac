"""Latin letters: acronyms stay letters (nba → NBA), digits inside model names are read
(5G → 五G, M1 → M一, HDR10 → HDR十, A320 → A三二零), full-width letters become ASCII.

A digit run of one or two digits inside a name is a cardinal; longer runs are read digit by
digit (A320, RTX4090). Order: after measures (5kg is a unit, not a name), before cardinals.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.data import table
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits, read_int

_ACRONYMS = {key: row[0] for key, row in table("acronyms.tsv").items()}
_ACRONYM = compile_kept(
    r"(?<![A-Za-z])(?:"
    + "|".join(re.escape(k).replace(r"\ ", r"\s") for k in sorted(_ACRONYMS, key=len, reverse=True))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)


def _acronym(m: re.Match[str], ctx: Context) -> str | None:
    key = re.sub(r"\s+", " ", m.group(0).lower())
    spoken = _ACRONYMS.get(key)
    return spoken if spoken and spoken != m.group(0) else None


def _digit_run(digits: str) -> str:
    whole, _, frac = digits.partition(".")
    spoken = read_int(whole, liang=False) if len(whole) <= 2 else read_digits(whole)
    return spoken + ("点" + read_digits(frac) if frac else "")


_ROAD = compile_kept(r"[\u4e00-\u9fff]{0,4}(?:高速|国道|省道|公路)")


def _alnum(m: re.Match[str], ctx: Context) -> str:
    if _ROAD.match(ctx.after(m.end(), 8)):  # G75兰海高速 → G七五
        return re.sub(r"\d", lambda d: read_digits(d.group(0)), m.group(0))
    return re.sub(r"\d+(?:\.\d+)?", lambda d: _digit_run(d.group(0)), m.group(0))


def _letters(m: re.Match[str], ctx: Context) -> str | None:
    return m.group(0) if ctx.text[m.start() : m.end()] != m.group(0) else None


def _number_sign(m: re.Match[str], ctx: Context) -> str:
    return "第" + read_int(m.group(1), liang=False)


RULES = (
    Rule("ordinal", compile_kept(r"(?<![A-Za-z])[Nn][Oo]\.\s?(\d{1,6})(?![\d.])"), _number_sign),
    Rule("latin", _ACRONYM, _acronym),
    Rule(
        "latin",
        compile_kept(
            r"(?<![A-Za-z0-9.])(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*\d)[A-Za-z0-9]+(?:\.\d+)?"
            r"(?![A-Za-z0-9])"
        ),
        _alnum,
    ),
    Rule("latin", compile_kept(r"[A-Za-z]+"), _letters),
)
