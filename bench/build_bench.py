"""End-to-end build cost against the speech model alone, rebuild costs, memory.

    uv run python bench/build_bench.py                   # the sample page + a 10-minute page
    uv run python bench/build_bench.py --minutes 120     # the sample page + a 2-hour page
    uv run python bench/build_bench.py --rounds 5        # five rounds instead of three
    uv run python bench/build_bench.py --quick           # smoke run (used by the tests)

Everything is measured side by side in one run and reported as ratios:

- build ÷ inference: a cold whole-process build (``python -m audiopaper build``, empty
  output folder and clip cache) against the pure model inference for exactly the same
  segments, in the same order, with the same worker threads and model threads per worker;
- real-time factor: build seconds per second of audio;
- no-op rebuild and one-sentence-edit rebuild as a share of the cold build, with the
  number of segments the edit re-synthesized (from the build's own summary line);

Every ratio is taken within a round, between runs seconds apart: a round is a cold
build and the pure inference (in alternating order), then a no-op rebuild and an edit of
that build. A shared machine's speed drifts by 10-20 % over minutes, on both runs of a
round alike; the figure reported is the median of the rounds' ratios (``--rounds``,
three by default), with their range beside it. Times shown are the rounds' medians.
- peak RSS of the build's Python process during the cold build (from wait4), the largest
  child process (ffmpeg) separately, and the long page's Python peak against the sample's.

What a build derives once per machine (the rewritten acoustic model, the voice's models
as ONNX Runtime optimized them for this CPU, the word and phrase tables) is made once,
before anything is timed, in a private model cache folder: every build on a machine after
its first finds it there.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tables import table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import page as synthetic_page  # noqa: E402

SAMPLE = ROOT / "examples" / "binjiang-daily-2024-03-18.txt"
POLL_SECONDS = 0.2  # children only; a poll costs the build CPU it would otherwise have
SUMMARY = re.compile(r"(\d+) reused, (\d+) synthesized")
EDIT = "，记者在现场看到了这一变化。"

# Targets (ratios only; no bare times). The sample page pays start-up, model loading and
# the last article's encode over a shorter synthesis, hence its looser build/infer.
MAX_BUILD_OVER_INFER_SAMPLE = 1.25
MAX_BUILD_OVER_INFER_LONG = 1.10
MAX_NOOP_SHARE = 0.02  # on the sample page
MAX_EDIT_SHARE = 0.10
MAX_LONG_PEAK_MB = 500.0
MAX_LONG_OVER_SAMPLE_PEAK = 1.10  # memory does not grow with the edition's length


@dataclass(frozen=True)
class Run:
    """One whole-process build."""

    seconds: float
    cpu_s: float  # CPU seconds of the build and every process it ran (ffmpeg)
    peak_mb: float  # peak resident memory of the build's Python process (from wait4)
    child_peak_mb: float  # the largest VmHWM seen among its child processes (ffmpeg)
    reused: int
    synthesized: int


@dataclass(frozen=True)
class Round:
    """One round: a cold build and the model alone side by side, then two rebuilds."""

    infer_s: float
    infer_cpu_s: float
    cold: Run
    noop: Run
    edit: Run


@dataclass(frozen=True)
class Measurement:
    label: str
    segments: int
    audio_s: float
    rounds: list[Round]

    def median(self, value: Callable[[Round], float]) -> float:
        return statistics.median(value(r) for r in self.rounds)

    def spread(self, value: Callable[[Round], float], digits: int = 3) -> str:
        """The median of a per-round figure, with its range when there are rounds to range."""
        values = [value(r) for r in self.rounds]
        median = f"{statistics.median(values):.{digits}f}"
        if len(values) < 2:
            return median
        return f"{median} ({min(values):.{digits}f}-{max(values):.{digits}f})"

    def peak_mb(self) -> float:
        return max(r.cold.peak_mb for r in self.rounds)

    def child_peak_mb(self) -> float:
        return max(r.cold.child_peak_mb for r in self.rounds)


def build_over_infer(r: Round) -> float:
    return r.cold.seconds / r.infer_s


def edit_share(r: Round) -> float:
    return r.edit.seconds / r.cold.seconds


def noop_share(r: Round) -> float:
    return r.noop.seconds / r.cold.seconds


def _status_kb(pid: int, field: str) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def _exe(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class _PeakWatcher:
    """Polls VmHWM of a process's descendants (not the process: the kernel reports its
    peak when it is reaped) until it exits."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exe = _exe(pid)
        self.child_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            pending = _children(self.pid)
            while pending:
                child = pending.pop()
                if _exe(child) not in (None, self.exe):  # a fork not yet exec'd is a copy
                    self.child_kb = max(self.child_kb, _status_kb(child, "VmHWM") or 0)
                pending += _children(child)
            self._stop.wait(POLL_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_build(page: Path, out: Path, env: dict[str, str]) -> Run:
    """Whole-process build (not quiet: its summary line says what was synthesized).

    Its CPU time and peak memory come from the kernel when it is reaped (wait4: exact, and
    nothing polls it meanwhile); only its children (ffmpeg) are looked at while it runs,
    five times a second, to report the largest apart."""
    command = [sys.executable, "-m", "audiopaper", "build", str(page), "--out", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    watcher = _PeakWatcher(process.pid)
    output: dict[str, str] = {}

    def read(name: str, stream: Any) -> None:
        output[name] = stream.read()

    readers = [
        threading.Thread(target=read, args=("stdout", process.stdout)),
        threading.Thread(target=read, args=("stderr", process.stderr)),
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    watcher.stop()
    stdout, stderr = output["stdout"], output["stderr"]
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode}): {stderr.strip()}")
    match = SUMMARY.search(stdout)
    if match is None:
        raise SystemExit(f"no summary line in the build's output: {stdout!r}")
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,  # the build and the children it reaped (ffmpeg)
        usage.ru_maxrss / 1024,  # the largest of them: the Python process (KB on Linux)
        watcher.child_kb / 1024,
        int(match.group(1)),
        int(match.group(2)),
    )


