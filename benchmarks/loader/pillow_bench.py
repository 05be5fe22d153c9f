#!/usr/bin/python3
"""The PyTorch user's training transform on one core: Pillow decode + torchvision RandomResizedCrop(224) +
RandomHorizontalFlip + ToTensor + Normalize, torch.set_num_threads(1). Also the eval pipeline and decode alone.
Usage: /usr/bin/python3 pillow_bench.py DIR [PASSES=3]"""
import os, sys, time
import torch, torchvision.transforms as T
from PIL import Image

torch.set_num_threads(1); torch.manual_seed(0)
d = sys.argv[1]; passes = int(sys.argv[2]) if len(sys.argv) > 2 else 3
files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.jpg'))
norm = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
train = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(), norm])
evalp = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), norm])


def rate(fn):
    best = 0
    for _ in range(passes):
        t = time.perf_counter()
        for f in files: fn(f)
        best = max(best, len(files) / (time.perf_counter() - t))
    return best


print(f'pillow decode        : {rate(lambda f: Image.open(f).convert("RGB").load()):7.1f} img/s (1 thread, best of {passes})')
print(f'pillow+tv train      : {rate(lambda f: train(Image.open(f).convert("RGB"))):7.1f} img/s')
print(f'pillow+tv eval       : {rate(lambda f: evalp(Image.open(f).convert("RGB"))):7.1f} img/s')
