"""Differential check of the JPEG shim (src/ShuffleNet.Vision/Native/sn_jpeg.c) against Pillow 9.4.

Encodes 400 random crops of a reference photo with Pillow (sizes 1-300, RGB and gray, chroma 4:4:4/4:2:2/4:2:0,
baseline/progressive/optimized, several qualities) and decodes each whole and in four random regions through the
shim built by `dotnet build` (src/ShuffleNet.Vision/obj/native/libshufflenet_jpeg.so); every region must equal
Pillow's full decode cropped. Developer check (needs /usr/bin/python3 with Pillow, numpy); CI runs the C# tests.
Usage: /usr/bin/python3 tools/reference/check_jpeg_shim.py
"""
import ctypes, io, os, random
from PIL import Image
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
lib = ctypes.CDLL(os.path.join(root, 'src', 'ShuffleNet.Vision', 'obj', 'native', 'libshufflenet_jpeg.so'))
src = Image.open(os.path.join(root, 'tests', 'reference', 'images', 'astronaut.png')).convert('RGB')
rng = random.Random(5); bad = 0; n = 0
for t in range(400):
    W = rng.choice([1,2,3,7,8,9,15,16,17,31,33,rng.randrange(1,300)]); H = rng.choice([1,2,5,8,16,17,rng.randrange(1,300)])
    x0 = rng.randrange(0, 512-W+1); y0 = rng.randrange(0, 512-H+1)
    im = src.crop((x0,y0,x0+W,y0+H))
    mode = rng.choice(['RGB','RGB','L'])
    if mode == 'L': im = im.convert('L')
    b = io.BytesIO()
    kw = dict(quality=rng.choice([50,75,90,100]), progressive=rng.random()<0.3, optimize=rng.random()<0.3)
    if mode == 'RGB': kw['subsampling'] = rng.choice([0,1,2])
    im.save(b, 'JPEG', **kw); data = b.getvalue()
    ref = np.asarray(Image.open(io.BytesIO(data)).convert('RGB'))
    for k in range(5):
        x = rng.randrange(W); y = rng.randrange(H); w = 1+rng.randrange(W-x); h = 1+rng.randrange(H-y)
        if k == 0: x, y, w, h = 0, 0, W, H
        out = ctypes.create_string_buffer(w*h*3); msg = ctypes.create_string_buffer(256)
        r = lib.sn_jpeg_decode_region(data, ctypes.c_ulong(len(data)), x, y, w, h, out, msg)
        a = np.frombuffer(out.raw, np.uint8).reshape(h, w, 3); n += 1
        if r != 0 or (a != ref[y:y+h, x:x+w]).any():
            bad += 1; print(W, H, mode, kw, (x,y,w,h), r, msg.value, int(np.abs(a.astype(int)-ref[y:y+h,x:x+w]).max()))
print(n, 'decodes,', bad, 'differ from Pillow')
