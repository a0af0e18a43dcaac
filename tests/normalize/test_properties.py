"""Properties that hold for any input: never raise, keep every CJK character, leave no ASCII
digit unless ``explain`` reports it as unhandled."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from audiopaper.normalize import explain, normalize

_PIECES = st.sampled_from(
    list("0123456789０１２３４５６７８９.,:：-~～/%％+=<>±≤≥×÷￥¥$€£℃°²㎡ ")
    + list("年月日号时分秒点第个名元万亿后前来余多以比分负胜打电话尾号热线百分之至到路室·∶")
    + list("abcxyzABCGKMmgkhLtwsW，。、；“”！？（）《》\n\t")
    + ["km", "kg", "km/h", "a.m.", "pm", "CNY", "HKD", "比分", "拨打", "编号", "公元前", "ad", "bc"]
    + ["时速", "公交", "京A", "No.", "高速", "—", "——", "～", "（", "）"]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=40).map("".join)


def _cjk(text: str) -> Counter[str]:
    return Counter(c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf")


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_never_raises_keeps_cjk_and_reports_digits(text: str) -> None:
    result = explain(text)
    assert result.spoken == normalize(text)
    assert not _cjk(text) - _cjk(result.spoken)
    reported = sum(1 for u in result.unhandled if u.text.isascii() and u.text.isdigit())
    left = sum(1 for c in result.spoken if c.isascii() and c.isdigit())
    assert left <= reported


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_rewrites_point_into_the_input(text: str) -> None:
    result = explain(text)
    for rewrite in result.rewrites:
        assert text[rewrite.start : rewrite.end] == rewrite.source
    for item in result.unhandled:
        assert text[item.position] == item.text
