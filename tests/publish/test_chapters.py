from __future__ import annotations

import json
from pathlib import Path

from audiopaper.models import Chapter
from audiopaper.publish.chapters import (
    chapter_lines,
    description_text,
    timestamp,
    write_chapters_json,
)

CHAPTERS = (
    Chapter("开篇：本期导读", 0, 12_345, None),
    Chapter("头版头条", 12_345, 83_000, 0),
    Chapter("一小时后", 3_723_000, 3_800_000, 1),
)


def test_json_chapters_follow_podcasting_2_0(tmp_path: Path) -> None:
    path = write_chapters_json(
        tmp_path / "chapters.json", CHAPTERS, title="示例日报 2026年11月26日", file_name="a.mp3"
    )
    document = json.loads(path.read_text("utf-8"))
    assert document["version"] == "1.2.0"
    assert document["title"] == "示例日报 2026年11月26日"
    assert document["fileName"] == "a.mp3"
    assert document["chapters"] == [
        {"startTime": 0.0, "title": "开篇：本期导读", "endTime": 12.345},
        {"startTime": 12.345, "title": "头版头条", "endTime": 83.0},
        {"startTime": 3723.0, "title": "一小时后", "endTime": 3800.0},
    ]
    starts = [c["startTime"] for c in document["chapters"]]
    assert starts == sorted(starts)
    assert all(isinstance(s, float) for s in starts)
    assert "头版头条" in path.read_text("utf-8")  # UTF-8, not \\u escapes


def test_chapters_come_out_in_time_order(tmp_path: Path) -> None:
    path = write_chapters_json(tmp_path / "c.json", tuple(reversed(CHAPTERS)))
    titles = [c["title"] for c in json.loads(path.read_text("utf-8"))["chapters"]]
    assert titles == ["开篇：本期导读", "头版头条", "一小时后"]


def test_timestamps() -> None:
    assert timestamp(0) == "00:00"
    assert timestamp(83_999) == "01:23"
    assert timestamp(3_599_999) == "59:59"
    assert timestamp(3_600_000) == "1:00:00"
    assert timestamp(36_061_000) == "10:01:01"


def test_description_lists_the_chapters() -> None:
    assert chapter_lines(CHAPTERS) == "00:00 开篇：本期导读\n00:12 头版头条\n1:02:03 一小时后"
    assert description_text(CHAPTERS, "今日要闻。") == (
        "今日要闻。\n\n00:00 开篇：本期导读\n00:12 头版头条\n1:02:03 一小时后"
    )
    assert description_text((), "只有导语") == "只有导语"
