"""JPEG encodings the decoder must handle alike: chroma 4:4:4 / 4:2:2 / 4:2:0, baseline and progressive.

Writes tests/ShuffleNet.Vision.Tests/Fixtures/jpeg-variants/*.jpg from tests/reference/images/chelsea.png
(Debian's Pillow 9.4: /usr/bin/python3 tools/reference/make_jpeg_variants.py). The tests compare decodes of
these files with each other, so no expected pixels are stored.
"""
import os
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "tests", "ShuffleNet.Vision.Tests", "Fixtures", "jpeg-variants")
os.makedirs(out, exist_ok=True)
src = Image.open(os.path.join(root, "tests", "reference", "images", "chelsea.png")).convert("RGB")
src = src.crop((0, 0, 203, 150))  # odd sizes: partial iMCUs on both edges
for sub, name in [(0, "444"), (1, "422"), (2, "420")]:
    for progressive in (False, True):
        path = os.path.join(out, f"chelsea_{name}{'_progressive' if progressive else ''}.jpg")
        src.save(path, quality=87, subsampling=sub, progressive=progressive)
        print(path, os.path.getsize(path))
