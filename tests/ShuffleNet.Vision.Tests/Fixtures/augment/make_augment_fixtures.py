#!/usr/bin/python3
"""Reference outputs of the RandAugment/AutoAugment ops, made with Debian 12's Pillow 9.4 and numpy
(apt-get install python3-pil python3-numpy; run with /usr/bin/python3).
Usage: /usr/bin/python3 tests/ShuffleNet.Vision.Tests/Fixtures/augment/make_augment_fixtures.py
Sources: a 32x32 RGB crop of Fixtures/pipeline/chelsea.rgb and a 28x28 grayscale (Pillow 'L') crop of coffee.rgb.
Every op is the Pillow call timm makes for it, with mmpretrain's parameters (its Rotate angle is clockwise, its
Shear/Translate move the image the way cv2.warpAffine does, so Pillow gets the inverse map: -angle, -magnitude,
-offset); SolarizeAdd is mmpretrain's own numpy formula. Writes augment.json (one case per line: source, op,
parameters, offset of the expected pixels) and augment.bin (the two sources, then every case's output).
"""
import json, os
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

here = os.path.dirname(os.path.abspath(__file__))
photos = os.path.join(os.path.dirname(here), 'pipeline')


def photo(name):
    return np.fromfile(os.path.join(photos, name), np.uint8).reshape(224, 224, 3)


sources = {
    'rgb': Image.fromarray(np.ascontiguousarray(photo('chelsea.rgb')[60:92, 100:132])),
    'gray': Image.fromarray(np.ascontiguousarray(photo('coffee.rgb')[90:118, 70:98])).convert('L'),
}
filters = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC}


def run(img, op, a):
    fill = tuple(a.get('fill', [128, 128, 128])) if img.mode == 'RGB' else a.get('fill', [128])[0]
    f = filters.get(a.get('interpolation', 'nearest'))
    if op == 'AutoContrast': return ImageOps.autocontrast(img)
    if op == 'Equalize': return ImageOps.equalize(img)
    if op == 'Invert': return ImageOps.invert(img)
    if op == 'Posterize': return ImageOps.posterize(img, a['bits'])
    if op == 'Solarize': return ImageOps.solarize(img, a['thr'])
    if op == 'SolarizeAdd':
        x = np.asarray(img)
        return Image.fromarray(np.where(x < a['thr'], np.minimum(x + a['magnitude'], 255), x).astype(np.uint8))
    if op == 'ColorTransform': return ImageEnhance.Color(img).enhance(1 + a['magnitude'])
    if op == 'Contrast': return ImageEnhance.Contrast(img).enhance(1 + a['magnitude'])
    if op == 'Brightness': return ImageEnhance.Brightness(img).enhance(1 + a['magnitude'])
    if op == 'Sharpness': return ImageEnhance.Sharpness(img).enhance(1 + a['magnitude'])
    if op == 'Rotate': return img.rotate(-a['angle'], resample=f, fillcolor=fill)
    w, h = img.size
    m = a['magnitude']
    if op == 'Shear':
        data = (1, -m, 0, 0, 1, 0) if a['direction'] == 'horizontal' else (1, 0, 0, -m, 1, 0)
    elif op == 'Translate':
        data = (1, 0, -m * w, 0, 1, 0) if a['direction'] == 'horizontal' else (1, 0, 0, 0, 1, -m * h)
    return img.transform(img.size, Image.AFFINE, data, f, fillcolor=fill)


H, V = 'horizontal', 'vertical'
cases = [('AutoContrast', {}), ('Equalize', {}), ('Invert', {})]
cases += [('Posterize', {'bits': b}) for b in (0, 1, 2, 3, 4, 8)]
cases += [('Solarize', {'thr': t}) for t in (256.0, 256 / 9 * 4, 256 / 9, 0.0)]
cases += [('SolarizeAdd', {'magnitude': m, 'thr': 128}) for m in (0.0, 37.4, 110.0)]
for op in ('ColorTransform', 'Contrast', 'Brightness', 'Sharpness'):
    cases += [(op, {'magnitude': m}) for m in (-0.9, -0.37, 0.0, 0.7, 0.9)]
cases += [('Rotate', {'angle': 30.0}), ('Rotate', {'angle': -12.7}), ('Rotate', {'angle': 0.0}),
          ('Rotate', {'angle': 26.3, 'interpolation': 'bilinear'}),
          ('Rotate', {'angle': -30.0, 'interpolation': 'bicubic', 'fill': [124, 116, 104]}),
          ('Shear', {'magnitude': 0.3, 'direction': H}), ('Shear', {'magnitude': -0.17, 'direction': H,
                                                                   'interpolation': 'bicubic'}),
          ('Shear', {'magnitude': 0.3, 'direction': V, 'interpolation': 'bilinear'}),
          ('Shear', {'magnitude': -0.25, 'direction': V, 'interpolation': 'bicubic'}),
          ('Translate', {'magnitude': 0.45, 'direction': H}),
          ('Translate', {'magnitude': -0.13, 'direction': H, 'interpolation': 'bicubic'}),
          ('Translate', {'magnitude': 0.3, 'direction': V}),
          ('Translate', {'magnitude': -0.45, 'direction': V, 'interpolation': 'bilinear'})]

blob = bytearray()
index = {'sources': {}, 'cases': []}
for name, img in sources.items():
    index['sources'][name] = {'width': img.size[0], 'height': img.size[1], 'channels': len(img.getbands()),
                              'offset': len(blob)}
    blob += img.tobytes()
for name, img in sources.items():
    for op, a in cases:
        out = run(img, op, a)
        assert out.mode == img.mode and out.size == img.size
        index['cases'].append({'source': name, 'op': op, 'args': a, 'offset': len(blob)})
        blob += out.tobytes()
with open(os.path.join(here, 'augment.bin'), 'wb') as f: f.write(bytes(blob))
with open(os.path.join(here, 'augment.json'), 'w') as f:
    f.write('{"sources": ' + json.dumps(index['sources']) + ',\n "cases": [\n  ')
    f.write(',\n  '.join(json.dumps(c) for c in index['cases']) + '\n ]}\n')
print(len(index['cases']), 'cases,', len(blob), 'bytes')
