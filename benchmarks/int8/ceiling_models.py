# Writes the models Int8Bench --ceiling times to measure this machine's int8 and fp32 conv throughput in
# ONNX Runtime: chains of 1x1 convs, 256 -> 256 channels at 28x28, int8 as QDQ (per-channel symmetric int8
# weights, uint8 activations: what ORT fuses into QLinearConv) and fp32, 4 and 20 convs long. The difference
# between the two lengths leaves out the input quantization, layout transposes and per-run overheads.
# Usage: /usr/bin/python3 benchmarks/int8/ceiling_models.py OUTDIR   (Debian's python3-onnx, numpy)
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

C, HW = 256, 28


def chain(convs, int8):
    rng = np.random.default_rng(0)
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    act_scale, act_zero = const("act_scale", np.array(1 / 32, np.float32)), const("act_zero", np.array(0, np.uint8))
    x = "input"
    if int8:
        nodes.append(helper.make_node("QuantizeLinear", [x, act_scale, act_zero], ["q0"]))
        x = "q0"
    for i in range(convs):
        w = rng.standard_normal((C, C, 1, 1)).astype(np.float32) / 16
        b = np.zeros(C, np.float32)
        if int8:
            ws = np.abs(w).reshape(C, -1).max(1) / 127
            wq = np.round(w / ws[:, None, None, None]).astype(np.int8)
            names = [f"dqx{i}", f"dqw{i}", f"dqb{i}"]
            nodes.append(helper.make_node("DequantizeLinear", [x, act_scale, act_zero], [names[0]]))
            nodes.append(helper.make_node("DequantizeLinear", [const(f"w{i}", wq), const(f"ws{i}", ws.astype(np.float32)),
                                                              const(f"wz{i}", np.zeros(C, np.int8))], [names[1]], axis=0))
            bs = (ws / 32).astype(np.float32)
            nodes.append(helper.make_node("DequantizeLinear", [const(f"b{i}", np.zeros(C, np.int32)), const(f"bs{i}", bs),
                                                              const(f"bz{i}", np.zeros(C, np.int32))], [names[2]], axis=0))
            nodes.append(helper.make_node("Conv", names, [f"c{i}"]))
            nodes.append(helper.make_node("QuantizeLinear", [f"c{i}", act_scale, act_zero], [f"q{i + 1}"]))
            x = f"q{i + 1}"
        else:
            nodes.append(helper.make_node("Conv", [x, const(f"w{i}", w), const(f"b{i}", b)], [f"c{i}"]))
            nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
            x = f"r{i}"
    if int8:
        nodes.append(helper.make_node("DequantizeLinear", [x, act_scale, act_zero], ["output"]))
    else:
        nodes.append(helper.make_node("Identity", [x], ["output"]))
    shape = ["N", C, HW, HW]
    graph = helper.make_graph(nodes, "ceiling", [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for convs in (4, 20):
    for int8 in (True, False):
        onnx.save(chain(convs, int8), os.path.join(out, f"ceiling_{'int8' if int8 else 'fp32'}_{convs}.onnx"))
print(f"wrote 4 models to {out}: 1x1 convs {C}->{C} at {HW}x{HW}, {C * C * HW * HW / 1e6:.1f}M MACs per conv per image")