def build_layout() -> tuple[int, int]:
    """(workers, model threads per worker) as the build chooses them here."""
    from audiopaper.engines import get_engine

    try:
        from audiopaper.synthesize import layout_for
    except ImportError:  # a version before layouts: one single-threaded worker per core
        return os.cpu_count() or 1, 1
    layout = layout_for([get_engine("offline")], None)
    return layout.jobs, layout.threads


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pure_inference(page: Path, workers: int, threads: int) -> tuple[float, float, float, int]:
    """The model alone on the build's segments: (seconds, CPU seconds, audio seconds,
    segments).

    The build's plan gives the jobs; identical texts are synthesized once, in job order,
    as the build does, with the build's workers and threads. Phonemes and the interpreters
    are prepared before the clock starts, so only the voice's two models (acoustic +
    vocoder, on the default backend) are timed."""
    from audiopaper.engines.offline import OfflineEngine, _Models
    from audiopaper.pipeline import BuildOptions, plan, synthesis_jobs

    with tempfile.TemporaryDirectory() as out:
        the_plan = plan(BuildOptions(input_path=page, out_dir=Path(out)))
    jobs = synthesis_jobs(the_plan)
    engines = {type(job.engine) for job in jobs}
    if engines != {OfflineEngine}:
        raise SystemExit(f"the build uses {engines}, not only the offline voice")
    first: dict[str, Any] = {}
    for job in jobs:
        first.setdefault(job.key, job)
    unique = list(first.values())
    work = [
        (ids, job.voice)
        for job in unique
        if len(ids := job.engine.frontend.phonemes(job.segment.spoken_text).ids()) > 3
    ]
    local = threading.local()
    ready = threading.Barrier(workers)

    def load(_: int) -> None:
        local.models = _Models(threads)
        ready.wait()  # one pair of interpreters on every worker thread

    def speak(item: tuple[list[int], Any]) -> int:
        return len(local.models.speak(item[0], item[1]))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(load, range(workers)))
        cpu = _own_cpu()
        start = time.perf_counter()
        samples = sum(pool.map(speak, work))
        seconds = time.perf_counter() - start
        cpu = _own_cpu() - cpu
    return seconds, cpu, samples / 24_000, len(unique)


