"""End-to-end build cost against the speech model alone, rebuild costs, memory.

    uv run python bench/build_bench.py                   # the sample page + a 10-minute page
    uv run python bench/build_bench.py --minutes 120     # the 2-hour page
    uv run python bench/build_bench.py --quick           # smoke run (used by the tests)

Everything is measured side by side in one run and reported as ratios:
- build ÷ inference: a cold whole-process build against the pure model inference for
  exactly the same segments, with the same workers and thread settings;
- real-time factor (build seconds per audio second);
- no-op rebuild and one-paragraph-edit rebuild as a share of the cold build;
- peak RSS of the build process, and the long page's against the sample's.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import page as synthetic_page  # noqa: E402

SAMPLE = ROOT / "examples" / "binjiang-daily-2024-03-18.txt"


def run_build(page: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Whole-process build; returns (seconds, peak RSS in MB of the build process tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "audiopaper",
            "build",
            str(page),
            "--out",
            str(out),
            "--quiet",
            *extra,
        ],
        check=True,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def peak_rss_of(page: Path, out: Path) -> float:
    """Peak RSS of one build in a fresh child (RUSAGE_CHILDREN keeps a running max)."""
    code = (
        "import resource,subprocess,sys;"
        "subprocess.run([sys.executable,'-m','audiopaper','build',sys.argv[1],'--out',sys.argv[2],"
        "'--quiet'],check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out_text = subprocess.run(
        [sys.executable, "-c", code, str(page), str(out)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out_text.strip().splitlines()[-1]) / 1024


def pure_inference(page: Path, workers: int) -> tuple[float, float]:
    """The model alone on the same segments: (seconds, audio seconds)."""
    from audiopaper.engines.offline import OfflineEngine
    from audiopaper.pipeline import BuildOptions, plan

    the_plan = plan(BuildOptions(input_path=page, out_dir=Path(tempfile.mkdtemp())))
    engine = OfflineEngine(threads_per_job=1)
    texts = sorted({s.spoken_text for s in the_plan.segments})
    voice = the_plan.profile.voice
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda t: engine.synthesize(t, voice), texts[:workers]))  # load models
        start = time.perf_counter()
        results = list(pool.map(lambda t: engine.synthesize(t, voice), texts))
        seconds = time.perf_counter() - start
    return seconds, sum(r.duration for r in results)


def edit_one_paragraph(page: Path, target: Path) -> None:
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if len(line) > 40 and line.endswith("。"):
            lines[index] = line[:-1] + "，记者在现场看到了这一变化。"
            break
    target.write_text("\n".join(lines), encoding="utf-8")


def measure(label: str, page: Path, workdir: Path, workers: int) -> dict[str, float]:
    out = workdir / f"out-{label}"
    cold, _ = run_build(page, out)
    noop, _ = run_build(page, out)
    edited = workdir / f"{page.stem}-edited{page.suffix}"
    edit_one_paragraph(page, edited)
    # the edited page must be the same edition: same name stem gives the same date
    edited_named = workdir / "edited" / page.name
    edited_named.parent.mkdir(exist_ok=True)
    edited_named.write_bytes(edited.read_bytes())
    edit, _ = run_build(edited_named, out)
    infer, audio = pure_inference(page, workers)
    rss = peak_rss_of(page, workdir / f"rss-{label}")
    return {"cold": cold, "noop": noop, "edit": edit, "infer": infer, "audio": audio, "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the long page")
    parser.add_argument("--quick", action="store_true", help="tiny pages, for a smoke test")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        pages: list[tuple[str, Path]] = []
        if args.quick:
            short = workdir / "quick" / "quick-2024-06-01.md"
            short.parent.mkdir()
            short.write_text(synthetic_page(20), encoding="utf-8")
            pages.append(("quick", short))
        else:
            pages.append(("sample", SAMPLE))
            long_page = workdir / "long" / "long-2024-06-01.md"
            long_page.parent.mkdir()
            long_page.write_text(synthetic_page(args.minutes * 60), encoding="utf-8")
            pages.append((f"{args.minutes:g} min", long_page))
        rows = [
            (label, measure(label.replace(" ", ""), page, workdir, workers))
            for label, page in pages
        ]
    print(f"workers: {workers}")
    header = (
        "page",
        "audio s",
        "build s",
        "infer s",
        "build/infer",
        "RTF",
        "no-op/cold",
        "edit/cold",
        "peak MB",
    )
    print(" | ".join(header))
    for label, m in rows:
        print(
            " | ".join(
                [
                    label,
                    f"{m['audio']:.0f}",
                    f"{m['cold']:.1f}",
                    f"{m['infer']:.1f}",
                    f"{m['cold'] / m['infer']:.3f}",
                    f"{m['cold'] / m['audio']:.4f}",
                    f"{m['noop'] / m['cold']:.3f}",
                    f"{m['edit'] / m['cold']:.3f}",
                    f"{m['rss']:.0f}",
                ]
            )
        )
    if len(rows) == 2:
        print(f"peak RSS long/sample: {rows[1][1]['rss'] / rows[0][1]['rss']:.2f}")


if __name__ == "__main__":
    main()
