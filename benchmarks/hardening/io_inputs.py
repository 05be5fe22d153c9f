#!/usr/bin/env python3
"""Makes the crafted inputs of the I/O rows of issue 16 (stdlib only): the 1 x 1,000,000 PNG, the
1000-image folder with that PNG in the middle (copies of a small valid PNG around it), a tiny image-folder
training set (train/ and val/, 2 classes of 16 images) with its config, and a config with a duplicate key.

usage: io_inputs.py OUT_DIR
"""
import json, os, struct, sys, zlib


def png(width, height, pixel_rows, color_type):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in pixel_rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main(out):
    os.makedirs(out, exist_ok=True)
    # 1 pixel wide, 1,000,000 tall, gray: ResizeEdge(256) would make it 256 x 256,000,000
    tall = png(1, 1_000_000, (bytes([i % 251]) for i in range(1_000_000)), color_type=0)
    with open(os.path.join(out, "tall_1x1000000.png"), "wb") as f:
        f.write(tall)
    # a 64x48 RGB gradient: small, valid, quick to classify
    rows = (bytes(v for x in range(64) for v in (x * 4 % 256, y * 5 % 256, (x + y) % 256)) for y in range(48))
    small = png(64, 48, rows, color_type=2)
    folder = os.path.join(out, "folder1000")
    for c in range(2):
        os.makedirs(os.path.join(folder, f"class{c}"), exist_ok=True)
    for i in range(1000):
        name = os.path.join(folder, f"class{i % 2}", f"img{i:04d}.png")
        with open(name, "wb") as f:
            f.write(tall if i == 500 else small)
    for split in ("train", "val"):
        for c in range(2):
            os.makedirs(os.path.join(out, "trainset", split, f"class{c}"), exist_ok=True)
            for i in range(16):
                rows = (bytes(v for x in range(40) for v in ((x * 6 + i) % 256, (y * 7 + 90 * c) % 256, (120 * c + i) % 256))
                        for y in range(40))
                with open(os.path.join(out, "trainset", split, f"class{c}", f"{i:02d}.png"), "wb") as f:
                    f.write(png(40, 40, rows, color_type=2))
    tiny = {
        "model": {"width": "0.5x", "num_classes": 2},
        "data": {"dataset": "image_folder", "root": os.path.join(out, "trainset"), "batch_size": 8, "workers": 2,
                 "crop_size": 32, "resize_edge": 36},
        "optimizer": {"lr": 0.05, "base_batch_size": 0},
        "schedule": {"epochs": 4, "policy": "cosine", "warmup": "none"},
        "run": {"log_interval": 1, "threads": 2, "keep_checkpoints": -1},
    }
    with open(os.path.join(out, "tiny.json"), "w") as f:
        json.dump(tiny, f, indent=1)
    with open(os.path.join(out, "duplicate.json"), "w") as f:
        f.write('{"optimizer": {"lr": 0.1, "momentum": 0.9, "lr": 0.2}}\n')
    with open(os.path.join(out, "huge.json"), "w") as f:
        f.write('{"schedule": {"power": 1e999}}\n')


if __name__ == "__main__":
    main(sys.argv[1])
