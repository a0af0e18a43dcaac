"""Model names joined by a hyphen: 运-20 → 运二十, 东风-41 → 东风四十一, F-35 → F-三十五,
波音737-800 → 波音七三七八零零. The hyphen is never read (not 负, not 到).

After a Chinese name the number is a cardinal (空警-500 → 空警五百); after Latin letters a
number of one or two digits is a cardinal and a longer one is read digit by digit (KJ-2000
stays a code: KJ二零零零). Order: before dates, ranges and cardinals.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.data import alternation, words
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits, read_int

# What a model name names: a hyphenated number before one of these is a model.
_KINDS = (
    "型|战机|战斗机|运输机|轰炸机|预警机|加油机|教练机|无人机|直升机|客机|飞机|舰|导弹|火箭|"
    "运载火箭|卫星|飞船|探测器|空间站|坦克|战车|发动机|系列|号|改"
)


def _number(digits: str, *, latin: bool) -> str:
    if latin and len(digits) > 2:
        return read_digits(digits)
    return read_int(digits, liang=False)


def _named(m: re.Match[str], ctx: Context) -> str:
    return m.group("p") + _number(m.group("n"), latin=False) + (m.group("s") or "")


def _latin(m: re.Match[str], ctx: Context) -> str:
    # The hyphen stays in the text (COVID-十九): it is silent, and keeps the name whole.
    return m.group("p") + "-" + _number(m.group("n"), latin=True) + (m.group("s") or "")


def _variant(m: re.Match[str], ctx: Context) -> str:
    """A350-900 → A三五零-九零零: a type and its variant, digit by digit."""
    return m.group("p") + read_digits(m.group("n")) + "-" + read_digits(m.group("v"))


def _aircraft(m: re.Match[str], ctx: Context) -> str:
    return read_digits(m.group("n")) + read_digits(m.group("v") or "")


def _rules() -> tuple[Rule, ...]:
    prefixes = alternation(words("model_prefixes.tsv"))
    return (
        Rule(
            "model",
            compile_kept(rf"(?P<p>{prefixes})-(?P<n>\d{{1,4}})(?P<s>[A-Z]{{0,2}})(?![\d.])"),
            _named,
        ),
        Rule(
            "model",
            compile_kept(
                r"(?<=[\u4e00-\u9fff])(?P<p>)-(?P<n>\d{1,4})(?P<s>[A-Z]{0,2})"
                rf"(?![\d.])(?=\s?(?:{_KINDS}))"
            ),
            _named,
        ),
        Rule(
            "model",
            compile_kept(
                r"(?<![A-Za-z0-9-])(?P<p>[A-Za-z]{1,6})-(?P<n>\d{1,4})(?P<s>[A-Z]{0,2})"
                r"(?![\d.%])(?!\s?-\s?\d)"
            ),
            _latin,
        ),
        Rule(
            "model",
            compile_kept(
                r"(?<![A-Za-z0-9-])(?P<p>[A-Za-z]{1,3})(?P<n>\d{3,4})-(?P<v>\d{1,4})(?![\d.])"
            ),
            _variant,
        ),
        Rule(
            "model",
            compile_kept(r"(?<=波音|空客|麦道)\s?(?P<n>\d{3})(?:-(?P<v>\d{1,3}))?(?![\d.])"),
            _aircraft,
        ),
    )


RULES = _rules()
