"""Web addresses and e-mail, read the way a newsreader does: dots are 点, @ is at, a slash
斜杠, a dash 杠, digits one by one; the scheme (https://) is not read.

www.example.com → www点example点com, news@example.cn → news at example点cn.
Order: first — an address holds digits, dots and dashes other rules would read.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits

_TLD = r"(?:com|cn|net|org|gov|edu|int|mil|info|biz|io|co|me|tv|cc|top|xyz|app|hk|tw|mo|uk|us|jp)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"(?:{_LABEL}\.)+{_TLD}(?![A-Za-z0-9-])"
_PATH = r"(?:/[A-Za-z0-9._~%/?=&#+-]*[A-Za-z0-9/])?"
_WORDS = {".": "点", "/": "斜杠", "-": "杠", "_": "下划线", ":": "冒号", "@": " at ", "?": "问号"}
_WORDS.update({"=": "等于", "&": "和", "#": "井号", "~": "波浪号", "+": "加", "%": "百分号"})


def spell(address: str) -> str:
    """Each symbol by its name, digit runs one by one, letters as written."""
    out = re.sub(r"\d+", lambda d: read_digits(d.group(0)), address)
    return "".join(_WORDS.get(c, c) for c in out).strip()


def _url(m: re.Match[str], ctx: Context) -> str:
    return spell(m.group("rest").rstrip("/"))


def _email(m: re.Match[str], ctx: Context) -> str:
    return spell(m.group(0))


RULES = (
    Rule(
        "email",
        compile_kept(rf"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@{_HOST}"),
        _email,
    ),
    Rule(
        "url",
        compile_kept(
            rf"(?<![A-Za-z0-9@.])(?:https?://)?(?P<rest>(?:www\.)?{_HOST}(?::\d+)?{_PATH})"
        ),
        _url,
    ),
)
