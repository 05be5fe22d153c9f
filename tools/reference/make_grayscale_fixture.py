#!/usr/bin/python3
"""Pillow 9.4's RGB -> 'L' conversion and the Fashion-MNIST predict pipeline (grayscale, bilinear 28x28) on a
seeded random image. Usage: /usr/bin/python3 tools/reference/make_grayscale_fixture.py tests/ShuffleNet.Vision.Tests/Fixtures
Writes gray.bin: 37x23 RGB bytes, then their 'L' bytes, then the 28x28 bilinear resize of 'L'."""
import sys, numpy as np
from PIL import Image
rgb = np.random.default_rng(5).integers(0, 256, (23, 37, 3), dtype=np.uint8)
im = Image.fromarray(rgb, 'RGB').convert('L')
small = im.resize((28, 28), Image.BILINEAR)
open(f'{sys.argv[1]}/gray.bin', 'wb').write(rgb.tobytes() + np.asarray(im).tobytes() + np.asarray(small).tobytes())
