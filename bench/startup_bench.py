"""Start-up cost of the command: whole processes, median of N runs, against targets.

    uv run python bench/startup_bench.py              # 15 runs of each command
    uv run python bench/startup_bench.py --imports    # and the slowest imports of each
    uv run python bench/startup_bench.py --quick      # 3 runs, for a smoke test

The command is run directly (the ``audiopaper`` script beside this interpreter, else
``python -m audiopaper``), never through ``uv run``, whose own start-up would be counted.
A bare interpreter start (``python -c pass``) is the floor nothing can go under.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tables import table

LINE = "2023年12月15日，增长12.5%，拨打12345热线\n"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    stdin: str | None
    target_s: float | None


def command() -> tuple[list[str], str]:
    """How to run audiopaper, and how that is described."""
    script = Path(sys.executable).parent / "audiopaper"
    if script.is_file():
        return [str(script)], str(script)
    return [sys.executable, "-m", "audiopaper"], f"{sys.executable} -m audiopaper"


def cases(base: list[str]) -> list[Case]:
    return [
        Case("python -c pass", (sys.executable, "-c", "pass"), None, None),
        Case("audiopaper --help", (*base, "--help"), None, 0.5),
        Case("audiopaper normalize (1 line)", (*base, "normalize"), LINE, 1.5),
    ]


def time_once(case: Case) -> float:
    start = time.perf_counter()
    subprocess.run(case.args, input=case.stdin, text=True, check=True, capture_output=True)
    return time.perf_counter() - start


def slowest_imports(case: Case, count: int = 8) -> list[tuple[float, str]]:
    """The imports with the largest cumulative time (``-X importtime``), in seconds."""
    args = list(case.args)
    if Path(args[0]).name == "audiopaper":  # the script: run its module with the flag
        args = [sys.executable, "-m", "audiopaper", *args[1:]]
    args.insert(1, "-X")
    args.insert(2, "importtime")
    log = subprocess.run(args, input=case.stdin, text=True, check=True, capture_output=True).stderr
    rows = re.findall(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S.*)$", log, re.MULTILINE)
    top = sorted(((int(us) / 1e6, name.strip()) for us, name in rows), reverse=True)
    return [(s, name) for s, name in top if not name.startswith("encodings")][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--quick", action="store_true", help="3 runs, for a smoke test")
    parser.add_argument("--imports", action="store_true", help="list the slowest imports")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    base, described = command()
    rows = [("command", "median s", "min s", "max s", "target s", "median/target", "met")]
    all_cases = cases(base)
    for case in all_cases:
        time_once(case)  # warm the page cache and the bytecode
        times = [time_once(case) for _ in range(runs)]
        median = statistics.median(times)
        target = case.target_s
        rows.append(
            (
                case.name,
                f"{median:.3f}",
                f"{min(times):.3f}",
                f"{max(times):.3f}",
                f"{target:g}" if target else "-",
                f"{median / target:.2f}" if target else "-",
                ("ok" if median <= target else "MISSED") if target else "",
            )
        )
    print(f"command: {described}; median of {runs} runs after one warm-up")
    print(table(rows))
    if args.imports:
        for case in all_cases[1:]:
            print(f"\nslowest imports (cumulative s) for {case.name}")
            print(table([("s", "module"), *[(f"{s:.3f}", n) for s, n in slowest_imports(case)]]))


if __name__ == "__main__":
    main()
