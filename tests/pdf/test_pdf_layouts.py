"""More ways pages are printed: six columns, a headline set in spaced groups, weight made by
printing a glyph twice, briefs under small bold headlines, a headline under a wide body,
a scan with OCR's invisible text layer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typeset import PageSpec, Region, Story, typeset

from audiopaper.pages import read_edition

WETLAND = Story(
    headline="湿地公园 迎来候鸟",
    headline_style="spaced",
    byline="本报记者 白鹭",
    paragraphs=(
        "入冬以来，城西湿地公园陆续迎来越冬候鸟，观鸟爱好者在这里记录到的鸟类已有四十多种。",
        "公园管理处提醒游客，观鸟时请保持距离，不要投喂。",
    ),
    headline_size=20,
)
LIFT = Story(
    headline="老旧小区加装电梯提速",
    headline_style="overprint",
    subtitle="今年计划完成两百台",
    paragraphs=(
        "本报讯(记者 石磊)今年以来，全市老旧小区加装电梯工作明显提速，已有八十六台电梯投入使用。",
        "#= 审批流程再简化",
        "住建部门表示，将继续简化审批流程，让居民早日告别爬楼之苦。",
    ),
)
BRIEF_1 = Story(
    headline="图书馆新增夜读区",
    headline_style="overprint",
    headline_size=11,
    paragraphs=("本报讯(记者 周末)市图书馆新设的夜读区本周起开放至晚上十点。",),
)
BRIEF_2 = Story(
    headline="菜价总体平稳",
    headline_style="overprint",
    headline_size=11,
    paragraphs=("本报讯(记者 田园)近一周本地蔬菜批发价格总体平稳，叶菜价格略有回落。",),
)
RIVER = Story(
    headline="护河志愿者队伍壮大到三千人",
    headline_below=True,
    headline_size=22,
    paragraphs=(
        "本报讯(记者 江帆)记者从市河长办获悉，全市护河志愿者已超过三千人，"
        "他们每周沿河巡查，劝导不文明行为，清理岸边垃圾。",
        "河长办负责人表示，志愿者队伍的壮大，让河道管护从政府一家管变成了大家一起管。",
        "今年还将组织志愿者参加水质监测培训，提升巡河本领。",
    ),
)

SIX_COLUMNS = PageSpec(
    4,
    "社会",
    (
        (WETLAND, Region(0, 3, 0, 260)),
        (LIFT, Region(3, 2, 0, 260)),
        (BRIEF_1, Region(5, 1, 0, 120)),
        (BRIEF_2, Region(5, 1, 125, 260)),
        (RIVER, Region(0, 6, 280, 420)),
    ),
    columns=6,
)


def test_six_columns_spaced_and_overprinted_headlines_briefs(tmp_path: Path) -> None:
    path = tmp_path / "p4.pdf"
    typeset([SIX_COLUMNS], path)
    edition = read_edition([path], today=dt.date(2030, 1, 1)).edition
    got = [(a.title, a.byline, [p.text for p in a.paragraphs]) for a in edition.articles]
    assert got == [
        ("湿地公园 迎来候鸟", "本报记者 白鹭", list(WETLAND.paragraphs)),
        (
            "老旧小区加装电梯提速",
            "记者 石磊",
            [
                LIFT.paragraphs[0].removeprefix("本报讯(记者 石磊)"),
                "审批流程再简化",
                LIFT.paragraphs[2],
            ],
        ),
        ("图书馆新增夜读区", "记者 周末", ["市图书馆新设的夜读区本周起开放至晚上十点。"]),
        ("菜价总体平稳", "记者 田园", ["近一周本地蔬菜批发价格总体平稳，叶菜价格略有回落。"]),
        (
            "护河志愿者队伍壮大到三千人",
            "记者 江帆",
            [RIVER.paragraphs[0].removeprefix("本报讯(记者 江帆)"), *RIVER.paragraphs[1:]],
        ),
    ]
    assert edition.articles[1].subtitles == ("今年计划完成两百台",)
    assert [p.is_subhead for p in edition.articles[1].paragraphs] == [False, True, False]
    assert all(a.page == 4 and a.page_name == "社会" for a in edition.articles)


def test_a_scan_with_an_ocr_text_layer_is_read(tmp_path: Path) -> None:
    scanned = PageSpec(2, "城事", ((WETLAND, Region(0, 3, 0, 300)),), ocr_layer=True)
    path = tmp_path / "scan-ocr.pdf"
    typeset([scanned], path)
    edition = read_edition([path], today=dt.date(2030, 1, 1)).edition
    assert [a.title for a in edition.articles] == ["湿地公园 迎来候鸟"]
    assert [p.text for p in edition.articles[0].paragraphs] == list(WETLAND.paragraphs)


def test_a_running_head_with_a_bare_page_number(tmp_path: Path) -> None:
    from dataclasses import replace

    paths = []
    for number, name in ((7, "文化"), (6, "体育")):
        spec = replace(SIX_COLUMNS, number=number, name=name, bare_number=True)
        paths.append(tmp_path / f"page-{9 - number}.pdf")  # names in the other order
        typeset([spec], paths[-1])
    edition = read_edition(paths, today=dt.date(2030, 1, 1)).edition
    assert [a.page for a in edition.articles] == [6] * 5 + [7] * 5
    assert [a.page_name for a in edition.articles][::5] == ["体育", "文化"]


def test_stacked_stories_with_headlines_under_their_bodies(tmp_path: Path) -> None:
    """Each headline goes with the body just above it, though more body follows it."""
    first = Story(
        headline="早市搬进新大棚",
        headline_below=True,
        paragraphs=("本报讯(记者 唐蕾)城南早市昨天搬进新建的大棚，摊位整齐，雨天也不怕。",),
    )
    second = Story(
        headline="公园新添健身步道",
        headline_below=True,
        paragraphs=("本报讯(记者 韩冬)人民公园新修的健身步道全长两公里，沿途设有休息座椅。",),
    )
    spec = PageSpec(5, "民生", ((first, Region(0, 3, 0, 90)), (second, Region(0, 3, 110, 200))))
    path = tmp_path / "p5.pdf"
    typeset([spec], path)
    edition = read_edition([path], today=dt.date(2030, 1, 1)).edition
    assert [(a.title, a.byline, a.paragraphs[0].text[:4]) for a in edition.articles] == [
        ("早市搬进新大棚", "记者 唐蕾", "城南早市"),
        ("公园新添健身步道", "记者 韩冬", "人民公园"),
    ]


def test_running_heads_lower_than_usual_on_a_single_page(tmp_path: Path) -> None:
    """A page with a deep top margin: its running head sits below the usual band, alone
    (nothing repeats it), and is still page furniture by what it says and where."""
    import typeset as ts

    path = tmp_path / "deep.pdf"
    saved = ts.MARGIN
    ts.MARGIN = 80.0
    try:
        typeset([SIX_COLUMNS], path)
    finally:
        ts.MARGIN = saved
    edition = read_edition([path], today=dt.date(2030, 1, 1)).edition
    assert edition.date == dt.date(2025, 6, 9)
    assert [a.title for a in edition.articles] == [s.headline for s, _ in SIX_COLUMNS.stories]
    text = " ".join(p.text for a in edition.articles for p in a.paragraphs)
    assert "星期一" not in text and "编辑" not in text
    assert edition.articles[0].page == 4


def test_a_caption_in_body_type_under_its_photo(tmp_path: Path) -> None:
    story = Story(
        headline="老城墙修缮完工",
        byline="本报记者 白鹭",
        photo_caption="图为修缮后的老城墙。白鹭 摄",
        caption_size=9.0,
        paragraphs=("历时一年的老城墙修缮工程近日完工，城墙步道重新向市民开放。",),
    )
    path = tmp_path / "p6.pdf"
    typeset([PageSpec(6, "文化", ((story, Region(0, 3, 0, 300)),))], path)
    article = read_edition([path], today=dt.date(2030, 1, 1)).edition.articles[0]
    assert article.captions == ("图为修缮后的老城墙。白鹭 摄",)
    assert [p.text for p in article.paragraphs] == list(story.paragraphs)
