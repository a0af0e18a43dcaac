"""read: bytes → clean text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from audiopaper.errors import InputError
from audiopaper.read import clean_text, read_text

SIMPLIFIED = "滨江日报讯：今年全区新建城市书房5家，读者超过41万人次。\n第二行。"
TRADITIONAL = "濱江區圖書館開放時間延長，讀者們對這項服務非常滿意。\n這是第二行。"


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        pytest.param(SIMPLIFIED.encode("utf-8"), SIMPLIFIED, id="utf-8"),
        pytest.param(SIMPLIFIED.encode("utf-8-sig"), SIMPLIFIED, id="utf-8-bom"),
        pytest.param(b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, id="utf-16-le"),
        pytest.param(b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, id="utf-16-be"),
        pytest.param(SIMPLIFIED.encode("gb18030"), SIMPLIFIED, id="gb18030"),
        pytest.param(SIMPLIFIED.encode("gbk"), SIMPLIFIED, id="gbk"),
        pytest.param(SIMPLIFIED.encode("gb2312"), SIMPLIFIED, id="gb2312"),
        pytest.param(TRADITIONAL.encode("big5"), TRADITIONAL, id="big5"),
        pytest.param(TRADITIONAL.encode("utf-8"), TRADITIONAL, id="traditional-utf-8"),
    ],
)
def test_decodes_each_encoding(tmp_path: Path, encoded: bytes, expected: str) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(encoded)
    assert read_text(page) == expected


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("２０２４年３月", "2024年3月"),
        ("增长２３．４％", "增长23.4%"),
        ("ＡＢＣ公司ｘｙｚ", "ABC公司xyz"),
        ("Ｃ＋＋与＠＃", "C++与@#"),
        ("会议指出，要求：一！二？三；（注）", "会议指出，要求：一！二？三；（注）"),
        ("“引号”保留", "“引号”保留"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\tb", "a b"),
        ("全\u3000角空格", "全 角空格"),
        ("零\u200b宽\u200c字\u200d符\u2060号\ufeff", "零宽字符号"),
        ("控\x00制\x07字\x1b符\x7f", "控制字符"),
        ("分页\x0c下一页", "分页\n下一页"),
    ],
)
def test_cleans_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_cleans_after_decoding(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes("\ufeff投入１２．６亿元\u200b。\r\n".encode())
    assert read_text(page) == "投入12.6亿元。\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), id="png"),
        pytest.param(bytes(range(256)) * 8, id="all-bytes"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\xff" * 64, id="invalid-everywhere"),
    ],
)
def test_binary_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    page = tmp_path / "photo.txt"
    page.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_text(page)
    assert "photo.txt" in caught.value.message
    assert "not UTF-8, UTF-16 or GB18030" in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  \r\n", "\u3000\ufeff\n".encode()])
def test_empty_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    page = tmp_path / "blank.txt"
    page.write_bytes(data)
    with pytest.raises(InputError, match=r"blank\.txt is empty") as caught:
        read_text(page)
    assert caught.value.hint


def test_missing_file_and_folder_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nowhere.txt")
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path)


def test_bad_utf16_after_a_bom_is_an_input_error(tmp_path: Path) -> None:
    page = tmp_path / "odd.txt"
    page.write_bytes(b"\xff\xfe\x00\xd8")  # a lone surrogate
    with pytest.raises(InputError, match=r"odd\.txt"):
        read_text(page)


def test_a_ten_megabyte_page_reads_fast(tmp_path: Path) -> None:
    page = tmp_path / "big.txt"
    line = "滨江区２０２４年新建口袋公园４２个，绿化覆盖率６７．５％。\u200b\r\n"
    page.write_bytes((line * (10_000_000 // len(line.encode()))).encode())
    started = time.perf_counter()
    text = read_text(page)
    assert time.perf_counter() - started < 2.0
    assert text.startswith("滨江区2024年新建口袋公园42个，绿化覆盖率67.5%。\n")
