"""Lines and reading order on glyphs placed by hand."""

from __future__ import annotations

from audiopaper.pdf.glyphs import Glyph
from audiopaper.pdf.layout import lines_of, page_blocks


def run(text: str, x: float, top: float, size: float, *, font: str = "Song") -> list[Glyph]:
    glyphs = []
    for char in text:
        width = size / 2 if char.isascii() else size
        glyphs.append(Glyph(char, x, top, x + width, top + size, size, font, False))
        x += width
    return glyphs


def test_digits_in_another_size_stay_on_their_line() -> None:
    glyphs = run("2023", 50, 100.4, 10.5, font="Latin") + run("年", 71.5, 100, 10.9)
    glyphs += run("1", 82.4, 100.4, 10.5, font="Latin") + run("月通车", 87.7, 100, 10.9)
    assert [line.text for line in lines_of(glyphs)] == ["2023年1月通车"]


def test_a_gutter_splits_a_baseline_into_columns() -> None:
    glyphs = run("左栏正文", 50, 100, 9) + run("右栏正文", 50 + 36 + 10, 100, 9)
    assert [line.text for line in lines_of(glyphs)] == ["左栏正文", "右栏正文"]


def test_a_block_beside_a_column_start_is_not_swallowed_by_the_column() -> None:
    """Two short heads on one row, then a wide body below the first: left to right, then
    down — the body is not read before the second head."""
    glyphs = run("日期一行", 50, 60, 10, font="Hei") + run("星期日", 150, 60, 10, font="Hei")
    glyphs += run("正文" * 12, 50, 80, 10)
    blocks = page_blocks(glyphs, [])
    assert [b.text for b in blocks] == ["日期一行", "星期日", "正文" * 12]


def test_a_body_of_bare_punctuation_still_names_its_chapter() -> None:
    from audiopaper.pdf.articles import UNTITLED, page_articles
    from audiopaper.pdf.kinds import classify

    glyphs = run("，，，。", 50, 300, 9) + run("正文在这里继续写下去。", 50, 400, 9)
    typed, _ = classify(page_blocks(glyphs, []), 800, set())
    articles = page_articles(typed, None, None)
    assert [a.article.title for a in articles] == [UNTITLED]
    assert articles[0].article.title_is_derived
