"""Digit strings read digit by digit: IP addresses, phone numbers, codes, service numbers.

Order: before dates and cardinals (a phone number is never a count). Phone numbers, codes
after a context word (电话, 尾号, 编号…) and service numbers read 1 as 幺; IP addresses and
codes in quotes read 一 (“1361” → “一三六一”).
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.data import alternation, words
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits
from audiopaper.normalize.rules.common import is_measure, unit_pattern


def _dotted(m: re.Match[str], ctx: Context) -> str:
    return "点".join(read_digits(part) for part in m.group(0).split("."))


def _phone(m: re.Match[str], ctx: Context) -> str:
    return read_digits(m.group(0), yao=True)


def _international(m: re.Match[str], ctx: Context) -> str:
    """+86 10 6512 3456 → 八六幺零六五幺二三四五六: the country code and number digit by
    digit; the plus is not read (as with +86 before a mobile number, like the peers)."""
    return read_digits(m.group(0), yao=True)


def _extension(m: re.Match[str], ctx: Context) -> str:
    """An extension after 转 (12345转8001): a code, digit by digit."""
    return read_digits(m.group(0), yao=True)


def _context_code(m: re.Match[str], ctx: Context) -> str:
    # The words and punctuation before the code as written (订单号： keeps its colon).
    return ctx.text[m.start() : m.start(3)] + read_digits(m.group(3), yao=True)


def _quoted(m: re.Match[str], ctx: Context) -> str | None:
    return read_digits(m.group(0))


_SERVICE_AFTER = compile_kept(
    r"(?:$|[\s,.;:!?，。；：！？、”\"')）]|热线|来|打|报警|求助|服务|急救|电话|咨询|投诉|举报|"
    r"查询|平台|转|进行|或|和|及|反映)"
)


def _service(m: re.Match[str], ctx: Context) -> str | None:
    after = ctx.after(m.end(), 4)
    if is_measure(after) or re.match(unit_pattern(), after) or after.startswith(("余", "多")):
        return None
    if len(m.group(0)) == 5 or "热线" in ctx.after(m.end(), 8):
        return read_digits(m.group(0), yao=True)
    before = ctx.before(m.start(), 2)
    if _SERVICE_AFTER.match(after) or before.endswith(("打", "拨", "给", "致电")):
        return read_digits(m.group(0), yao=True)
    return None


# Province abbreviations that begin a licence plate (京A12345 → 京A幺二三四五).
_PLATE = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def _plate(m: re.Match[str], ctx: Context) -> str:
    return re.sub(r"\d+", lambda d: read_digits(d.group(0), yao=True), m.group(0))


_BUS = ("公交", "线路", "班车", "巴士", "乘坐", "轨道", "地铁")


def _bus(m: re.Match[str], ctx: Context) -> str | None:
    """公交108路 → 公交幺零八路 (a line number, not a count of roads)."""
    near = ctx.before(m.start(), 12) + ctx.after(m.end() + 1, 3)
    return read_digits(m.group(0), yao=True) if any(w in near for w in _BUS) else None


def _rules() -> tuple[Rule, ...]:
    contexts = alternation(words("code_contexts.tsv"))
    services = alternation(words("service_numbers.tsv"))
    return (
        Rule(
            "phone",
            compile_kept(r"(?<![\d+])\+\s?\d{1,3}(?:[\s-]?\d){6,13}(?!\d)"),
            _international,
        ),
        Rule(
            "phone",
            compile_kept(
                r"(?<![\d+])(?:\+\s?\d{1,3}[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"
                r"|(?<![\d.])0\d{2,3}-?\d{7,8}(?!\d)"
                r"|(?<![\d.])[48]00-?\d{3}-?\d{4}(?!\d)"
            ),
            _phone,
        ),
        Rule(
            "code",
            compile_kept(
                rf"({contexts})((?:为|是)?[:：]?\s?[A-Za-z]{{0,2}})(\d[\d-]{{1,}}\d)(?![\d.])"
            ),
            _context_code,
        ),
        Rule("quoted-code", compile_kept(r"(?<=[“\"‘'「])\d{3,}(?=[”\"’'」])"), _quoted),
        Rule(
            "service-number", compile_kept(rf"(?<![\d.\-A-Za-z])(?:{services})(?![\d.%])"), _service
        ),
        Rule(
            "plate", compile_kept(rf"(?<=[{_PLATE}])[A-Z]·?[A-Z0-9]{{5,6}}(?![A-Za-z0-9])"), _plate
        ),
        Rule("bus-line", compile_kept(r"(?<![\d.])\d{2,4}(?=路)"), _bus),
        Rule(
            "flight",
            compile_kept(r"(?<![A-Za-z0-9])[A-Z0-9]{2}\d{3,4}(?=\s?(?:次)?航班)"),
            _plate,
        ),
        Rule("room", compile_kept(r"(?<![\d.])\d{3,4}(?=室|号房|房间)"), _phone),
        Rule("extension", compile_kept(r"(?<=[\d\x00]转)\d{1,6}(?![\d.])"), _extension),
    )


RULES = _rules()

# Dotted digit groups; applied after dates, which claim 2008.08.08 first.
DOTTED = (
    Rule("ip", compile_kept(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])"), _dotted),
    Rule("version", compile_kept(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])"), _dotted),
)
