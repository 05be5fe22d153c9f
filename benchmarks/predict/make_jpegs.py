#!/usr/bin/python3
"""N JPEGs made from the reference photos (tests/reference/images): seeded random crops (30-100% of the side,
aspect 3:4 to 4:3), resized so the short side is 160-640, JPEG quality 50-95, some mirrored. Written in mmpretrain's
ImageNet layout, OUT/val/*.JPEG and OUT/meta/val.txt, labelled with the ImageNet class of the photo (astronaut: space
shuttle 812, chelsea: tabby 281, coffee: espresso 967), so `predict OUT/val` and `test --data OUT --ann-file
meta/val.txt` both read them. Not committed (about 40 MB for 1,000). Debian's Pillow: /usr/bin/python3.
Usage: make_jpegs.py OUT [N=1000] [SEED=0]"""
import os, random, sys
from PIL import Image

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
here = os.path.dirname(os.path.abspath(__file__))
photos = {'astronaut.png': 812, 'chelsea.png': 281, 'coffee.png': 967}
sources = [(Image.open(os.path.join(here, '../../tests/reference/images', p)).convert('RGB'), label)
           for p, label in photos.items()]
rng = random.Random(seed)
os.makedirs(os.path.join(out, 'val'), exist_ok=True)
os.makedirs(os.path.join(out, 'meta'), exist_ok=True)
lines = []
for i in range(n):
    im, label = sources[i % len(sources)]
    w, h = im.size
    side = rng.uniform(0.3, 1.0)
    aspect = rng.uniform(0.75, 4 / 3)
    cw, ch = min(w, int(w * side * aspect ** 0.5)), min(h, int(h * side / aspect ** 0.5))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    crop = im.crop((x, y, x + cw, y + ch))
    short = rng.randint(160, 640)
    scale = short / min(cw, ch)
    crop = crop.resize((max(1, round(cw * scale)), max(1, round(ch * scale))), Image.BICUBIC)
    if rng.random() < 0.5: crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
    name = f'img_{i:05d}.JPEG'
    crop.save(os.path.join(out, 'val', name), quality=rng.randint(50, 95))
    lines.append(f'{name} {label}\n')
with open(os.path.join(out, 'meta', 'val.txt'), 'w') as f: f.writelines(lines)
print(f'{n} JPEGs in {out}/val, labels in {out}/meta/val.txt')
