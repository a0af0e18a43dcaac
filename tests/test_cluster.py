"""Synthesis on a real Dask cluster started inside the test (a scheduler and two worker
processes on 127.0.0.1): the MP3 is byte-identical to a local build, through build and
rebuild, and a worker killed mid-run loses no segment."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from relexicon import reading_fix

from audiopaper.pipeline import BuildOptions, build
from audiopaper.rebuild import RebuildOptions, rebuild
from audiopaper.sources import read_sources

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

DATE = dt.date(2024, 6, 1)
EDITION = DATE.isoformat()
PAGE = "# 江城晚报\n\n## 单先生修好了路灯\n\n单先生修好了路灯。邻居们都来道谢。\n"
LONGER = (
    "# 江城晚报\n\n## 街道新闻\n\n"
    "早上七点，街道开始清扫积雪。十点前主干道全部通行。"
    "学校照常上课，公交车按时发车。晚上气温降到零下五度。\n"
)
FIX = reading_fix("单先生")  # a one-word fix: the word now reads differently


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local.scheduler_address


def mp3(out: Path) -> bytes:
    return (out / EDITION / f"{EDITION}.mp3").read_bytes()


def make_page(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_build_and_rebuild_on_the_cluster_match_local_ones(cluster: str, tmp_path: Path) -> None:
    page = make_page(tmp_path / "pages", PAGE)
    fix = tmp_path / "fix.toml"
    fix.write_text(FIX, encoding="utf-8")
    local, remote = tmp_path / "local", tmp_path / "remote"
    build(BuildOptions(input_path=page, out_dir=local, date=DATE))
    result = build(BuildOptions(input_path=page, out_dir=remote, date=DATE, cluster=cluster))
    assert result.reused == 0  # every clip came from the workers
    assert mp3(remote) == mp3(local)

    rebuild(RebuildOptions(out_dir=local, everything=True, lexicon=fix))
    done = rebuild(RebuildOptions(out_dir=remote, everything=True, lexicon=fix, cluster=cluster))
    ((_id, rebuilt),) = done.rebuilt
    kept = read_sources(remote / EDITION)
    assert kept is not None
    holding = sum("单先生" in s.spoken_text for s in kept.segments)
    assert rebuilt.synthesized == holding == 3  # contents, headline, one sentence
    assert mp3(remote) == mp3(local)


def test_a_cluster_rebuild_synthesizes_the_next_edition_ahead(cluster: str, tmp_path: Path) -> None:
    """While one edition is assembled here, the workers already make the next one."""
    from audiopaper.cluster import task_key

    second = dt.date(2024, 6, 2)
    pages = {
        DATE: PAGE,
        second: "# 江城晚报\n\n## 热心的单先生\n\n单先生今天又去帮忙。\n",
    }
    local, remote = tmp_path / "local", tmp_path / "remote"
    for date, text in pages.items():
        page = make_page(tmp_path / date.isoformat(), text)
        build(BuildOptions(input_path=page, out_dir=local, date=date))
    shutil.copytree(local, remote)
    fix = tmp_path / "fix.toml"
    fix.write_text(FIX, encoding="utf-8")
    watcher = distributed.Client(cluster, set_as_default=False)
    seen: dict[str, set[str]] = {}

    class WatchTheScheduler:
        def stage(self, name: str, total: int | None = None) -> None:
            tasks = watcher.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.tasks))
            seen.setdefault(name, set(tasks))

        def advance(self, amount: int = 1) -> None:
            pass

        def note(self, message: str) -> None:
            pass

    try:
        rebuild(RebuildOptions(out_dir=local, everything=True, lexicon=fix))
        rebuild(
            RebuildOptions(out_dir=remote, everything=True, lexicon=fix, cluster=cluster),
            WatchTheScheduler(),
        )
    finally:
        watcher.close()
    for date in pages:
        edition = date.isoformat()
        assert (remote / edition / f"{edition}.mp3").read_bytes() == (
            local / edition / f"{edition}.mp3"
        ).read_bytes()
    first, then = (read_sources(remote / d.isoformat()) for d in pages)
    assert first is not None and then is not None
    own = {s.key for s in then.segments if "单先生" in s.spoken_text} - {
        s.key for s in first.segments
    }
    assert own  # the second edition has segments of its own to make
    before_its_build = seen[f"{second.isoformat()}: Reading and planning"]
    assert {task_key(key) for key in own} <= before_its_build


def test_a_worker_killed_mid_run_loses_no_segment(cluster: str, tmp_path: Path) -> None:
    page = make_page(tmp_path / "pages", LONGER)
    local, remote = tmp_path / "local", tmp_path / "remote"
    build(BuildOptions(input_path=page, out_dir=local, date=DATE))
    watcher = distributed.Client(cluster, set_as_default=False)
    killed: list[str] = []

    class KillAWorkerAfterTheFirstClip:
        synthesizing = False

        def stage(self, name: str, total: int | None = None) -> None:
            self.synthesizing = name == "Synthesizing"

        def advance(self, amount: int = 1) -> None:
            if self.synthesizing and not killed:
                busy = [w for w, tasks in watcher.processing().items() if tasks]
                assert busy, "no worker was busy: the page is too short to test this"
                pid = watcher.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(busy[0])

        def note(self, message: str) -> None:
            pass

    try:
        result = build(
            BuildOptions(input_path=page, out_dir=remote, date=DATE, cluster=cluster),
            KillAWorkerAfterTheFirstClip(),
        )
    finally:
        watcher.close()
    assert killed
    segments = json.loads((remote / EDITION / "edition.json").read_text("utf-8"))["segments"]
    assert result.reused == 0 and result.synthesized == segments >= 6
    assert mp3(remote) == mp3(local)


def test_cluster_errors_are_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    page = make_page(tmp_path / "pages", PAGE)
    unreachable = run_cli("build", str(page), "--out", str(out), "--cluster", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in unreachable.stderr
    assert "dask scheduler" in unreachable.stderr  # the hint says how to start one
    assert "Traceback" not in unreachable.stderr

    (out / "2024-06-01").mkdir(parents=True)
    from audiopaper.publish.registry import DB_NAME

    (out / DB_NAME).touch()  # an empty catalogue: the scheduler is asked before anything
    rebuilt = run_cli("rebuild", "--all", "--out", str(out), "--cluster", "tcp://127.0.0.1:9")
    assert rebuilt.returncode == 2
    assert rebuilt.stderr.count("cannot reach the Dask scheduler") == 1

    no_dask = run_cli(
        "build", str(page), "--out", str(out), "--cluster", "tcp://127.0.0.1:9", block="distributed"
    )
    assert no_dask.returncode == 1
    assert "--cluster needs Dask (the cluster extra)" in no_dask.stderr
    assert "uv sync --extra cluster" in no_dask.stderr


def test_without_cluster_dask_is_never_imported(tmp_path: Path) -> None:
    page = make_page(tmp_path / "pages", PAGE)
    built = run_cli("build", str(page), "--out", str(tmp_path / "out"), "-q", block="dask")
    assert built.returncode == 0, built.stderr
    assert any((tmp_path / "out").glob("*/*.mp3"))


def run_cli(*args: str, block: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter; ``block`` makes a package unimportable, as if the
    optional extra were not installed."""
    prelude = f"import sys; sys.modules[{block!r}] = None; " if block else "import sys; "
    code = prelude + "from audiopaper.cli import main; sys.argv[0] = 'audiopaper'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def test_cluster_bench_quick_mode_prints_its_table() -> None:
    bench = Path(__file__).resolve().parents[1] / "bench" / "cluster_bench.py"
    done = subprocess.run(
        [sys.executable, str(bench), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "segments/s" in done.stdout and "a year of a daily paper" in done.stdout
