"""The command line as a user meets it: output on stdout, errors on stderr, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], input=stdin, capture_output=True, text=True
    )


def test_normalize_keeps_one_line_per_line() -> None:
    text = "2023年12月15日\n\n增长12.5%，涉及金额0.8亿元\n拨打12345热线\n"
    result = run_cli("normalize", stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == [
        "二零二三年十二月十五日",
        "",
        "增长百分之十二点五，涉及金额零点八亿元",
        "拨打幺二三四五热线",
        "",
    ]


def test_normalize_reads_a_file_and_explains(tmp_path: Path) -> None:
    page = tmp_path / "line.txt"
    page.write_text("第58次会议于9:30召开\n", encoding="utf-8")
    plain = run_cli("normalize", str(page))
    assert plain.stdout == "第五十八次会议于九点三十分召开\n"
    explained = run_cli("normalize", "--explain", str(page))
    assert explained.returncode == 0
    assert "9:30" in explained.stdout and "九点三十分" in explained.stdout


def test_plan_json_has_the_documented_shape() -> None:
    result = run_cli("plan", str(EXAMPLES / "binjiang-daily-2024-03-18.txt"), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert {"title", "date", "articles"} <= plan.keys()
    assert plan["date"] == "2024-03-18"
    assert len(plan["articles"]) >= 4
    for article in plan["articles"]:
        assert {"title", "byline", "segments"} <= article.keys()
        for segment in article["segments"]:
            assert {"source_text", "spoken_text"} <= segment.keys()
            assert not any(c.isdigit() for c in segment["spoken_text"] if c.isascii())
    captions = [c for a in plan["articles"] for c in a["captions"]]
    spoken = "".join(s["source_text"] for a in plan["articles"] for s in a["segments"])
    assert captions and all(c not in spoken for c in captions)
    assert "下转" not in spoken


def test_plan_of_the_markdown_example() -> None:
    result = run_cli("plan", str(EXAMPLES / "binjiang-daily-2024-03-19.md"), "--json")
    plan = json.loads(result.stdout)
    assert plan["paper"] == "滨江日报" and len(plan["articles"]) == 3


def test_voices_lists_the_shipped_profiles() -> None:
    result = run_cli("voices")
    assert result.returncode == 0
    for name in ("offline", "offline-brisk", "edge-news"):
        assert name in result.stdout


def test_every_command_has_help() -> None:
    for command in ("build", "plan", "normalize", "voices", "episodes", "feed", "serve"):
        result = run_cli(command, "--help")
        assert result.returncode == 0, command
        assert "Usage:" in result.stdout


def test_usage_mistakes_are_bad_input() -> None:
    assert run_cli("build").returncode == 1
    assert run_cli("no-such-command").returncode == 1
    assert run_cli("build", "x.txt", "--date", "yesterday").returncode == 1


def test_episodes_on_an_empty_folder(tmp_path: Path) -> None:
    listed = run_cli("episodes", "list", "--out", str(tmp_path))
    assert listed.returncode == 0 and listed.stdout == ""
    removed = run_cli("episodes", "remove", "2024-01-01", "--out", str(tmp_path))
    assert removed.returncode == 1
    assert removed.stderr.startswith("audiopaper: error:")


def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    page = tmp_path / "long.txt"
    page.write_text("今天是2024年3月18日，增长12.5%。\n" * 20000, encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, "-m", "audiopaper", "normalize", str(page)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(10)  # like `| head -c 10`: more than a pipe buffer is left unread
    reader.stdout.close()
    stderr = reader.stderr.read().decode()
    assert reader.wait() == 141 and stderr == ""


def test_a_command_ends_without_teardown_and_keeps_what_exit_handlers_save(
    tmp_path: Path,
) -> None:
    """The process ends once its threads and exit handlers are done: what the handlers
    registered during the command save (the kept regex programs) is saved, the output
    is all there, and Python's teardown (freeing every object) is skipped."""
    witness = tmp_path / "torn-down"
    code = (
        "import os, sys\n"
        "class Witness:  # what it needs is bound now: the teardown empties modules\n"
        f"    def __del__(self, path={str(witness)!r}, make=os.open, close=os.close,"
        " flags=os.O_CREAT | os.O_WRONLY):\n"
        "        close(make(path, flags))\n"
        "witness = Witness()  # freed only by the teardown\n"
        "from audiopaper.cli import main\n"
        f"sys.argv = ['audiopaper', 'plan', {str(EXAMPLES / 'binjiang-daily-2024-03-18.txt')!r},"
        " '--json']\n"
        "main()\n"
    )
    models = tmp_path / "models"
    env = {**os.environ, "AUDIOPAPER_MODEL_CACHE": str(models)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["articles"]) >= 5  # every byte flushed
    assert list(models.glob("regex-programs-*.bin"))
    assert not witness.exists()
    # A failing command ends the same way, with its own code.
    failed = subprocess.run(
        [sys.executable, "-c", code.replace("'plan'", "'build'").replace("'--json'", "'--bogus'")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert failed.returncode == 1 and "no such option" in failed.stderr.lower()
    assert not witness.exists()


def _build_tiny(tmp_path: Path, name: str, stderr: int) -> subprocess.Popen[bytes]:
    page = tmp_path / f"{name}.md"  # no date anywhere: the build says it dated it today
    page.write_text("# 江城晚报\n\n## 新区开工重点项目\n\n新区今天开工五个项目。\n", "utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "audiopaper", "build", str(page), "--out", str(tmp_path / name)],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env={k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")},
    )


def test_bars_only_at_a_terminal_and_warnings_either_way(tmp_path: Path) -> None:
    """A terminal sees the stages' bars; a pipe (cron) only the warnings, one plain line
    each."""
    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX's")

    piped = _build_tiny(tmp_path, "piped", subprocess.PIPE)
    _, err = piped.communicate(timeout=300)
    assert piped.returncode == 0, err.decode()
    lines = err.decode().splitlines()
    assert lines and all(line.startswith("audiopaper: warning: ") for line in lines), lines
    assert any("dated today" in line for line in lines)
    assert "Synthesizing" not in err.decode()

    leader, follower = pty.openpty()
    at_terminal = _build_tiny(tmp_path, "terminal", follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the build
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert at_terminal.wait(timeout=300) == 0
    text = seen.decode(errors="replace")
    assert "Synthesizing" in text and "dated today" in text