def edit_one_paragraph(page: Path, target: Path) -> None:
    """The same page with one sentence added at the end of its first long paragraph."""
    lines = page.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if len(line) > 40 and line.endswith("。"):
            lines[index] = line[:-1] + EDIT
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines), encoding="utf-8")


def measure(
    label: str,
    page: Path,
    workdir: Path,
    layout: tuple[int, int],
    env: dict[str, str],
    rounds: int,
) -> Measurement:
    """``rounds`` rounds, each a cold build into an empty folder and the pure inference
    (the order alternating from round to round), then a no-op rebuild and a one-sentence
    edit of that same folder."""
    slug = re.sub(r"\W+", "-", label)
    edited = workdir / f"edited-{slug}" / page.name  # same file name: same edition
    edit_one_paragraph(page, edited)
    measured: list[Round] = []
    audio_s, segments = 0.0, 0
    for round_ in range(rounds):
        out = workdir / f"out-{slug}-{round_}"  # empty: no clip cache
        if round_ % 2 == 0:
            cold = run_build(page, out, env)
            infer_s, infer_cpu_s, audio_s, segments = pure_inference(page, *layout)
        else:
            infer_s, infer_cpu_s, audio_s, segments = pure_inference(page, *layout)
            cold = run_build(page, out, env)
        noop = run_build(page, out, env)
        edit = run_build(edited, out, env)
        measured.append(Round(infer_s, infer_cpu_s, cold, noop, edit))
    return Measurement(label, segments, audio_s, measured)


def _mark(value: float, limit: float) -> str:
    return "ok" if value <= limit else "MISSED"


def report(measurements: list[Measurement], layout: tuple[int, int]) -> str:
    speed = [
        ("page", "segments", "audio s", "infer s", "build s", "build/infer", "RTF", "infer RTF")
    ]
    cpu = [("page", "infer CPU s", "build CPU s", "build/infer", "no-op/cold", "edit/cold")]
    rebuild = [("page", "cold s", "no-op s", "no-op/cold", "edit s", "edit/cold", "re-synth")]
    memory = [("page", "python peak MB", "max child MB", "peak/sample")]
    base_peak = measurements[0].peak_mb()
    for m in measurements:
        cold_s = m.median(lambda r: r.cold.seconds)
        infer_s = m.median(lambda r: r.infer_s)
        speed.append(
            (
                m.label,
                str(m.segments),
                f"{m.audio_s:.0f}",
                f"{infer_s:.1f}",
                f"{cold_s:.1f}",
                m.spread(build_over_infer),
                f"{cold_s / m.audio_s:.4f}",
                f"{infer_s / m.audio_s:.4f}",
            )
        )
        edits = {f"{r.edit.synthesized}/{r.edit.reused + r.edit.synthesized}" for r in m.rounds}
        rebuild.append(
            (
                m.label,
                f"{cold_s:.1f}",
                m.spread(lambda r: r.noop.seconds, 2),
                m.spread(noop_share),
                m.spread(lambda r: r.edit.seconds, 2),
                m.spread(edit_share),
                " ".join(sorted(edits)),
            )
        )
        cpu.append(
            (
                m.label,
                f"{m.median(lambda r: r.infer_cpu_s):.1f}",
                f"{m.median(lambda r: r.cold.cpu_s):.1f}",
                m.spread(lambda r: r.cold.cpu_s / r.infer_cpu_s),
                m.spread(lambda r: r.noop.cpu_s / r.cold.cpu_s),
                m.spread(lambda r: r.edit.cpu_s / r.cold.cpu_s),
            )
        )
        memory.append(
            (
                m.label,
                f"{m.peak_mb():.0f}",
                f"{m.child_peak_mb():.0f}",
                f"{m.peak_mb() / base_peak:.2f}",
            )
        )
    rounds = len(measurements[0].rounds)
    parts = [
        f"workers: {layout[0]} × {layout[1]} model threads, as the build (cpu_count "
        f"{os.cpu_count()}); "
        f"load average at the end: {os.getloadavg()[0]:.2f} (other work skews the ratios)",
        f"{rounds} round(s); ratios are the median of the rounds' own ratios (range in "
        "brackets), times the rounds' medians; peak memory the highest seen",
        "",
        "speed (cold build vs the model alone)",
        table(speed),
        "",
        "rebuilds",
        table(rebuild),
        "",
        "CPU seconds (the same runs; on a shared machine these hold still when wall times don't)",
        table(cpu),
        "",
        "memory (cold build)",
        table(memory),
        "",
        "targets",
        table(_targets(measurements)),
    ]
    return "\n".join(parts)


