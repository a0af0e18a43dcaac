"""`audiopaper pinyin`: a stable contract, checked byte for byte through the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", "pinyin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_stdin_one_line_out_per_line_in() -> None:
    done = run(stdin="总理不会来。\n\n2024年一月，GDP增长\n我也有")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "zong2 li3 bu2 hui4 lai2\n\nnian2 yi1 yue4 zeng1 zhang3\nwo2 ye2 you3\n"


def test_file_and_no_sandhi(tmp_path: Path) -> None:
    page = tmp_path / "lines.txt"
    page.write_bytes("一个总理\r\n不是\r\n".encode())
    assert run(str(page)).stdout == "yi2 ge4 zong2 li3\nbu2 shi4\n"
    assert run(str(page), "--no-sandhi").stdout == "yi1 ge4 zong3 li3\nbu4 shi4\n"


def test_lexicon_forces_a_reading(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words."总理"]\npinyin = "zong3 li3"\n', encoding="utf-8")
    assert run("--lexicon", str(lexicon), stdin="总理\n").stdout == "zong3 li3\n"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    done = run(str(tmp_path / "absent.txt"))
    assert done.returncode == 1
    assert done.stderr.startswith("audiopaper: error: ")
    assert done.stdout == ""
