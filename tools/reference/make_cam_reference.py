#!/usr/bin/python3
"""Grad-CAM and Grad-CAM++ made with real PyTorch (Debian python3-torch 1.13, torchvision 0.14, Pillow 9.4), the
reference for ShuffleNet.Visualization.GradCam: hooks on the same layers of torchvision's ShuffleNet V2 loaded with the
same weights (tests/reference/mmcls_1.0.pth), the same images through the mmcls test pipeline.
Usage: make_cam_reference.py [OUT]   (default tests/reference/cam_1.0.json)

Per image, layer and class: the normalised maps at the layer's resolution, from the float32 model and from the same
model in float64 (how far float32 rounding alone moves a map: on the random-weight reference network a stage's map can
hang on a small difference of large terms). Also one bilinear resize of a map by
torch.nn.functional.interpolate(align_corners=False), the upsampling the overlay uses. The formulas are written out
here from the papers (Grad-CAM: Selvaraju et al. 2017; Grad-CAM++: Chattopadhyay et al. 2018, eq. 19, as
pytorch-grad-cam computes it), in float64 on float32 activations and gradients."""
import json, os, sys
import numpy as np
import torch, torchvision
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
ref = os.path.join(here, '../../tests/reference')
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ref, 'cam_1.0.json')
torch.set_num_threads(1)


def mm2tv(key):
    """mmpretrain key -> torchvision key (the inverse of make_reference.py's tv2mm)."""
    p = key.split('.')
    if p[0] == 'head': return 'fc.' + p[2]
    p = p[1:]  # drop 'backbone'
    if p[0] == 'conv1': return 'conv1.' + {'conv': '0', 'bn': '1'}[p[1]] + '.' + p[2]
    s = int(p[1])
    if s == 3: return 'conv5.' + {'conv': '0', 'bn': '1'}[p[2]] + '.' + p[3]
    blk, br, idx, kind, name = p[2], p[3], p[4], p[5], p[6]
    seq = {('branch1', '0'): (0, 1), ('branch1', '1'): (2, 3),
           ('branch2', '0'): (0, 1), ('branch2', '1'): (3, 4), ('branch2', '2'): (5, 6)}[(br, idx)]
    return f'stage{s + 2}.{blk}.{br}.{seq[0] if kind == "conv" else seq[1]}.{name}'


ckpt = torch.load(os.path.join(ref, 'mmcls_1.0.pth'), map_location='cpu')
model = torchvision.models.shufflenet_v2_x1_0()
model.load_state_dict({mm2tv(k): v for k, v in ckpt['state_dict'].items()})
model.eval()
model64 = torchvision.models.shufflenet_v2_x1_0()
model64.load_state_dict(model.state_dict())
model64 = model64.double().eval()
layers = {'conv5': lambda m: m.conv5, 'stage4': lambda m: m.stage4, 'stage3.3': lambda m: m.stage3[3]}
mean = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
std = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)


def pipeline(path):
    """mmcls test pipeline: short side 256 (Pillow bilinear, long side truncated), centre crop 224, normalise."""
    im = Image.open(path).convert('RGB'); w, h = im.size
    if w < h: im = im.resize((256, int(256 * h / w)), Image.BILINEAR)
    elif h < w: im = im.resize((int(256 * w / h), 256), Image.BILINEAR)
    elif w != 256: im = im.resize((256, 256), Image.BILINEAR)
    a = np.asarray(im); H, W = a.shape[:2]
    y, x = int(round((H - 224) / 2.)), int(round((W - 224) / 2.))
    crop = torch.from_numpy(np.ascontiguousarray(a[y:y + 224, x:x + 224])).permute(2, 0, 1).float()
    return ((crop - mean) / std)[None]


def run(m, module, x, cls):
    """Hooks module, returns (top-1, explained class, activations, gradients) of image x for class cls (None: top-1)."""
    kept = {}
    hook = module.register_forward_hook(lambda mod, i, o: kept.__setitem__('a', o))
    logits = m(x.clone().requires_grad_(True))
    hook.remove()
    c = int(logits[0].argmax()) if cls is None else cls
    grad, = torch.autograd.grad(logits[0, c], kept['a'])
    return int(logits[0].argmax()), c, kept['a'][0].detach().double().numpy(), grad[0].double().numpy()


def cams(a, g):
    """a, g: [C, H, W] float64 -> normalised Grad-CAM and Grad-CAM++ maps [H, W]."""
    w_cam = g.mean(axis=(1, 2))
    g2, g3 = g ** 2, g ** 3
    alpha = g2 / (2 * g2 + a.sum(axis=(1, 2))[:, None, None] * g3 + 1e-6)
    alpha = np.where(g != 0, alpha, 0)
    w_pp = (np.maximum(g, 0) * alpha).sum(axis=(1, 2))
    result = []
    for w in (w_cam, w_pp):
        m = np.maximum((w[:, None, None] * a).sum(axis=0), 0)
        m = m - m.min()
        result.append(m / (1e-7 + m.max()))
    return result


cases = []
for name in ['astronaut.png', 'chelsea.png', 'coffee.png']:
    x = pipeline(os.path.join(ref, 'images', name))
    for layer, module in layers.items():
        for cls in (None, 281):   # the top-1 class, and a fixed one (tabby cat)
            top1, c, a, g = run(model, module(model), x, cls)
            gc, pp = cams(a, g)
            _, c64, a64, g64 = run(model64, module(model64), x.double(), c)
            gc64, pp64 = cams(a64, g64)
            cases.append({'image': name, 'layer': layer, 'class': cls, 'top1': top1,
                          'explained': c, 'height': gc.shape[0], 'width': gc.shape[1],
                          'grad_cam': gc.ravel().tolist(), 'grad_cam_pp': pp.ravel().tolist(),
                          'grad_cam_f64': gc64.ravel().tolist(), 'grad_cam_pp_f64': pp64.ravel().tolist()})
            print(name, layer, c, gc.shape,
                  'float32 vs float64: %.2e %.2e' % (abs(gc - gc64).max(), abs(pp - pp64).max()))
src = torch.from_numpy(np.array(cases[0]['grad_cam']).reshape(1, 1, 7, 7))
resized = torch.nn.functional.interpolate(src, size=(23, 31), mode='bilinear', align_corners=False)[0, 0]
with open(out, 'w') as f:
    json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'cases': cases,
               'resize': {'from': cases[0]['grad_cam'], 'height': 7, 'width': 7, 'out_height': 23, 'out_width': 31,
                          'result': resized.ravel().tolist()}}, f)
    f.write('\n')
print('wrote', out)
