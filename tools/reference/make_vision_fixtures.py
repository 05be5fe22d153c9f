#!/usr/bin/python3
"""Fixtures for tests/ShuffleNet.Vision.Tests, made with Debian 12's Pillow 9.4, numpy and OpenCV 4.6
(apt-get install python3-pil python3-numpy python3-opencv; run with /usr/bin/python3, not a pyenv python).
Usage: /usr/bin/python3 tools/reference/make_vision_fixtures.py [OUTDIR]   (default tests/ShuffleNet.Vision.Tests/Fixtures)
Writes:
  pipeline/<photo>.rgb      uint8 224x224x3: the mmcls test pipeline of make_reference.py on tests/reference/images
  pipeline.json             per photo: size, resized size, crop offset
  resize.bin/resize.json    random uint8 images and their Pillow resizes (NEAREST/BILINEAR/BICUBIC, crop boxes)
  jpeg/<photo>.jpg          the photos saved by Pillow as JPEG quality 90
  jpeg/<photo>.decoded.png  Pillow's decode of that JPEG (lossless, to count differing bytes)
  jpeg/<photo>.crop.rgb     Pillow's mmcls test pipeline on that JPEG
  odd/*                     bad and unusual inputs; odd.json names each file, its expected outcome and the
                            reference that decoded it (OpenCV imread IMREAD_COLOR where it can, else Pillow)
  odd/<name>.expected.rgb   the reference's RGB pixels
"""
import io, json, os, struct, sys, zlib
import numpy as np
from PIL import Image
import cv2

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'tests/ShuffleNet.Vision.Tests/Fixtures')
photos_dir = os.path.join(root, 'tests/reference/images')
photos = ['astronaut.png', 'chelsea.png', 'coffee.png']
for d in ('pipeline', 'jpeg', 'odd'):
    os.makedirs(os.path.join(out, d), exist_ok=True)


def mmcls_test_pipeline(im):
    """Exactly make_reference.py: short side 256 (BILINEAR, long side truncated), centre crop 224 (round half even)."""
    w, h = im.size
    if (w <= h and w == 256) or (h <= w and h == 256): r = im
    elif w < h: r = im.resize((256, int(256 * h / w)), Image.BILINEAR)
    else: r = im.resize((int(256 * w / h), 256), Image.BILINEAR)
    a = np.asarray(r); H, W = a.shape[:2]
    y1 = max(0, int(round((H - 224) / 2.))); x1 = max(0, int(round((W - 224) / 2.)))
    return np.ascontiguousarray(a[y1:y1 + 224, x1:x1 + 224]), (W, H), (x1, y1)


# (a) pipeline crops of the reference photos
meta = {}
for p in photos:
    im = Image.open(os.path.join(photos_dir, p)).convert('RGB')
    crop, resized, xy = mmcls_test_pipeline(im)
    crop.tofile(os.path.join(out, 'pipeline', p.replace('.png', '.rgb')))
    meta[p] = {'size_wh': list(im.size), 'resized_wh': list(resized), 'crop_xy': list(xy)}
json.dump(meta, open(os.path.join(out, 'pipeline.json'), 'w'), indent=1)

# (b) resizes of random images: up, down, odd sizes, 1-pixel edges, L and RGB, crop boxes (crop then resize, as mmcls)
rng = np.random.default_rng(20240501)
sizes = [((7, 5), (3, 2)), ((5, 7), (13, 11)), ((1, 1), (4, 3)), ((9, 1), (2, 5)), ((31, 17), (16, 9)), ((17, 31), (41, 23)),
         ((64, 48), (32, 24)), ((64, 48), (21, 13)), ((37, 29), (37, 11)), ((37, 29), (5, 29)), ((97, 61), (7, 5)),
         ((50, 50), (49, 51)), ((3, 4), (64, 65)), ((120, 90), (33, 77)), ((45, 120), (44, 119)), ((80, 60), (224, 224)),
         ((130, 87), (112, 112)), ((11, 13), (11, 13))]
filters = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC}
cases, blob = [], bytearray()


def add(src, mode, box, dst_wh, fname):
    im = Image.fromarray(src, mode)
    if box is not None: im = im.crop((box[0], box[1], box[0] + box[2], box[1] + box[3]))
    res = np.asarray(im.resize(dst_wh, filters[fname]))
    c = 1 if mode == 'L' else 3
    cases.append({'src_wh': [src.shape[1], src.shape[0]], 'channels': c, 'box': box, 'dst_wh': list(dst_wh),
                  'filter': fname, 'src_offset': len(blob), 'dst_offset': len(blob) + src.size})
    blob.extend(src.tobytes()); blob.extend(res.tobytes())


