"""Integrated loudness (ITU-R BS.1770 / EBU R128) of PCM as it streams past, in numpy.

The encoder needs each piece's gain before the first sample goes in, so the piece is
metered in one cheap pass over its clips (a K-weighting filter and block powers) rather
than by a second run of ffmpeg over the whole edition.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_SUB_BLOCK_S = 0.1  # gating blocks are 400 ms, overlapping by 75 %: four 100 ms steps
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


def _k_weighting(rate: int) -> np.ndarray:
    """The two BS.1770 filters (high shelf, then high pass) for ``rate``, as second-order
    sections, derived as libebur128 (and so ffmpeg's meter) derives them: at 48 kHz they
    are the standard's coefficients."""
    import numpy as np

    k = math.tan(math.pi * 1681.974450955533 / rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        1.0,
        2 * (k * k - 1) / a0,
        (1 - k / q + k * k) / a0,
    ]
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, high_pass])


class LoudnessMeter:
    """Feed 16-bit PCM (or silence) in order; ask for the integrated loudness."""

    def __init__(self, rate: int) -> None:
        import numpy as np

        self.rate = rate
        self._sos = _k_weighting(rate)
        self._state = np.zeros((2, 2))
        self._step = round(rate * _SUB_BLOCK_S)
        self._partial = 0.0  # sum of squares of the unfinished 100 ms step
        self._partial_len = 0
        self._steps: list[float] = []  # sum of squares of each finished 100 ms step

    def add_pcm(self, pcm: bytes) -> None:
        import numpy as np

        self.add(np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0)

    def add_silence(self, samples: int) -> None:
        import numpy as np

        while samples > 0:
            size = min(samples, self.rate * 10)
            self.add(np.zeros(size))
            samples -= size

    def add(self, samples: np.ndarray) -> None:
        from scipy.signal import sosfilt

        if len(samples) == 0:
            return
        filtered, self._state = sosfilt(self._sos, samples, zi=self._state)
        squares = filtered * filtered
        head = min(len(squares), self._step - self._partial_len)
        self._partial += float(squares[:head].sum())
        self._partial_len += head
        if self._partial_len < self._step:
            return
        self._steps.append(self._partial)
        rest = squares[head:]
        whole = len(rest) // self._step * self._step
        self._steps.extend(rest[:whole].reshape(-1, self._step).sum(axis=1).tolist())
        self._partial = float(rest[whole:].sum())
        self._partial_len = len(rest) - whole

    def integrated_lufs(self) -> float:
        """Gated loudness of everything fed so far (-inf for silence)."""
        import numpy as np

        steps = np.array(self._steps)
        if len(steps) < 4:
            return float("-inf")
        blocks = (steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]) / (4 * self._step)
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(blocks)
        kept = blocks[loudness > _ABSOLUTE_GATE]
        if len(kept) == 0:
            return float("-inf")
        relative = -0.691 + 10 * math.log10(float(kept.mean())) + _RELATIVE_GATE
        gated = blocks[(loudness > _ABSOLUTE_GATE) & (loudness > relative)]
        return -0.691 + 10 * math.log10(float(gated.mean()))
