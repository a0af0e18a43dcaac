"""Reading numbers aloud: cardinals, decimals and digit strings (the helpers every rule uses).

Conventions (broadcast Mandarin): 10–19 at the head read 十…; after 零 they read 一十
(10010 → 一万零一十); a 2 leading 百/千/万/亿 at the head of the number reads 两 (200 → 两百,
20000 → 两万), and a 2 in the 千 place of any four-digit group reads 两 (12000 → 一万两千).
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_MAX_CARDINAL = 10**16  # beyond 千万亿 a number is read digit by digit


def read_digits(digits: str, *, yao: bool = False) -> str:
    """Digit by digit; ``yao`` reads 1 as 幺 (phone numbers, codes). Non-digits are dropped."""
    out = [DIGITS[int(c)] for c in digits if c.isdigit()]
    if yao:
        out = ["幺" if c == "一" else c for c in out]
    return "".join(out)


def _small(n: int, *, head: bool, liang: bool) -> str:
    """0 < n < 10000."""
    parts: list[str] = []
    pending_zero = False
    for value, unit in _PLACES:
        digit = n // value % 10
        if digit == 0:
            pending_zero = pending_zero or bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        word = DIGITS[digit]
        if digit == 2 and liang and (unit == "千" or (unit == "百" and head and not parts)):
            word = "两"
        parts.append(word + unit)
    text = "".join(parts)
    if head and 10 <= n < 20:
        text = text[1:]
    return text


def _read(n: int, *, head: bool, liang: bool) -> str:
    if n < 10000:
        return _small(n, head=head, liang=liang)
    base, unit, zero_below = (10**8, "亿", 10**7) if n >= 10**8 else (10**4, "万", 1000)
    high, low = divmod(n, base)
    high_text = "两" if (high == 2 and head and liang) else _read(high, head=head, liang=liang)
    text = high_text + unit
    if low:
        text += ("零" if low < zero_below else "") + _read(low, head=False, liang=liang)
    return text


def read_int(digits: str, *, liang: bool = True) -> str:
    """A cardinal integer from its digits (commas allowed): 10010 → 一万零一十."""
    digits = digits.replace(",", "")
    n = int(digits)
    if n == 0:
        return "零"
    if n >= _MAX_CARDINAL:
        return read_digits(digits)
    return _read(n, head=True, liang=liang)


def read_decimal(number: str, *, liang: bool = True, strip_zeros: bool = False) -> str:
    """A number with an optional fraction part: 12.5 → 十二点五, .22 → 零点二二.

    Trailing zeros are read as written (5.0 → 五点零) unless ``strip_zeros`` (money).
    """
    whole, _, frac = number.partition(".")
    if strip_zeros:
        frac = frac.rstrip("0")
    whole_digits = whole.replace(",", "")
    head = read_int(whole_digits, liang=liang and len(whole_digits) > 1) if whole_digits else "零"
    return head + ("点" + read_digits(frac) if frac else "")


def read_number(number: str, *, liang: bool = True, strip_zeros: bool = False) -> str:
    """A signed number: -3 → 负三, 1.2 → 一点二 (sign given as '-' or '负' is read 负)."""
    sign = ""
    if number[:1] in "-负":
        sign, number = "负", number[1:]
    elif number[:1] == "+":
        sign, number = "正", number[1:]
    return sign + read_decimal(number, liang=liang, strip_zeros=strip_zeros)
