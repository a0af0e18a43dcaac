"""Compressed audio bytes → mono float32 samples, through the bundled ffmpeg.

The bytes go to ffmpeg's stdin and raw little-endian float32 comes back on its stdout:
no temp files, so concurrent callers never share anything on disk.
"""

from __future__ import annotations

import subprocess

import numpy as np

from audiopaper.errors import EngineError

DECODE_TIMEOUT_S = 120.0  # far longer than any segment takes to decode


def decode_to_float32(data: bytes, sample_rate: int) -> np.ndarray:
    """Decode MP3 (or anything ffmpeg reads) to mono float32 in [-1, 1] at ``sample_rate``."""
    if sample_rate <= 0:
        raise ValueError(f"sample rate must be positive, got {sample_rate}")
    if not data:
        raise EngineError("cannot decode audio: no bytes were received")
    command = [
        _ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-i",
        "pipe:0",
        "-f",
        "f32le",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
        "pipe:1",
    ]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=DECODE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"cannot run ffmpeg to decode audio: {exc}") from exc
    if done.returncode != 0:
        reason = _last_line(done.stderr) or f"exit code {done.returncode}"
        raise EngineError(f"ffmpeg could not decode {len(data)} bytes of audio: {reason}")
    usable = len(done.stdout) - len(done.stdout) % 4
    samples = np.frombuffer(done.stdout[:usable], dtype="<f4").astype(np.float32)
    # A lossy decoder may overshoot full scale by a hair; the protocol promises [-1, 1].
    return np.clip(samples, -1.0, 1.0)


def _ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise EngineError(
            "cannot decode audio: imageio-ffmpeg is not installed",
            hint="reinstall audiopaper with its dependencies (uv sync)",
        ) from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise EngineError(f"cannot decode audio: no ffmpeg executable ({exc})") from exc


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""
