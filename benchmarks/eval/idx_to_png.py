#!/usr/bin/env python3
"""Writes images of an IDX file (Fashion-MNIST's t10k-images-idx3-ubyte[.gz]) as grayscale PNGs, Python's standard
library only, so `shufflenet cam` can explain them. Usage: idx_to_png.py IMAGES.idx[.gz] OUTDIR INDEX..."""
import gzip, os, struct, sys, zlib

path, out, indices = sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[3:]]
data = (gzip.open if path.endswith('.gz') else open)(path, 'rb').read()
magic, n, h, w = struct.unpack('>IIII', data[:16])
assert magic == 0x803, f'{path} is not an IDX image file'
os.makedirs(out, exist_ok=True)


def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))


for i in indices:
    pixels = data[16 + i * h * w: 16 + (i + 1) * h * w]
    raw = b''.join(b'\0' + pixels[r * w:(r + 1) * w] for r in range(h))   # filter byte 0 per row
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) + \
        chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
    with open(os.path.join(out, f't10k_{i:05d}.png'), 'wb') as f:
        f.write(png)
