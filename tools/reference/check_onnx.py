#!/usr/bin/python3
"""Validates ONNX files with the onnx package's checker (full check, with shape inference).

Run by hand with Debian's Python (apt-get install python3-onnx), not in the tests:
    /usr/bin/python3 tools/reference/check_onnx.py model.onnx [more.onnx ...]
Prints IR version, opsets, operator counts and metadata keys of each file; exits 1 on the first invalid one.
"""
import collections
import sys

import onnx


def main(paths):
    for path in paths:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        ops = collections.Counter(node.op_type for node in model.graph.node)
        opsets = {imp.domain or "ai.onnx": imp.version for imp in model.opset_import}
        print(f"{path}: valid; ir_version {model.ir_version}, opsets {opsets}")
        print("  ops: " + ", ".join(f"{op} {n}" for op, n in sorted(ops.items())))
        print("  metadata: " + ", ".join(p.key for p in model.metadata_props))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    try:
        main(sys.argv[1:])
    except onnx.checker.ValidationError as e:
        sys.exit(f"invalid: {e}")
