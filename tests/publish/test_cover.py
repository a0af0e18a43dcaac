from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from audiopaper.publish import cover

DATE = dt.date(2026, 11, 26)


@pytest.mark.parametrize("font", [None, "auto"])
def test_edition_cover_is_a_square_png_of_1400(font: Path | None) -> None:
    data = cover.edition_cover("示例日报", DATE, "2026-11-26", font=font)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (cover.COVER_SIZE, cover.COVER_SIZE) == (1400, 1400)
    colors = image.getcolors(1_000_000)
    assert colors is not None and len(colors) > 2  # text was drawn


def test_covers_are_deterministic() -> None:
    one = cover.edition_cover("示例日报", DATE, "2026-11-26", font=None)
    two = cover.edition_cover("示例日报", DATE, "2026-11-26", font=None)
    assert one == two
    assert one != cover.edition_cover("示例日报", DATE.replace(day=25), "2026-11-25", font=None)


def test_without_a_cjk_font_the_name_is_in_pinyin() -> None:
    assert cover.ascii_name("人民日报") == "REN MIN RI BAO"
    assert cover.ascii_name("Daily") == "Daily"
    assert cover.ascii_name("！？") == "AUDIOPAPER"


def test_a_very_long_name_still_fits(tmp_path: Path) -> None:
    path = cover.write_edition_cover(tmp_path / "c.png", "很长" * 40, DATE, "x", font=None)
    assert Image.open(path).size == (1400, 1400)


def test_channel_cover(tmp_path: Path) -> None:
    path = cover.write_channel_cover(tmp_path / "cover.png", "有声报纸")
    assert Image.open(path).size == (1400, 1400)


def test_the_channel_cover_is_drawn_once_per_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIOPAPER_MODEL_CACHE", str(tmp_path))
    drawn = cover.kept_channel_cover("有声报纸")
    assert drawn == cover.channel_cover("有声报纸")
    (kept,) = tmp_path.glob("show-cover-*.png")

    def no_drawing(*_: object) -> bytes:
        raise AssertionError("drawn again")

    with monkeypatch.context() as patched:
        patched.setattr(cover, "channel_cover", no_drawing)
        assert cover.kept_channel_cover("有声报纸") == drawn
    assert cover.kept_channel_cover("另一个节目") != drawn  # another title: drawn
    kept.write_bytes(b"\x89PNG damaged")
    assert cover.kept_channel_cover("有声报纸") == drawn  # a damaged copy is never served


def test_font_lookup_never_fails() -> None:
    found = cover.find_cjk_font()
    assert found is None or found.is_file()


def test_kept_cover_is_drawn_once_then_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = dt.date(2024, 3, 18)
    drawn = cover.kept_edition_cover(tmp_path, "滨江日报", day, "2024-03-18")
    assert drawn == cover.edition_cover("滨江日报", day, "2024-03-18")
    (kept,) = tmp_path.glob("*.png")

    def no_drawing(*_: object) -> bytes:
        raise AssertionError("drawn again")

    monkeypatch.setattr(cover, "edition_cover", no_drawing)
    assert cover.kept_edition_cover(tmp_path, "滨江日报", day, "2024-03-18") == drawn
    monkeypatch.undo()
    other = cover.kept_edition_cover(tmp_path, "江城晚报", day, "2024-03-18")
    assert other != drawn and len(list(tmp_path.glob("*.png"))) == 2  # other words: drawn
    kept.write_bytes(kept.read_bytes()[:-7])  # cut short: drawn again, never served
    assert cover.kept_edition_cover(tmp_path, "滨江日报", day, "2024-03-18") == drawn
    elsewhere = tmp_path / "missing" / "x"
    assert cover.kept_edition_cover(elsewhere, "滨江日报", day, "2024-03-18") == drawn
