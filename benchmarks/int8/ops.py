# Counts the operators of ONNX models, e.g. ONNX Runtime's optimised graphs written by Int8Bench --dump.
# Usage: /usr/bin/python3 benchmarks/int8/ops.py MODEL.onnx ...
import collections
import sys

import onnx

for path in sys.argv[1:]:
    model = onnx.load(path)
    counts = collections.Counter(f"{n.domain + '.' if n.domain else ''}{n.op_type}" for n in model.graph.node)
    print(f"{path}: {len(model.graph.node)} nodes: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