def _targets(measurements: list[Measurement]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("page", "target", "value", "limit", "met")]
    for m in measurements:
        first = m is measurements[0]
        limit = MAX_BUILD_OVER_INFER_SAMPLE if first else MAX_BUILD_OVER_INFER_LONG
        checks = [
            ("build/infer", m.median(build_over_infer), limit),
            ("edit/cold", m.median(edit_share), MAX_EDIT_SHARE),
        ]
        if first:
            checks.append(("no-op/cold", m.median(noop_share), MAX_NOOP_SHARE))
        else:
            checks += [
                ("python peak MB", m.peak_mb(), MAX_LONG_PEAK_MB),
                ("peak/sample", m.peak_mb() / measurements[0].peak_mb(), MAX_LONG_OVER_SAMPLE_PEAK),
            ]
        for name, value, limit in checks:
            rows.append((m.label, name, f"{value:.3f}", f"≤ {limit:g}", _mark(value, limit)))
    return rows


def pages(args: argparse.Namespace, workdir: Path) -> list[tuple[str, Path]]:
    def synthetic(label: str, seconds: float) -> tuple[str, Path]:
        path = workdir / re.sub(r"\W+", "-", label) / "synthetic-2024-06-01.md"
        path.parent.mkdir(parents=True)
        path.write_text(synthetic_page(seconds), encoding="utf-8")
        return label, path

    if args.quick:
        return [synthetic("quick", 12), synthetic("quick x2", 24)]
    return [("sample", SAMPLE), synthetic(f"{args.minutes:g} min", args.minutes * 60)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the long page")
    parser.add_argument("--quick", action="store_true", help="tiny pages, for a smoke test")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of side-by-side runs (median kept)"
    )
    args = parser.parse_args()
    layout = build_layout()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "AUDIOPAPER_MODEL_CACHE": str(workdir / "models")}
        os.environ["AUDIOPAPER_MODEL_CACHE"] = env["AUDIOPAPER_MODEL_CACHE"]
        # Builds keep their bytecode, as Python does on any machine after a first run
        # (an environment that forbids it recompiles every module at every start); a
        # throwaway build of a tiny page compiles what a build imports.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        warm = workdir / "warm-up" / "synthetic-2024-01-01.md"
        warm.parent.mkdir()
        warm.write_text(synthetic_page(3), encoding="utf-8")
        run_build(warm, workdir / "out-warm-up", env)
        run_build(warm, workdir / "out-warm-up", env)  # and what a no-op rebuild imports
        from audiopaper.engines.offline import _patched_acoustic_model

        _patched_acoustic_model()  # made once, as on any machine after its first build
        measurements = []
        for label, page in pages(args, workdir):
            rounds = 1 if args.quick else max(1, args.rounds)
            measurements.append(measure(label, page, workdir, layout, env, rounds))
            print(f"measured {label}", file=sys.stderr, flush=True)
    print(report(measurements, layout))


if __name__ == "__main__":
    main()
