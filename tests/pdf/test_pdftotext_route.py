"""The same pages as plain text (pdftotext, the usual way to get a page's text today)
through the text parser: it does not give the same chapters, and this test keeps the
reasons checked. pdftotext's reading order runs across side-by-side stories (page 1's
second headline lands between the lead story's kicker and headline, a column of one story
follows a column of another), and the running head and footer come out as lines the text
parser takes for headlines. Layout — type size, weight, place — is what tells them apart."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from editions import EXPECTED

from audiopaper.pages import read_edition

TODAY = dt.date(2030, 1, 1)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_pdftotext_loses_what_the_layout_keeps(three_pages: Path, tmp_path: Path) -> None:
    texts = []
    for pdf in sorted(three_pages.glob("*.pdf")):
        text = tmp_path / f"{pdf.stem}.txt"
        subprocess.run(["pdftotext", str(pdf), str(text)], check=True)
        texts.append(text)
    from_text = read_edition(texts, today=TODAY).edition
    from_pdf = read_edition([three_pages], today=TODAY).edition
    expected = [story.headline for _, story, _ in EXPECTED]
    assert [a.title for a in from_pdf.articles] == expected
    text_titles = [a.title for a in from_text.articles]
    assert text_titles != expected
    assert any("版" in title for title in text_titles)  # a running head read as a headline
    assert len(set(expected) - set(text_titles)) >= 3  # headlines lost in the interleaving


def test_the_pdf_bench_runs() -> None:
    import sys

    bench = Path(__file__).resolve().parents[2] / "bench" / "pdf_bench.py"
    done = subprocess.run([sys.executable, str(bench), "--quick"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "pages/s" in done.stdout