for (sw, sh), dst in sizes:
    for mode in ('RGB', 'L'):
        shape = (sh, sw, 3) if mode == 'RGB' else (sh, sw)
        src = rng.integers(0, 256, shape, dtype=np.uint8)
        if rng.random() < 0.3: src[sh // 2:, :] = 255 - src[sh // 2:, :] // 8   # bright areas: bicubic overshoot clips
        for fname in filters:
            add(src, mode, None, dst, fname)
for k in range(12):  # crop boxes then resize, as RandomResizedCrop does
    src = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    bw, bh = int(rng.integers(1, 81)), int(rng.integers(1, 61))
    box = [int(rng.integers(0, 81 - bw)), int(rng.integers(0, 61 - bh)), bw, bh]
    for fname in filters:
        add(src, 'RGB', box, (int(rng.integers(1, 50)), int(rng.integers(1, 50))), fname)
open(os.path.join(out, 'resize.bin'), 'wb').write(bytes(blob))
json.dump(cases, open(os.path.join(out, 'resize.json'), 'w'))

# (c) JPEG quality 90 versions of the photos, Pillow's decode and pipeline of them
for p in photos:
    name = p.replace('.png', '')
    jpg = os.path.join(out, 'jpeg', name + '.jpg')
    Image.open(os.path.join(photos_dir, p)).convert('RGB').save(jpg, quality=90)
    dec = Image.open(jpg).convert('RGB')
    dec.save(os.path.join(out, 'jpeg', name + '.decoded.png'))
    mmcls_test_pipeline(dec)[0].tofile(os.path.join(out, 'jpeg', name + '.crop.rgb'))

# (d) odd inputs
odd = os.path.join(out, 'odd')
base = np.asarray(Image.open(os.path.join(photos_dir, 'chelsea.png')).convert('RGB').resize((45, 30), Image.BILINEAR))
entries = []


def ref_opencv(path):
    a = cv2.imread(path, cv2.IMREAD_COLOR)
    return None if a is None else np.ascontiguousarray(a[..., ::-1])


def entry(name, expect, reference='opencv', tolerance=0, note=''):
    path = os.path.join(odd, name)
    e = {'file': name, 'expect': expect, 'reference': reference, 'tolerance': tolerance, 'note': note}
    if expect == 'ok':
        rgb = ref_opencv(path) if reference == 'opencv' else np.asarray(Image.open(path).convert('RGB'))
        assert rgb is not None, name
        e['wh'] = [rgb.shape[1], rgb.shape[0]]
        rgb.tofile(path + '.expected.rgb')
    entries.append(e)


Image.fromarray(base).save(os.path.join(odd, 'full.jpg'), quality=90)
data = open(os.path.join(odd, 'full.jpg'), 'rb').read()
open(os.path.join(odd, 'truncated.jpg'), 'wb').write(data[:len(data) // 2]); os.remove(os.path.join(odd, 'full.jpg'))
entry('truncated.jpg', 'error:truncated')
open(os.path.join(odd, 'empty.jpg'), 'wb').close(); entry('empty.jpg', 'error:empty')
open(os.path.join(odd, 'text.jpg'), 'w').write('hello, this is a text file, not a JPEG\n'); entry('text.jpg', 'error:not a recognized image')


def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)


png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 100000, 100000, 8, 2, 0, 0, 0)) + \
    chunk(b'IDAT', zlib.compress(b'\x00' * 301)) + chunk(b'IEND', b'')
open(os.path.join(odd, 'huge_header.png'), 'wb').write(png); entry('huge_header.png', 'error:pixels')

Image.fromarray(base[:1, :1]).save(os.path.join(odd, 'one_pixel.png')); entry('one_pixel.png', 'ok')
Image.fromarray(base).convert('L').save(os.path.join(odd, 'gray.png')); entry('gray.png', 'ok')
Image.fromarray(base).convert('L').save(os.path.join(odd, 'gray.jpg'), quality=90)
entry('gray.jpg', 'ok', tolerance=1, note='lossy: Skia and OpenCV link different libjpeg-turbo builds')
Image.fromarray(base).convert('CMYK').save(os.path.join(odd, 'cmyk.jpg'), quality=95)
entry('cmyk.jpg', 'ok', tolerance=4, note='CMYK to RGB: Skia rounds c*k/255, OpenCV truncates k-(255-c)*k>>8')
g16 = (rng.integers(0, 65536, (30, 45))).astype(np.uint16)
Image.fromarray(g16.astype(np.int32)).convert('I;16').save(os.path.join(odd, 'gray16.png'))
entry('gray16.png', 'ok', tolerance=1, note='16-bit: OpenCV keeps the high byte; Skia converts to 8 bits itself (no 16-bit integer output)')
rgb16 = rng.integers(0, 65536, (30, 45, 3)).astype(np.uint16)
cv2.imwrite(os.path.join(odd, 'rgb16.png'), rgb16); entry('rgb16.png', 'ok', tolerance=1, note='written by OpenCV (Pillow cannot write RGB 16-bit); OpenCV keeps the high byte; Skia converts to 8 bits itself')
rgba = np.dstack([base, rng.integers(0, 256, base.shape[:2], dtype=np.uint8)]); rgba[0, :, 3] = 0; rgba[1, :, 3] = 1
Image.fromarray(rgba, 'RGBA').save(os.path.join(odd, 'rgba.png')); entry('rgba.png', 'ok', note='semi-transparent: alpha dropped, not premultiplied')
Image.fromarray(base).quantize(37).save(os.path.join(odd, 'palette.png')); entry('palette.png', 'ok')
for o in (3, 6):
    ex = Image.Exif(); ex[0x0112] = o
    Image.fromarray(base).save(os.path.join(odd, f'exif{o}.jpg'), quality=90, exif=ex.tobytes())
    entry(f'exif{o}.jpg', 'ok', tolerance=1, note='EXIF orientation applied by OpenCV imread; lossy')
frames = [Image.fromarray(base).quantize(64), Image.fromarray(255 - base).quantize(64)]
frames[0].save(os.path.join(odd, 'two_frames.gif'), save_all=True, append_images=frames[1:], duration=100)
entry('two_frames.gif', 'ok', reference='pillow', note="OpenCV 4.6 cannot read GIF: Pillow's first frame, convert('RGB')")
Image.fromarray(base).save(os.path.join(odd, 'image.bmp')); entry('image.bmp', 'ok')
Image.fromarray(base).save(os.path.join(odd, 'image.webp'), lossless=True); entry('image.webp', 'ok')
json.dump(entries, open(os.path.join(out, 'odd.json'), 'w'), indent=1)
print('wrote', out, len(cases), 'resize cases,', len(entries), 'odd inputs')
