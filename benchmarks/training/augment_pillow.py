#!/usr/bin/python3
"""Per-op cost of the same RandAugment ops in Pillow 9.4 (timm's calls, mmpretrain's level-9 magnitudes), on the
224x224 RGB fixtures, for comparison with AugmentBench's 'each op alone'. Usage: /usr/bin/python3 THIS [PASSES=5]"""
import glob, os, sys, time
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

passes = int(sys.argv[1]) if len(sys.argv) > 1 else 5
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
files = sorted(glob.glob(os.path.join(root, 'tests/ShuffleNet.Vision.Tests/Fixtures/pipeline/*.rgb')))
photos = [Image.fromarray(np.fromfile(f, np.uint8).reshape(224, 224, 3)) for f in files]
fill = (128, 128, 128)


def affine(data, resample):
    return lambda im: im.transform(im.size, Image.AFFINE, data, resample, fillcolor=fill)


def solarize_add(im):   # mmpretrain's numpy formula (no Pillow op)
    x = np.asarray(im)
    return Image.fromarray(np.where(x < 128, np.minimum(x + 99.0, 255), x).astype(np.uint8))


ops = [
    ('AutoContrast', ImageOps.autocontrast), ('Equalize', ImageOps.equalize), ('Invert', ImageOps.invert),
    ('Rotate 27', lambda im: im.rotate(-27, Image.NEAREST, fillcolor=fill)),
    ('Posterize 1', lambda im: ImageOps.posterize(im, 1)), ('Solarize 25.6', lambda im: ImageOps.solarize(im, 25.6)),
    ('SolarizeAdd 99', solarize_add),
    ('Color 1.81', lambda im: ImageEnhance.Color(im).enhance(1.81)),
    ('Contrast 1.81', lambda im: ImageEnhance.Contrast(im).enhance(1.81)),
    ('Brightness 1.81', lambda im: ImageEnhance.Brightness(im).enhance(1.81)),
    ('Sharpness 1.81', lambda im: ImageEnhance.Sharpness(im).enhance(1.81)),
    ('Shear h 0.27 bicubic', affine((1, -0.27, 0, 0, 1, 0), Image.BICUBIC)),
    ('Shear v 0.27 bicubic', affine((1, 0, 0, -0.27, 1, 0), Image.BICUBIC)),
    ('Translate h 0.405', affine((1, 0, -0.405 * 224, 0, 1, 0), Image.NEAREST)),
    ('Translate v 0.405', affine((1, 0, 0, 0, 1, -0.405 * 224), Image.NEAREST)),
]
images = [photos[i % len(photos)] for i in range(50)]


def seconds(f):
    t0 = time.perf_counter()
    for im in images:
        f(im)
    return time.perf_counter() - t0


for name, f in ops:
    seconds(f)   # warm-up
    best = min(seconds(f) for _ in range(passes))
    print(f'  {name:<24} {best / len(images) * 1e6:8.0f} us')
