"""The offline voice's clips are keyed by what its model is fed: a lexicon change
re-synthesizes exactly the segments whose phonemes or tones it changed, and
``build --dry-run`` says how many. Real builds with the real voice, through the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = """# 河畔日报 2024年6月3日

## 新馆开放

市展览馆今天正式开放。

## 银行动态

本市银行调整了房贷利率。

## 天气

明天多云转晴。
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], capture_output=True, text=True
    )


def counts(dry_run_output: str) -> tuple[int, int, int]:
    found = re.search(r"would reuse (\d+) and synthesize (\d+) of (\d+) segments", dry_run_output)
    assert found, dry_run_output
    reuse, synthesize, total = (int(g) for g in found.groups())
    return reuse, synthesize, total


@pytest.fixture(scope="module")
def page_and_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cache-by-phonemes")
    page = root / "pages" / "hepan.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    out = root / "out"
    done = run_cli("build", str(page), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return page, out


def lexicon_file(folder: Path, body: str) -> Path:
    path = folder / f"lexicon-{abs(hash(body))}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_lexicon_change_redoes_exactly_the_segments_it_changes(
    page_and_out: tuple[Path, Path],
) -> None:
    page, out = page_and_out
    # 展览 is spoken zhan2 lan2 (sandhi); forcing zhan3 changes one segment only.
    lexicon = lexicon_file(out.parent, '[words."展览"]\npinyin = "zhan3 lan3"\n')
    reuse, synthesize, total = counts(
        run_cli(
            "build", str(page), "--out", str(out), "--lexicon", str(lexicon), "--dry-run"
        ).stdout
    )
    assert synthesize == 1 and reuse == total - 1
    done = run_cli("build", str(page), "--out", str(out), "--lexicon", str(lexicon))
    assert done.returncode == 0, done.stderr
    assert f"{total - 1} reused, 1 synthesized" in done.stdout


def test_a_lexicon_entry_that_changes_no_tone_redoes_nothing(
    page_and_out: tuple[Path, Path],
) -> None:
    page, out = page_and_out
    # The same reading the frontend already gives, and a word not on the page.
    same = '[words."银行"]\npinyin = "yin2 hang2"\n\n[words."北碚"]\npinyin = "bei3 bei4"\n'
    lexicon = lexicon_file(out.parent, same)
    reuse, synthesize, total = counts(
        run_cli(
            "build", str(page), "--out", str(out), "--lexicon", str(lexicon), "--dry-run"
        ).stdout
    )
    assert (reuse, synthesize) == (total, 0)
