#!/usr/bin/python3
"""ImageNet-like JPEGs for the loader benchmark: about 500x375, quality 90, from random crops and rescales of the
reference photos plus a little noise. Usage: /usr/bin/python3 make_jpegs.py [OUTDIR=/tmp/loader-bench-jpegs] [N=200]"""
import os, sys
import numpy as np
from PIL import Image

out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/loader-bench-jpegs'
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/reference/images')
photos = [np.asarray(Image.open(os.path.join(src, p)).convert('RGB')) for p in sorted(os.listdir(src))]
rng = np.random.default_rng(0)
os.makedirs(out, exist_ok=True)
for i in range(n):
    a = photos[i % len(photos)]
    h, w = a.shape[:2]
    ch, cw = int(h * rng.uniform(0.6, 1.0)), int(w * rng.uniform(0.6, 1.0))
    y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    crop = Image.fromarray(a[y:y + ch, x:x + cw])
    size = (500, 375) if rng.random() < 0.75 else (375, 500)
    img = np.asarray(crop.resize(size, Image.BILINEAR)).astype(np.int16) + rng.normal(0, 4, (size[1], size[0], 3)).astype(np.int16)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(os.path.join(out, f'{i:04d}.jpg'), quality=90)
print('wrote', n, 'JPEGs to', out)
