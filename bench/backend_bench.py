"""The offline voice on its two runtimes, ONNX Runtime and LiteRT, side by side.

    uv run python bench/backend_bench.py                 # a 2-minute page, 2 rounds
    uv run python bench/backend_bench.py --minutes 5 --rounds 3
    uv run python bench/backend_bench.py --quick         # smoke run (used by the tests)

For one synthetic page (distinct sentences), each round measures, alternating the
backends so that other load on the machine falls on both alike:

- the whole build: a cold whole-process build (``python -m audiopaper build``, empty
  output folder and clip cache) with a voice profile that names the backend;
- the pure inference: the same distinct segments through that backend's acoustic model
  and vocoder only (windowed vocoding included), on as many worker threads as the build
  uses (``os.cpu_count()``), one runtime thread each. Phonemes and the models are
  prepared before the clock starts.

Per backend it reports the best round: RTF (seconds per second of audio) of the build
and of the inference alone, and the build's overhead over the inference; then the
speed-up of ONNX Runtime over LiteRT for both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tables import table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import page as synthetic_page  # noqa: E402

BACKENDS = ("onnx", "litert")
EXPECTED_SPEEDUP = 1.4  # from the first measurement, for the reader


@dataclass(frozen=True)
class Round:
    backend: str
    build_s: float
    infer_s: float
    audio_s: float  # seconds of speech the inference produced


def profile_for(backend: str, folder: Path) -> Path:
    path = folder / f"offline-{backend}.toml"
    path.write_text(
        f'name = "offline-{backend}"\n[voice]\nengine = "offline"\nname = "baker"\n'
        f'backend = "{backend}"\n',
        encoding="utf-8",
    )
    return path


def whole_build(page: Path, profile: Path, out: Path, env: dict[str, str]) -> float:
    command = [
        sys.executable, "-m", "audiopaper", "build", str(page),
        "--out", str(out), "--voice", str(profile), "--quiet",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def distinct_segments(page: Path) -> list[tuple[list[int], Any]]:
    """The build's plan: each distinct text once, in job order, as phoneme ids."""
    from audiopaper.engines.offline import OfflineEngine
    from audiopaper.pipeline import BuildOptions, plan, synthesis_jobs

    with tempfile.TemporaryDirectory() as out:
        jobs = synthesis_jobs(plan(BuildOptions(input_path=page, out_dir=Path(out))))
    first: dict[str, Any] = {}
    for job in jobs:
        if not isinstance(job.engine, OfflineEngine):
            raise SystemExit(f"the build uses {type(job.engine).__name__}, not the offline voice")
        first.setdefault(job.key, job)
    work = []
    for job in first.values():
        ids = job.engine.frontend.phonemes(job.segment.spoken_text).ids()
        if len(ids) > 3:  # the engine skips texts with nothing speakable
            work.append((ids, job.voice))
    return work


def pure_inference(backend: str, work: list[tuple[list[int], Any]], workers: int) -> Round:
    from audiopaper.engines.offline import make_runner

    local = threading.local()
    ready = threading.Barrier(workers)

    def load(_: int) -> None:
        local.runner = make_runner(backend, 1)
        local.runner.speak(*work[0])  # first calls allocate (ONNX Runtime's arenas)
        ready.wait()  # one warm runner on every worker thread before the clock starts

    def speak(item: tuple[list[int], Any]) -> int:
        return len(local.runner.speak(*item))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(load, range(workers)))
        start = time.perf_counter()
        samples = sum(pool.map(speak, work))
        seconds = time.perf_counter() - start
    return Round(backend, 0.0, seconds, samples / 24_000)


def report(rounds: list[Round], workers: int) -> str:
    best = {
        b: min((r for r in rounds if r.backend == b), key=lambda r: r.build_s) for b in BACKENDS
    }
    fastest = {b: min(r.infer_s for r in rounds if r.backend == b) for b in BACKENDS}
    rows = [("backend", "audio s", "build s", "infer s", "build RTF", "infer RTF", "build/infer")]
    for backend in BACKENDS:
        r, infer = best[backend], fastest[backend]
        rows.append(
            (
                backend,
                f"{r.audio_s:.0f}",
                f"{r.build_s:.1f}",
                f"{infer:.1f}",
                f"{r.build_s / r.audio_s:.4f}",
                f"{infer / r.audio_s:.4f}",
                f"{r.build_s / infer:.3f}",
            )
        )
    speedup = [("LiteRT ÷ ONNX", "whole build", "pure inference", "expected")]
    speedup.append(
        (
            "speed-up",
            f"{best['litert'].build_s / best['onnx'].build_s:.2f}×",
            f"{fastest['litert'] / fastest['onnx']:.2f}×",
            f"~{EXPECTED_SPEEDUP:g}×",
        )
    )
    every = [("round", "backend", "build s", "infer s")]
    every += [
        (str(i // len(BACKENDS) + 1), r.backend, f"{r.build_s:.1f}", f"{r.infer_s:.2f}")
        for i, r in enumerate(rounds)
    ]
    return "\n".join(
        [
            f"workers: {workers} threads × 1 runtime thread (cpu_count {os.cpu_count()}); "
            f"load average at the end: {os.getloadavg()[0]:.2f} (other work skews times; "
            "the rounds alternate backends so it skews both)",
            "",
            "best round per backend",
            table(rows),
            "",
            table(speedup),
            "",
            "every round, in the order run",
            table(every),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="length of the page")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per backend")
    parser.add_argument("--quick", action="store_true", help="a tiny page, one round")
    args = parser.parse_args()
    seconds, rounds = (15.0, 1) if args.quick else (args.minutes * 60, args.rounds)
    workers = os.cpu_count() or 1
    from audiopaper.engines.offline import installed_backends

    missing = set(BACKENDS) - set(installed_backends())
    if missing:
        raise SystemExit(f"this machine lacks the {', '.join(sorted(missing))} backend")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "AUDIOPAPER_MODEL_CACHE": str(workdir / "models")}
        os.environ["AUDIOPAPER_MODEL_CACHE"] = env["AUDIOPAPER_MODEL_CACHE"]
        from audiopaper.engines.offline import _patched_acoustic_model

        _patched_acoustic_model()  # LiteRT's rewritten model, made once as on any machine
        page = workdir / "synthetic-2024-06-01.md"
        page.write_text(synthetic_page(seconds), encoding="utf-8")
        work = distinct_segments(page)
        results: list[Round] = []
        for number in range(rounds):
            for backend in BACKENDS if number % 2 == 0 else BACKENDS[::-1]:
                out = workdir / f"out-{backend}-{number}"
                build_s = whole_build(page, profile_for(backend, workdir), out, env)
                infer = pure_inference(backend, work, workers)
                results.append(Round(backend, build_s, infer.infer_s, infer.audio_s))
                print(f"round {number + 1}: {backend} done", file=sys.stderr, flush=True)
    print(report(results, workers))


if __name__ == "__main__":
    main()
