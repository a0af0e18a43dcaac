"""The streaming loudness meter agrees with ffmpeg's EBU R128 meter."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter

from audiopaper.ffmpeg import measure_loudness
from audiopaper.loudness import LoudnessMeter, _k_weighting
from audiopaper.pieces import piece_gain


def test_k_weighting_at_48k_is_the_standards() -> None:
    shelf, high_pass = _k_weighting(48_000)
    assert shelf == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285,
                                   1.0, -1.69065929318241, 0.73248077421585], abs=1e-9)  # fmt: skip
    assert high_pass == pytest.approx([1.0, -2.0, 1.0, 1.0, -1.99004745483398,
                                       0.99007225036621], abs=1e-9)  # fmt: skip


@pytest.mark.parametrize("level", [0.05, 0.3])
def test_meter_matches_ffmpeg_on_speech_like_bursts(level: float) -> None:
    rng = np.random.default_rng(7)
    rate = 24_000
    noise = lfilter([1.0], [1.0, -0.9], rng.standard_normal(rate * 15)) * level
    bursts = (np.sin(np.arange(len(noise)) / rate * 2 * np.pi * 0.4) > -0.2).astype(float)
    pcm = (np.clip(noise * bursts, -1, 1) * 32767).astype("<i2").tobytes()
    pieces = [pcm[: 123_457 * 2], pcm[123_457 * 2 :]]  # an odd split: steps carry over
    meter = LoudnessMeter(rate)
    meter.add_pcm(pieces[0])
    meter.add_silence(rate // 3)
    meter.add_pcm(pieces[1])
    theirs = measure_loudness([pieces[0], bytes(rate // 3 * 2), pieces[1]], rate, true_peak=False)
    assert meter.integrated_lufs() == pytest.approx(theirs.integrated_lufs, abs=0.1)


def test_silence_is_minus_infinity_and_gets_no_gain() -> None:
    meter = LoudnessMeter(24_000)
    meter.add_silence(24_000 * 3)
    assert meter.integrated_lufs() == float("-inf")
    assert piece_gain(float("-inf")) == 0.0


def test_gains_are_quantized() -> None:
    assert piece_gain(-23.04) == pytest.approx(7.5)  # 7.54 dB to the target
    assert piece_gain(-23.3) == pytest.approx(8.0)  # 7.8 dB
    assert piece_gain(-23.2) == pytest.approx(7.5)  # 7.7 dB


def test_filter_by_fft_matches_the_iir_filter_step_by_step() -> None:
    """The impulse-response filter gives the recursive filter's 100 ms energies, across
    odd feed sizes, silences and blocks longer than one FFT."""
    from scipy.signal import sosfilt

    rate = 24_000
    rng = np.random.default_rng(3)
    parts = [rng.standard_normal(n) * 0.2 for n in (1, 777, 70_001, 150_000, 5)]
    meter = LoudnessMeter(rate)
    fed = []
    for part in parts:
        meter.add(part)
        meter.add_silence(9_999)
        fed += [part, np.zeros(9_999)]
    signal = np.concatenate(fed)
    filtered = sosfilt(_k_weighting(rate), signal)
    step = rate // 10
    whole = len(filtered) // step
    theirs = (filtered[: whole * step] ** 2).reshape(whole, step).sum(axis=1)
    assert np.array(meter._steps) == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_meter_needs_no_scipy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from audiopaper.loudness import LoudnessMeter\n"
        "m = LoudnessMeter(24000)\n"
        "m.add_pcm(bytes(range(256)) * 2000)\n"
        "m.add_silence(24000)\n"
        "print(round(m.integrated_lufs(), 1), 'scipy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[1] == "False"
