"""Bylines, datelines, closing lines, captions and running heads, one line each."""

from __future__ import annotations

import datetime as dt

import pytest

from audiopaper.parse import bylines, captions
from audiopaper.parse.runningheads import running_head


@pytest.mark.parametrize(
    "line",
    [
        "本报记者 熊辉",
        "新华社记者 胡璐 韩佳诺",
        "江城日报记者 袁 野",
        "本报通讯员 张 思",
        "本报评论员",
        "本报记者 张钦 王紫轩 郎兵兵",
        "记者 张三 通讯员 李四",
        "中国青年报·中青在线记者 王 五",
        "本报驻沪记者 赵 六",
    ],
)
def test_bylines(line: str) -> None:
    assert bylines.standalone_byline(line)


@pytest.mark.parametrize("line", ["审议社会救助法草案等 赵乐际主持", "会议还审议了有关文件。"])
def test_not_bylines(line: str) -> None:
    assert bylines.standalone_byline(line) is None


@pytest.mark.parametrize(
    ("paragraph", "byline", "body"),
    [
        ("本报江城5月13日电 （记者陈一、刘二）正文。", "记者陈一、刘二", "正文。"),
        ("新华社湖城4月27日电（记者樊三）正文。", "记者樊三", "正文。"),
        ("江北日报江北5月13日电 （记者李四）正文。", "记者李四", "正文。"),
        ("据新华社海城5月14日电 （记者焦五）正文。", "记者焦五", "正文。"),
        ("本报讯(记者 齐六)1月11日，正文。", "记者 齐六", "1月11日，正文。"),
        ("本报讯 记者张七 通讯员李八报道：正文。", "记者张七 通讯员李八", "正文。"),
        ("新华社湖城4月27日电 正文。", None, "正文。"),
    ],
)
def test_datelines(paragraph: str, byline: str | None, body: str) -> None:
    assert bylines.split_dateline(paragraph) == (byline, body, True)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("（本报海城5月14日电）", None),
        ("新华社湖城4月27日电", None),
        ("（作者为某大学教授）", None),
        ("〔作者系某研究院研究员〕", None),
        ("（据新华社电）", None),
        ("（摘编自《江城日报》，原题为《别困于数字》）", None),
        ("（本报记者张九）", "本报记者张九"),
        ("(本报记者 张九)", "本报记者 张九"),
        ("（李十）", "李十"),
        ("（张甲 孟乙）", "张甲 孟乙"),
    ],
)
def test_closing_lines(line: str, credit: str | None) -> None:
    closing = bylines.closing_line(line)
    assert closing is not None and closing.credit == credit


@pytest.mark.parametrize("line", ["（评论员观察）", "（一）", "（待续）", "（右一）在为老人治疗。"])
def test_not_closing_lines(line: str) -> None:
    assert bylines.closing_line(line) is None


@pytest.mark.parametrize(
    "line", ["本版责编：张 三 李 四", "责任编辑：王五", "版式设计：赵六", "校对：钱七"]
)
def test_editor_lines(line: str) -> None:
    assert bylines.is_editor_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "工人在车间包装。 新华社记者 丁 一摄",
        "工人在车间包装。 李小林摄",
        "医生在为老人治疗。 成小平摄（影像中国）",
        "两国代表合影。 冯小斌摄（新华社发）",
        "孩子们下棋，交流棋艺。 影像中国",
        "比赛开幕。 资料图片",
        "茶农在晾晒。 以上图片均为本报记者 江 水摄",
        "图为江边夜景",
        "图一",
    ],
)
def test_captions(line: str) -> None:
    assert captions.is_caption(line)


@pytest.mark.parametrize("line", ["他们正在进行拍摄", "他说这是资料图片", "会议还审议了文件。"])
def test_not_captions(line: str) -> None:
    assert not captions.is_caption(line)


@pytest.mark.parametrize(
    ("line", "paper", "date"),
    [
        ("江城日报 2026年5月15日 星期五 第2版 要闻", "江城日报", dt.date(2026, 5, 15)),
        ("2 要闻 2026年5月15日 星期五", None, dt.date(2026, 5, 15)),
        ("湖城每日电讯 2026年4月28日 星期二 3", "湖城每日电讯", dt.date(2026, 4, 28)),
        ("第3版", None, None),
        ("— 2 —", None, None),
    ],
)
def test_running_heads(line: str, paper: str | None, date: dt.date | None) -> None:
    head = running_head(line)
    assert head is not None and (head.paper, head.date) == (paper, date)


@pytest.mark.parametrize(
    "line",
    [
        "区政府召开第58次常务会议",
        "2025—2026赛季",
        "5月14日",
        "十年禁渔",
        "）",
        "——",
        "祖国）当地时间2026年5月12日",
    ],
)
def test_not_running_heads(line: str) -> None:
    assert running_head(line) is None
