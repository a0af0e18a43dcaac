"""Synthetic pages of any length for benchmarks: distinct sentences (so the clip
cache cannot dedupe them) in the shape of a district paper's Markdown page."""

from __future__ import annotations

import random

# About 4.3 spoken characters per second for the offline voice.
CHARS_PER_SECOND = 4.3

_SUBJECTS = ["新区", "街道", "园区", "学校", "医院", "社区", "企业", "合作社"]
_ACTIONS = ["完成投资", "新增就业", "建成项目", "培训人员", "接待游客", "改造道路"]
_UNITS = [("亿元", 1), ("个", 0), ("名", 0), ("万人次", 1), ("公里", 1)]


def sentence(rng: random.Random, serial: int) -> str:
    subject = rng.choice(_SUBJECTS)
    action = rng.choice(_ACTIONS)
    unit, decimals = rng.choice(_UNITS)
    value = round(rng.uniform(1, 900), decimals) if decimals else rng.randint(2, 900)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return (
        f"{2000 + serial % 25}年{month}月{day}日，第{serial}号{subject}{action}{value}{unit}，"
        f"同比增长{rng.randint(1, 40)}.{rng.randint(0, 9)}%。"
    )


def page(seconds: float, seed: int = 7) -> str:
    """A Markdown page that reads for about ``seconds`` (to within a sentence, ~10 s):
    articles of four paragraphs of three sentences, the last ones cut short."""
    rng = random.Random(seed)
    target_chars = int(seconds * CHARS_PER_SECOND)
    lines = ["# 测试日报 2024年6月1日", ""]
    paragraph = ""
    written = serial = 0
    while written < target_chars:
        if serial % 12 == 0:
            lines += [f"## 第{serial // 12 + 1}篇 综合报道", ""]
        text = sentence(rng, serial)
        paragraph += text
        written += len(text)  # numbers read about as long as they are written
        serial += 1
        if serial % 3 == 0 or written >= target_chars:
            lines += [paragraph, ""]
            paragraph = ""
    return "\n".join(lines)
