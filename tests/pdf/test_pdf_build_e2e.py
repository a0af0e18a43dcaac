"""Three typeset PDF pages built into one MP3 through the CLI with the real offline voice:
chapters in page order, the jumped story in one chapter (read by ffmpeg)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from editions import TINY
from typeset import typeset

from audiopaper.ffmpeg import ffmpeg_exe


@pytest.mark.slow
def test_three_pdf_pages_build_one_edition(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, spec in zip(("x.pdf", "y.pdf", "z.pdf"), TINY, strict=True):  # pages 2, 1, 3
        typeset([spec], pages / name)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "audiopaper", "build", str(pages / "*.pdf"), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    mp3 = out / "2025-06-09" / "2025-06-09.mp3"
    meta = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    titles = re.findall(r"\[CHAPTER\][^\[]*?title=([^\n]*)", meta)
    assert titles == ["开篇：本期导读", "新桥通车", "街角书屋开门"]
    manifest = json.loads((out / "2025-06-09" / "edition.json").read_text(encoding="utf-8"))
    chapters = manifest["chapters"]
    cues = manifest["cues"]

    def chapter_of(text: str) -> str:
        cue = next(c for c in cues if text in c["text"])
        return next(
            ch["title"] for ch in chapters if ch["start_ms"] <= cue["start_ms"] < ch["end_ms"]
        )

    assert chapter_of("新桥今天通车") == "新桥通车"
    assert chapter_of("车流平稳") == "新桥通车"  # page 3's continuation, joined
    assert chapter_of("书屋免费开放") == "街角书屋开门"
    opening = "".join(c["text"] for c in cues if c["start_ms"] < chapters[1]["start_ms"])
    assert "第一版 要闻：新桥通车" in opening and "第二版 城事：街角书屋开门" in opening
