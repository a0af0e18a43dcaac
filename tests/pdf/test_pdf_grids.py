"""Pages laid out at random on a grid — rows of stories of random widths, headline sizes,
kickers, subtitles, bylines, subheads, photos with captions, headlines under their bodies,
text lengths — read back exactly, in rows from the top, left to right. The text is made
from invented phrases.

Headlines printed under their bodies are tested on fixed pages (test_pdf_edition.py,
test_pdf_layouts.py): in random rows, two such stories side by side, or one beside a story
whose body ends at the same height, can still be misread (BELOW_SHARE raises the share).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from typeset import PageSpec, Region, Story, typeset

from audiopaper.pages import read_edition

PLACES = ["城东", "江北", "新区", "老城", "湖滨", "西山", "南湾", "北岸"]
THINGS = ["社区食堂", "口袋公园", "夜间公交", "便民菜场", "图书驿站", "健身步道", "托育中心"]
VERBS = ["正式启用", "完成改造", "开始试运行", "迎来首批居民", "扩容升级", "向市民开放"]
BELOW_SHARE = 0.0  # headlines under their bodies: tested on fixed pages (see module docstring)
NAMES = ["林晓", "周航", "陈雨", "赵一鸣", "孙悦", "吴桐", "郑言"]


def sentence(rng: random.Random) -> str:
    place, thing, verb = rng.choice(PLACES), rng.choice(THINGS), rng.choice(VERBS)
    count = rng.randint(2, 90)
    return rng.choice(
        [
            f"{place}的{thing}近日{verb}，每天服务居民{count}人次。",
            f"据介绍，{thing}由{place}街道牵头建设，共投入资金{count}万元。",
            f"不少居民表示，{thing}{verb}以后，生活方便了许多。",
            f"下一步，{place}还将新建{count % 9 + 1}处{thing}，让更多人受益。",
        ]
    )


def story(rng: random.Random, used: set[str]) -> Story:
    while True:
        headline = f"{rng.choice(PLACES)}{rng.choice(THINGS)}{rng.choice(VERBS)}"
        if headline not in used:
            used.add(headline)
            break
    paragraphs = ["".join(sentence(rng) for _ in range(rng.randint(1, 2)))]
    if rng.random() < 0.3:
        paragraphs.append("## " + rng.choice(["居民点赞", "多方合力", "服务升级", "下一步"]))
    paragraphs += ["".join(sentence(rng) for _ in range(rng.randint(1, 2)))]
    below = rng.random() < BELOW_SHARE
    photo = not below and rng.random() < 0.3
    return Story(
        headline=headline,
        headline_below=below,
        photo_caption=f"图为{rng.choice(PLACES)}的{rng.choice(THINGS)}。{rng.choice(NAMES)} 摄"
        if photo
        else None,
        kicker=None if below else rng.choice([None, None, f"{rng.choice(PLACES)}民生观察——"]),
        subtitle=None if below else rng.choice([None, None, f"{rng.choice(THINGS)}服务覆盖"]),
        byline=None if below else rng.choice([None, f"本报记者 {rng.choice(NAMES)}"]),
        paragraphs=tuple(paragraphs),
        headline_size=rng.choice([14.0, 16.0, 18.0, 22.0]),
    )


def grid_page(rng: random.Random, number: int) -> PageSpec:
    columns = rng.choice([4, 5, 6])
    placed: list[tuple[Story, Region]] = []
    used: set[str] = set()
    top = 0.0
    for _ in range(2):
        row_height = 330.0
        col = 0
        while col < columns:
            span = min(columns - col, rng.choice([2, 2, 3]))
            placed.append((story(rng, used), Region(col, span, top, top + row_height)))
            col += span
        top += row_height + 18
    return PageSpec(number, "综合", tuple(placed), columns=columns)


@pytest.mark.parametrize("seed", range(12))
def test_random_grid_pages_read_back_exactly(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    path = tmp_path / "grid.pdf"
    for _ in range(10):  # a draw whose text overflows its region is drawn again
        spec = grid_page(rng, 2)
        try:
            typeset([spec], path)
            break
        except ValueError:
            continue
    edition = read_edition([path], today=dt.date(2030, 1, 1)).edition
    want = [
        (
            s.headline,
            s.kicker,
            s.subtitle,
            s.byline,
            [(p.removeprefix("## "), p.startswith("## ")) for p in s.paragraphs],
            (s.photo_caption.replace(" ", ""),) if s.photo_caption else (),
        )
        for s, _ in spec.stories
    ]
    got = [
        (
            a.title,
            a.kicker[0] if a.kicker else None,
            a.subtitles[0] if a.subtitles else None,
            a.byline,
            [(p.text, p.is_subhead) for p in a.paragraphs],
            tuple(c.replace(" ", "") for c in a.captions),  # a credit may wrap: `X` / `摄`
        )
        for a in edition.articles
    ]
    assert got == want
