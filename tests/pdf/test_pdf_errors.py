"""Bad PDFs: one-line errors naming the file or page, exit code 1, nothing already in the
output folder touched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from editions import THREE_PAGES
from typeset import PAGE_H, PAGE_W, typeset


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], capture_output=True, text=True
    )


def _image_only(path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.drawImage(ImageReader(Image.new("RGB", (60, 80), (200, 200, 200))), 20, 20, 500, 800)
    c.save()


def _no_to_unicode(path: Path) -> None:
    """The standard CMap swapped for Identity-H and the character collection renamed, as
    in PDFs whose embedded subset fonts carry no ToUnicode table: glyph ids, no text."""
    data = typeset(THREE_PAGES[:1])
    data = data.replace(b"/UniGB-UCS2-H", b"/Identity-H  ").replace(b"Adobe", b"Nobod")
    data = data.replace(b"(GB1)", b"(XX1)")
    path.write_bytes(data)


def _encrypted(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    typeset(THREE_PAGES[:1], path, encrypt=StandardEncryption("secret", canPrint=0))


def _truncated(path: Path) -> None:
    data = typeset(THREE_PAGES[:1])
    path.write_bytes(data[: len(data) // 2])


def _not_a_pdf(path: Path) -> None:
    path.write_text("这不是PDF文件。", encoding="utf-8")


def _three_hundred_pages(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    for n in range(300):
        c.drawString(40, 700, f"page {n}")
        c.showPage()
    c.save()


CASES = {
    "image-only": (_image_only, "page 1 of bad.pdf has no text layer"),
    "no-tounicode": (_no_to_unicode, "page 1 of bad.pdf has"),
    "encrypted": (_encrypted, "bad.pdf is encrypted"),
    "truncated": (_truncated, "bad.pdf is truncated"),
    "not-a-pdf": (_not_a_pdf, "bad.pdf is not a PDF"),
    "300-pages": (_three_hundred_pages, "bad.pdf has 300 pages"),
}


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".audiopaper.lock"  # the build's (empty) lock file
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_pdf_is_one_line_and_loses_nothing(case: str, tmp_path: Path) -> None:
    make, message = CASES[case]
    pages = tmp_path / "pages"
    pages.mkdir()
    bad = pages / "bad.pdf"
    make(bad)
    out = tmp_path / "out"
    (out / "2025-06-08").mkdir(parents=True)
    (out / "2025-06-08" / "2025-06-08.mp3").write_bytes(b"an earlier edition")
    (out / "2025-06-08" / "edition.json").write_text("{}", encoding="utf-8")  # ours, not foreign
    (out / "feed.xml").write_text("<rss/>", encoding="utf-8")
    before = _digests(out)
    for command in (["plan", str(bad)], ["build", str(bad), "--out", str(out), "--quiet"]):
        done = run_cli(*command)
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().split("\n")
        assert lines[0].startswith(f"audiopaper: error: {message}"), done.stderr
        assert len(lines) == 2 and lines[1].startswith("  hint: "), done.stderr
        assert done.stdout == ""
    assert _digests(out) == before


def test_a_bad_page_among_good_ones_is_named(three_pages: Path, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    _image_only(scan)
    done = run_cli("plan", str(three_pages / "b.pdf"), str(scan))
    assert done.returncode == 1
    assert "page 1 of scan.pdf has no text layer" in done.stderr


def test_plan_json_gives_each_article_its_page(three_pages: Path) -> None:
    import json

    done = run_cli("plan", str(three_pages), "--json")
    assert done.returncode == 0, done.stderr
    articles = json.loads(done.stdout)["articles"]
    assert [a["page"] for a in articles] == [1, 1, 1, 2, 2, 2, 3, 3]
    assert {"title", "subtitles", "byline", "captions", "segments"} <= set(articles[0])


def test_private_use_characters_are_refused_by_page() -> None:
    """A page whose text decodes to private-use code points (fonts exported without a
    real character map) is an error naming the page, as `(cid:N)` glyphs are."""
    from audiopaper.errors import InputError
    from audiopaper.pdf.glyphs import Glyph, RawPage, _check_text_layer

    def page(texts: str) -> RawPage:
        glyphs = tuple(
            Glyph(t, 10.0 * n, 10, 10.0 * n + 9, 19, 9.0, "F", False) for n, t in enumerate(texts)
        )
        return RawPage(Path("p2.pdf"), 2, 600, 800, glyphs, ())

    _check_text_layer(page("大桥今日通车，市民步行过桥。" * 3))
    with pytest.raises(InputError, match=r"^page 2 of p2\.pdf has 30 of 30 glyphs"):
        _check_text_layer(page("".join(chr(0xE000 + n) for n in range(30))))


def test_a_pdf_locked_only_against_copying_is_read(tmp_path: Path) -> None:
    """E-paper PDFs often carry an owner password that forbids copying but none to open
    them: they are read like any other. (Drawn in a standard font: reportlab encrypts a CID
    font's character-collection strings in a way no reader undoes.)"""
    import datetime as dt

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    from audiopaper.pages import read_edition

    path = tmp_path / "locked.pdf"
    lock = StandardEncryption("", ownerPassword="owner", canCopy=0, canModify=0)
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), encrypt=lock)
    c.setFont("Helvetica", 10)
    c.drawString(40, 500, "River bridge opens to traffic today.")
    c.save()
    assert b"/Encrypt" in path.read_bytes()
    edition = read_edition([path], today=dt.date(2030, 1, 1)).edition
    assert [p.text for p in edition.articles[0].paragraphs] == [
        "River bridge opens to traffic today."
    ]
