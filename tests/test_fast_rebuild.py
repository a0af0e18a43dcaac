"""Rebuilds that have nothing to do: answered before parsing, with nothing heavy loaded,
yet a damaged feed, page or cover is put back; and --jobs never loads more models than
the machine has cores."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from audiopaper.engines import get_engine
from audiopaper.pipeline import BuildOptions, build

PAGE = """# 江城晚报 2024年7月8日

## 河堤加固工程完工

河堤加固工程昨日完工。汛期前投入使用。

## 夜市重新开放

夜市共有八十个摊位。每晚六点开市。
"""
EDITION_ID = "2024-07-08"
HEAVY = ("numpy", "scipy", "jieba", "pypinyin", "ai_edge_litert", "PIL", "rich")

# Runs the CLI in a fresh interpreter and lists which heavy modules it imported.
PROBE = """
import runpy, sys
sys.argv = ["audiopaper", *sys.argv[1:]]
try:
    runpy.run_module("audiopaper", run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
heavy = {heavy!r}
loaded = [m for m in heavy if m in sys.modules]
loaded += [m for m in sys.modules if m.startswith(("audiopaper.parse", "audiopaper.normalize"))]
print("LOADED", ",".join(sorted(loaded)), "EXIT", code)
"""


def run_probe(*args: str) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True
    )
    match = re.search(r"^LOADED (\S*) ?EXIT (\d+)$", result.stdout, re.MULTILINE)
    assert match and match.group(2) == "0", result.stderr
    return [m for m in match.group(1).split(",") if m], result


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fast")
    page = root / "pages" / "jiangcheng.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    out = root / "out"
    result = subprocess.run(
        [sys.executable, "-m", "audiopaper", "build", str(page), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return page, out


def test_a_noop_rebuild_loads_no_parser_dictionary_or_model(built: tuple[Path, Path]) -> None:
    page, out = built
    before = digests(out)
    loaded, result = run_probe("build", str(page), "--out", str(out))
    assert loaded == [], f"a no-op rebuild imported {loaded}"
    assert "0 synthesized" in result.stdout
    assert "2 articles" in result.stdout  # the summary still names the edition
    assert digests(out) == before


def test_a_changed_option_is_not_taken_for_a_noop(built: tuple[Path, Path]) -> None:
    page, out = built
    loaded, result = run_probe("build", str(page), "--out", str(out), "--paper", "江城日报")
    assert "audiopaper.parse" in " ".join(loaded)  # the page was read again
    assert "江城日报" in result.stdout
    # and back: the first paper's edition is rebuilt from the cache, nothing synthesized
    loaded, result = run_probe("build", str(page), "--out", str(out))
    assert "0 synthesized" in result.stdout


@pytest.mark.parametrize("damage", ["delete", "truncate"])
@pytest.mark.parametrize("name", ["feed.xml", "index.html", "cover-*.png"])
def test_a_noop_rebuild_restores_the_feed_page_and_cover(
    built: tuple[Path, Path], name: str, damage: str
) -> None:
    page, out = built
    edition_before = digests(out / EDITION_ID)
    target = next(out.glob(name))  # the channel cover's name carries its content hash
    name = target.name
    if damage == "delete":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    result = subprocess.run(
        [sys.executable, "-m", "audiopaper", "build", str(page), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "0 synthesized" in result.stdout
    assert f"{name} missing or damaged: written again" in " ".join(result.stderr.split())
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.enclosures[0].href.rsplit("/", 1)[-1] for e in feed.entries] == [f"{EDITION_ID}.mp3"]
    assert (out / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    cover_path = next(out.glob("cover-*.png"))
    with Image.open(io.BytesIO(cover_path.read_bytes())) as cover:
        cover.load()  # a truncated PNG fails here
    assert digests(out / EDITION_ID) == edition_before  # the edition itself untouched


def test_a_deleted_edition_file_is_rebuilt_from_the_caches(built: tuple[Path, Path]) -> None:
    page, out = built
    before = (out / EDITION_ID / "transcript.vtt").read_bytes()
    (out / EDITION_ID / "transcript.vtt").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "audiopaper", "build", str(page), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "0 synthesized" in result.stdout
    assert (out / EDITION_ID / "transcript.vtt").read_bytes() == before


class Notes:
    def __init__(self) -> None:
        self.notes: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        self.notes.append(message)


def test_jobs_beyond_the_cores_are_capped_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "pages" / "many.md"
    page.parent.mkdir()
    sentences = "".join(f"第{n}条消息已经核实。" for n in range(1, 13))
    page.write_text(f"# 江城晚报 2024年7月9日\n\n## 消息\n\n{sentences}\n", encoding="utf-8")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})  # a 2-core machine
    engine = get_engine("offline")
    threads: set[int] = set()
    speak = engine.synthesize

    def counting(text: str, voice: object) -> object:
        threads.add(threading.get_ident())  # each thread loads its own models
        return speak(text, voice)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "synthesize", counting)
    reporter = Notes()
    result = build(BuildOptions(input_path=page, out_dir=tmp_path / "out", jobs=16), reporter)
    assert result.synthesized >= 12
    assert 1 <= len(threads) <= 2
    assert any(
        "--jobs 16 lowered to 2" in note and "2 CPU cores" in note for note in reporter.notes
    )
