"""``explain`` and its report: offsets, rule names, and what was left unhandled."""

from __future__ import annotations

import subprocess
import sys

from rich.console import Console

from audiopaper.normalize import Explanation, Rewrite, Unhandled, explain, normalize
from audiopaper.normalize.report import render_explanation


def test_rewrites_carry_offsets_rule_and_reading() -> None:
    result = explain("会议于2024-01-15召开，比分3:1。")
    assert isinstance(result, Explanation)
    assert result.rewrites == [
        Rewrite(3, 13, "2024-01-15", "二零二四年一月十五日", "date"),
        Rewrite(18, 21, "3:1", "三比一", "score"),
    ]
    assert result.unhandled == []


def test_unknown_symbols_are_kept_and_reported() -> None:
    result = explain("代号#5与^符号")
    assert result.spoken == "代号#五与^符号"
    assert [u.text for u in result.unhandled] == ["#", "^"]
    assert all(isinstance(u, Unhandled) and u.reason for u in result.unhandled)


def test_superscript_digit_is_reported_not_dropped() -> None:
    result = explain("面积²")
    assert "²" in result.spoken
    assert [u.text for u in result.unhandled] == ["²"]


def test_full_width_input_keeps_chinese_punctuation() -> None:
    assert normalize("２０１５年，增长１２％：好！") == "二零一五年，增长百分之十二：好！"


def test_line_structure_is_kept() -> None:
    assert normalize("第1段\n\n第2段\n") == "第一段\n\n第二段\n"


def test_text_without_numbers_is_returned_as_is() -> None:
    text = "重庆北碚，嘉陵江畔。"
    assert normalize(text) == text
    assert explain(text).rewrites == []


def test_report_renders_rules_and_unhandled() -> None:
    console = Console(record=True, width=120)
    render_explanation(explain("价格#5元，时间9:30"), console)
    out = console.export_text()
    assert "money" in out and "time" in out and "九点三十分" in out
    assert "#" in out and "unhandled" in out


def test_import_is_light() -> None:
    code = (
        "import sys, audiopaper.normalize as n; n.normalize('2024年'); "
        "print(sorted(m for m in ('jieba', 'numpy', 'pypinyin', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
