"""The ffmpeg executable shipped by the imageio-ffmpeg wheel (libmp3lame included),
so no system package is needed."""

from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from audiopaper.errors import OutputError


@functools.cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    lra_lu: float


def run_with_input(args: list[str], chunks: Iterable[bytes]) -> str:
    """Run ffmpeg feeding ``chunks`` to its stdin; return its log. stderr goes to a
    temp file so a chatty filter can never block the pipe."""
    with tempfile.TemporaryFile() as log:
        try:
            process = subprocess.Popen(
                [ffmpeg_exe(), "-hide_banner", "-nostats", "-y", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        except OSError as exc:
            raise OutputError(
                f"cannot run ffmpeg: {exc}", hint="reinstall audiopaper (uv sync)"
            ) from exc
        stdin = process.stdin
        if stdin is None:  # cannot happen with stdin=PIPE; keeps the type checker honest
            raise OutputError("ffmpeg has no input pipe")
        try:
            for chunk in chunks:
                stdin.write(chunk)
        except BrokenPipeError:
            pass  # ffmpeg stopped reading: its exit code and log say why
        except BaseException:
            # Never wait on an ffmpeg whose input is still open: it would wait forever.
            process.kill()
            process.wait()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()
        code = process.wait()
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if code != 0:
        last = text.strip().splitlines()[-1:] or ["no output"]
        raise OutputError(f"ffmpeg failed: {last[0]}", hint="run again with --verbose for details")
    return text


def pcm_input_args(sample_rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]


def measure_loudness(chunks: Iterable[bytes], sample_rate: int, true_peak: bool = True) -> Loudness:
    """EBU R128 loudness of streamed PCM; without ``true_peak`` (4x oversampling, the
    slow part) the peak is reported as -inf."""
    meter = "ebur128=peak=true:framelog=quiet" if true_peak else "ebur128=framelog=quiet"
    log = run_with_input([*pcm_input_args(sample_rate), "-af", meter, "-f", "null", "-"], chunks)
    return parse_ebur128(log)


def parse_ebur128(log: str) -> Loudness:
    summary = log[log.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf)\s+LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+)\s+LU", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf)\s+dBFS", summary)
    if not (integrated and lra):
        raise OutputError("could not read ffmpeg's loudness measurement")

    def number(match: re.Match[str]) -> float:
        return float("-inf") if match.group(1) == "-inf" else float(match.group(1))

    return Loudness(number(integrated), number(peak) if peak else float("-inf"), number(lra))


def measure_file_loudness(path: Path) -> Loudness:
    """Decode a finished file and measure it, as a listener's player will hear it."""
    log = run_with_input(
        ["-i", str(path), "-vn", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], []
    )
    return parse_ebur128(log)
