"""Never touch what isn't ours: cleanup removes only this program's own leftovers in its
own folders, a folder holding another program's page or feed is refused, and a folder
that cannot be written is found before any synthesis."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from audiopaper.fsutil import remove_stale_temps

TINY = "# 江城晚报 2024年7月1日\n\n## 夜市重新开放\n\n夜市共有80个摊位。\n"


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], capture_output=True, text=True, timeout=600
    )


def dead_pid() -> int:
    """The pid of a process that has finished (and was reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_cleanup_removes_only_our_dead_runs_leftovers(tmp_path: Path) -> None:
    dead = dead_pid()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    folder = tmp_path / "out"
    ours = [
        write(folder / f".tmp-{dead}-k2j4h5g6.xml"),
        write(folder / f".tmp-{dead}-2024-07-01.mp3"),
    ]
    theirs = [
        write(folder / ".tmp-draft.txt"),  # the "pid" is not digits
        write(folder / ".tmp-"),
        write(folder / f".tmp-{dead}"),  # not our shape: no "-" after the pid
        write(folder / f".tmp-{live.pid}-x"),  # a live run's work in progress
        write(folder / f"notes/.tmp-{dead}-x"),  # below: never recursive
    ]
    (folder / f".tmp-{dead}-dir").mkdir()  # a folder is never ours to delete
    try:
        assert remove_stale_temps(folder) == 2
    finally:
        live.kill()
        live.wait()
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in theirs)
    assert (folder / f".tmp-{dead}-dir").is_dir()


def test_a_build_cleans_its_own_folders_and_nothing_else(tmp_path: Path) -> None:
    dead = dead_pid()
    page = write(tmp_path / "in" / "tiny.md", TINY)
    out, cache = tmp_path / "out", tmp_path / "cache"
    ours = [
        write(out / f".tmp-{dead}-abcdefgh.xml"),
        write(out / "2024-06-30" / f".tmp-{dead}-2024-06-30.mp3"),
        write(cache / "ab" / f".tmp-{dead}-12345678.clip"),
    ]
    theirs = [
        write(out / ".tmp-draft.txt"),
        write(out / "my notes" / f".tmp-{dead}-x.txt"),
        write(out / "2024-06-30" / "sub" / f".tmp-{dead}-x.txt"),
        write(cache / f".tmp-{dead}-top.txt"),  # the cache's top level holds no temps of ours
        write(cache / "photos" / f".tmp-{dead}-x.jpg"),
        write(tmp_path / f".tmp-{dead}-beside.txt"),
    ]
    (out / ".audiopaper.lock").write_text("")  # an audiopaper folder from an earlier run
    result = run_cli("build", str(page), "--out", str(out), "--cache", str(cache))
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in theirs)


@pytest.mark.parametrize("name", ["index.html", "feed.xml", "cover.png"])
def test_a_folder_with_another_programs_files_is_refused(tmp_path: Path, name: str) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    site = tmp_path / "my-site"
    theirs = write(site / name, "mine, not audiopaper's")
    write(site / "about.html", "about me")
    for args in (
        ["build", str(page), "--out", str(site)],
        ["feed", "--out", str(site)],
        ["episodes", "remove", "2024-07-01", "--out", str(site)],
        ["episodes", "repair", "--out", str(site)],
    ):
        result = run_cli(*args)
        assert result.returncode == 3, (args, result.stderr)
        assert "not an audiopaper output folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert theirs.read_text(encoding="utf-8") == "mine, not audiopaper's"
    assert sorted(p.name for p in site.iterdir()) == sorted([name, "about.html"])


def test_the_current_folder_is_never_the_default_for_an_empty_out(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    work = tmp_path / "work"
    theirs = write(work / "index.html", "mine")
    for args in (["build", str(page), "--out", ""], ["feed", "--out", ""]):
        result = subprocess.run(
            [sys.executable, "-m", "audiopaper", *args],
            capture_output=True,
            text=True,
            cwd=work,
            timeout=120,
        )
        assert result.returncode == 1 and "empty folder name" in result.stderr
    assert [p.name for p in work.iterdir()] == ["index.html"]
    assert theirs.read_text(encoding="utf-8") == "mine"


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable, also for root (the immutable attribute), or skip."""
    immutable = os.geteuid() == 0
    if immutable:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot make a folder read-only for root here (chattr +i)")
    else:
        folder.chmod(0o555)
    try:
        with contextlib.suppress(OSError):
            (folder / "probe").write_text("x")
            pytest.skip("the folder is still writable")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def test_a_read_only_output_folder_is_found_before_synthesis(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    out, cache = tmp_path / "out", tmp_path / "cache"
    write(out / ".audiopaper.lock", "")  # an earlier run's folder, since made read-only
    with read_only(out):
        result = run_cli("build", str(page), "--out", str(out), "--cache", str(cache))
    assert result.returncode == 3, result.stderr
    assert "cannot write into" in result.stderr and "Traceback" not in result.stderr
    assert not list(cache.rglob("*.clip"))  # nothing was synthesized


def test_a_lock_file_that_cannot_be_opened_says_so(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    out = tmp_path / "out"
    lock = write(out / ".audiopaper.lock", "")
    (out / "elsewhere").mkdir()
    lock.unlink()
    lock.symlink_to(out / "elsewhere")  # a link to a folder
    result = run_cli("build", str(page), "--out", str(out))
    assert result.returncode == 3
    assert "lock file" in result.stderr and "cannot create the output folder" not in result.stderr
