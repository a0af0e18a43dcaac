"""An edition made of several PDF pages keeps them as they were and is rebuilt from them
alone: the rebuilt MP3 is the one a build from the original pages makes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "pdf"))  # typeset.py, editions.py

from editions import TINY
from relexicon import reading_fix
from typeset import typeset

from audiopaper.pipeline import BuildOptions, build
from audiopaper.rebuild import RebuildOptions, dry_run_all, rebuild
from audiopaper.sources import read_sources, source_folder

pytestmark = pytest.mark.slow

EDITION = "2025-06-09"
FIX = reading_fix("书屋")  # a one-word fix: the word now reads differently


def test_pdf_pages_are_kept_and_rebuilt_from(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    names = ("x.pdf", "y.pdf", "z.pdf")  # pages 2, 1, 3: order comes from the running heads
    for name, spec in zip(names, TINY, strict=True):
        typeset([spec], pages / name)
    originals = {name: (pages / name).read_bytes() for name in names}
    out, cache = tmp_path / "out", tmp_path / "clips"
    files = [pages / name for name in names]
    build(
        BuildOptions(
            input_path=files[0], more_inputs=tuple(files[1:]), out_dir=out, cache_dir=cache
        )
    )

    kept = read_sources(out / EDITION)
    assert kept is not None
    assert kept.pages == tuple(f"pages/{name}" for name in names)
    folder = source_folder(out / EDITION)
    assert {Path(p).name: (folder / p).read_bytes() for p in kept.pages} == originals

    shutil.move(pages, tmp_path / "elsewhere")  # the rebuild needs only what was kept
    options = RebuildOptions(out_dir=out, everything=True, cache_dir=cache)
    (same,) = dry_run_all(options).changes
    assert same.up_to_date

    fix = tmp_path / "fix.toml"
    fix.write_text(FIX, encoding="utf-8")
    fixed = RebuildOptions(out_dir=out, everything=True, cache_dir=cache, lexicon=fix)
    (planned,) = dry_run_all(fixed).changes
    holding = sum("书屋" in s.spoken_text for s in kept.segments)
    assert planned.to_synthesize == holding >= 2  # the table of contents and the headline
    assert planned.reasons == {"tones": holding}
    ((_id, result),) = rebuild(fixed).rebuilt
    assert result.synthesized == holding

    moved = [tmp_path / "elsewhere" / name for name in names]
    direct = tmp_path / "direct"
    build(
        BuildOptions(
            input_path=moved[0],
            more_inputs=tuple(moved[1:]),
            out_dir=direct,
            cache_dir=cache,
            lexicon=fix,
        )
    )
    mp3 = f"{EDITION}/{EDITION}.mp3"
    assert (out / mp3).read_bytes() == (direct / mp3).read_bytes()
